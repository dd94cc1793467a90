"""Migration: a memory copied into another — into PostgreSQL resumable, counted at the end.

The source (a SQLite file or a PostgreSQL memory) is read from one snapshot as its
export (:func:`.transfer.snapshot`: the same lines ``scenecodec export`` writes, never
written to a file). Into PostgreSQL every chunk of 500 lines is written in a transaction
of its own, so a migration that stops (a crash, a lost connection, Ctrl-C) keeps what it
wrote, and run again it skips what is there already and goes on. Into a file the lines
are imported (:func:`.restore.import_memory`: all of it or nothing, a new file renamed
into place at the end). Every scene keeps its Δ-code; the destination's counter is
raised past the highest code the source ever gave, forgotten ones too, so no code comes
back.

The destination must be new, or hold only what an earlier run of the same migration
wrote (it records its source in the setting ``migrated_from``); it is made with the
source's settings. What is in both must be identical: another atom for a lemma, or
another scene under a code, is refused, naming it. At the end the destination's atoms,
scenes, links and pulses are counted against the source's.

>>> import tempfile, pathlib
>>> from scenecodec.codec import Codec
>>> tmp = pathlib.Path(tempfile.mkdtemp())
>>> with Codec.open(tmp / "a.sqlite", embedder="hash") as codec:
...     _ = codec.compress("жар + страх → вход")
...     migrate(codec.store, tmp / "b.sqlite")
{'atoms': 3, 'scenes': 1, 'links': 0, 'pulses': 0}
"""

from __future__ import annotations

import base64
import itertools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scenecodec.errors import InputError, StoreError
from scenecodec.memory.pgdriver import Bits, is_url, shown
from scenecodec.memory.postgres import PostgresStore
from scenecodec.memory.restore import import_memory
from scenecodec.memory.schema import PHASES
from scenecodec.memory.sqlite import SQLiteStore
from scenecodec.memory.store import Settings
from scenecodec.memory.transfer import KINDS, TABLES, snapshot
from scenecodec.progress import Progress

__all__ = ["migrate"]


def migrate(
    source: SQLiteStore | PostgresStore, to: str | Path, progress: Progress | None = None
) -> dict[str, int]:
    """Copy the memory ``source`` into the memory at ``to``, a PostgreSQL URL or a file
    (module docstring); how many of each kind the destination holds, checked against
    the source. ``progress("migrate", done, total)`` after each chunk of atoms and scenes."""
    origin = source.where if isinstance(source, PostgresStore) else str(source.path.resolve())
    if not is_url(to):
        with snapshot(source) as (header, chunks):
            text = (
                json.dumps(x, ensure_ascii=False)
                for chunk in itertools.chain([[header]], chunks)
                for x in chunk
            )
            return import_memory(Path(to), text, origin, progress)
    assert isinstance(to, str)
    if shown(to) == origin:
        raise InputError("--from and --to are the same memory")
    with snapshot(source) as (header, chunks):
        dest = PostgresStore.open(to, Settings.read(header["settings"]))
        try:
            _claim(dest, origin)
            total, done = header["atoms"] + header["scenes"], 0
            for lines in chunks:
                with dest.transaction():
                    _write(dest, lines)
                done += len(lines) if lines and ("atom" in lines[0] or "scene" in lines[0]) else 0
                if progress:
                    progress("migrate", min(done, total), total)
            with dest.transaction():
                dest.restore_codes(header["last_code"])
            held = _counts(dest)
        finally:
            dest.close()
    wrong = [k for k in KINDS if held[k] != header[k]]
    if wrong:
        said = ", ".join(f"{held[k]} {k} there, {header[k]} here" for k in wrong)
        raise StoreError(f"the migration to {dest.where} does not add up ({said}); run it again")
    return {k: held[k] for k in KINDS}


def _counts(dest: PostgresStore) -> dict[str, int]:
    """How many atoms, scenes, links and pulses ``dest`` holds."""
    return {k: int(dest.rows(f"SELECT count(*) FROM {t}")[0][0]) for k, t in TABLES.items()}


def _claim(dest: PostgresStore, origin: str) -> None:
    """Refuse a destination that holds what another source (or no migration) wrote."""
    with dest.transaction():
        before = dest.setting("migrated_from")
        if before is None and any(_counts(dest).values()):
            raise StoreError(f"{dest.where} holds a memory already; migrate into a new database")
        if before is not None and before != origin:
            raise StoreError(f"{dest.where} holds a migration of {before}, not of {origin}")
        dest.set_setting("migrated_from", origin)


