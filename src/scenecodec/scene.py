"""The value objects the public API returns: Scene, Decoded, Recalled, Expansion.

Each has ``to_dict()`` giving exactly the JSON shape of the CLI contract
(DESIGN.md): a scene is ``{code, glyph, formula, name, concepts: [{lemma,
phase}], anchor}``; an expansion is ``{scene, microscenes, registers,
residual, neighbours}`` (plus ``decoded``, the per-slot reading).

>>> c = Concept("жар", "entry")
>>> c.to_dict()
{'lemma': 'жар', 'phase': 'entry'}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from scenecodec.language.morph import language

if TYPE_CHECKING:
    from scenecodec.archetype import Assignment
    from scenecodec.bridge import Decision
    from scenecodec.unfold import MicroScene

__all__ = ["Concept", "Decoded", "DecodedConcept", "Expansion", "Recalled", "Scene"]


@dataclass(frozen=True)
class Concept:
    """A part of a scene: a ``lemma`` in a rhythm ``phase``; ``code`` names a sub-scene part."""

    lemma: str
    phase: str
    code: str | None = None

    def to_dict(self) -> dict:
        """``{"lemma", "phase"}``, plus ``"code"`` for a sub-scene."""
        out = {"lemma": self.lemma, "phase": self.phase}
        if self.code is not None:
            out["code"] = self.code
        return out


@dataclass(frozen=True, eq=False)
class Scene:
    """A compressed scene: its ``vector`` ``(d,)`` int8 and its four forms.

    ``code`` is ``None`` for a scene that was resolved but not stored.
    """

    vector: np.ndarray
    code: str | None
    glyph: str
    formula: str
    name: str
    concepts: tuple[Concept, ...]
    anchor: str | None

    def to_dict(self) -> dict:
        """The CLI JSON shape of a scene."""
        return {
            "code": self.code,
            "glyph": self.glyph,
            "formula": self.formula,
            "name": self.name,
            "concepts": [c.to_dict() for c in self.concepts],
            "anchor": self.anchor,
        }


@dataclass(frozen=True)
class DecodedConcept:
    """One decoded slot: ``lemma`` (or a sub-scene's formula and ``code``), ``phase``,
    ``confidence`` (posterior probability, 0…1) and ``similarity`` (score on the
    dimensions read after explaining away)."""

    lemma: str
    phase: str
    confidence: float
    similarity: float
    code: str | None = None

    def to_dict(self) -> dict:
        """``{"lemma", "phase", "confidence", "similarity"}`` (+ ``"code"``), 4 decimals."""
        out = {
            "lemma": self.lemma,
            "phase": self.phase,
            "confidence": round(self.confidence, 4),
            "similarity": round(self.similarity, 4),
        }
        if self.code is not None:
            out["code"] = self.code
        return out


@dataclass(frozen=True)
class Decoded:
    """What a vector alone decodes to: concepts in rhythm order, the anchor, the residual."""

    concepts: tuple[DecodedConcept, ...]
    anchor: DecodedConcept | None
    residual: float
    shape_confidence: float

    @property
    def formula(self) -> str:
        """The decoded formula, concepts in phase order (within a phase, strongest first)."""
        text = " + ".join(c.lemma for c in self.concepts)
        return text if self.anchor is None else f"{text} → {self.anchor.lemma}"

    def to_dict(self) -> dict:
        """``{"formula", "concepts", "anchor", "residual", "shape_confidence"}``."""
        return {
            "formula": self.formula,
            "concepts": [c.to_dict() for c in self.concepts],
            "anchor": None if self.anchor is None else self.anchor.to_dict(),
            "residual": round(self.residual, 4),
            "shape_confidence": round(self.shape_confidence, 4),
        }


@dataclass(frozen=True)
class Recalled:
    """A stored ``scene`` and its cosine ``score`` against a cue."""

    scene: Scene
    score: float

    def to_dict(self) -> dict:
        """``{"scene": {...}, "score": float}``."""
        return {"scene": self.scene.to_dict(), "score": round(self.score, 4)}


@dataclass(frozen=True)
class Expansion:
    """An expanded scene: the ``scene``, what its vector ``decoded`` to, its nearest
    stored scenes, its micro-scenes (:class:`~scenecodec.unfold.MicroScene`), the
    anchor's ``tension``, the whole scene's ``archetype``, the text of each active
    register (``registers``: register → text, strongest first) and the HyperBridge's
    decision (``bridge``: weights, pace, voices and reasons)."""

    scene: Scene
    decoded: Decoded
    neighbours: tuple[Recalled, ...]
    microscenes: tuple[MicroScene, ...] = ()
    tension: float | None = None
    archetype: Assignment | None = None
    registers: dict[str, str] = field(default_factory=dict)
    bridge: Decision | None = None

    @property
    def language(self) -> str:
        """The scene's language: ``ru`` when most of its letters are Cyrillic, else ``en``."""
        return language(self.scene.formula) or "en"

    @property
    def residual(self) -> float:
        """The fraction of the scene vector's energy its decoded parts leave unexplained."""
        return self.decoded.residual

    @property
    def levels(self) -> list[tuple[int, int, float]]:
        """``(depth, scenes, mean residual)`` per level of the unfolding tree: level 1 is
        the scene itself, level n the scenes its micro-scenes unfold into n − 1 steps down."""
        out = [(1, 1, self.residual)]
        layer = list(self.microscenes)
        while True:
            residuals = [m.unfolding.residual for m in layer if m.unfolding is not None]
            if not residuals:
                return out
            out.append((len(out) + 1, len(residuals), sum(residuals) / len(residuals)))
            layer = [c for m in layer if m.unfolding is not None for c in m.unfolding.microscenes]

    def to_dict(self) -> dict:
        """The CLI JSON shape of ``expand``."""
        return {
            "scene": self.scene.to_dict(),
            "microscenes": [m.to_dict() for m in self.microscenes],
            "levels": [
                {"depth": d, "scenes": n, "residual": round(r, 4)} for d, n, r in self.levels
            ],
            "registers": dict(self.registers),
            "bridge": None if self.bridge is None else self.bridge.to_dict(),
            "residual": round(self.residual, 4),
            "tension": None if self.tension is None else round(self.tension, 4),
            "archetype": None if self.archetype is None else self.archetype.to_dict(self.language),
            "neighbours": [n.to_dict() for n in self.neighbours],
            "decoded": self.decoded.to_dict(),
        }
