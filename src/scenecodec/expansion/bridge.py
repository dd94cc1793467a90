"""HyperBridge: which registers a scene activates, at what pace, and in which voice.

Section 11.2.4 of the seed: the bridge takes the scene, activates the matching
registers, sets the pace of unfolding and routes each register to a voice. The
five registers are equal, so each starts from the same score, 0, and three things
move it (all in z units, so they are comparable):

* **the scene** — :data:`SCENE_WEIGHT` × how strongly the scene calls for the register:
  logical, its anchor's tension ×2 plus its strongest functional facet (transition,
  action, thought); poetic, its strongest perceptual facet (light, sound, nature,
  sensation); emotional, its strongest emotion; bodily, its bodily load; archetypal,
  how far its nearest archetype's cosine stands above the floor, ×10;
* **the goal** — :data:`GOAL_WEIGHT` × the goal text's cosine to each register's cues
  (``data/registers.tsv``), standardised across the five;
* **the voice** asked for — :data:`VOICE_BONUS` to the registers it speaks natively
  (logician: logical; poet: poetic, emotional; philosopher: archetypal, logical;
  bodily: bodily, emotional).

Weights are the softmax of the scores; a register is **active** when its weight
reaches :data:`ACTIVE` (half an equal share) or when it was asked for by name.
Each active register goes to the voice asked for, else to its default voice
(emotional goes to the bodily voice when the scene's bodily load exceeds its
strongest emotion, else to the poet). The **pace** follows arousal: an aroused
scene is told fast (one sentence, the three micro-scenes nearest the context
unfolded, depth 1), a calm one slowly (three sentences, all micro-scenes, depth 2),
others at two sentences, depth 1.

>>> from scenecodec.language.embed import HashEmbedder
>>> from scenecodec.expansion.registers.reading import read
>>> e = HashEmbedder()
>>> r = read(e, ["жар", "вход"], ["entry", "anchor"], e.embed(["жар", "вход"]), 0.3)
>>> d = route(e, r, voice="poet")
>>> d.route("poetic").voice, d.route("logical").voice, round(sum(x.weight for x in d.routes), 6)
('poet', 'poet', 1.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scenecodec.errors import InputError
from scenecodec.expansion import facets
from scenecodec.expansion.archetype import FLOOR
from scenecodec.expansion.registers import lexicon
from scenecodec.expansion.registers.reading import Reading, level
from scenecodec.expansion.registers.voice import VOICES, Pace
from scenecodec.language.embed import Embedder

__all__ = [
    "ACTIVE",
    "GOAL_WEIGHT",
    "NATIVE",
    "REGISTERS",
    "SCENE_WEIGHT",
    "VOICE_BONUS",
    "Decision",
    "Pace",
    "Route",
    "route",
    "speak",
]

REGISTERS = tuple(r.id for r in lexicon.registers())
"""``logical``, ``poetic``, ``emotional``, ``archetypal``, ``bodily``."""
SCENE_WEIGHT = 0.25
"""How much the scene's own call moves a register's score, per z."""
GOAL_WEIGHT = 1.0
"""How much the goal moves a register's score, per standard deviation across the five."""
VOICE_BONUS = 1.0
"""Added to the score of the registers the voice asked for speaks natively."""
ACTIVE = 0.1
"""Least weight of an active register: half an equal share of five."""
NATIVE: dict[str, tuple[str, ...]] = {
    "logician": ("logical",),
    "poet": ("poetic", "emotional"),
    "philosopher": ("archetypal", "logical"),
    "bodily": ("bodily", "emotional"),
}
"""The registers each voice speaks natively."""


