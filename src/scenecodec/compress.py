"""Compress: component vectors → one bipolar scene vector (the algebra only, no storage).

    scene = sign( Σ_i R_phase(i) ⊙ part_i  +  R_anchor ⊙ anchor
                  +  R_shape ⊙ C(k, anchor) ⊙ part_0  [+ R_tie ⊙ part_0 when the count is even] )

Parts are atoms of concepts or vectors of sub-scenes; see :mod:`scenecodec.slots`
for the roles. :func:`compress_batch` works on indices into a codebook and
is vectorised over scenes that share a shape, which is how a large batch of
scenes whose concepts are already known compresses at speed.

>>> from scenecodec import hv
>>> slots = Slots.get(1024, 0)
>>> parts = np.stack([hv.random_bipolar(w, 1024) for w in ("жар", "страх", "тишина")])
>>> v = compress_one(slots, parts, hv.random_bipolar("вход", 1024))
>>> v.shape, v.dtype.name
((1024,), 'int8')
"""

from __future__ import annotations

import numpy as np

from scenecodec.slots import MAX_CONCEPTS, Slots, phases_for

__all__ = ["bag_vector", "compress_batch", "compress_one"]

_CHUNK = 4096


def compress_batch(
    slots: Slots, codebook: np.ndarray, parts: np.ndarray, anchors: np.ndarray
) -> np.ndarray:
    """Scene vectors for many scenes at once.

    ``codebook``: ``(N, d)`` int8 bipolar; ``parts``: ``(B, K)`` int indices into it, each
    row filled from the left and padded with ``-1``; ``anchors``: ``(B,)`` index or
    ``-1`` for no anchor. Returns ``(B, d)`` int8.
    """
    parts = np.asarray(parts, dtype=np.int64)
    anchors = np.asarray(anchors, dtype=np.int64)
    counts = (parts >= 0).sum(axis=1)
    if (counts < 1).any() or (counts > MAX_CONCEPTS).any():
        raise ValueError(f"every scene needs 1…{MAX_CONCEPTS} parts")
    if (parts[np.arange(parts.shape[1]) >= counts[:, None]] >= 0).any():
        raise ValueError("parts must be filled from the left and padded with -1")
    out = np.empty((len(parts), slots.dim), dtype=np.int8)
    shapes = counts * 2 + (anchors >= 0)
    for shape in np.unique(shapes):
        k, has_anchor = int(shape) // 2, bool(shape % 2)
        rows = np.flatnonzero(shapes == shape)
        structure = np.sum(slots.structure(k, has_anchor), axis=0, dtype=np.int16)
        phases = phases_for(k)
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            acc = codebook[parts[chunk, 0]] * structure
            for i, phase in enumerate(phases):
                acc += codebook[parts[chunk, i]] * slots.phase_roles[phase]
            if has_anchor:
                acc += codebook[anchors[chunk]] * slots.anchor_role
            out[chunk] = np.where(acc > 0, 1, -1)
    return out


def compress_one(slots: Slots, parts: np.ndarray, anchor: np.ndarray | None) -> np.ndarray:
    """The scene vector ``(d,)`` of ``parts`` ``(k, d)`` in order and an optional ``anchor``."""
    k = len(parts)
    codebook = parts if anchor is None else np.vstack([parts, anchor[None, :]])
    index = np.arange(k)[None, :]
    return compress_batch(slots, codebook, index, np.array([-1 if anchor is None else k]))[0]


def bag_vector(slots: Slots, parts: np.ndarray) -> np.ndarray:
    """A recall cue ``(d,)`` for parts ``(m, d)`` whose places are unknown.

    ``sign(Σ_role Σ_part role ⊙ part + tiebreak)`` over the three phase roles and
    the anchor role: its cosine with a scene vector sums, over the cue's parts,
    their presence in any slot of the scene, so scenes holding the same or
    related concepts rank first whatever order they were given in.
    """
    roles = np.vstack([slots.phase_roles, slots.anchor_role[None, :]])
    total = (roles[:, None, :] * np.asarray(parts, dtype=np.int8)[None, :, :]).sum(
        axis=(0, 1), dtype=np.int32
    )
    total += slots.cue_tiebreak  # 4·m bound parts: always an even count
    return np.where(total > 0, 1, -1).astype(np.int8)
