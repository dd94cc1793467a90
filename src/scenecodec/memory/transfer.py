"""Export and import: a whole memory as JSON lines, to pass on or to keep.

The seed's "compress to pass on": a memory carries its atoms (DESIGN.md,
determinism), so an export carries them too, and a scene imported on another machine
decodes there with the same forms and recalls the same neighbours, whatever that
machine's embedder would make of its words. One JSON object a line, in this order:

* a header: ``{"scenecodec": "memory", "version": 1, "schema": 3, "settings": {dim,
  seed, alpha, embedder}, "atoms": n, "scenes": n, "links": n, "pulses": n,
  "last_code": n}`` — the counts are checked when the file is read back, so a cut
  file is refused; ``last_code`` is the highest code ever given, forgotten ones too,
  so an imported memory never hands out a code the exported one had used;
* every concept, in the order they were made: ``{"atom": lemma, "bits": …,
  "embedding": …}`` (base64 of the packed atom and of the float32 embedding);
* every scene, by code: ``{"scene": "Δ1", "formula", "name", "glyph", "vector": …,
  "gist": …, "part": bool, "created": unix time, "parts": [{"phase", "lemma"} or
  {"phase", "sub": "Δk"}]}``, and ``"sense": …`` (base64 of the int8 sense of the text
  it was compressed from, :mod:`scenecodec.codec.rerank`) where it has one;
* the links between scenes (``{"link", "source", "kind"}``) and the kept pulses
  (``{"pulse": name, "state": …}``).

Exporting reads one snapshot (a read transaction: writers go on) a chunk at a time;
memory does not grow with the number of scenes. Importing writes in one transaction:
all of it or nothing; a new memory is written beside its path and renamed into place
at the end. Into a memory that holds something already, what is in both must be
identical (the same atom bits, the same scene under the same code) and is skipped;
anything that differs — another atom for a lemma, another scene under a code, a
code this memory forgot, other settings — is refused, naming it, with nothing written.

Importing is :func:`scenecodec.memory.restore.import_memory`.

>>> import io, json, tempfile, pathlib
>>> from scenecodec.memory import open_store
>>> store = open_store(pathlib.Path(tempfile.mkdtemp()) / "a.sqlite", embedder="hash")
>>> text = io.StringIO()
>>> export_memory(store, text)
{'atoms': 0, 'scenes': 0, 'links': 0, 'pulses': 0}
>>> json.loads(text.getvalue())["settings"]
{'dim': 1024, 'seed': 0, 'alpha': 0.7, 'embedder': 'hash'}
"""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from scenecodec.memory.postgres import PostgresStore
from scenecodec.memory.schema import PHASES, SCHEMA_VERSION
from scenecodec.memory.sqlite import SQLiteStore
from scenecodec.progress import Progress

__all__ = [
    "CHUNK",
    "FORMAT_VERSION",
    "KINDS",
    "TABLES",
    "export_lines",
    "export_memory",
    "snapshot",
]

FORMAT_VERSION = 1
CHUNK = 500
"""Rows read, or lines written, per step."""
KINDS = {"atoms": "atom", "scenes": "scene", "links": "link", "pulses": "pulse"}
"""What an export holds after its header, in order: each kind and the key of its lines."""
TABLES = {"atoms": "concepts", "scenes": "scenes", "links": "links", "pulses": "pulses"}
"""The table each kind is kept in."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@contextmanager
def snapshot(
    store: SQLiteStore | PostgresStore,
) -> Iterator[tuple[dict[str, Any], Iterator[list[dict[str, Any]]]]]:
    """The export's header and its lines after it, a chunk at a time, read from one
    snapshot of ``store`` (a read transaction: writers go on) while the block runs."""
    with store.reading() as (db, mark):
        counts = {
            k: int(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for k, t in TABLES.items()
        }
        header = {
            "scenecodec": "memory",
            "version": FORMAT_VERSION,
            "schema": SCHEMA_VERSION,
            "settings": dataclasses.asdict(store.settings),
            **counts,
            "last_code": store.last_code(),
        }
        yield header, export_lines(db, mark)


def export_memory(
    store: SQLiteStore | PostgresStore, out: TextIO, progress: Progress | None = None
) -> dict[str, int]:
    """Write the memory to ``out`` as JSON lines (module docstring); how many of each
    kind were written. ``progress("export", done, total)`` per chunk of lines."""
    with snapshot(store) as (header, chunks):
        _write(out, [header])
        total, done = header["atoms"] + header["scenes"], 0
        for lines in chunks:
            _write(out, lines)
            done += len(lines)
            if progress:
                progress("export", min(done, total), total)
    return {k: header[k] for k in KINDS}


def _write(out: TextIO, lines: list[dict[str, Any]]) -> None:
    out.write("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines))


def export_lines(db: Any, mark: str = "?") -> Iterator[list[dict[str, Any]]]:
    """The lines after the header, a chunk at a time (of one kind each, in order), read
    through ``db``: a SQLite connection, or :meth:`PostgresStore.reading`'s (``mark``:
    its placeholder)."""
    atoms = db.execute("SELECT lemma, atom, embedding FROM concepts ORDER BY id")
    while rows := atoms.fetchmany(CHUNK):
        yield [{"atom": w, "bits": _b64(a), "embedding": _b64(e)} for w, a, e in rows]
    scenes = db.execute(
        "SELECT id, formula, name, glyph, vector, gist, is_part, created, t.sense FROM scenes"
        " LEFT JOIN text_senses t ON t.scene = scenes.id ORDER BY id"
    )
    while rows := scenes.fetchmany(CHUNK):
        parts: dict[int, list[dict[str, str]]] = {r[0]: [] for r in rows}
        for scene, phase, lemma, sub in db.execute(
            "SELECT p.scene, p.phase, c.lemma, p.sub FROM parts p LEFT JOIN concepts c"
            f" ON c.id = p.concept WHERE p.scene BETWEEN {mark} AND {mark}"
            " ORDER BY p.scene, p.position",
            (rows[0][0], rows[-1][0]),
        ):
            part = {"phase": PHASES[phase], **({"lemma": lemma} if sub is None else {})}
            parts[scene].append(part if sub is None else {**part, "sub": f"Δ{sub}"})
        yield [
            {
                "scene": f"Δ{i}",
                "formula": f,
                "name": n,
                "glyph": g,
                "vector": _b64(v),
                "gist": _b64(e),
                "part": bool(p),
                "created": c,
                "parts": parts[i],
                **({} if t is None else {"sense": _b64(t)}),
            }
            for i, f, n, g, v, e, p, c, t in rows
        ]
    links = db.execute("SELECT scene, source, kind FROM links ORDER BY scene, source, kind")
    yield [{"link": f"Δ{a}", "source": f"Δ{b}", "kind": k} for a, b, k in links]
    yield [{"pulse": n, "state": s} for n, s in db.execute("SELECT * FROM pulses ORDER BY name")]