def _write(dest: PostgresStore, lines: list[dict[str, Any]]) -> None:
    """One chunk of export lines (all of one kind) into ``dest``, inside its transaction."""
    if not lines:
        return
    if "atom" in lines[0]:
        atoms = {x["atom"]: (_bytes(x["bits"]), _bytes(x["embedding"])) for x in lines}
        held = dest.atoms(list(atoms))
        clash = next((w for w, (bits, _) in atoms.items() if held.get(w, bits) != bits), None)
        if clash is not None:
            raise StoreError(f"{dest.where}: the atom of {clash!r} differs from the source's")
        dest.put_atoms({w: a for w, a in atoms.items() if w not in held})
    elif "scene" in lines[0]:
        _restore_scenes(dest, [_scene(x) for x in lines])
    elif "link" in lines[0]:
        _restore_links(dest, [(_code(x["link"]), _code(x["source"]), x["kind"]) for x in lines])
    else:
        _restore_pulses(dest, {x["pulse"]: x["state"] for x in lines})


def _restore_scenes(dest: PostgresStore, rows: Sequence[tuple[Any, ...]]) -> None:
    """Store scenes under their own codes, inside ``dest``'s transaction: ``(code,
    formula, name, glyph, vector, gist, is_part, created, parts)`` (:func:`_scene`),
    whose concepts and sub-scenes are stored. A code held by the same formula is skipped
    (a migration resumed); another formula under it, or the formula under another
    code, is a :class:`StoreError`."""
    here = dict(
        dest.rows(
            "SELECT id, formula FROM scenes WHERE id = ANY(%s) OR formula = ANY(%s)",
            ([r[0] for r in rows], [r[1] for r in rows]),
        )
    )
    by_formula = {f: i for i, f in here.items()}
    fresh = []
    for r in rows:
        if here.get(r[0], r[1]) != r[1] or by_formula.get(r[1], r[0]) != r[0]:
            raise StoreError(f"{dest.where}: Δ{r[0]} {r[1]!r} clashes with a stored scene")
        if r[0] not in here:
            fresh.append(r)
    with dest.connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO scenes (id, formula, name, glyph, vector, gist, is_part, created)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [(*r[:4], Bits(r[4]), Bits(r[5]), *r[6:8]) for r in fresh],
        )
    lemmas = list({p[1] for r in fresh for p in r[8] if p[1] is not None})
    by_lemma = dest.rows("SELECT lemma, id FROM concepts WHERE lemma = ANY(%s)", (lemmas,))
    concept = {str(w): int(i) for w, i in by_lemma}
    with dest.connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO parts (scene, position, phase, concept, sub) VALUES (%s, %s, %s, %s, %s)",
            [
                (r[0], n, phase, None if lemma is None else concept[lemma], sub)
                for r in fresh
                for n, (phase, lemma, sub) in enumerate(r[8])
            ],
        )
    dest.put_senses({r[0]: r[9] for r in fresh if r[9] is not None})


def _restore_links(dest: PostgresStore, rows: Sequence[tuple[int, int, str]]) -> None:
    """Store ``(scene, source, kind)`` links (those stored already are kept)."""
    with dest.connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO links VALUES (%s, %s, %s) ON CONFLICT DO NOTHING", list(rows)
        )


def _restore_pulses(dest: PostgresStore, states: dict[str, str]) -> None:
    """Keep ``{name: state}`` pulses not kept yet (a kept one stays as it is)."""
    with dest.connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO pulses VALUES (%s, %s) ON CONFLICT DO NOTHING", list(states.items())
        )


def _scene(x: dict[str, Any]) -> tuple[Any, ...]:
    """``(code, formula, name, glyph, vector, gist, is_part, created, parts, sense or
    None)`` of a scene line; parts as ``(phase index, lemma or None, sub code or None)``."""
    parts = [
        (PHASES.index(p["phase"]), p.get("lemma"), _code(p["sub"]) if "sub" in p else None)
        for p in x["parts"]
    ]
    return (
        _code(x["scene"]),
        x["formula"],
        x["name"],
        x["glyph"],
        _bytes(x["vector"]),
        _bytes(x["gist"]),
        bool(x["part"]),
        float(x["created"]),
        parts,
        _bytes(x["sense"]) if "sense" in x else None,
    )


def _bytes(text: str) -> bytes:
    return base64.b64decode(text)


def _code(code: str) -> int:
    return int(code[1:])
