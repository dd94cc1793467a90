"""The commands over a memory as a whole: export, import, backup, forget, migrate.

Each is a thin shell over one function of the memory layer
(:mod:`~scenecodec.memory.transfer`, :mod:`~scenecodec.memory.restore`,
:mod:`~scenecodec.memory.backup`, :mod:`~scenecodec.memory.forget`,
:mod:`~scenecodec.memory.migrate`). They work on a
memory that exists (none is made by asking to copy it), except ``import``, which
makes one.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from scenecodec.errors import InputError, StoreError
from scenecodec.interfaces.cli.app import app, emit, input_bytes, out, progress_bar
from scenecodec.interfaces.cli.options import JsonOpt, MemoryOpt, argument, option
from scenecodec.language.forms import parse_code
from scenecodec.memory import PostgresStore, SQLiteStore, default_path, is_url, open_store, shown
from scenecodec.memory.backup import backup as backup_memory
from scenecodec.memory.backup import replaceable
from scenecodec.memory.migrate import migrate as migrate_memory
from scenecodec.memory.restore import import_memory
from scenecodec.memory.transfer import KINDS, export_memory

__all__ = ["LINE_LIMIT", "backup", "export", "forget", "import_", "migrate"]

LINE_LIMIT = 64 * 2**20
"""Longest line an export may have (a scene's line takes about 1 KB, a long pulse's
state some MB)."""

ForceOpt = Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")]


def _existing(memory: str | None) -> SQLiteStore | PostgresStore:
    """The memory at ``memory`` (or the default one), which must exist."""
    location = memory or default_path()
    if not is_url(location) and not Path(location).expanduser().is_file():
        raise StoreError(f"no memory at {Path(location).expanduser()}")
    store = open_store(location, missing="error")
    assert isinstance(store, SQLiteStore | PostgresStore)  # the two stores a location opens
    return store


def _file(memory: str | None, command: str) -> SQLiteStore:
    """The SQLite memory at ``memory``, which must exist; a PostgreSQL one is refused,
    naming what does the same there."""
    store = _existing(memory)
    if not isinstance(store, SQLiteStore):
        store.close()
        raise InputError(
            f"{command} works on a SQLite memory; a PostgreSQL one is backed up by its server "
            f"(pg_dump), or copied into a file: scenecodec migrate --from "
            f"{shown(str(memory or default_path()))} --to FILE"
        )
    return store


def _count(n: int, kind: str) -> str:
    """``1 scene``, ``2 scenes``: ``kind`` is the plural."""
    return f"{n} {kind if n != 1 else kind[:-1]}"


def _summary(counts: dict[str, int]) -> str:
    return ", ".join(_count(counts[k], k) for k in KINDS)


@app.command()
def export(
    file: Annotated[Path, argument("Where to write the export (- : standard output).")] = Path("-"),
    memory: MemoryOpt = None,
    force: ForceOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Write the whole memory as JSON lines — its settings, every atom, every scene
    (forms, parts, packed vector and gist), links and pulses — to pass it on: on another
    machine `scenecodec import` gives back the same scenes, decoding the same. Read from
    one snapshot while writers go on; memory does not grow with the number of scenes.
    A FILE is written beside itself and renamed into place when complete.

    Examples:

      scenecodec export memory.jsonl

      scenecodec export - | gzip > memory.jsonl.gz
    """
    to_stdout = str(file) == "-"
    if to_stdout and as_json:
        raise InputError("--json prints a summary: give a FILE to export to, not -")
    if not to_stdout:
        replaceable(file, force)
    store = _existing(memory)
    try:
        if to_stdout:
            with progress_bar() as progress:
                export_memory(store, sys.stdout, progress)
            return
        partial = file.with_name(f".{file.name}.partial")
        try:
            with partial.open("w", encoding="utf-8") as stream, progress_bar() as progress:
                counts = export_memory(store, stream, progress)
            os.replace(partial, file)
        finally:
            partial.unlink(missing_ok=True)
    finally:
        store.close()
    emit(
        as_json,
        {"file": str(file), **counts},
        lambda: out.print(f"exported {_summary(counts)} to {file}"),
    )


