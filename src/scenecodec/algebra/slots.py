"""Slot roles of a scene: the three rhythm phases, the anchor, and the shape code.

A scene of ``k`` concepts lays them over the rhythm ``entry → peak → decline``
in order: concept ``i`` sits in phase ``min(2, ⌊3i/k⌋)`` (three concepts take one
phase each; seven take 3 + 2 + 2). Each phase has a role vector, and so does
the anchor.

Two more components make a scene decodable without thresholds, and both are
bound to the scene's **first part** ``p₀`` so that no vector is shared by
unrelated scenes (a shared component would make every scene of the same size
look alike to recall and to glyphs):

* the **shape** ``R_shape ⊙ C(k, has_anchor) ⊙ p₀`` names the number of concepts
  and whether there is an anchor, hence how many concepts sit in each phase.
  It is counted twice in the sum: every other slot depends on reading it
  right, and doubling it costs the others only ``√((n+1)/(n+3))`` of their
  signal (measured in docs/benchmarks.md);
* the **tiebreak** ``R_tie ⊙ p₀``, added when the count of components is even,
  so the sign of the sum never meets a zero.

>>> phases_for(3), phases_for(7)
([0, 1, 2], [0, 0, 0, 1, 1, 2, 2])
>>> s = Slots.get(1024, 0)
>>> s.phase_roles.shape, s.shapes.shape
((3, 1024), (64, 1024))
"""

from __future__ import annotations

from functools import cache

import numpy as np

from scenecodec.algebra import hv

__all__ = ["MAX_CONCEPTS", "PHASES", "Slots", "phase_sizes", "phases_for", "shape_index"]

PHASES: tuple[str, ...] = ("entry", "peak", "decline")
MAX_CONCEPTS = 32


def phases_for(k: int) -> list[int]:
    """Phase index (0 entry, 1 peak, 2 decline) of each of ``k`` concepts in order."""
    return [min(2, 3 * i // k) for i in range(k)]


def phase_sizes(k: int) -> tuple[int, int, int]:
    """How many of ``k`` concepts fall in entry, peak and decline.

    >>> phase_sizes(5)
    (2, 2, 1)
    """
    counts = [0, 0, 0]
    for p in phases_for(k):
        counts[p] += 1
    return counts[0], counts[1], counts[2]


def shape_index(k: int, has_anchor: bool) -> int:
    """Row of the shape codebook for ``k`` concepts (1…MAX_CONCEPTS) with or without anchor."""
    return 2 * (k - 1) + int(has_anchor)


class Slots:
    """The role and shape vectors of one ``(dim, seed)``; get them with :meth:`get`."""

    def __init__(self, dim: int, seed: int):
        self.dim = dim
        self.seed = seed
        self.phase_roles = np.stack([hv.random_bipolar(f"{seed}/role/{p}", dim) for p in PHASES])
        self.anchor_role = hv.random_bipolar(f"{seed}/role/anchor", dim)
        self.shape_role = hv.random_bipolar(f"{seed}/role/shape", dim)
        self.tie_role = hv.random_bipolar(f"{seed}/role/tie", dim)
        self.shapes = np.stack(
            [hv.random_bipolar(f"{seed}/shape/{i}", dim) for i in range(2 * MAX_CONCEPTS)]
        )

    @staticmethod
    @cache
    def get(dim: int, seed: int) -> Slots:
        """The shared instance for ``(dim, seed)``."""
        return Slots(dim, seed)

    def read_shape(self, index: int) -> tuple[int, bool]:
        """Inverse of :func:`shape_index`."""
        return index // 2 + 1, bool(index % 2)

    def structure_terms(self, k: int, has_anchor: bool) -> list[tuple[np.ndarray, int]]:
        """``(vector, weight)`` of what, bound to the first part, makes the shape and tiebreak
        components: ``(R_shape ⊙ C(k, a), 2)`` (counted twice, see the module doc), and
        ``(R_tie, 1)`` when ``k`` parts and the anchor make an even count."""
        terms = [(hv.bind(self.shape_role, self.shapes[shape_index(k, has_anchor)]), 2)]
        if (k + int(has_anchor)) % 2 == 0:
            terms.append((self.tie_role, 1))
        return terms

    def structure(self, k: int, has_anchor: bool) -> list[np.ndarray]:
        """:meth:`structure_terms` weighted: ``(d,)`` int16 each."""
        return [w * v.astype(np.int16) for v, w in self.structure_terms(k, has_anchor)]

    def known_components(self, k: int, has_anchor: bool, first: np.ndarray) -> list[np.ndarray]:
        """The shape and tiebreak components of a scene whose first part is ``first`` ``(d,)``,
        weighted as bundled; ``(d,)`` int16 each."""
        return [v * first for v in self.structure(k, has_anchor)]
