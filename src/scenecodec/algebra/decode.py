"""Decode: a scene vector alone → its concepts, anchor, rhythm, per-slot confidence and residual.

Steps for a batch of vectors ``(B, d)``:

1. **First reading**: unbind each phase role and the anchor role and search the
   item memory (FAISS, batched over all scenes and slots) for a shortlist.
2. **Shape**: the shape code is bound to the first part, so each of the best
   entry candidates unbinds it and is cleaned up against the 64 shape codes:
   the first part, the number of concepts ``k`` and whether there is an
   anchor, hence how many concepts sit in each phase.
3. **Clear readings stand**: where the shape is sure and every phase's members
   stand clear of the noise, the first reading is the answer (vectorised).
4. **Explaining away** for the rest (:func:`scenecodec.algebra.cleanup.explain_away`):
   re-read every slot on the dimensions where the other components cancel,
   until nothing changes; try the next (first part, shape) pairs until one
   settles, and if none does, search the whole memory for the first part of
   each shape code.
5. **Confidence** per slot (:func:`scenecodec.algebra.cleanup.posteriors`) and the
   **residual**: the fraction of the vector's energy that the decoded
   components do not explain, ``‖s − Vc‖² / ‖s‖²`` with ``c`` the least-squares
   coefficients of the bound components ``V``. Even a perfect reading leaves
   about ``1 − 2/π ≈ 0.36`` for a large scene (0.25 for the smallest): the sign
   of a bundle is not a linear mix of its parts, so a scene is never fully
   decomposed, as the seed says. A value well above that floor means parts
   the memory does not know, or a vector that is not one scene.

>>> from scenecodec.algebra import hv
>>> from scenecodec.algebra.compress import compress_one
>>> mem = ItemMemory(1024)
>>> words = ["жар", "страх", "тишина", "вход", "стол"]
>>> mem.add(words, np.stack([hv.random_bipolar(w, 1024) for w in words]))
>>> slots = Slots.get(1024, 0)
>>> v = compress_one(slots, mem.take([0, 1, 2]), mem.take([3])[0])
>>> r = decode_batch(slots, mem, v[None, :])[0]
>>> [mem.label(s.item) for s in r.slots], r.k, r.has_anchor
(['жар', 'страх', 'тишина', 'вход'], 3, True)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from scenecodec.algebra.cleanup import Group, ItemMemory, explain_away, posteriors
from scenecodec.algebra.slots import MAX_CONCEPTS, PHASES, Slots, phase_sizes

__all__ = ["ANCHOR", "SlotReading", "VectorReading", "decode_batch"]

ANCHOR = "anchor"


@dataclass(frozen=True)
class SlotReading:
    """One decoded component: codebook ``item``, its ``role`` (a phase or ``anchor``),
    ``confidence`` (posterior probability) and ``similarity`` (cosine of the
    unbound slot with the item)."""

    item: int
    role: str
    confidence: float
    similarity: float


@dataclass(frozen=True)
class VectorReading:
    """What a vector decodes to: shape ``(k, has_anchor)``, slots in rhythm order, residual.

    ``settled`` is true when every slot was read unambiguously, at once or after
    explaining away.
    """

    k: int
    has_anchor: bool
    shape_confidence: float
    slots: tuple[SlotReading, ...]
    residual: float
    settled: bool


def decode_batch(
    slots: Slots,
    memory: ItemMemory,
    vectors: np.ndarray,
    *,
    shortlist: int = 32,
    firsts: int = 64,
    tries: int = 32,
    deep_tries: int = 8,
    sure: float = 0.999,
) -> list[VectorReading]:
    """Decode bipolar scene vectors ``(B, d)`` against ``memory``; see the module doc.

    The shape is bound to the first part, so it is read jointly with it: each of
    the ``firsts`` best entry candidates unbinds the shape role, and the pairs
    (first part, shape code) are ranked by how well they match. When the best
    pair is sure (posterior ≥ ``sure``) and every phase is clear at once, the
    first reading stands (vectorised over all such scenes). Otherwise the pairs
    are read in turn with explaining away until one settles (at most ``tries``).
    If none does, the first part may hide deeper than ``firsts`` in the entry
    role: each shape code then searches the whole memory for its first part and
    the ``deep_tries`` best pairs are read too. A settled reading wins; among
    unsettled ones, the one that leaves the least residual, each component
    costing ``4/d`` (a true part explains about ``2/(πn)`` of the energy, a
    spurious one ``1/d``): a misread count would otherwise shift every phase.
    """
    vectors = np.asarray(vectors, dtype=np.int8)
    if len(memory) == 0:
        raise ValueError("the item memory is empty: nothing to decode against")
    ids, sims = _first_reading(slots, memory, vectors, firsts, shortlist)
    firsts_ids, shapes, confidences = _shape_pairs(
        slots, memory, vectors, ids[:, 0, :firsts], tries
    )
    readings: list[VectorReading | None] = [None] * len(vectors)
    sure_rows = np.flatnonzero(confidences[:, 0] >= sure)
    for shape in np.unique(shapes[sure_rows, 0]):
        rows = sure_rows[shapes[sure_rows, 0] == shape]
        for b, reading in _clear_readings(
            slots,
            memory,
            vectors,
            ids,
            sims,
            rows,
            firsts_ids[rows, 0],
            int(shape),
            confidences[rows, 0],
        ):
            readings[b] = reading
    for b in (b for b, r in enumerate(readings) if r is None):
        pairs = [
            _Hypothesis(int(f), int(h), float(c))
            for f, h, c in zip(firsts_ids[b], shapes[b], confidences[b], strict=True)
        ]
        best = _best_reading(slots, memory, vectors[b], ids[b], pairs, shortlist)
        if best is None or not best.settled:
            deep = _deep_pairs(slots, memory, vectors[b], deep_tries)
            other = _best_reading(slots, memory, vectors[b], ids[b], deep, shortlist)
            if best is None or (other is not None and _better(other, best, slots.dim)):
                best = other
        readings[b] = best or VectorReading(0, False, 0.0, (), 1.0, False)
    done = [r for r in readings if r is not None]
    assert len(done) == len(readings)  # each scene is read at once or explained away above
    return done


def _best_reading(
    slots: Slots,
    memory: ItemMemory,
    vector: np.ndarray,
    ids: np.ndarray,
    pairs: Sequence[_Hypothesis],
    shortlist: int,
) -> VectorReading | None:
    """Read the hypotheses in turn until one settles; else the one of least cost."""
    best: VectorReading | None = None
    for n, hypothesis in enumerate(pairs):
        # only the likeliest pair may scan the whole memory for missed items
        searches = 8 if n == 0 else 0
        reading = _explained(slots, memory, vector, ids, hypothesis, shortlist, searches)
        if reading is not None and (best is None or _better(reading, best, slots.dim)):
            best = reading
        if best is not None and best.settled:
            break
    return best


def _better(a: VectorReading, b: VectorReading, dim: int) -> bool:
    """A settled reading beats an unsettled one; otherwise the lower cost wins."""
    if a.settled != b.settled:
        return a.settled
    return _cost(a, dim) < _cost(b, dim)


def _deep_pairs(
    slots: Slots, memory: ItemMemory, vector: np.ndarray, count: int
) -> list[_Hypothesis]:
    """The ``count`` best (first part, shape) pairs over the whole memory, for a scene
    whose first part hid too deep in the entry role: one search per shape code for
    the items closest to ``S ⊙ R_shape ⊙ C(shape)``."""
    queries = vector[None, :] * slots.shape_role[None, :] * slots.shapes
    ids, sims = memory.search(queries, 4)
    flat = np.argsort(-sims.ravel(), kind="stable")[:count]
    scores = sims.ravel()
    unseen = len(memory) * len(slots.shapes) - len(flat)
    return [
        _Hypothesis(
            int(ids.ravel()[i]),
            int(i // ids.shape[1]),
            float(posteriors(scores[flat], [n], [slots.dim], unseen)[0]),
        )
        for n, i in enumerate(flat.tolist())
    ]


def _first_reading(
    slots: Slots, memory: ItemMemory, vectors: np.ndarray, firsts: int, shortlist: int
) -> tuple[np.ndarray, np.ndarray]:
    """Shortlists ``(B, 4, W)`` (ids, cosines) for the three phase roles and the anchor;
    the entry role's runs ``firsts`` deep (it holds the first part), the others
    ``shortlist`` beyond the largest phase. Padding: id -1, cosine -inf."""
    deep = max(firsts, shortlist + max(phase_sizes(MAX_CONCEPTS)))
    entry_ids, entry_sims = memory.search(vectors * slots.phase_roles[0], deep)
    roles = np.stack([*slots.phase_roles[1:], slots.anchor_role])
    queries = (vectors[:, None, :] * roles[None, :, :]).reshape(-1, slots.dim)
    rest_ids, rest_sims = memory.search(queries, shortlist + max(phase_sizes(MAX_CONCEPTS)))
    width = entry_ids.shape[1]
    ids = np.full((len(vectors), 4, width), -1, dtype=np.int64)
    sims = np.full((len(vectors), 4, width), -np.inf, dtype=np.float32)
    ids[:, 0], sims[:, 0] = entry_ids, entry_sims
    narrow = rest_ids.shape[1]
    ids[:, 1:, :narrow] = rest_ids.reshape(len(vectors), 3, narrow)
    sims[:, 1:, :narrow] = rest_sims.reshape(len(vectors), 3, narrow)
    return ids, sims


def _shape_pairs(
    slots: Slots,
    memory: ItemMemory,
    vectors: np.ndarray,
    candidates: np.ndarray,
    tries: int,
    chunk: int = 64,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``tries`` best (first part, shape) pairs of each scene, best first: first-part
    ids, shape rows and posterior confidences, each ``(B, T)``."""
    shapes = slots.shapes.T.astype(np.float32)
    n_shapes = shapes.shape[1]
    out_first: list[np.ndarray] = []
    out_shape: list[np.ndarray] = []
    out_conf: list[np.ndarray] = []
    for start in range(0, len(vectors), chunk):
        cands = candidates[start : start + chunk]  # (b, F)
        unbound = memory.take(cands.ravel()).reshape(*cands.shape, -1)
        unbound = unbound * (vectors[start : start + chunk] * slots.shape_role)[:, None, :]
        scores = (unbound.astype(np.float32) @ shapes).reshape(len(cands), -1) / slots.dim
        t = min(tries, scores.shape[1])
        top = np.argpartition(-scores, t - 1, axis=1)[:, :t]
        top = np.take_along_axis(top, np.argsort(-np.take_along_axis(scores, top, 1), 1), 1)
        s = np.take_along_axis(scores, top, 1).astype(np.float64)  # (b, T), descending
        beta = np.maximum(s, 1e-3) * slots.dim
        odds = np.exp(beta[:, :, None] * (s[:, None, :] - s[:, :, None])).sum(axis=2)
        tail = (scores.shape[1] - t) * np.exp(beta * (s[:, -1:] - s))
        out_first.append(np.take_along_axis(cands, top // n_shapes, 1))
        out_shape.append(top % n_shapes)
        out_conf.append(1.0 / (odds + tail))
    return np.concatenate(out_first), np.concatenate(out_shape), np.concatenate(out_conf)


def _clear_readings(
    slots: Slots,
    memory: ItemMemory,
    vectors: np.ndarray,
    ids: np.ndarray,
    sims: np.ndarray,
    rows: np.ndarray,
    firsts: np.ndarray,
    shape: int,
    confidence: np.ndarray,
) -> Iterator[tuple[int, VectorReading]]:
    """Readings of the scenes ``rows`` (all of shape ``shape``, first parts ``firsts``)
    whose first reading is clear: in every phase the weakest member stands a
    standard deviation above the largest noise the memory can produce
    (``(√(2 ln N) + 1)/√d``) and one above the best non-member, and the reading
    is settled (:func:`_settled`). Yields ``(row, reading)`` for those; the
    others are left to explaining away."""
    d = slots.dim
    k, has_anchor = slots.read_shape(shape)
    floor = (np.sqrt(2.0 * np.log(max(len(memory), 2))) + 1.0) / np.sqrt(d)
    sizes = [*phase_sizes(k), int(has_anchor)]
    # entry: the first part is pinned; the others are the best of the rest of the list
    entry_ids, entry_sims = ids[rows, 0], sims[rows, 0].copy()
    entry_sims[entry_ids == firsts[:, None]] = -np.inf
    order = np.argsort(-entry_sims, axis=1, kind="stable")
    lists = [(np.take_along_axis(entry_ids, order, 1), np.take_along_axis(entry_sims, order, 1))]
    lists += [(ids[rows, r], sims[rows, r]) for r in (1, 2, 3)]
    counts = [sizes[0] - 1, *sizes[1:]]
    clear = np.ones(len(rows), dtype=bool)
    for (_, s), m in zip(lists, counts, strict=True):
        if m:
            clear &= (s[:, m - 1] >= floor) & (s[:, m - 1] - s[:, m] >= 1.0 / np.sqrt(d))
    rows, firsts, confidence = rows[clear], firsts[clear], confidence[clear]
    if not len(rows):
        return
    lists = [(i[clear], s[clear]) for i, s in lists]
    roles = np.stack([*slots.phase_roles, slots.anchor_role])
    vec = vectors[rows]
    first_atoms = memory.take(firsts)
    first_cos = (first_atoms * (vec * roles[0])).sum(axis=1, dtype=np.int32) / d
    member_cols, cosine_cols = [firsts[:, None]], [first_cos[:, None]]
    conf_cols = [confidence[:, None]]  # the first part is known through its (first, shape) pair
    role_index = [0]
    for r, ((i, s), m) in enumerate(zip(lists, counts, strict=True)):
        member_cols.append(i[:, :m])
        cosine_cols.append(s[:, :m])
        conf_cols.append(_first_pass_confidence(s, m, d, len(memory)))
        role_index += [r] * m
    members, cosines, confs = (
        np.concatenate(x, axis=1) for x in (member_cols, cosine_cols, conf_cols)
    )
    names = [PHASES[r] if r < 3 else ANCHOR for r in role_index]
    atoms = memory.take(members.ravel()).reshape(*members.shape, d)
    bound = atoms * roles[role_index][None]
    structure = slots.structure(k, has_anchor)
    weights = roles[role_index].astype(np.int16)
    weights[0] += np.sum(structure, axis=0, dtype=np.int16)
    held = _settled(vec, atoms, weights)
    known = np.stack([first_atoms * v for v in structure], axis=1)
    residuals = _residuals(
        np.concatenate([known, bound], axis=1).astype(np.float32), vec.astype(np.float32)
    )
    for j, b in enumerate(rows.tolist()):
        if not held[j]:
            continue
        parts = tuple(
            SlotReading(int(members[j, c]), names[c], float(confs[j, c]), float(cosines[j, c]))
            for c in range(len(names))
        )
        yield (
            b,
            VectorReading(k, has_anchor, float(confidence[j]), parts, float(residuals[j]), True),
        )


def _settled(vectors: np.ndarray, atoms: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Whether each reading explains its vector slot by slot: ``(B,)`` bool.

    ``atoms`` ``(B, n, d)`` are the items read, ``weights`` ``(n, d)`` what each is
    bound with (its role, and the shape and tiebreak for the first part). Where the
    other components of a slot sum to less than its weight, the bundle's sign must
    be the slot's own: every slot must agree there (score ≥ ``_SETTLED``), which a
    wrong item, or a right one beside a wrong one, does not.
    """
    own = atoms.astype(np.int16) * weights[None]  # (B, n, d)
    total = own.sum(axis=1, dtype=np.int16)
    masks = np.abs(total[:, None, :] - own) < np.abs(weights)[None]
    agree = (vectors[:, None, :] == np.sign(own)) & masks
    scores = (2.0 * agree.sum(axis=2) - masks.sum(axis=2)) / np.maximum(masks.sum(axis=2), 1)
    return np.asarray(np.all(scores >= _SETTLED, axis=1))


def _first_pass_confidence(s: np.ndarray, m: int, dim: int, unseen: int) -> np.ndarray:
    """Posterior ``(B, m)`` of the top ``m`` entries of cosine lists ``s`` ``(B, L)``
    against the rest of the list (and ``unseen`` entries scoring like its last)."""
    s = s.astype(np.float64)
    top = s[:, :m]
    rest = s[:, m:]
    beta = np.maximum(top, 1e-3) * dim
    odds = np.exp(beta[:, :, None] * (rest[:, None, :] - top[:, :, None])).sum(axis=2)
    last = np.where(np.isfinite(rest), rest, np.inf).min(axis=1, keepdims=True)
    tail = unseen * np.exp(np.minimum(beta * (last - top), 0.0))
    return np.asarray(1.0 / (1.0 + odds + tail))


def _cost(reading: VectorReading, dim: int) -> float:
    return reading.residual + 4.0 * len(reading.slots) / dim


@dataclass(frozen=True)
class _Hypothesis:
    first: int
    shape: int
    confidence: float


def _explained(
    slots: Slots,
    memory: ItemMemory,
    vector: np.ndarray,
    ids: np.ndarray,
    h: _Hypothesis,
    shortlist: int,
    searches: int,
) -> VectorReading | None:
    """The reading of ``vector`` supposing its first part is ``h.first`` and its shape
    ``h.shape``, with every slot explained away (the first part pinned, at most
    ``searches`` scans of the whole memory); ``None`` when the memory holds fewer
    items than the shape needs."""
    first, shape, confidence = h.first, h.shape, h.confidence
    k, has_anchor = slots.read_shape(shape)
    roles = [*slots.phase_roles, slots.anchor_role]
    plan = [(PHASES[p], p, m) for p, m in enumerate(phase_sizes(k)) if m]
    if has_anchor:
        plan.append((ANCHOR, 3, 1))
    structure = np.asarray(np.sum(slots.structure(k, has_anchor), axis=0, dtype=np.int16))
    groups: list[Group] = []
    for _, r, m in plan:
        listed = ids[r, : shortlist + m]
        listed = listed[listed >= 0]
        if r == 0:
            listed = np.append(first, listed[listed != first])
        if len(listed) < m:
            return None
        groups.append(
            Group(
                roles[r],
                listed,
                [int(i) for i in listed[:m]],
                pinned=int(r == 0),
                extra=structure if r == 0 else None,
            )
        )
    known = slots.known_components(k, has_anchor, memory.take([first])[0])
    fixed = np.asarray(np.sum(known, axis=0, dtype=np.int32))
    explain_away(vector, memory, groups, fixed, searches=searches)
    readings: list[SlotReading] = []
    settled = True
    for (name, _, _), g in zip(plan, groups, strict=True):
        assert g.scores is not None and g.informative is not None  # explain_away read every slot
        rows = g.rows()
        scores = np.stack(g.scores)
        settled &= bool(np.all(scores[np.arange(len(rows)), rows] >= _SETTLED))
        conf = posteriors(scores, rows, g.informative, len(memory) - len(g.shortlist))
        cosines = memory.take(g.members) @ (vector * g.role).astype(np.float32) / len(vector)
        readings.extend(
            SlotReading(m, name, float(c), float(cos))
            for m, c, cos in zip(g.members, conf, cosines, strict=True)
        )
    components = [*known, *(g.role * memory.take(g.members) for g in groups)]
    residual = _residuals(
        np.vstack(components)[None].astype(np.float32), vector[None].astype(np.float32)
    )[0]
    return VectorReading(k, has_anchor, confidence, tuple(readings), float(residual), settled)


_SETTLED = 0.8
"""A slot is settled when its item scores this much on the slot's informative dimensions
(the right item scores 1 there once the other slots are right, a wrong one about 0)."""


def _residuals(components: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """``‖t − Vc‖² / ‖t‖²`` for the least-squares ``c``, for ``(B, n, d)`` components and
    ``(B, d)`` targets; ``(B,)``.

    Solved through the ``(n, n)`` Gram matrices: the components are nearly
    orthogonal, so they are well conditioned, and a batch solves at once.
    """
    gram = components @ components.transpose(0, 2, 1)
    rhs = (components @ targets[:, :, None])[..., 0]
    ridge = 1e-6 * np.eye(gram.shape[1], dtype=np.float32)
    coef = np.linalg.solve(gram + ridge, rhs[..., None])[..., 0]
    explained = np.sum(coef * rhs, axis=1)
    return np.asarray(np.maximum(0.0, 1.0 - explained / np.sum(targets * targets, axis=1)))
