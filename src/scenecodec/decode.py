"""Decode: a scene vector alone → its concepts, anchor, rhythm, per-slot confidence and residual.

Steps for a batch of vectors ``(B, d)``:

1. **First reading**: unbind each phase role and the anchor role and search the
   item memory (FAISS, batched over all scenes and slots) for a shortlist.
2. **Shape**: the shape code is bound to the first part, so each of the best
   entry candidates unbinds it and is cleaned up against the 64 shape codes:
   the first part, the number of concepts ``k`` and whether there is an
   anchor, hence how many concepts sit in each phase.
3. **Explaining away** (:func:`scenecodec.cleanup.explain_away`): re-read
   every slot on the dimensions where the other components cancel, until
   nothing changes.
4. **Confidence** per slot from the final scores (:func:`scenecodec.cleanup.posterior`).
5. **Residual**: the fraction of the vector's energy that the decoded
   components do not explain, ``‖s − Vc‖² / ‖s‖²`` with ``c`` the least-squares
   coefficients of the bound components ``V``. Even a perfect reading leaves
   about ``1 − 2/π ≈ 0.36`` for a large scene (0.25 for the smallest): the sign
   of a bundle is not a linear mix of its parts, so a scene is never fully
   decomposed, as the seed says. A value well above that floor means parts
   the memory does not know, or a vector that is not one scene.

>>> from scenecodec import hv
>>> from scenecodec.compress import compress_one
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

from dataclasses import dataclass

import numpy as np

from scenecodec.cleanup import Group, ItemMemory, explain_away, posterior
from scenecodec.slots import MAX_CONCEPTS, PHASES, Slots, phase_sizes

__all__ = ["ANCHOR", "SlotReading", "VectorReading", "decode_batch"]

ANCHOR = "anchor"


@dataclass(frozen=True)
class SlotReading:
    """One decoded component: codebook ``item``, its ``role`` (a phase or ``anchor``), scores."""

    item: int
    role: str
    confidence: float
    similarity: float


@dataclass(frozen=True)
class VectorReading:
    """What a vector decodes to: shape ``(k, has_anchor)``, slots in rhythm order, residual."""

    k: int
    has_anchor: bool
    shape_confidence: float
    slots: tuple[SlotReading, ...]
    residual: float


def decode_batch(
    slots: Slots,
    memory: ItemMemory,
    vectors: np.ndarray,
    *,
    shortlist: int = 32,
    firsts: int = 16,
    rounds: int = 8,
    sure: float = 0.999,
    settled: float = 0.8,
) -> list[VectorReading]:
    """Decode bipolar scene vectors ``(B, d)`` against ``memory``; see the module doc.

    The shape is bound to the first part, so it is read jointly with it: each of
    the ``firsts`` best entry candidates unbinds the shape role, and the pair
    (first part, shape code) that matches best wins. When that pair's
    confidence is under ``sure`` and the reading does not settle (some slot
    scores under ``settled`` after explaining away), the next likely pairs (up
    to three, while their confidence exceeds ``1 - sure``) are decoded too and
    the reading that leaves the least residual wins: a misread count would
    otherwise shift every phase.
    """
    vectors = np.asarray(vectors, dtype=np.int8)
    if len(memory) == 0:
        raise ValueError("the item memory is empty: nothing to decode against")
    roles = np.stack([*slots.phase_roles, slots.anchor_role])
    queries = (vectors[:, None, :] * roles[None, :, :]).reshape(-1, slots.dim)
    ids, _ = memory.search(queries, shortlist + max(phase_sizes(MAX_CONCEPTS)))
    ids = ids.reshape(len(vectors), len(roles), -1)
    shapes = slots.shapes.T.astype(np.float32)
    readings = []
    for b, vector in enumerate(vectors):
        candidates = ids[b, 0, :firsts]
        unbound = (memory.take(candidates) * (vector * slots.shape_role)).astype(np.float32)
        scores = (unbound @ shapes).ravel() / slots.dim  # (firsts · 64,)
        best = None
        for flat in np.argsort(-scores, kind="stable")[:3].tolist():
            confidence = posterior(scores, flat, slots.dim)
            if best is not None and confidence < 1.0 - sure:
                break
            first, shape_id = int(candidates[flat // len(slots.shapes)]), flat % len(slots.shapes)
            reading = _read(
                slots, memory, vector, ids[b], first, shape_id, confidence, rounds, shortlist
            )
            if best is None or reading.residual < best.residual:
                best = reading
            if confidence >= sure or min(s.similarity for s in reading.slots) >= settled:
                break
        readings.append(best)
    return readings


def _read(slots, memory, vector, ids, first, shape_id, shape_conf, rounds, shortlist):
    """One reading of ``vector`` supposing its first part is item ``first`` and its shape
    ``shape_id``; the first part stays pinned while the others are explained away."""
    k, has_anchor = slots.read_shape(shape_id)
    roles = [*slots.phase_roles, slots.anchor_role]
    plan = [(PHASES[p], p, m) for p, m in enumerate(phase_sizes(k)) if m]
    if has_anchor:
        plan.append((ANCHOR, 3, 1))
    groups = []
    for _, r, m in plan:
        listed = ids[r, : shortlist + m]
        if r == 0:
            others = [int(i) for i in listed if i != first][: m - 1]
            groups.append(Group(roles[r], listed, [first, *others], pinned=1))
        else:
            groups.append(Group(roles[r], listed, [int(i) for i in listed[:m]]))
    known = slots.known_components(k, has_anchor, memory.take([first])[0])
    explain_away(vector, memory, groups, np.sum(known, axis=0, dtype=np.int32), rounds)
    return _reading(memory, vector, [name for name, _, _ in plan], groups, known, shape_conf)


def _reading(memory, vector, names, groups, known, shape_conf) -> VectorReading:
    readings = []
    components = [c.astype(np.float32) for c in known]
    for name, g in zip(names, groups, strict=True):
        taken = g.rows()
        for m, r, scores, n in zip(g.members, taken, g.scores, g.informative, strict=True):
            conf = posterior(scores, r, n, excluded=taken, unseen=len(memory) - len(g.shortlist))
            readings.append(SlotReading(m, name, conf, float(scores[r])))
            components.append((g.role * memory.take([m])[0]).astype(np.float32))
    residual = _residual(np.stack(components), vector.astype(np.float32))
    k = sum(1 for s in readings if s.role != ANCHOR)
    return VectorReading(k, k != len(readings), shape_conf, tuple(readings), residual)


def _residual(components: np.ndarray, target: np.ndarray) -> float:
    """``‖t − Vc‖² / ‖t‖²`` for the least-squares ``c``; ``components`` is ``(n, d)``.

    Solved through the ``(n, n)`` Gram matrix: the components are nearly
    orthogonal, so it is well conditioned and ten times faster than lstsq.
    """
    gram = components @ components.T
    coef = np.linalg.solve(gram + 1e-6 * np.eye(len(gram), dtype=np.float32), components @ target)
    explained = float(coef @ (components @ target))
    return max(0.0, 1.0 - explained / float(target @ target))
