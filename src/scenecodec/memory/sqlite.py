"""The embedded store: one SQLite file, WAL journal, ``synchronous=FULL``.

* Δ-codes are ``AUTOINCREMENT`` row ids: SQLite never hands out an id twice,
  even after the last scene is deleted, so codes are never reused.
* Every write runs in a ``BEGIN IMMEDIATE`` transaction; concurrent writers
  wait for each other (30 s busy timeout) instead of failing, and a scene with
  a formula already stored returns the existing code, so several processes
  writing at once neither lose a write nor duplicate a code.
* A writer killed mid-transaction leaves the last committed state (SQLite's
  journal), never a half-written scene.
* The file carries an ``application_id`` and a schema version; a corrupt file,
  some other program's database or a memory made with other settings is
  refused with a one-line :class:`~scenecodec.errors.StoreError`.
* Every SQLite failure of every method is that one-line error, naming its cause
  (:mod:`~scenecodec.memory.refusal`): a damaged page, a full disk (the transaction
  rolled back: nothing stored), a read-only file or directory.
* Only a writer makes a memory: ``missing="error"`` refuses a path with no memory,
  ``missing="empty"`` reads an empty one kept in RAM, and a new memory's directory
  must exist.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "m.sqlite"
>>> store = SQLiteStore.open(path, Settings(1024, 0, 0.6, "hash"))
>>> store.count(), store.settings.describe()
(0, 'dim=1024, seed=0, alpha=0.6, embedder=hash')
>>> store.close()
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from scenecodec.memory.forget import forget, forgotten
from scenecodec.memory.index import SceneIndex
from scenecodec.memory.opening import Missing, connect
from scenecodec.memory.refusal import refusal, refused, rollback
from scenecodec.memory.schema import PHASES
from scenecodec.memory.store import PartRecord, SceneRecord, Settings, one_column, sense_rows

__all__ = ["Missing", "SQLiteStore"]


@refused
class SQLiteStore:
    """A memory in one SQLite file; open it with :meth:`open`."""

    def __init__(self, path: Path, connection: sqlite3.Connection, settings: Settings):
        self.path = path
        self._db = connection
        self.settings = settings

    @classmethod
    def open(
        cls,
        path: str | Path,
        settings: Settings,
        required: frozenset[str] | None = None,
        missing: Missing = "create",
    ) -> SQLiteStore:
        """Open the memory at ``path``, creating it with ``settings`` if it is new
        (``missing``: see :data:`Missing`; a new memory's directory must exist).

        An existing memory keeps its own settings; the fields named in
        ``required`` (all of them when ``None``) must equal ``settings``' or the
        open fails with :class:`StoreError`.
        """
        path = Path(path).expanduser()
        db, stored = connect(path, settings, required, missing)
        return cls(path, db, stored)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``; rolls back on any exception; SQLite's
        failures raised as
        :func:`~scenecodec.memory.refusal.refusal`."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise refusal(self.path, e) from None
        try:
            yield
        except BaseException:
            rollback(self._db)
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as e:
            rollback(self._db)
            raise refusal(self.path, e) from None

    def atoms(self, lemmas: Sequence[str]) -> dict[str, bytes]:
        """Packed atoms of the stored ones among ``lemmas``."""
        out: dict[str, bytes] = {}
        unique = list(dict.fromkeys(lemmas))
        for i in range(0, len(unique), 500):
            chunk = unique[i : i + 500]
            marks = ",".join("?" * len(chunk))
            out.update(
                self._db.execute(
                    f"SELECT lemma, atom FROM concepts WHERE lemma IN ({marks})", chunk
                )
            )
        return out

    def put_atoms(self, atoms: dict[str, tuple[bytes, bytes]]) -> None:
        """Insert ``{lemma: (atom, float32 embedding)}`` of new lemmas; call inside
        :meth:`transaction`."""
        self._db.executemany(
            "INSERT OR IGNORE INTO concepts (lemma, atom, embedding) VALUES (?, ?, ?)",
            [(w, a, e) for w, (a, e) in atoms.items()],
        )

    def embeddings_since(self, after: int) -> tuple[list[int], list[str], np.ndarray]:
        """Concepts with id > ``after``: ids, lemmas and embeddings ``(n, e)`` float32."""
        rows = self._db.execute(
            "SELECT id, lemma, embedding FROM concepts WHERE id > ? ORDER BY id", (after,)
        ).fetchall()
        if not rows:
            return [], [], np.zeros((0, 0), dtype=np.float32)
        flat = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float32)
        return [r[0] for r in rows], [r[1] for r in rows], flat.reshape(len(rows), -1)

    def atoms_since(self, after: int) -> tuple[list[int], list[str], np.ndarray]:
        """Concepts with id > ``after``: ids, lemmas and packed atoms ``(n, d/8)``."""
        rows = self._db.execute(
            "SELECT id, lemma, atom FROM concepts WHERE id > ? ORDER BY id", (after,)
        ).fetchall()
        packed = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.uint8)
        return (
            [r[0] for r in rows],
            [r[1] for r in rows],
            packed.reshape(len(rows), self.settings.dim // 8),
        )

    def add_scenes(
        self, records: Sequence[SceneRecord], *, parts_of_another: bool = False
    ) -> list[int]:
        """Insert ``records`` (inside :meth:`transaction`; their concepts stored first with
        :meth:`put_atoms`); ids in order, a formula already stored keeping its id."""
        if not records:
            return []
        known = self._lookup(
            "SELECT formula, id FROM scenes WHERE formula IN ({})",
            list({r.formula for r in records}),
        )
        fresh = list({r.formula: r for r in records if r.formula not in known}.values())
        now = time.time()
        self._db.executemany(
            "INSERT INTO scenes (formula, name, glyph, vector, gist, is_part, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (r.formula, r.name, r.glyph, r.vector, r.gist, int(parts_of_another), now)
                for r in fresh
            ],
        )
        ids = {
            **known,
            **self._lookup(
                "SELECT formula, id FROM scenes WHERE formula IN ({})", [r.formula for r in fresh]
            ),
        }
        if parts_of_another:
            self._db.executemany(
                "UPDATE scenes SET is_part = 1 WHERE id = ?", [(ids[r.formula],) for r in records]
            )
        concept = self._lookup(
            "SELECT lemma, id FROM concepts WHERE lemma IN ({})",
            list({p.lemma for r in fresh for p in r.parts if p.sub is None}),
        )
        self._db.executemany(
            "INSERT INTO parts (scene, position, phase, concept, sub) VALUES (?, ?, ?, ?, ?)",
            [row for r in fresh for row in r.part_rows(ids[r.formula], concept)],
        )
        return [ids[r.formula] for r in records]

    def put_senses(self, senses: Mapping[int, bytes]) -> None:
        """Keep ``{scene id: int8 sense}`` (inside :meth:`transaction`); a kept one stays."""
        self._db.executemany("INSERT OR IGNORE INTO text_senses VALUES (?, ?)", senses.items())

    def senses_since(self, after: int) -> tuple[np.ndarray, np.ndarray]:
        """Ids ``(n,)`` > ``after`` with a kept sense and the senses ``(n, s)`` int8."""
        rows = self._db.execute(
            "SELECT scene, sense FROM text_senses WHERE scene > ? ORDER BY scene", (after,)
        ).fetchall()
        return sense_rows(rows)

    def _lookup(self, sql: str, keys: list[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            out.update(self._db.execute(sql.format(",".join("?" * len(chunk))), chunk))
        return out

    def _records(self, rows: list[tuple[Any, ...]]) -> list[SceneRecord]:
        if not rows:
            return []
        ids = [r[0] for r in rows]
        parts: dict[int, list[PartRecord]] = {i: [] for i in ids}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for scene, phase, lemma, sub, sub_formula in self._db.execute(
                "SELECT p.scene, p.phase, c.lemma, p.sub, s.formula FROM parts p"
                " LEFT JOIN concepts c ON c.id = p.concept LEFT JOIN scenes s ON s.id = p.sub"
                f" WHERE p.scene IN ({marks}) ORDER BY p.scene, p.position",
                chunk,
            ):
                text = lemma if sub is None else f"({sub_formula})"
                parts[scene].append(PartRecord(text, PHASES[phase], sub))
        return [
            SceneRecord(r[0], r[1], r[2], r[3], bytes(r[4]), bytes(r[5]), tuple(parts[r[0]]))
            for r in rows
        ]

    _COLUMNS = "id, formula, name, glyph, vector, gist"

    def get(self, scene_id: int) -> SceneRecord | None:
        """The scene with id ``scene_id``, or ``None``."""
        rows = self._db.execute(
            f"SELECT {self._COLUMNS} FROM scenes WHERE id = ?", (scene_id,)
        ).fetchall()
        found = self._records(rows)
        return found[0] if found else None

    def find(
        self, *, name: str | None = None, glyph: str | None = None, formula: str | None = None
    ) -> list[SceneRecord]:
        """Scenes whose ``name``, ``glyph`` or ``formula`` (exactly one given) matches, by id."""
        column, value = one_column(name, glyph, formula)
        rows = self._db.execute(
            f"SELECT {self._COLUMNS} FROM scenes WHERE {column} = ? ORDER BY id", (value,)
        ).fetchall()
        return self._records(rows)

    def scenes(self, offset: int = 0, limit: int | None = None) -> list[SceneRecord]:
        """Scenes in id order, ``limit`` of them from ``offset``."""
        return list(self.iter_scenes(offset, limit))

    def iter_scenes(self, offset: int = 0, limit: int | None = None) -> Iterator[SceneRecord]:
        """:meth:`scenes` read from the file 500 at a time, never all held at once."""
        cursor = self._db.execute(
            f"SELECT {self._COLUMNS} FROM scenes ORDER BY id LIMIT ? OFFSET ?",
            (-1 if limit is None else limit, offset),
        )
        while rows := cursor.fetchmany(500):
            yield from self._records(rows)

    def sharing(
        self, lemmas: Sequence[str], limit: int, holding: str | None = None
    ) -> list[tuple[int, int]]:
        """Scenes holding any of ``lemmas`` (and ``holding``, when given), by the
        ``parts_concept`` index, as ``(id, shared)``: most shared first, then newest."""
        if not lemmas:
            return []
        marks = ",".join("?" * len(lemmas))
        where, args = "", [*lemmas]
        if holding is not None:
            where = (
                " AND p.scene IN (SELECT q.scene FROM parts q"
                " JOIN concepts d ON d.id = q.concept WHERE d.lemma = ?)"
            )
            args.append(holding)
        rows = self._db.execute(
            "SELECT p.scene, count(DISTINCT p.concept) AS shared FROM parts p"
            f" JOIN concepts c ON c.id = p.concept WHERE c.lemma IN ({marks}){where}"
            " GROUP BY p.scene ORDER BY shared DESC, p.scene DESC LIMIT ?",
            [*args, limit],
        )
        return [(int(i), int(n)) for i, n in rows]

    def iter_records(self, ids: Sequence[int]) -> Iterator[SceneRecord]:
        """Records of ``ids`` in that order; ids not stored are skipped."""
        by_id: dict[int, SceneRecord] = {}
        for i in range(0, len(ids), 500):
            chunk = list(ids[i : i + 500])
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT {self._COLUMNS} FROM scenes WHERE id IN ({marks})", chunk
            ).fetchall()
            for r in self._records(rows):
                assert r.id is not None  # a record read back from the table has its row id
                by_id[r.id] = r
        yield from (by_id[i] for i in ids if i in by_id)

    def fan(self, lemmas: Sequence[str]) -> dict[str, int]:
        """How many stored scenes hold each of ``lemmas`` as a concept (absent: 0)."""
        out = dict.fromkeys(lemmas, 0)
        for i in range(0, len(lemmas), 500):
            chunk = list(lemmas[i : i + 500])
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                "SELECT c.lemma, count(DISTINCT p.scene) FROM parts p JOIN concepts c "
                f"ON p.concept = c.id WHERE c.lemma IN ({marks}) GROUP BY c.lemma",
                chunk,
            )
            out.update((str(lemma), int(n)) for lemma, n in rows)
        return out

    def add_links(self, scene_id: int, sources: Sequence[int], kind: str) -> None:
        """Record that scene ``scene_id`` was made from ``sources`` (``kind``: how)."""
        with self.transaction():
            self._db.executemany(
                "INSERT OR IGNORE INTO links VALUES (?, ?, ?)",
                [(scene_id, s, kind) for s in sources],
            )

    def links(self, scene_id: int) -> list[tuple[int, str]]:
        """``(source id, kind)`` of every scene ``scene_id`` was made from."""
        rows = self._db.execute(
            "SELECT source, kind FROM links WHERE scene = ? ORDER BY source", (scene_id,)
        )
        return [(int(s), str(k)) for s, k in rows]

    def put_pulse(self, name: str, state: str) -> None:
        """Keep a pulse's ``state`` (JSON) under ``name``, replacing any before."""
        with self.transaction():
            self._db.execute("INSERT OR REPLACE INTO pulses VALUES (?, ?)", (name, state))

    def get_pulse(self, name: str) -> str | None:
        """The state kept under ``name``, or ``None``."""
        row = self._db.execute("SELECT state FROM pulses WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    @property
    def connection(self) -> sqlite3.Connection:
        """The open connection, for what works on the file as a whole (:mod:`.transfer`)."""
        return self._db

    def forget(self, ids: Sequence[int]) -> None:
        """Remove the scenes ``ids`` in one transaction (:func:`.forget.forget`)."""
        with self.transaction():
            forget(self._db, ids)

    def forgotten(self) -> int:
        """How many scenes were ever forgotten here (:func:`.forget.forgotten`)."""
        return forgotten(self._db)

    def count(self) -> int:
        """Number of stored scenes."""
        return int(self._db.execute("SELECT count(*) FROM scenes").fetchone()[0])

    def vectors_since(self, after: int, column: str = "vector") -> tuple[np.ndarray, np.ndarray]:
        """Ids ``(n,)`` and packed ``column`` (vector or gist) ``(n, d/8)`` of scenes with
        id > ``after``."""
        if column not in ("vector", "gist"):
            raise ValueError(f"no scene column {column!r}")
        return self._vectors(f"SELECT id, {column} FROM scenes WHERE id > ? ORDER BY id", (after,))

    def part_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """Ids and packed vectors of every scene used as a part of another."""
        return self._vectors("SELECT id, vector FROM scenes WHERE is_part = 1 ORDER BY id", ())

    def _vectors(self, sql: str, args: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Ids and packed vectors, read 10,000 rows at a time (not a Python row each)."""
        cursor, width = self._db.execute(sql, args), self.settings.dim // 8
        ids, packed = [np.zeros(0, np.int64)], [np.zeros((0, width), np.uint8)]
        while rows := cursor.fetchmany(10_000):
            ids.append(np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)))
            flat = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.uint8)
            packed.append(flat.reshape(len(rows), width))
        return np.concatenate(ids), np.concatenate(packed)

    @contextmanager
    def reading(self) -> Iterator[tuple[sqlite3.Connection, str]]:
        """One read snapshot (writers go on) of the whole file: the connection and its
        placeholder, for what reads every table (:mod:`.transfer`)."""
        self._db.execute("BEGIN")
        try:
            yield self._db, "?"
        finally:
            self._db.execute("COMMIT")

    def last_code(self) -> int:
        """The highest code ever given here, forgotten ones too."""
        row = self._db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'scenes'").fetchone()
        return 0 if row is None else int(row[0])

    def index(self, column: str = "vector") -> SceneIndex:
        """A new in-process recall index over ``column``, filled from the file when searched."""
        return SceneIndex(self.settings.dim, column)

    def close(self) -> None:
        """Close the connection."""
        self._db.close()
