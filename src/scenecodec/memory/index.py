"""The in-process recall index over a store's scene vectors.

Built from the file when first needed and topped up with the scenes stored
since (by id), so a process sees what other processes wrote.

* Up to :data:`EXACT_LIMIT` scenes, search is exact Hamming search on the packed
  vectors with FAISS ``IndexBinaryFlat`` (on bipolar vectors Hamming distance and
  cosine give the same order); it measured eight times faster than a numpy
  popcount scan at 100,000 scenes.
* Beyond that a full scan costs more than the 10 ms a recall may take (22 ms
  at a million scenes on two cores), so the index first scans a 256-bit sketch
  of every vector (its first 256 dimensions, a quarter of the memory traffic),
  then re-ranks the best :data:`RERANK` candidates exactly on all dimensions.
  The recall of this two-stage search against the exact one is measured in
  docs/benchmarks.md.

>>> from scenecodec.algebra import hv
>>> index = SceneIndex(1024)
>>> index.add(np.array([7, 9]), hv.pack(np.stack([hv.random_bipolar(w, 1024) for w in "ab"])))
>>> ids, sims = index.search(hv.random_bipolar("b", 1024)[None, :], 1)
>>> int(ids[0, 0]), float(sims[0, 0])
(9, 1.0)
"""

from __future__ import annotations

import faiss
import numpy as np

from scenecodec.algebra import hv
from scenecodec.memory.store import Store

__all__ = ["EXACT_LIMIT", "RERANK", "SKETCH_BITS", "SceneIndex"]

EXACT_LIMIT = 250_000
SKETCH_BITS = 256
RERANK = 1024


class SceneIndex:
    """Scene ids with their packed vectors (or gists: ``column="gist"``), searchable by cosine."""

    def __init__(self, dim: int, column: str = "vector"):
        self.dim = dim
        self.column = column
        self._forgotten = 0
        self._clear()

    def _clear(self) -> None:
        self._full = faiss.IndexBinaryFlat(self.dim)
        self._sketch = faiss.IndexBinaryFlat(min(SKETCH_BITS, self.dim))
        self._ids = np.zeros(0, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def last(self) -> int:
        """The highest scene id indexed (0 when empty)."""
        return int(self._ids[-1]) if len(self._ids) else 0

    def add(self, ids: np.ndarray, packed: np.ndarray) -> None:
        """Index scenes ``ids`` ``(n,)`` with packed vectors ``(n, d/8)``, ids ascending."""
        if len(ids):
            packed = np.ascontiguousarray(packed, dtype=np.uint8)
            self._full.add(packed)
            self._sketch.add(np.ascontiguousarray(packed[:, : self._sketch.d // 8]))
            self._ids = np.concatenate([self._ids, np.asarray(ids, dtype=np.int64)])

    def refresh(self, store: Store) -> None:
        """Add the scenes stored since the last refresh; start again from the file when
        scenes were forgotten since (by any process)."""
        forgotten = store.forgotten()  # read before the vectors: a forget in between shows next
        if forgotten != self._forgotten:
            self._clear()
            self._forgotten = forgotten
        self.add(*store.vectors_since(self.last, self.column))

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Scene ids ``(Q, k')`` and cosines ``(Q, k')`` of the nearest scenes to bipolar
        queries ``(Q, d)``, best first; ``k' = min(k, len(self))``."""
        k = min(k, len(self))
        if k == 0:
            return np.zeros((len(queries), 0), np.int64), np.zeros((len(queries), 0), np.float32)
        packed = hv.pack(queries)
        if len(self) <= EXACT_LIMIT:
            dist, rows = self._full.search(packed, k)
        else:
            dist, rows = self._reranked(packed, k)
        return self._ids[rows], (1.0 - 2.0 * dist / self.dim).astype(np.float32)

    def _reranked(self, packed: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Sketch scan, then exact Hamming distances of the best candidates."""
        width = self._sketch.d // 8
        _, candidates = self._sketch.search(
            np.ascontiguousarray(packed[:, :width]), max(RERANK, 50 * k)
        )
        # faiss's stubs leave out IndexBinaryFlat.xb (the stored codes), which SWIG exposes
        xb = self._full.xb  # type: ignore[attr-defined]
        stored = faiss.rev_swig_ptr(xb.data(), len(self) * (self.dim // 8))
        codes = np.asarray(stored).reshape(len(self), -1)[candidates]  # (Q, C, d/8)
        dist = np.bitwise_count(codes ^ packed[:, None, :]).sum(axis=2, dtype=np.int32)
        best = np.argsort(dist, axis=1, kind="stable")[:, :k]
        return np.take_along_axis(dist, best, 1), np.take_along_axis(candidates, best, 1)
