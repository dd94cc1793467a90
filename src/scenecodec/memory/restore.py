"""Import: an export (:mod:`.transfer`) read back into a memory, all of it or nothing.

The lines are read one chunk at a time inside one write transaction. A new memory is
made with the export's settings beside its path (``.NAME.importing``) and renamed
into place only once everything is written and counted, so a failed import leaves no
file behind. Into an existing memory:

* other settings are refused, naming them, unless the memory holds nothing yet (then
  it takes the export's);
* what is in both must be identical and is skipped: an atom of the same bits, a scene
  of the same formula and vector under the same code, the same link, a pulse in the
  same state;
* anything else in both is refused, naming it: another atom for a lemma (made on
  another machine: it would not decode), another scene under a code, a code this
  memory has forgotten (codes are never given again), a formula stored under another
  code, a pulse in another state.

At the end the lines of each kind are counted against the header (a cut file is
refused) and the rows added against the tables; the highest code ever given becomes
at least the export's, so no code the exported memory used is handed out again.

>>> import io, tempfile, pathlib
>>> from scenecodec.codec import Codec
>>> from scenecodec.memory.transfer import export_memory
>>> tmp = pathlib.Path(tempfile.mkdtemp())
>>> with Codec.open(tmp / "a.sqlite", embedder="hash") as codec:
...     _ = codec.compress("жар + страх → вход")
...     text = io.StringIO()
...     _ = export_memory(codec.store, text)
>>> import_memory(tmp / "b.sqlite", text.getvalue().splitlines(), "a.jsonl")
{'atoms': 3, 'scenes': 1, 'links': 0, 'pulses': 0}
>>> with Codec.open(tmp / "b.sqlite") as codec:
...     codec.show("Δ1").formula
'жар + страх → вход'
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from scenecodec.errors import InputError, StoreError
from scenecodec.memory.schema import PHASES, SCHEMA_VERSION, SENSE_BYTES
from scenecodec.memory.sqlite import SQLiteStore
from scenecodec.memory.store import Settings
from scenecodec.memory.transfer import CHUNK, FORMAT_VERSION, KINDS, TABLES
from scenecodec.progress import Progress

__all__ = ["import_memory"]

_CODE = re.compile(r"Δ([1-9][0-9]{0,17})")
Line = tuple[str, dict[str, Any]]
"""Where a line is (``FILE:n``) and its object."""


def import_memory(
    path: Path, lines: Iterable[str], source: str, progress: Progress | None = None
) -> dict[str, int]:
    """Read the export ``lines`` (``source`` names them in errors) into the memory at
    ``path`` (module docstring); how many of each kind the export holds.
    :class:`InputError` (a malformed export) or :class:`StoreError` (it clashes with
    the memory) with nothing written."""
    numbered = iter(enumerate(lines, 1))
    settings, counts = _header(next(numbered, (1, ""))[1], f"{source}:1")
    path = Path(path)
    fresh = not path.exists()
    target = path.with_name(f".{path.name}.importing") if fresh else path
    if fresh:
        _remove(target)
    try:
        store = SQLiteStore.open(target, settings, frozenset())
        try:
            _Restore(store, settings, counts, progress).run(
                (f"{source}:{n}", line) for n, line in numbered
            )
        finally:
            store.close()
        if fresh:
            os.replace(target, path)
    except BaseException:
        if fresh:
            _remove(target)
        raise
    return {k: counts[k] for k in KINDS}


def _remove(path: Path) -> None:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


def _header(line: str, where: str) -> tuple[Settings, dict[str, int]]:
    """The settings and counts of an export's header line, checked."""
    try:
        head = json.loads(line)
    except json.JSONDecodeError as e:
        raise InputError(f"{where}: not a scenecodec export (not JSON: {e.msg})") from None
    if not isinstance(head, dict) or head.get("scenecodec") != "memory":
        raise InputError(f"{where}: not a scenecodec export (no header line)")
    if head.get("version") != FORMAT_VERSION or head.get("schema") != SCHEMA_VERSION:
        raise InputError(
            f"{where}: export format {head.get('version')}, schema {head.get('schema')}; "
            f"this scenecodec reads format {FORMAT_VERSION}, schema {SCHEMA_VERSION}"
        )
    try:
        s = head["settings"]
        settings = Settings.read(s)
        counts = {k: int(head[k]) for k in (*KINDS, "last_code")}
    except (KeyError, TypeError, ValueError) as e:
        raise InputError(f"{where}: the header lacks or garbles {e}") from None
    if not 64 <= settings.dim <= 65536 or settings.dim % 64 or min(counts.values()) < 0:
        raise InputError(f"{where}: the header's settings or counts are not valid")
    return settings, counts


