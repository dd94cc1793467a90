"""A copy of a memory while it is in use: SQLite's online backup.

Copying the file alone misses what sits in its write-ahead log (``-wal``): scenes
acknowledged to their writers and not yet folded into the file (5 of 11 were lost in
one trial). :func:`backup` copies through SQLite
(:meth:`sqlite3.Connection.backup`) in one step, so the copy is one consistent
snapshot with the log's pages in it, while writers go on (a WAL reader blocks no one).
The copy is written beside its destination, checked (``PRAGMA quick_check``) and
renamed into place: a failed backup leaves no half-written file.

>>> import tempfile, pathlib
>>> from scenecodec.memory import open_store
>>> tmp = pathlib.Path(tempfile.mkdtemp())
>>> store = open_store(tmp / "m.sqlite", embedder="hash")
>>> path, scenes = backup(store, tmp / "copy.sqlite")
>>> path.name, scenes
('copy.sqlite', 0)
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from scenecodec.errors import InputError, StoreError
from scenecodec.memory.sqlite import SQLiteStore

__all__ = ["backup", "replaceable"]


def replaceable(dest: Path, force: bool) -> Path:
    """``dest`` if a finished copy may be renamed onto it: it does not exist, or it is a
    regular file and ``force`` is given (never a device, a directory or a pipe: a rename
    would replace the node itself); else :class:`InputError`.

    >>> replaceable(Path("/dev/null"), force=True)
    Traceback (most recent call last):
    ...
    scenecodec.errors.InputError: /dev/null is not a regular file; give a file name
    """
    if dest.exists() and not dest.is_file():
        raise InputError(f"{dest} is not a regular file; give a file name")
    if dest.exists() and not force:
        raise InputError(f"{dest} exists; give --force to replace it")
    return dest


def backup(store: SQLiteStore, dest: str | Path, *, force: bool = False) -> tuple[Path, int]:
    """Copy the memory of ``store`` to ``dest`` (a directory: into it under the memory's
    file name); the copy's path and how many scenes it holds. An existing file is
    replaced only with ``force``; :class:`InputError` otherwise."""
    dest = Path(dest).expanduser()
    if dest.is_dir():
        dest = dest / store.path.name
    if dest.exists() and dest.resolve() == store.path.resolve():
        raise InputError(f"{dest} is the memory itself; back it up somewhere else")
    replaceable(dest, force)
    if not dest.parent.is_dir():
        raise InputError(f"no directory {dest.parent} to back up into")
    partial = dest.with_name(f".{dest.name}.partial")
    try:
        copy = sqlite3.connect(partial)
        try:
            store.connection.backup(copy)  # all pages in one step: one snapshot
            check = copy.execute("PRAGMA quick_check").fetchone()[0]
            scenes = int(copy.execute("SELECT count(*) FROM scenes").fetchone()[0])
        finally:
            copy.close()
        if check != "ok":
            raise StoreError(f"the backup of {store.path} does not check: {check}")
        os.replace(partial, dest)
    except sqlite3.Error as e:
        raise StoreError(f"cannot write backup {dest}: {e}") from None
    finally:
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
    return dest, scenes
