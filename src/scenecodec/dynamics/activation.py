"""ACT-R's declarative memory equations: how active a scene is, and what that implies.

Anderson & Lebiere (1998), *The Atomic Components of Thought*, ch. 4; Anderson et al.
(2004), "An integrated theory of the mind", Psychological Review 111: 1036–1060.

* **base-level learning** ``B_i = ln Σ_j (t − t_j)^(−d)`` over the times ``t_j`` the
  scene was presented (cued, unfolded, resonated), decay ``d`` = :data:`DECAY` (0.5);
* **spreading activation** ``Σ_j W_j · S_ji`` from the concepts in focus: each of ``n``
  sources carries ``W_j = W / n`` (``W`` = :data:`ATTENTION`), and its strength toward
  a scene that holds it is ``S_ji = S − ln(fan_j)`` (``S`` = :data:`MAX_STRENGTH`,
  ``fan_j`` the number of stored scenes holding concept ``j``; never below 0);
* **partial matching** ``P · sim`` (``P`` = :data:`MATCH`): the scene's cosine to the
  focus, ACT-R's similarity term with cosine as the similarity;
* **retrieval probability** ``1 / (1 + e^(−(A − τ)/s))`` (threshold ``τ`` =
  :data:`THRESHOLD`, noise ``s`` = :data:`NOISE`) and **latency** ``F · e^(−A)``
  (``F`` = :data:`LATENCY`).

The equations are short and written here; ``tests/test_dynamics.py`` checks them
against ``pyactup``.

>>> round(base_level([0.0, 5.0], now=10.0), 6)   # ln(10^-0.5 + 5^-0.5)
-0.269919
>>> round(retrieval_probability(0.0), 3), round(latency(0.0), 3)
(0.5, 1.0)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = [
    "ATTENTION",
    "DECAY",
    "LATENCY",
    "MATCH",
    "MAX_STRENGTH",
    "NOISE",
    "THRESHOLD",
    "base_level",
    "latency",
    "retrieval_probability",
    "spreading",
]

DECAY = 0.5
"""ACT-R's decay ``d``: the standard value (Anderson & Lebiere 1998)."""
ATTENTION = 1.0
"""Source activation ``W`` shared by the concepts in focus: ACT-R's default."""
MAX_STRENGTH = 2.0
"""Maximum associative strength ``S``: within the 1.5–2 ACT-R models use."""
MATCH = 1.0
"""Weight ``P`` of the cosine between a scene and the focus."""
THRESHOLD = 0.0
"""Retrieval threshold ``τ``: ACT-R's default."""
NOISE = 0.25
"""Activation noise ``s``: a common ACT-R setting (0.2–0.5)."""
LATENCY = 1.0
"""Latency factor ``F`` in seconds (one tick of the pulse)."""


def base_level(times: Sequence[float], now: float, decay: float = DECAY) -> float:
    """``ln Σ (now − t_j)^(−d)`` over presentations strictly before ``now``; ``-inf``
    when there are none."""
    terms = [(now - t) ** -decay for t in times if t < now]
    return math.log(sum(terms)) if terms else -math.inf


def spreading(
    sources: Sequence[str], held: set[str], fan: dict[str, int], attention: float = ATTENTION
) -> float:
    """``Σ_j W_j · S_ji`` from ``sources`` (the concepts in focus) to a scene holding the
    concepts ``held``; ``fan[j]`` is how many stored scenes hold ``j`` (at least 1).

    >>> round(spreading(["жар", "страх"], {"жар"}, {"жар": 2, "страх": 1}), 6)  # ½(2 − ln 2)
    0.653426
    """
    if not sources:
        return 0.0
    weight = attention / len(sources)
    return sum(
        weight * max(0.0, MAX_STRENGTH - math.log(max(1, fan.get(j, 1))))
        for j in sources
        if j in held
    )


def retrieval_probability(
    activation: float, threshold: float = THRESHOLD, noise: float = NOISE
) -> float:
    """``1 / (1 + e^(−(A − τ)/s))``."""
    x = -(activation - threshold) / noise
    return 0.0 if x > 700 else 1.0 / (1.0 + math.exp(x))


def latency(activation: float, factor: float = LATENCY) -> float:
    """``F · e^(−A)``."""
    return factor * math.exp(-activation)
