"""Resonance: a scene settles against memory by the modern Hopfield update.

Ramsauer et al. (2021), "Hopfield Networks is All You Need" (ICLR): with the stored
patterns as the rows of ``X`` ``(n, d)`` and a state ``ξ`` ``(d,)``, the update

    ξ ← Xᵀ · softmax(β · X · ξ)

converges, usually in one or two steps, to a fixed point near the stored pattern (or
the mixture of patterns) the state is closest to. Here the patterns are the stored
scenes' gists (bipolar, scaled to unit length) and ``ξ`` is the focus's gist: the
scenes that carry weight at the fixed point are those that **resonated**.
:data:`BETA` sets how sharply one pattern wins: random gists of 1,024 bits meet at a
cosine of 0 ± 0.03, scenes sharing a concept at ≈ 0.3, so β = 32 separates them
(e^(32 · 0.3) ≈ 15,000) while leaving a mixture among scenes that share as much.

With thousands of stored scenes the update runs on the :data:`TOP` patterns nearest to
the starting state (one product with every pattern picks them): at β = 32 a pattern
0.25 below the nearest carries e^(−8) of its weight, so the rest change nothing that
counts, and a tick stays within milliseconds. ``exclude`` leaves patterns out (the
scenes already in focus: they would only find themselves).

This is written here: the update is three lines of numpy, and the libraries that
hold it (``hopfield-layers``) need torch.

>>> x = np.eye(4)
>>> r = settle(x, np.array([0.9, 0.1, 0.0, 0.0]))
>>> r.steps, [int(i) for i in r.resonated], round(float(r.weights[0]), 3)
(2, [0], 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scenecodec.algebra.packed import PackedRows

__all__ = ["BETA", "EPSILON", "MAX_STEPS", "RESONATES", "TOP", "Settled", "settle"]

BETA = 32.0
"""Inverse temperature of the update."""
EPSILON = 1e-6
"""The state has settled when a step moves it less than this (L2)."""
MAX_STEPS = 20
"""Most update steps."""
TOP = 256
"""Patterns the update runs on: those nearest to the starting state."""
RESONATES = 0.05
"""Least weight at the fixed point for a stored scene to count as resonating."""


@dataclass(frozen=True)
class Settled:
    """The fixed point ``state`` ``(d,)``, the patterns' ``weights`` ``(n,)`` there, the
    indices of those that ``resonated`` (weight ≥ :data:`RESONATES`, heaviest first)
    and the number of ``steps`` taken."""

    state: np.ndarray
    weights: np.ndarray
    resonated: np.ndarray
    steps: int


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max())
    return e / e.sum()


def settle(
    patterns: np.ndarray | PackedRows,
    state: np.ndarray,
    beta: float = BETA,
    exclude: np.ndarray | None = None,
) -> Settled:
    """Iterate the update from ``state`` ``(d,)`` over unit-length ``patterns`` ``(n, d)``
    (less the rows flagged in ``exclude`` ``(n,)``) until it moves less than
    :data:`EPSILON` or :data:`MAX_STEPS` steps pass. ``weights`` covers all ``n`` rows
    (0 outside the :data:`TOP` nearest and for excluded rows). Bipolar patterns may
    stay packed (:class:`~scenecodec.algebra.packed.PackedRows`): only the :data:`TOP`
    nearest are unpacked."""
    x = patterns if isinstance(patterns, PackedRows) else np.asarray(patterns, np.float32)
    xi = np.asarray(state, dtype=np.float32)
    xi = xi / max(float(np.linalg.norm(xi)), 1e-12)
    sims = x @ xi if len(x) else np.zeros(0, np.float32)
    if exclude is not None:
        sims = np.where(exclude, -np.inf, sims)
    live = int(np.isfinite(sims).sum())
    if live == 0:
        return Settled(xi, np.zeros(len(x), np.float32), np.zeros(0, np.int64), 0)
    near = np.argpartition(-sims, min(TOP, live) - 1)[: min(TOP, live)]
    near = near[np.isfinite(sims[near])]
    sub = x[near]
    steps = 0
    while True:
        nxt = _softmax(beta * (sub @ xi)) @ sub
        steps += 1
        moved = float(np.linalg.norm(nxt - xi))
        xi = nxt
        if moved < EPSILON or steps >= MAX_STEPS:
            break
    weights = np.zeros(len(x), np.float32)
    weights[near] = _softmax(beta * (sub @ xi))
    order = near[np.argsort(-weights[near], kind="stable")]
    return Settled(xi, weights, order[weights[order] >= RESONATES], steps)