@dataclass(frozen=True)
class Route:
    """One register's ``weight``, whether it is ``active``, the ``voice`` that speaks it
    and the ``reason``."""

    register: str
    weight: float
    active: bool
    voice: str
    reason: str

    def to_dict(self) -> dict:
        """``{"register", "weight", "active", "voice", "reason"}``; weight to 4 decimals."""
        return {
            "register": self.register,
            "weight": round(self.weight, 4),
            "active": self.active,
            "voice": self.voice,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Decision:
    """The bridge's decision: a :class:`Route` per register (strongest first) and the
    :class:`Pace`."""

    routes: tuple[Route, ...]
    pace: Pace

    @property
    def active(self) -> list[Route]:
        """The active routes, strongest first."""
        return [r for r in self.routes if r.active]

    def route(self, register: str) -> Route:
        """The route of ``register``."""
        return next(r for r in self.routes if r.register == register)

    def to_dict(self) -> dict:
        """``{"weights": {register: weight}, "pace": {...}, "routes": [...]}``."""
        return {
            "weights": {r.register: round(r.weight, 4) for r in self.routes},
            "pace": self.pace.to_dict(),
            "routes": [r.to_dict() for r in self.routes],
        }


def _scene_calls(reading: Reading) -> dict[str, tuple[float, str]]:
    """Each register's call from the scene (z units) and its reason."""
    ids = [f.id for f in facets.FACETS]
    z = dict(zip(ids, map(float, reading.facets), strict=True))
    function = max(("transition", "action", "thought"), key=lambda f: z[f])
    sense = max(("light", "sound", "nature", "senses"), key=lambda f: z[f])
    emotion, ez = reading.emotions[0]
    tension = reading.tension or 0.0
    kind = reading.archetype
    body = facets.features(reading.facets)["body"]
    return {
        "logical": (
            2 * tension + z[function],
            f"tension {tension:.2f}, {function} z {z[function]:.2f}",
        ),
        "poetic": (z[sense], f"{sense} z {z[sense]:.2f}"),
        "emotional": (ez, f"{emotion} z {ez:.2f}"),
        "bodily": (body, f"bodily load z {body:.2f}"),
        "archetypal": (10 * (kind.score - FLOOR), f"{kind.archetype.key} cosine {kind.score:.2f}"),
    }


def _pace(reading: Reading) -> Pace:
    arousal = reading.affect["arousal"]
    k = len(reading.parts)
    lv = level(arousal)
    if lv == "high":
        return Pace(1, min(3, k), 1, f"arousal high (z {arousal:.2f}): told fast")
    if lv == "low":
        return Pace(2, k, 3, f"arousal low (z {arousal:.2f}): told slowly")
    return Pace(1, k, 2, f"arousal medium (z {arousal:.2f})")


def route(
    embedder: Embedder,
    reading: Reading,
    *,
    goal: np.ndarray | None = None,
    voice: str | None = None,
    registers: Sequence[str] | None = None,
) -> Decision:
    """The bridge's :class:`Decision` for ``reading``: ``goal`` is a unit meaning vector
    ``(e,)``, ``voice`` one of :data:`~scenecodec.expansion.registers.voice.VOICES`, ``registers``
    the ones asked for by name (then only those are active)."""
    if voice is not None and voice not in VOICES:
        raise InputError(f"unknown voice {voice!r}; choose from {', '.join(sorted(VOICES))}")
    wanted = list(registers) if registers is not None else None
    if wanted is not None:
        unknown = [r for r in wanted if r not in REGISTERS]
        if unknown or not wanted:
            raise InputError(
                f"unknown register {', '.join(unknown) or '(none given)'}; "
                f"choose from {', '.join(REGISTERS)}"
            )
    calls = _scene_calls(reading)
    scores = np.array([SCENE_WEIGHT * calls[r][0] for r in REGISTERS])
    reasons = [[f"scene: {calls[r][1]}"] for r in REGISTERS]
    if goal is not None:
        cos = lexicon.vectors(embedder, "register") @ goal
        g = (cos - cos.mean()) / (cos.std() + 1e-9)
        scores += GOAL_WEIGHT * g
        for i, c in enumerate(cos):
            reasons[i].append(f"goal: cosine {c:.2f} ({g[i]:+.2f} sd)")
    if voice is not None:
        for i, r in enumerate(REGISTERS):
            if r in NATIVE[voice]:
                scores[i] += VOICE_BONUS
                reasons[i].append(f"voice {voice} speaks it")
    weights = np.exp(scores - scores.max())
    weights /= weights.sum()
    feeling = "bodily" if calls["bodily"][0] > calls["emotional"][0] else "poet"
    defaults = {r.id: r.voice for r in lexicon.registers()} | {"emotional": feeling}
    routes = []
    for i, r in enumerate(REGISTERS):
        active = r in wanted if wanted is not None else bool(weights[i] >= ACTIVE)
        if wanted is not None:
            reasons[i].append("asked for" if active else "not asked for")
        routes.append(
            Route(r, float(weights[i]), active, voice or defaults[r], "; ".join(reasons[i]))
        )
    routes.sort(key=lambda x: -x.weight)
    return Decision(tuple(routes), _pace(reading))


def speak(embedder: Embedder, reading: Reading, decision: Decision) -> dict[str, str]:
    """The text of each active register, strongest first, in the voice routed to it."""
    return {
        r.register: VOICES[r.voice].bound(embedder).speak(reading, r.register, decision.pace)
        for r in decision.active
    }
