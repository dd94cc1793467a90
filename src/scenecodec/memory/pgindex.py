"""Recall on PostgreSQL: the database's own HNSW index answers, no process holds the vectors.

Each memory has an HNSW index on Hamming distance over its scene vectors and one over
its gists (:mod:`.pgschema`); :class:`PostgresIndex` asks one of them for the ``k``
nearest scenes to each cue (``ORDER BY vector <~> cue LIMIT k``, ``hnsw.ef_search`` =
:data:`EF_SEARCH`) and sorts ties by code. What any process stored is found at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from scenecodec.algebra import hv
from scenecodec.memory.pgdriver import Bits
from scenecodec.memory.store import Settings

__all__ = ["EF_SEARCH", "PostgresIndex", "Rows"]

EF_SEARCH = 200
"""HNSW candidates kept per search (pgvector's ``hnsw.ef_search``): recall@10 against
exact search at a million scenes is measured in docs/benchmarks.md (1.000 at p95 13.7 ms)."""


class Rows(Protocol):
    """What the index reads through: :class:`~scenecodec.memory.postgres.PostgresStore`."""

    settings: Settings

    def rows(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """The rows of ``sql``, vectors read as bytes."""
        ...


class PostgresIndex:
    """The recall index of one column (``vector`` or ``gist``) of a PostgreSQL memory."""

    def __init__(self, store: Rows, column: str = "vector"):
        if column not in ("vector", "gist"):
            raise ValueError(f"no scene column {column!r}")
        self.store, self.column = store, column
        self.dim = store.settings.dim

    def refresh(self, store: object) -> None:
        """Nothing to top up: the database's index is always current."""

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Scene ids ``(Q, k')`` and cosines ``(Q, k')`` of the nearest scenes to bipolar
        queries ``(Q, d)``, best first (ties by code); ``k'`` is the fewest any query found."""
        found = []
        for query in hv.pack(queries):
            bits = Bits(query.tobytes())
            rows = self.store.rows(
                f"SELECT id, {self.column} <~> %s FROM scenes"
                f" ORDER BY {self.column} <~> %s LIMIT %s",
                (bits, bits, k),
            )
            found.append(sorted((float(d), int(i)) for i, d in rows))
        width = min((len(f) for f in found), default=0)
        ids = np.array([[i for _, i in f[:width]] for f in found], dtype=np.int64)
        dist = np.array([[d for d, _ in f[:width]] for f in found], dtype=np.float32)
        cosines = 1.0 - 2.0 * dist.reshape(len(found), width) / self.dim
        return ids.reshape(len(found), width), cosines.astype(np.float32)
