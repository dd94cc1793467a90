"""The shared store: a memory on a PostgreSQL server with pgvector, for many processes.

Open it with a URL, ``postgresql://user@host/db`` (also ``$SCENECODEC_MEMORY``). The
tables live in the schema ``scenecodec`` of that database (:mod:`.pgschema`); the
``vector`` extension is made there when missing. It behaves as the SQLite file does
(:mod:`.sqlite`), the same protocol, the same errors:

* Δ-codes are counted inside the write's transaction (:mod:`.pgschema`): never handed
  out twice, so a forgotten scene's code is never given again, and a write that fails
  or is killed takes its numbers back with it, as on SQLite.
* Every write runs in one transaction that first takes the memory's advisory lock, so
  writers from any number of processes and machines commit one after another: nothing
  is lost, a formula stored by two writers at once gets one code, and ids commit in
  the order they were given (a reader topping up "everything after id n" misses none).
  Reads never wait for it.
* Recall searches in the database: an HNSW index on Hamming distance over the scene
  vectors and one over the gists (:class:`PostgresIndex`), so no process holds a copy of
  the vectors.
* Every failure of the driver is a one-line :class:`~scenecodec.errors.StoreError`
  naming the memory without its password: a server that cannot be reached, a full
  disk, a missing privilege, another program's tables in the schema, other settings.

psycopg 3 is the driver (``pip install 'scenecodec[postgres]'``); it is imported when a
URL is opened, never by the core.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, cast

import numpy as np

from scenecodec.memory.forget import forget, forgotten
from scenecodec.memory.pgdriver import (
    LOCK,
    Bits,
    Reading,
    connect,
    is_driver_error,
    refusal,
    shown,
)
from scenecodec.memory.pgindex import EF_SEARCH, PostgresIndex
from scenecodec.memory.pgopening import prepare
from scenecodec.memory.refusal import refused_by
from scenecodec.memory.schema import PHASES
from scenecodec.memory.store import PartRecord, SceneRecord, Settings, one_column, sense_rows

__all__ = ["PostgresStore"]

_COLUMNS = "id, formula, name, glyph, vector, gist"
_BY_FORMULA = "SELECT formula, id FROM scenes WHERE formula = ANY(%s)"


def _scene_row(code: int, r: SceneRecord, part: bool, created: float) -> tuple[Any, ...]:
    """The ``scenes`` row of record ``r`` under ``code``."""
    return (code, r.formula, r.name, r.glyph, Bits(r.vector), Bits(r.gist), part, created)


@refused_by(is_driver_error, lambda store, e: refusal(store.where, e))
class PostgresStore:
    """A memory in a PostgreSQL database; open it with :meth:`open`."""

    def __init__(self, url: str, connection: Any, settings: Settings):
        self.url = url
        self.where = shown(url)
        self._db = connection
        self.settings = settings

    @classmethod
    def open(
        cls,
        url: str,
        settings: Settings,
        required: frozenset[str] | None = None,
        missing: str = "create",
    ) -> PostgresStore:
        """Open the memory at ``url``, making it with ``settings`` when the database has
        none and ``missing`` is ``"create"`` (else :class:`Absent`: for ``"empty"``
        :func:`~scenecodec.memory.open_store` then reads an empty memory). An
        existing memory keeps its own settings; those named in ``required`` (all when
        ``None``) must equal ``settings``' or the open fails with :class:`StoreError`."""
        db = connect(url)
        store = cls(url, db, settings)
        try:
            store.settings = prepare(db, store.where, settings, required, missing)
        except BaseException:
            db.close()
            raise
        db.execute(f"SET hnsw.ef_search = {EF_SEARCH}")
        return store

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction holding the memory's write lock; rolled back on any exception."""
        with self._db.transaction():
            self._db.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK,))
            yield

    def rows(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """The rows of ``sql``, vectors read as bytes."""
        with self._db.cursor(binary=True) as cursor:
            return cast(list[tuple[Any, ...]], cursor.execute(sql, args).fetchall())

    def atoms(self, lemmas: Sequence[str]) -> dict[str, bytes]:
        """Packed atoms of the stored ones among ``lemmas``."""
        rows = self.rows(
            "SELECT lemma, atom FROM concepts WHERE lemma = ANY(%s)", (list(set(lemmas)),)
        )
        return {str(w): bytes(a) for w, a in rows}

    def put_atoms(self, atoms: dict[str, tuple[bytes, bytes]]) -> None:
        """Insert ``{lemma: (atom, float32 embedding)}`` of new lemmas, in their order;
        call inside :meth:`transaction`."""
        with self._db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO concepts (lemma, atom, embedding) VALUES (%s, %s, %s)"
                " ON CONFLICT (lemma) DO NOTHING",
                [(w, a, e) for w, (a, e) in atoms.items()],
            )

    def embeddings_since(self, after: int) -> tuple[list[int], list[str], np.ndarray]:
        """Concepts with id > ``after``: ids, lemmas and embeddings ``(n, e)`` float32."""
        rows = self.rows(
            "SELECT id, lemma, embedding FROM concepts WHERE id > %s ORDER BY id", (after,)
        )
        if not rows:
            return [], [], np.zeros((0, 0), dtype=np.float32)
        flat = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float32)
        return [int(r[0]) for r in rows], [str(r[1]) for r in rows], flat.reshape(len(rows), -1)

    def atoms_since(self, after: int) -> tuple[list[int], list[str], np.ndarray]:
        """Concepts with id > ``after``: ids, lemmas and packed atoms ``(n, d/8)``."""
        rows = self.rows("SELECT id, lemma, atom FROM concepts WHERE id > %s ORDER BY id", (after,))
        packed = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.uint8)
        return (
            [int(r[0]) for r in rows],
            [str(r[1]) for r in rows],
            packed.reshape(len(rows), self.settings.dim // 8),
        )

    def add_scenes(
        self, records: Sequence[SceneRecord], *, parts_of_another: bool = False
    ) -> list[int]:
        """Insert ``records`` (inside :meth:`transaction`; their concepts stored first with
        :meth:`put_atoms`); ids in order, a formula already stored keeping its id."""
        if not records:
            return []
        known = self._ids(_BY_FORMULA, records)
        fresh = list({r.formula: r for r in records if r.formula not in known}.values())
        last = self._raise_codes(len(fresh))
        ids = {**known, **{r.formula: last - len(fresh) + 1 + n for n, r in enumerate(fresh)}}
        now, part = time.time(), parts_of_another
        with self._db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO scenes (id, formula, name, glyph, vector, gist, is_part, created)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [_scene_row(ids[r.formula], r, part, now) for r in fresh],
            )
        if parts_of_another:
            self._db.execute(
                "UPDATE scenes SET is_part = true WHERE id = ANY(%s)",
                ([ids[r.formula] for r in records],),
            )
        lemmas = list({p.lemma for r in fresh for p in r.parts if p.sub is None})
        by_lemma = self.rows("SELECT lemma, id FROM concepts WHERE lemma = ANY(%s)", (lemmas,))
        concept = {str(w): int(i) for w, i in by_lemma}
        with self._db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO parts (scene, position, phase, concept, sub)"
                " VALUES (%s, %s, %s, %s, %s)",
                [row for r in fresh for row in r.part_rows(ids[r.formula], concept)],
            )
        return [ids[r.formula] for r in records]

    def _raise_codes(self, n: int, at_least: int = 0) -> int:
        """Hand out ``n`` codes (the counter raised to at least ``at_least`` first);
        the last one. Inside :meth:`transaction`, whose rollback takes them back."""
        row = self._db.execute(
            "UPDATE settings SET value = (greatest(value::bigint, %s) + %s)::text"
            " WHERE key = 'last_code' RETURNING value::bigint",
            (at_least, n),
        ).fetchone()
        return int(row[0])

    def put_senses(self, senses: Mapping[int, bytes]) -> None:
        """Keep ``{scene id: int8 sense}`` (inside :meth:`transaction`); a kept one stays."""
        with self._db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO text_senses VALUES (%s, %s) ON CONFLICT DO NOTHING",
                list(senses.items()),
            )

    def senses_since(self, after: int) -> tuple[np.ndarray, np.ndarray]:
        """Ids ``(n,)`` > ``after`` with a kept sense and the senses ``(n, s)`` int8."""
        return sense_rows(
            self.rows(
                "SELECT scene, sense FROM text_senses WHERE scene > %s ORDER BY scene", (after,)
            )
        )

    def _ids(self, sql: str, records: Sequence[SceneRecord]) -> dict[str, int]:
        rows = self.rows(sql, ([r.formula for r in records],)) if records else []
        return {str(f): int(i) for f, i in rows}

    def _records(self, rows: list[tuple[Any, ...]]) -> list[SceneRecord]:
        if not rows:
            return []
        ids = [int(r[0]) for r in rows]
        parts: dict[int, list[PartRecord]] = {i: [] for i in ids}
        for scene, phase, lemma, sub, sub_formula in self.rows(
            "SELECT p.scene, p.phase, c.lemma, p.sub, s.formula FROM parts p"
            " LEFT JOIN concepts c ON c.id = p.concept LEFT JOIN scenes s ON s.id = p.sub"
            " WHERE p.scene = ANY(%s) ORDER BY p.scene, p.position",
            (ids,),
        ):
            text = lemma if sub is None else f"({sub_formula})"
            sub = None if sub is None else int(sub)
            parts[int(scene)].append(PartRecord(text, PHASES[phase], sub))
        return [
            SceneRecord(int(r[0]), r[1], r[2], r[3], r[4], r[5], tuple(parts[int(r[0])]))
            for r in rows
        ]

    def get(self, scene_id: int) -> SceneRecord | None:
        """The scene with id ``scene_id``, or ``None``."""
        if not 0 < scene_id < 2**63:
            return None
        found = self._records(
            self.rows(f"SELECT {_COLUMNS} FROM scenes WHERE id = %s", (scene_id,))
        )
        return found[0] if found else None

    def find(
        self, *, name: str | None = None, glyph: str | None = None, formula: str | None = None
    ) -> list[SceneRecord]:
        """Scenes whose ``name``, ``glyph`` or ``formula`` (exactly one given) matches, by id."""
        column, value = one_column(name, glyph, formula)
        return self._records(
            self.rows(f"SELECT {_COLUMNS} FROM scenes WHERE {column} = %s ORDER BY id", (value,))
        )

    def scenes(self, offset: int = 0, limit: int | None = None) -> list[SceneRecord]:
        """Scenes in id order, ``limit`` of them from ``offset``."""
        return list(self.iter_scenes(offset, limit))

    def iter_scenes(self, offset: int = 0, limit: int | None = None) -> Iterator[SceneRecord]:
        """:meth:`scenes` read 500 at a time by id (a keyset, not a server cursor)."""
        after, left = self._offset_id(offset), limit
        while left is None or left > 0:
            take = 500 if left is None else min(500, left)
            rows = self.rows(
                f"SELECT {_COLUMNS} FROM scenes WHERE id > %s ORDER BY id LIMIT %s", (after, take)
            )
            if not rows:
                return
            yield from self._records(rows)
            after = int(rows[-1][0])
            left = None if left is None else left - len(rows)

    def _offset_id(self, offset: int) -> int:
        """The id after which the ``offset``-th scene comes (0: from the first)."""
        if offset <= 0:
            return 0
        row = self.rows("SELECT id FROM scenes ORDER BY id LIMIT 1 OFFSET %s", (offset - 1,))
        return int(row[0][0]) if row else 2**63 - 1

    def sharing(
        self, lemmas: Sequence[str], limit: int, holding: str | None = None
    ) -> list[tuple[int, int]]:
        """Scenes holding any of ``lemmas`` (and ``holding``, when given), as
        ``(id, shared)``: most shared first, then newest."""
        if not lemmas:
            return []
        where, args = "", list[Any]([list(lemmas)])
        if holding is not None:
            where = (
                " AND p.scene IN (SELECT q.scene FROM parts q"
                " JOIN concepts d ON d.id = q.concept WHERE d.lemma = %s)"
            )
            args.append(holding)
        rows = self.rows(
            "SELECT p.scene, count(DISTINCT p.concept) AS shared FROM parts p"
            f" JOIN concepts c ON c.id = p.concept WHERE c.lemma = ANY(%s){where}"
            " GROUP BY p.scene ORDER BY shared DESC, p.scene DESC LIMIT %s",
            [*args, limit],
        )
        return [(int(i), int(n)) for i, n in rows]

    def iter_records(self, ids: Sequence[int]) -> Iterator[SceneRecord]:
        """Records of ``ids`` in that order; ids not stored are skipped."""
        by_id: dict[int, SceneRecord] = {}
        storable = [int(i) for i in ids if 0 < i < 2**63]
        for i in range(0, len(storable), 500):
            rows = self.rows(
                f"SELECT {_COLUMNS} FROM scenes WHERE id = ANY(%s)", (storable[i : i + 500],)
            )
            by_id.update((cast(int, r.id), r) for r in self._records(rows))
        yield from (by_id[i] for i in ids if i in by_id)

    def fan(self, lemmas: Sequence[str]) -> dict[str, int]:
        """How many stored scenes hold each of ``lemmas`` as a concept (absent: 0)."""
        out = dict.fromkeys(lemmas, 0)
        rows = self.rows(
            "SELECT c.lemma, count(DISTINCT p.scene) FROM parts p JOIN concepts c"
            " ON p.concept = c.id WHERE c.lemma = ANY(%s) GROUP BY c.lemma",
            (list(lemmas),),
        )
        out.update((str(lemma), int(n)) for lemma, n in rows)
        return out

    def add_links(self, scene_id: int, sources: Sequence[int], kind: str) -> None:
        """Record that scene ``scene_id`` was made from ``sources`` (``kind``: how)."""
        with self.transaction(), self._db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO links VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                [(scene_id, s, kind) for s in sources],
            )

    def links(self, scene_id: int) -> list[tuple[int, str]]:
        """``(source id, kind)`` of every scene ``scene_id`` was made from."""
        rows = self.rows(
            "SELECT source, kind FROM links WHERE scene = %s ORDER BY source", (scene_id,)
        )
        return [(int(s), str(k)) for s, k in rows]

    def put_pulse(self, name: str, state: str) -> None:
        """Keep a pulse's ``state`` (JSON) under ``name``, replacing any before."""
        with self.transaction():
            self._db.execute(
                "INSERT INTO pulses VALUES (%s, %s)"
                " ON CONFLICT (name) DO UPDATE SET state = excluded.state",
                (name, state),
            )

    def get_pulse(self, name: str) -> str | None:
        """The state kept under ``name``, or ``None``."""
        row = self.rows("SELECT state FROM pulses WHERE name = %s", (name,))
        return None if not row else str(row[0][0])

    def forget(self, ids: Sequence[int]) -> None:
        """Remove the scenes ``ids`` in one transaction (:func:`.forget.forget`)."""
        with self.transaction():
            forget(self._db, ids, mark="%s")

    def forgotten(self) -> int:
        """How many scenes were ever forgotten here (:func:`.forget.forgotten`)."""
        return forgotten(self._db)

    def count(self) -> int:
        """Number of stored scenes."""
        return int(self.rows("SELECT count(*) FROM scenes")[0][0])

    def vectors_since(self, after: int, column: str = "vector") -> tuple[np.ndarray, np.ndarray]:
        """Ids ``(n,)`` and packed ``column`` (vector or gist) ``(n, d/8)`` of scenes with
        id > ``after``."""
        if column not in ("vector", "gist"):
            raise ValueError(f"no scene column {column!r}")
        return self._vectors(f"SELECT id, {column} FROM scenes WHERE id > %s ORDER BY id", (after,))

    def part_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """Ids and packed vectors of every scene used as a part of another."""
        return self._vectors("SELECT id, vector FROM scenes WHERE is_part ORDER BY id", ())

    def _vectors(self, sql: str, args: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        rows, width = self.rows(sql, args), self.settings.dim // 8
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        flat = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.uint8)
        return ids, flat.reshape(len(rows), width)

    @contextmanager
    def reading(self) -> Iterator[tuple[Reading, str]]:
        """One read snapshot (``REPEATABLE READ``: writers go on) of the whole memory:
        what reads it (server-side cursors, vectors as bytes) and its placeholder, for
        what reads every table (:mod:`.transfer`)."""
        self._db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            yield Reading(self._db), "%s"
        finally:
            self._db.execute("COMMIT")

    def last_code(self) -> int:
        """The highest code ever given here, forgotten ones too."""
        return int(self.setting("last_code") or 0)

    def setting(self, key: str) -> str | None:
        """The value kept under ``key`` in the settings table, if any."""
        row = self.rows("SELECT value FROM settings WHERE key = %s", (key,))
        return None if not row else str(row[0][0])

    def set_setting(self, key: str, value: str) -> None:
        """Keep ``value`` under ``key`` (inside :meth:`transaction`)."""
        self._db.execute(
            "INSERT INTO settings VALUES (%s, %s)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def restore_codes(self, last: int) -> None:
        """No code up to ``last`` is handed out from now on (inside :meth:`transaction`)."""
        self._raise_codes(0, at_least=last)

    def index(self, column: str = "vector") -> PostgresIndex:
        """The recall index over ``column``: the database's own HNSW index."""
        return PostgresIndex(self, column)

    @property
    def connection(self) -> Any:
        """The open connection, for what writes many tables at once (:mod:`.migrate`)."""
        return self._db

    def close(self) -> None:
        """Close the connection."""
        self._db.close()