@app.command("import")
def import_(
    file: Annotated[Path, argument("An export (JSON lines; - : standard input).")],
    memory: MemoryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Read an export into a memory: a new one (made with the export's settings) or an
    existing one. All of it or nothing. In an existing memory, what is in both must be
    identical and is skipped; another atom for a word, another scene under a code, a
    code the memory forgot or other settings are refused, naming them.

    Examples:

      scenecodec import memory.jsonl --memory copy.sqlite

      gunzip -c memory.jsonl.gz | scenecodec import - --memory copy.sqlite
    """
    location = memory or default_path()
    if is_url(location):
        raise InputError(
            "import writes a SQLite memory; import into a file, then `scenecodec migrate "
            f"--from FILE --to {shown(str(location))}` copies it into PostgreSQL"
        )
    path = Path(location).expanduser()
    name = "<stdin>" if str(file) == "-" else str(file)
    with progress_bar() as progress:
        counts = import_memory(path, _lines(file, name), name, progress)
    emit(
        as_json,
        {"memory": str(path), **counts},
        lambda: out.print(f"imported {_summary(counts)} into {path}"),
    )


def _lines(file: Path, name: str) -> Iterator[str]:
    """The UTF-8 lines of ``file`` (``-``: standard input), each at most
    :data:`LINE_LIMIT` bytes; else :class:`InputError` naming the line."""
    with input_bytes(file) as stream:
        for n, raw in enumerate(iter(lambda: stream.readline(LINE_LIMIT + 1), b""), 1):
            if len(raw) > LINE_LIMIT:
                raise InputError(f"{name}:{n}: a line longer than {LINE_LIMIT // 2**20} MiB")
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise InputError(f"{name}:{n}: not UTF-8 ({e.reason})") from None


@app.command()
def backup(
    dest: Annotated[
        str, argument("The copy: a file, or a directory (DIR/) to copy into, the memory's name.")
    ],
    memory: MemoryOpt = None,
    force: ForceOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Copy the memory with SQLite's online backup: safe while other processes write,
    and it holds what sits in the write-ahead log (-wal), which copying the file alone
    misses. The copy is checked, then renamed into place. DEST that exists is replaced
    only with --force.

    Examples:

      scenecodec backup memory-backup.sqlite

      scenecodec backup backups/ --force
    """
    if dest.endswith(("/", os.sep)) and not Path(dest).is_dir():  # as cp says of DIR/
        raise InputError(f"no directory {dest} to back up into")
    store = _file(memory, "backup")
    try:
        copy, scenes = backup_memory(store, dest, force=force)
    finally:
        store.close()
    emit(
        as_json,
        {"backup": str(copy), "scenes": scenes},
        lambda: out.print(f"backed up {_count(scenes, 'scenes')} to {copy}"),
    )


@app.command()
def forget(
    codes: Annotated[list[str], argument("Δ-codes of the scenes to forget (Δ3 Δ7 …).")],
    memory: MemoryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Remove scenes from memory, with their parts and links; their Δ-codes are never
    given to another scene. All of them or none: a code not stored is an error. A scene
    that is a part of another is forgotten only with it.

    Examples:

      scenecodec forget Δ3

      scenecodec forget Δ3 Δ4 --json
    """
    numbers = []
    for code in codes:
        number = parse_code(code)
        if number is None:
            raise InputError(f"{code!r} is not a Δ-code (like Δ41)")
        numbers.append(number)
    store = _existing(memory)
    try:
        store.forget(numbers)
        total = store.count()
    finally:
        store.close()
    gone = [f"Δ{n}" for n in sorted(set(numbers))]
    emit(
        as_json,
        {"forgotten": gone, "total": total},
        lambda: out.print(f"forgot {', '.join(gone)}; memory holds {_count(total, 'scenes')}"),
    )


@app.command()
def migrate(
    source: Annotated[str, option("--from", help="The memory to copy: a file or a URL.")],
    to: Annotated[
        str, option("--to", help="Where: postgresql://USER@HOST/DB, or a file (SQLite).")
    ],
    as_json: JsonOpt = False,
) -> None:
    """Copy a memory into PostgreSQL (pgvector) or into a SQLite file, every scene under
    its Δ-code, with its atoms, links, pulses and settings, read from one snapshot while
    writers go on. Into PostgreSQL it is written 500 lines a transaction: a migration
    that stops keeps what it wrote and, run again, goes on from there; the database must
    hold no memory yet, or only this migration's (pip install 'scenecodec[postgres]').
    Into a file it is all or nothing, as import. The counts are checked at the end.

    Examples:

      scenecodec migrate --from memory.sqlite --to postgresql://scenes@db.lan/scenes

      scenecodec migrate --from postgresql://scenes@db.lan/scenes --to copy.sqlite
    """
    store = _existing(source)
    try:
        with progress_bar() as progress:
            counts = migrate_memory(store, to, progress)
    finally:
        store.close()
    shown_to = shown(to) if is_url(to) else to
    emit(
        as_json,
        {"from": shown(source) if is_url(source) else source, "to": shown_to, **counts},
        lambda: out.print(f"migrated {_summary(counts)} to {shown_to}; counts checked"),
    )
