"""Opening a memory file: connect, make the schema of a new one, check its settings.

A path with no memory is made, refused or read as empty by ``missing``
(:data:`Missing`); a new memory's directory must exist; a memory in a directory that
cannot be written is read as it is (SQLite's ``immutable`` mode: it cannot keep its
``-wal`` and ``-shm`` files there) and every write to it is refused; a file of another program,
another schema version or other settings is refused with a one-line
:class:`~scenecodec.errors.StoreError`.

>>> import tempfile, pathlib
>>> from scenecodec.memory.store import Settings
>>> path = pathlib.Path(tempfile.mkdtemp()) / "m.sqlite"
>>> connect(path, Settings(1024, 0, 0.6, "hash"), missing="error")
Traceback (most recent call last):
...
scenecodec.errors.StoreError: no memory at ... (a write such as compress makes one)
>>> db, settings = connect(path, Settings(1024, 0, 0.6, "hash"))
>>> settings.describe()
'dim=1024, seed=0, alpha=0.6, embedder=hash'
>>> db.close()
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Literal

from scenecodec.errors import StoreError
from scenecodec.memory.refusal import refusal, rollback
from scenecodec.memory.schema import ADDED, APPLICATION_ID, SCHEMA, SCHEMA_VERSION, temporary
from scenecodec.memory.store import Settings

__all__ = ["Missing", "connect"]

Missing = Literal["create", "error", "empty"]
"""What opening a path with no memory does: make one, refuse, or read an empty one."""


def connect(
    path: Path,
    settings: Settings,
    required: frozenset[str] | None = None,
    missing: Missing = "create",
) -> tuple[sqlite3.Connection, Settings]:
    """The connection to the memory at ``path`` and its stored settings, creating it
    with ``settings`` if it is new (``missing``: see :data:`Missing`).

    An existing memory keeps its own settings; the fields named in ``required`` (all
    of them when ``None``) must equal ``settings``' or :class:`StoreError` is raised.
    """
    target = str(path)
    if target != ":memory:" and not path.exists():
        if missing == "error":
            raise StoreError(f"no memory at {path} (a write such as compress makes one)")
        if missing == "empty":
            target = ":memory:"  # read as empty; nothing is made on disk
        elif not path.parent.is_dir():
            why = "is not a directory" if path.parent.exists() else "does not exist"
            raise StoreError(f"cannot open memory {path}: its directory {path.parent} {why}")
    if target != ":memory:" and path.is_file() and not os.access(path.parent, os.W_OK):
        # no -wal or -shm can be made beside it: read the file as it is, never write it
        target = path.resolve().as_uri() + "?mode=ro&immutable=1"
    try:
        db = sqlite3.connect(
            target, timeout=30.0, isolation_level=None, check_same_thread=False, uri=True
        )
    except sqlite3.Error as e:
        raise StoreError(f"cannot open memory {path}: {e}") from None
    try:
        stored = _prepare(db, path, settings, required)
    except sqlite3.DatabaseError as e:
        db.close()
        if getattr(e, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_NOTADB:
            raise StoreError(f"{path} is not a scenecodec memory ({e})") from None
        raise refusal(path, e) from None
    except StoreError:
        db.close()
        raise
    return db, stored


def _prepare(
    db: sqlite3.Connection, path: Path, wanted: Settings, required: frozenset[str] | None
) -> Settings:
    # tables first: a writer making this memory commits its tables and application id
    # together, so once its tables are seen its id is too (the other order could read
    # the id before that commit and the tables after it, and call the memory foreign)
    tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    app_id = db.execute("PRAGMA application_id").fetchone()[0]
    if tables and app_id != APPLICATION_ID:
        raise StoreError(f"{path} is not a scenecodec memory (a database of another program)")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    if not tables:
        _create(db, path, wanted)
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version != SCHEMA_VERSION:
        raise StoreError(
            f"{path} has schema version {version}; this scenecodec reads "
            f"version {SCHEMA_VERSION} (move the file away to start a new memory)"
        )
    for statement in filter(str.strip, ADDED.split(";")):
        try:
            db.execute(statement)
        except sqlite3.OperationalError as e:  # a read-only file made before the table
            if e.sqlite_errorcode & 0xFF != sqlite3.SQLITE_READONLY:
                raise
            db.execute(temporary(statement))  # read as empty; every write is refused anyway
    values = dict(db.execute("SELECT key, value FROM settings"))
    stored = Settings.read(values)
    stored.check(wanted, required, path)
    return stored


def _create(db: sqlite3.Connection, path: Path, settings: Settings) -> None:
    db.execute("BEGIN IMMEDIATE")
    try:
        if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
            for statement in filter(str.strip, SCHEMA.split(";")):
                db.execute(statement)
            db.executemany("INSERT INTO settings VALUES (?, ?)", settings.rows())
            db.execute(f"PRAGMA application_id={APPLICATION_ID}")
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        db.execute("COMMIT")
    except BaseException:
        rollback(db)
        raise
