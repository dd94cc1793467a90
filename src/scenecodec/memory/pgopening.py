"""Opening a memory on PostgreSQL: make the schema of a new one, check an existing one.

A database with no schema ``scenecodec`` holds no memory: a write makes one (under the
memory's advisory lock, so writers opening a new memory at once make it once), anything
else is told :class:`~scenecodec.memory.pgdriver.Absent`. A schema ``scenecodec`` that is
not a memory's, a memory of another schema version or other settings is refused in one
line, as on a file (:mod:`.opening`).
"""

from __future__ import annotations

from typing import Any

from scenecodec.errors import StoreError
from scenecodec.memory.pgdriver import LOCK, Absent, driver
from scenecodec.memory.pgschema import ADDED, APPLICATION, NAMESPACE, tables
from scenecodec.memory.schema import SCHEMA_VERSION, temporary
from scenecodec.memory.store import Settings

__all__ = ["exists", "prepare"]


def exists(db: Any) -> bool:
    """Whether the database of connection ``db`` holds a memory (the schema ``scenecodec``)."""
    found = db.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (NAMESPACE,))
    return found.fetchone() is not None


def prepare(
    db: Any, where: str, wanted: Settings, required: frozenset[str] | None, missing: str
) -> Settings:
    """The settings of the memory on ``db`` (named ``where``), made with ``wanted`` when
    there is none and ``missing`` is ``"create"``; ``required``: as
    :meth:`~scenecodec.memory.store.Settings.check`."""
    if not exists(db):
        if missing != "create":
            raise Absent(f"no memory at {where} (a write such as compress makes one)")
        with db.transaction():
            db.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK,))
            if not exists(db):
                _create(db, wanted)
    try:
        values = dict(db.execute("SELECT key, value FROM settings").fetchall())
    except driver().errors.UndefinedTable:
        values = {}
    if values.get("application") != APPLICATION:
        raise StoreError(
            f"{where} is not a scenecodec memory (its schema {NAMESPACE} belongs to "
            "another program)"
        )
    if values.get("schema") != str(SCHEMA_VERSION):
        raise StoreError(
            f"{where} has schema version {values.get('schema')}; this scenecodec "
            f"reads version {SCHEMA_VERSION}"
        )
    stored = Settings.read(values)
    stored.check(wanted, required, where)
    if db.execute(f"SELECT to_regclass('{NAMESPACE}.text_senses')").fetchone()[0] is None:
        _add(db)
    return stored


def _add(db: Any) -> None:
    """Make the tables added within this schema version (under the memory's lock), or,
    where this connection may not write, read them as empty temporary ones."""
    errors = driver().errors
    try:
        with db.transaction():
            db.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK,))
            db.execute(ADDED)
    except (errors.InsufficientPrivilege, errors.ReadOnlySqlTransaction):
        db.execute(temporary(ADDED))


def _create(db: Any, settings: Settings) -> None:
    """The extension, the schema, its tables and its settings (inside a transaction)."""
    db.execute("CREATE EXTENSION IF NOT EXISTS vector")
    for statement in filter(str.strip, tables(settings.dim).split(";")):
        db.execute(statement)
    rows = [("application", APPLICATION), ("schema", str(SCHEMA_VERSION)), ("last_code", "0")]
    with db.cursor() as cursor:
        cursor.executemany("INSERT INTO settings VALUES (%s, %s)", [*rows, *settings.rows()])
