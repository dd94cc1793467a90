"""Compress: component vectors → one bipolar scene vector (the algebra only, no storage).

    scene = sign( Σ_i R_phase(i) ⊙ part_i  +  R_anchor ⊙ anchor
                  +  R_shape ⊙ C(k, anchor) ⊙ part_0  [+ R_tie ⊙ part_0 when the count is even] )

Parts are atoms of concepts or vectors of sub-scenes; see :mod:`scenecodec.algebra.slots`
for the roles. :func:`compress_batch` works on indices into a codebook and
is vectorised over scenes that share a shape, which is how a large batch of
scenes whose concepts are already known compresses at speed.

>>> from scenecodec.algebra import hv
>>> slots = Slots.get(1024, 0)
>>> parts = np.stack([hv.random_bipolar(w, 1024) for w in ("жар", "страх", "тишина")])
>>> v = compress_one(slots, parts, hv.random_bipolar("вход", 1024))
>>> v.shape, v.dtype.name
((1024,), 'int8')
"""

from __future__ import annotations

import numpy as np

from scenecodec.algebra import hv
from scenecodec.algebra.slots import MAX_CONCEPTS, Slots, phases_for

__all__ = ["compress_batch", "compress_one", "gist", "gist_batch"]

_CHUNK = 8192


def compress_batch(
    slots: Slots, codebook: np.ndarray, parts: np.ndarray, anchors: np.ndarray
) -> np.ndarray:
    """Packed scene vectors for many scenes at once.

    ``codebook``: ``(N, d)`` int8 bipolar; ``parts``: ``(B, K)`` int indices into it, each
    row filled from the left and padded with ``-1``; ``anchors``: ``(B,)`` index or
    ``-1`` for no anchor. Returns ``(B, d/8)`` uint8, packed as :func:`hv.pack` does.

    Works on packed bits: binding is XOR, and the weighted majority is counted
    with a bit-sliced adder (one bit plane per binary digit of the count), so
    each component costs a dozen word operations per 64 dimensions.
    """
    parts = np.asarray(parts, dtype=np.int64)
    anchors = np.asarray(anchors, dtype=np.int64)
    counts = (parts >= 0).sum(axis=1)
    if (counts < 1).any() or (counts > MAX_CONCEPTS).any():
        raise ValueError(f"every scene needs 1…{MAX_CONCEPTS} parts")
    if (parts[np.arange(parts.shape[1]) >= counts[:, None]] >= 0).any():
        raise ValueError("parts must be filled from the left and padded with -1")
    bits = _words(codebook)
    out = np.empty((len(parts), bits.shape[1]), dtype=np.uint64)
    shapes = counts * 2 + (anchors >= 0)
    for shape in np.unique(shapes):
        k, has_anchor = int(shape) // 2, bool(shape % 2)
        rows = np.flatnonzero(shapes == shape)
        terms = [(_words(v), w) for v, w in slots.structure_terms(k, has_anchor)]
        roles = [_words(slots.phase_roles[p]) for p in phases_for(k)]
        if has_anchor:
            roles.append(_words(slots.anchor_role))
        total = k + int(has_anchor) + sum(w for _, w in terms)
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            members = (
                parts[chunk, :k] if not has_anchor else np.c_[parts[chunk, :k], anchors[chunk]]
            )
            planes = [
                np.zeros((len(chunk), bits.shape[1]), np.uint64) for _ in range(total.bit_length())
            ]
            first = bits[members[:, 0]]
            for term, weight in terms:
                _add(planes, first ^ term, weight.bit_length() - 1)
            for i, role in enumerate(roles):
                _add(planes, bits[members[:, i]] ^ role, 0)
            out[chunk] = _at_least(planes, (total + 1) // 2)
    return out.view(np.uint8)


def _words(v: np.ndarray) -> np.ndarray:
    """Bipolar ``(..., d)`` → packed ``(..., d/64)`` uint64 (bit 1 for -1)."""
    return np.ascontiguousarray(hv.pack(v)).view(np.uint64)


def _add(planes: list[np.ndarray], x: np.ndarray, shift: int) -> None:
    """Add the bits ``x`` times ``2**shift`` to the bit-sliced counters ``planes``."""
    for i in range(shift, len(planes)):
        carry = planes[i] & x
        planes[i] ^= x
        x = carry


def _at_least(planes: list[np.ndarray], threshold: int) -> np.ndarray:
    """Bits where the bit-sliced count is ≥ ``threshold`` (compared from the top bit)."""
    greater = np.zeros_like(planes[0])
    equal = ~np.zeros_like(planes[0])
    for i in reversed(range(len(planes))):
        if threshold >> i & 1:
            equal &= planes[i]
        else:
            greater |= equal & planes[i]
            equal &= ~planes[i]
    return np.asarray(greater | equal)


def compress_one(slots: Slots, parts: np.ndarray, anchor: np.ndarray | None) -> np.ndarray:
    """The scene vector ``(d,)`` of ``parts`` ``(k, d)`` in order and an optional ``anchor``."""
    k = len(parts)
    codebook = parts if anchor is None else np.vstack([parts, anchor[None, :]])
    index = np.arange(k)[None, :]
    packed = compress_batch(slots, codebook, index, np.array([-1 if anchor is None else k]))
    return hv.unpack(packed[0], slots.dim)


def gist(atoms: np.ndarray) -> np.ndarray:
    """A scene's *gist* ``(d,)`` int8: ``sign(Σ_i atom_i)`` over atoms ``(m, d)``,
    without slot roles. A tie takes the sign of the first atom rotated by one place:
    unrelated to every atom (the first atom itself would swallow a two-concept cue)
    and not shared by all gists (a fixed tie-break vector would make them alike).

    Every stored scene keeps the gist of its concepts and anchor beside its vector.
    A recall cue made of concepts whose slots are unknown is matched against gists:
    with roles, a cue concept meets its slot in one role out of four and the
    signal drops by half; here it counts in full, whatever phase it was stored in.

    >>> from scenecodec.algebra import hv
    >>> a = np.stack([hv.random_bipolar(w, 1024) for w in ("жар", "страх", "тишина", "вход")])
    >>> cue = gist(a[[3, 1]])            # the anchor and the peak, in any order
    >>> round(float(hv.similarity(cue, gist(a))), 1)     # random atoms: 0.0 ± 0.03
    0.3
    """
    total = np.asarray(atoms).sum(0, dtype=np.int32)
    out: np.ndarray = np.where(total == 0, np.roll(atoms[0], 1), np.sign(total)).astype(np.int8)
    return out


def gist_batch(codebook: np.ndarray, parts: np.ndarray, anchors: np.ndarray) -> np.ndarray:
    """Packed gists ``(B, d/8)`` of many flat scenes given as in :func:`compress_batch`."""
    out = np.empty((len(parts), codebook.shape[1] // 8), dtype=np.uint8)
    every = np.concatenate([parts, anchors[:, None]], axis=1)
    for start in range(0, len(every), _CHUNK):
        rows = every[start : start + _CHUNK]
        total = np.zeros((len(rows), codebook.shape[1]), dtype=np.int32)
        for j in range(rows.shape[1]):
            present = rows[:, j] >= 0
            total[present] += codebook[rows[present, j]]
        tie = np.roll(codebook[rows[:, 0]], 1, axis=1)
        out[start : start + len(rows)] = hv.pack(np.where(2 * total + tie > 0, 1, -1))
    return out