class _Restore:
    """One import into an open ``store``: the lines checked and written chunk by chunk."""

    def __init__(
        self,
        store: SQLiteStore,
        settings: Settings,
        counts: dict[str, int],
        progress: Progress | None,
    ):
        self.store, self.db = store, store.connection
        self.settings, self.counts, self.progress = settings, counts, progress
        self.width = settings.dim // 8
        self.seen = dict.fromkeys(KINDS, 0)
        self.added = dict.fromkeys(KINDS, 0)
        self.last = 0  # the highest code this memory gave before the import

    def run(self, lines: Iterator[tuple[str, str]]) -> None:
        """Check and write every line in one transaction; count what was written."""
        with self.store.transaction():
            self._settings()
            before = {k: self._count(t) for k, t in TABLES.items()}
            row = self.db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'scenes'")
            self.last = int((row.fetchone() or (0,))[0])
            kind, chunk = "atoms", list[Line]()
            for where, text in lines:
                if not text.strip():
                    continue
                item = _object(where, text)
                found = next((k for k, key in KINDS.items() if key in item), None)
                if found is None or list(KINDS).index(found) < list(KINDS).index(kind):
                    raise InputError(f"{where}: expected a line of {', '.join(KINDS)} in order")
                if found != kind or len(chunk) == CHUNK:
                    self._flush(kind, chunk)
                    kind, chunk = found, []
                chunk.append((where, item))
            self._flush(kind, chunk)
            self._verify(before)

    def _settings(self) -> None:
        have, want = self.store.settings, self.settings
        if have == want:
            return
        if self._count("concepts") or self._count("scenes"):
            clash = ", ".join(
                f"{f} {getattr(have, f)} here, {getattr(want, f)} in the export"
                for f in ("dim", "seed", "alpha", "embedder")
                if getattr(have, f) != getattr(want, f)
            )
            raise self._refuse(f"this memory was made with other settings ({clash})")
        self.db.executemany(
            "UPDATE settings SET value = ? WHERE key = ?", [(v, k) for k, v in want.rows()]
        )

    def _count(self, table: str) -> int:
        return int(self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def _refuse(self, message: str) -> StoreError:
        return StoreError(f"{self.store.path}: {message}; nothing was imported")

    def _flush(self, kind: str, chunk: list[Line]) -> None:
        if not chunk:
            return
        self.seen[kind] += len(chunk)
        try:
            getattr(self, f"_{kind}")(chunk)
        except sqlite3.IntegrityError as e:  # a code, lemma or formula twice in the file
            raise InputError(f"{chunk[0][0]}…: the export repeats or misses a row ({e})") from None
        if self.progress and kind in ("atoms", "scenes"):
            done = self.seen["atoms"] + self.seen["scenes"]
            self.progress("import", done, self.counts["atoms"] + self.counts["scenes"])

    def _atoms(self, chunk: list[Line]) -> None:
        stored = self.store.atoms([_text(w, x, "atom") for w, x in chunk])
        fresh = []
        for where, x in chunk:
            lemma, bits = x["atom"], _bytes(x.get("bits"), where, "bits", self.width)
            embedding = _bytes(x.get("embedding"), where, "embedding")
            if lemma not in stored:
                fresh.append((lemma, bits, embedding))
            elif stored[lemma] != bits:
                raise self._refuse(
                    f"the atom of {lemma!r} differs from the export's ({where}); it would not "
                    "decode the export's scenes"
                )
        self.db.executemany("INSERT INTO concepts (lemma, atom, embedding) VALUES (?, ?, ?)", fresh)
        self.added["atoms"] += len(fresh)

    def _scenes(self, chunk: list[Line]) -> None:
        rows = [self._scene(where, x) for where, x in chunk]
        ids = [r[0] for r in rows]
        here = self._rows("SELECT id, formula, vector FROM scenes WHERE id IN ({})", ids)
        named = dict(
            self._rows("SELECT formula, id FROM scenes WHERE formula IN ({})", [r[1] for r in rows])
        )
        held = {i: (f, bytes(v)) for i, f, v in here}
        fresh = []
        for (where, _), row in zip(chunk, rows, strict=True):
            code, formula = f"Δ{row[0]}", row[1]
            if row[0] in held:
                if held[row[0]] != (formula, row[4]):
                    raise self._refuse(
                        f"{code} is {held[row[0]][0]!r} here, {formula!r} in the export"
                    )
            elif row[0] <= self.last:
                raise self._refuse(f"{code} was forgotten here and is never given again ({where})")
            elif formula in named:
                raise self._refuse(f"{formula!r} is Δ{named[formula]} here, {code} in the export")
            else:
                fresh.append(row)
        self.db.executemany(
            "INSERT INTO scenes (id, formula, name, glyph, vector, gist, is_part, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [r[:8] for r in fresh],
        )
        self.db.executemany(
            "UPDATE scenes SET is_part = 1 WHERE id = ?", [(r[0],) for r in rows if r[6]]
        )
        self._parts(fresh)
        self.db.executemany(
            "INSERT INTO text_senses VALUES (?, ?)", [(r[0], r[9]) for r in fresh if r[9]]
        )
        self.added["scenes"] += len(fresh)

    def _parts(self, fresh: list[tuple[Any, ...]]) -> None:
        """The parts of the new scenes; every concept must have come as an atom line."""
        lemmas = list({p[2] for r in fresh for p in r[8] if p[2] is not None})
        concept = dict(self._rows("SELECT lemma, id FROM concepts WHERE lemma IN ({})", lemmas))
        rows = []
        for r in fresh:
            for position, (where, phase, lemma, sub) in enumerate(r[8]):
                if lemma is not None and lemma not in concept:
                    raise InputError(f"{where}: the concept {lemma!r} has no atom line before it")
                rows.append((r[0], position, phase, concept.get(lemma), sub))
        subs = sorted({r[4] for r in rows if r[4] is not None})
        known = {i for (i,) in self._rows("SELECT id FROM scenes WHERE id IN ({})", subs)}
        if set(subs) - known:
            raise InputError(
                f"a part names Δ{min(set(subs) - known)}, which comes later or not at all"
            )
        self.db.executemany(
            "INSERT INTO parts (scene, position, phase, concept, sub) VALUES (?, ?, ?, ?, ?)", rows
        )

    def _scene(self, where: str, x: dict[str, Any]) -> tuple[Any, ...]:
        """``(id, formula, name, glyph, vector, gist, is_part, created, parts, sense or
        None)`` of a line."""
        number = _number(x.get("scene"), where)
        texts = [_text(where, x, k) for k in ("formula", "name", "glyph")]
        vector = _bytes(x.get("vector"), where, "vector", self.width)
        gist = _bytes(x.get("gist"), where, "gist", self.width)
        created, parts = x.get("created"), x.get("parts")
        if not isinstance(created, int | float) or not isinstance(parts, list) or not parts:
            raise InputError(f"{where}: a scene needs a number 'created' and a list of 'parts'")
        read = []
        for p in parts:
            if not isinstance(p, dict) or p.get("phase") not in PHASES:
                raise InputError(f"{where}: a part needs a phase, one of {', '.join(PHASES)}")
            lemma = p.get("lemma")
            if ("sub" in p) == (lemma is not None) or not isinstance(lemma, str | None):
                raise InputError(f"{where}: a part has a lemma or a sub-scene's code, one")
            sub = _number(p["sub"], where) if "sub" in p else None
            read.append((where, PHASES.index(p["phase"]), lemma, sub))
        sense = _sense(x["sense"], where) if "sense" in x else None
        part = int(bool(x.get("part")))
        return (number, *texts, vector, gist, part, float(created), read, sense)

    def _links(self, chunk: list[Line]) -> None:
        rows = [
            (_number(x["link"], w), _number(x.get("source"), w), _text(w, x, "kind"))
            for w, x in chunk
        ]
        before = self.db.total_changes
        self.db.executemany("INSERT OR IGNORE INTO links VALUES (?, ?, ?)", rows)
        self.added["links"] += self.db.total_changes - before

    def _pulses(self, chunk: list[Line]) -> None:
        for where, x in chunk:
            name, state = _text(where, x, "pulse"), _text(where, x, "state")
            held = self.db.execute("SELECT state FROM pulses WHERE name = ?", (name,)).fetchone()
            if held is None:
                self.db.execute("INSERT INTO pulses VALUES (?, ?)", (name, state))
                self.added["pulses"] += 1
            elif held[0] != state:
                raise self._refuse(f"the pulse {name!r} is in another state here")

    def _verify(self, before: dict[str, int]) -> None:
        for kind, table in TABLES.items():
            if self.seen[kind] != self.counts[kind]:
                raise InputError(
                    f"the export's header announces {self.counts[kind]} {kind}, its lines "
                    f"hold {self.seen[kind]} (a file cut short?); nothing was imported"
                )
            if self._count(table) != before[kind] + self.added[kind]:
                raise self._refuse(f"{table} did not add up after the import")
        self.db.execute(
            "INSERT OR IGNORE INTO sqlite_sequence (name, seq) SELECT 'scenes', 0"
            " WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'scenes')"
        )
        self.db.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'scenes'",
            (self.counts["last_code"],),
        )

    def _rows(self, sql: str, keys: list[Any]) -> list[tuple[Any, ...]]:
        out: list[tuple[Any, ...]] = []
        for i in range(0, len(keys), CHUNK):
            part = keys[i : i + CHUNK]
            out += self.db.execute(sql.format(",".join("?" * len(part))), part).fetchall()
        return out


