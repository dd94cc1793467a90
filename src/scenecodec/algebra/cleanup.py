"""Item memory (cleanup): nearest codebook vectors in batches, and explaining away.

:class:`ItemMemory` holds a codebook of bipolar vectors with labels and finds
the nearest ones to a batch of queries by Hamming distance on packed bits with
FAISS ``IndexBinaryFlat`` (exact; on bipolar vectors Hamming distance and
cosine are the same order: ``cos = 1 − 2·hamming/d``).

:func:`explain_away` refines a first reading of a bundle. A bundle is
``sign(F + x)``, where ``x = role ⊙ item`` is the component being read and ``F``
the sum of all the others. Where ``F = 0`` the sign equals ``x`` exactly; where
``|F| ≥ 2`` it says nothing about ``x``. Once the other components are read,
``F`` is known, and scoring each candidate only on the dimensions where
``F = 0`` removes the crosstalk of every other component instead of averaging
over it. This is successive interference cancellation for MAP bundles; it is
written here because torchhd and nengo-spa clean up against the raw bundle
only. It is what keeps near-synonyms in one scene apart and lifts exact
decoding at 15 concepts and more (docs/benchmarks.md).

>>> from scenecodec.algebra import hv
>>> mem = ItemMemory(1024)
>>> mem.add(["жар", "страх"], np.stack([hv.random_bipolar(w, 1024) for w in ("жар", "страх")]))
>>> ids, sims = mem.search(hv.random_bipolar("страх", 1024)[None, :], 1)
>>> mem.label(int(ids[0, 0])), float(sims[0, 0])
('страх', 1.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import faiss
import numpy as np

from scenecodec.algebra import hv

__all__ = ["Group", "ItemMemory", "explain_away", "posteriors"]


class ItemMemory:
    """A codebook ``(N, d)`` of bipolar vectors with labels, searchable in batches.

    :meth:`extended` makes a view with a few more items on top of this one
    (ids continue after the base's), without copying the base: for reading a
    scene whose own concepts are not stored yet.
    """

    def __init__(self, dim: int, base: ItemMemory | None = None):
        self.dim = dim
        self.base = base
        self.offset = len(base) if base is not None else 0
        self._labels: list[str] = []
        self._label_set: set[str] = set()
        self._vectors = np.zeros((0, dim), dtype=np.int8)
        self._index = faiss.IndexBinaryFlat(dim)
        self._packed: np.ndarray | None = None

    def __len__(self) -> int:
        return self.offset + len(self._labels)

    def __contains__(self, label: object) -> bool:
        return label in self._label_set or (self.base is not None and label in self.base)

    def add(self, labels: Sequence[str], vectors: np.ndarray) -> None:
        """Append ``labels`` with their ``(n, d)`` bipolar ``vectors``."""
        vectors = np.asarray(vectors, dtype=np.int8).reshape(-1, self.dim)
        if len(vectors) != len(labels):
            raise ValueError("one vector per label")
        if not len(vectors):
            return
        self._labels.extend(labels)
        self._label_set.update(labels)
        self._vectors = np.concatenate([self._vectors, vectors])
        self._index.add(hv.pack(vectors))
        self._packed = None

    def extended(self, labels: Sequence[str], vectors: np.ndarray) -> ItemMemory:
        """A view of this memory plus ``labels``/``vectors``; this one must not grow meanwhile."""
        view = ItemMemory(self.dim, base=self)
        view.add(labels, vectors)
        return view

    def label(self, i: int) -> str:
        """The label of item ``i``."""
        if i < self.offset:
            assert self.base is not None  # only a view on a base has an offset
            return self.base.label(i)
        return self._labels[i - self.offset]

    def take(self, ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """The vectors ``(n, d)`` int8 of items ``ids``."""
        ids = np.asarray(ids, dtype=np.int64)
        if self.base is None:
            return np.asarray(self._vectors[ids])
        out = np.empty((len(ids), self.dim), dtype=np.int8)
        own = ids >= self.offset
        out[own] = self._vectors[ids[own] - self.offset]
        if (~own).any():
            out[~own] = self.base.take(ids[~own])
        return out

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` nearest items of each bipolar query ``(Q, d)``.

        Returns ids ``(Q, k')`` int64 and cosines ``(Q, k')`` float32, best first,
        with ``k' = min(k, N)``.
        """
        k = min(k, len(self))
        own_k = min(k, len(self._labels))
        if own_k:
            dist, ids = self._index.search(hv.pack(queries), own_k)
            ids = ids.astype(np.int64) + self.offset
            sims = (1.0 - 2.0 * dist / self.dim).astype(np.float32)
        else:
            ids = np.zeros((len(queries), 0), np.int64)
            sims = np.zeros((len(queries), 0), np.float32)
        if self.base is not None and self.offset:
            base_ids, base_sims = self.base.search(queries, k)
            ids = np.concatenate([base_ids, ids], axis=1)
            sims = np.concatenate([base_sims, sims], axis=1)
            order = np.argsort(-sims, axis=1, kind="stable")[:, :k]
            ids = np.take_along_axis(ids, order, axis=1)
            sims = np.take_along_axis(sims, order, axis=1)
        return ids, sims

    def masked_search(self, query: np.ndarray, mask: np.ndarray, k: int) -> np.ndarray:
        """Ids ``(k',)`` of the items that agree most with ``query`` ``(d,)`` on ``mask`` ``(d,)``.

        An exhaustive scan of packed bits (XOR, AND, popcount), used for the few
        slots that explaining away could not settle from a shortlist.
        """
        k = min(k, len(self))
        q = np.ascontiguousarray(hv.pack(query)).view(np.uint64)
        bits = np.ascontiguousarray(np.packbits(mask)).view(np.uint64)
        disagree = self._disagreements(q, bits)
        ids = np.argpartition(disagree, k - 1)[:k]
        return ids[np.argsort(disagree[ids], kind="stable")].astype(np.int64)

    def _disagreements(self, q: np.ndarray, bits: np.ndarray) -> np.ndarray:
        if self._packed is None:
            self._packed = np.ascontiguousarray(hv.pack(self._vectors)).view(np.uint64)
        own: np.ndarray = np.bitwise_count((self._packed ^ q) & bits).sum(axis=1, dtype=np.int32)
        if self.base is None:
            return own
        return np.concatenate([self.base._disagreements(q, bits), own])


@dataclass
class Group:
    """Components bound with one ``role``: ``members`` chosen from the ``shortlist`` (codebook ids).

    The first ``pinned`` members are known and never replaced; they also carry
    ``extra`` ``(d,)`` (their other bound appearances, e.g. the shape code),
    which their own reading takes into account. ``first_pass`` holds the
    shortlist's cosines with the unbound role.

    After :func:`explain_away`, ``scores[j]`` holds member ``j``'s score over the
    shortlist and ``informative[j]`` the number of dimensions it was read on.
    """

    role: np.ndarray
    shortlist: np.ndarray
    members: list[int]
    pinned: int = 0
    extra: np.ndarray | None = None
    first_pass: np.ndarray | None = None
    scores: list[np.ndarray] | None = None
    informative: list[int] | None = None
    _position: dict[int, int] | None = field(default=None, repr=False)

    def rows(self) -> list[int]:
        """The shortlist row of each member."""
        if self._position is None or len(self._position) != len(self.shortlist):
            self._position = {int(item): r for r, item in enumerate(self.shortlist.tolist())}
        return [self._position[m] for m in self.members]


def explain_away(
    target: np.ndarray,
    memory: ItemMemory,
    groups: list[Group],
    fixed: np.ndarray,
    rounds: int = 8,
    weak: float = 0.8,
    searches: int = 8,
) -> None:
    """Refine the members of ``groups`` in place so that their bundle explains ``target``.

    ``target``: the bundle ``(d,)`` int8; ``fixed``: the sum ``(d,)`` of components known
    for certain (shape code, tiebreak). Slots are re-read one at a time (the
    weakest first) on the dimensions where all other components cancel, and the
    running sum is updated at once (Gauss–Seidel), so one wrong reading cannot
    spoil the others' masks for a whole round. When a round changes nothing, the
    slots still scoring under ``weak``, weakest first, search the whole memory on
    their masks for items the first shortlist missed (at most ``searches`` such
    scans in all, each a pass over the memory). Members of a group stay distinct; at most
    ``rounds`` rounds run.
    """
    total = fixed.astype(np.int32).copy()
    for g in groups:
        total += (memory.take(g.members) * g.role).sum(axis=0, dtype=np.int32)
    for _ in range(rounds):
        changed = False
        for g in groups:
            changed |= _reread(target, memory, g, total)
        if not changed:
            unsure: list[tuple[float, int, int]] = []
            for n, g in enumerate(groups):
                assert g.scores is not None  # _reread has just scored every group
                unsure.extend(
                    (float(g.scores[j][r]), n, j)
                    for j, r in enumerate(g.rows())
                    if j >= g.pinned and g.scores[j][r] < weak
                )
            weakest = sorted(unsure)[:searches]
            searches -= len(weakest)
            if not sum(_widen(target, memory, groups[n], j, total) for _, n, j in weakest):
                break


def _reread(target: np.ndarray, memory: ItemMemory, g: Group, total: np.ndarray) -> bool:
    """Re-read every slot of ``g`` on its mask; update ``total`` as members change."""
    candidates = memory.take(g.shortlist)  # (L, d)
    weights = _weights(g)
    scores, sizes = _masked_scores(target, candidates, g, weights, total)
    current = g.rows()
    order = np.argsort(scores[current, np.arange(len(current))], kind="stable")
    changed = False
    for j in order.tolist():
        if j < g.pinned:
            continue
        column = scores[:, j].copy()
        column[[r for i, r in enumerate(current) if i != j]] = -np.inf
        best = int(np.argmax(column))
        if best != current[j]:
            total += g.role * (candidates[best].astype(np.int32) - candidates[current[j]])
            g.members[j], current[j] = int(g.shortlist[best]), best
            scores, sizes = _masked_scores(target, candidates, g, weights, total)
            changed = True
    g.scores = [scores[:, j] for j in range(len(g.members))]
    g.informative = [int(n) for n in sizes]
    return changed


def _widen(target: np.ndarray, memory: ItemMemory, g: Group, j: int, total: np.ndarray) -> int:
    """Scan the whole memory on slot ``j``'s mask and add its best items to ``g``'s
    shortlist; returns how many were new."""
    mask = total == g.role * memory.take([g.members[j]])[0]
    listed = set(g.shortlist.tolist())
    found = [i for i in memory.masked_search(target * g.role, mask, 8).tolist() if i not in listed]
    if found:
        g.shortlist = np.concatenate([g.shortlist, np.array(found, dtype=np.int64)])
    return len(found)


def _weights(g: Group) -> np.ndarray:
    """Each member's multiplier ``(m, d)``: the role, plus ``extra`` for pinned members."""
    weights = np.repeat(g.role[None, :].astype(np.int16), len(g.members), axis=0)
    if g.pinned and g.extra is not None:
        weights[: g.pinned] += g.extra
    return weights


def _masked_scores(
    target: np.ndarray, candidates: np.ndarray, g: Group, weights: np.ndarray, total: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Scores ``(L, m)`` of every candidate for every slot, read where the slot decides the sign.

    Member ``j`` contributes ``item ⊙ w_j``; where the others sum to less than
    ``|w_j|`` in size, the sign of the bundle is ``sign(w_j) ⊙ item``.
    """
    own = candidates[g.rows()] * weights  # (m, d)
    masks = np.abs(total[None, :] - own) < np.abs(weights)
    reads = (target[None, :] * np.sign(weights) * masks).astype(np.float32)  # (m, d)
    sizes = masks.sum(axis=1).astype(np.float32)
    return (candidates.astype(np.float32) @ reads.T) / np.maximum(sizes, 1.0), sizes


def posteriors(
    scores: np.ndarray,
    rows: Sequence[int] | np.ndarray,
    informative: np.ndarray | Sequence[float],
    unseen: int = 0,
) -> np.ndarray:
    """Probability that each slot's item is the true one, from scores over a shortlist.

    ``scores``: ``(m, L)`` (one row per slot) or ``(L,)`` shared by all slots; ``rows``:
    the shortlist row of each slot's item; ``informative``: the number of
    dimensions each slot was read on. Under a Gaussian reading (noise ``1/√n`` on
    ``n`` dimensions, signal ``μ`` = the item's score) the log-odds between two
    candidates is ``μ·n·(s_a − s_b)``; the items of the other slots are not
    candidates, and ``unseen`` entries outside the shortlist count as if they
    scored like the weakest listed one. Returns ``(m,)``.

    >>> posteriors(np.array([0.9, 0.1, 0.0]), [0], [1024]).round(6).tolist()
    [1.0]
    """
    rows = np.asarray(rows, dtype=np.int64)
    s = np.broadcast_to(np.asarray(scores, dtype=np.float64), (len(rows), np.shape(scores)[-1]))
    top = s[np.arange(len(rows)), rows]
    beta = np.maximum(top, 1e-3) * np.asarray(informative, dtype=np.float64)
    odds = np.exp(beta[:, None] * (s - top[:, None]))  # -inf scores (padding) give 0
    odds[:, rows] = 0.0
    odds[np.arange(len(rows)), rows] = 1.0
    finite = np.where(np.isfinite(s), s, np.inf).min(axis=1)
    tail = unseen * np.exp(np.minimum(beta * (finite - top), 0.0))
    return np.asarray(1.0 / (odds.sum(axis=1) + tail))