def _object(where: str, text: str) -> dict[str, Any]:
    try:
        item = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{where}: not JSON ({e.msg})") from None
    if not isinstance(item, dict):
        raise InputError(f"{where}: not a JSON object")
    return item


def _text(where: str, x: dict[str, Any], key: str) -> str:
    value = x.get(key)
    if not isinstance(value, str):
        raise InputError(f"{where}: {key!r} must be text")
    return value


def _number(code: object, where: str) -> int:
    found = _CODE.fullmatch(code) if isinstance(code, str) else None
    if found is None:
        raise InputError(f"{where}: {code!r} is not a Δ-code")
    return int(found[1])


def _sense(text: object, where: str) -> bytes:
    """The bytes of a scene line's ``sense``: base64 of :data:`.schema.SENSE_BYTES`."""
    if not isinstance(text, str):
        raise InputError(f"{where}: sense is not base64")
    return _bytes(text, where, "sense", SENSE_BYTES)


def _bytes(text: object, where: str, what: str, size: int | None = None) -> bytes:
    """The bytes of a base64 field (of ``size`` bytes when given)."""
    try:
        data = base64.b64decode(str(text), validate=True)
    except (binascii.Error, ValueError):
        raise InputError(f"{where}: {what} is not base64") from None
    if size is not None and len(data) != size:
        raise InputError(f"{where}: {what} has {len(data)} bytes, this memory's have {size}")
    return data
