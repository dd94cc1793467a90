"""The value objects the codec returns — Scene, Decoded, Recalled — and a scene's record.

Each has ``to_dict()`` giving exactly the JSON shape of the CLI contract
(DESIGN.md): a scene is ``{code, glyph, formula, name, concepts: [{lemma,
phase}], anchor}``, plus ``reading`` (the split, :class:`~scenecodec.language.split.SplitResult`)
for a scene given as a fused name. :func:`record` turns an encoded formula into the
:class:`~scenecodec.memory.store.SceneRecord` the memory keeps, and
:func:`from_record` turns a record back into a :class:`Scene`.

>>> c = Concept("жар", "entry")
>>> c.to_dict()
{'lemma': 'жар', 'phase': 'entry'}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from scenecodec.algebra import hv
from scenecodec.algebra.decode import ANCHOR
from scenecodec.algebra.slots import PHASES, phases_for
from scenecodec.language.forms import Formula, format_code, glyphs, parse_code
from scenecodec.language.split import SplitResult
from scenecodec.memory.store import PartRecord, SceneRecord

__all__ = ["Concept", "Decoded", "DecodedConcept", "Recalled", "Scene", "from_record", "record"]


@dataclass(frozen=True)
class Concept:
    """A part of a scene: a ``lemma`` in a rhythm ``phase``; ``code`` names a sub-scene part."""

    lemma: str
    phase: str
    code: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{"lemma", "phase"}``, plus ``"code"`` for a sub-scene."""
        out = {"lemma": self.lemma, "phase": self.phase}
        if self.code is not None:
            out["code"] = self.code
        return out


@dataclass(frozen=True, eq=False)
class Scene:
    """A compressed scene: its ``vector`` ``(d,)`` int8 and its four forms.

    ``code`` is ``None`` for a scene that was resolved but not stored. ``reading``: how
    a fused name it was given as was read (split into its words or kept whole), when
    it was given as one.
    """

    vector: np.ndarray
    code: str | None
    glyph: str
    formula: str
    name: str
    concepts: tuple[Concept, ...]
    anchor: str | None
    reading: SplitResult | None = None

    def to_dict(self) -> dict[str, Any]:
        """The CLI JSON shape of a scene."""
        return {
            "code": self.code,
            "glyph": self.glyph,
            "formula": self.formula,
            "name": self.name,
            "concepts": [c.to_dict() for c in self.concepts],
            "anchor": self.anchor,
            **({} if self.reading is None else {"reading": self.reading.to_dict()}),
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

    def to_dict(self) -> dict[str, Any]:
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

    def to_dict(self) -> dict[str, Any]:
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

    def to_dict(self) -> dict[str, Any]:
        """``{"scene": {...}, "score": float}``."""
        return {"scene": self.scene.to_dict(), "score": round(self.score, 4)}


def record(
    formula: Formula,
    vector: np.ndarray,
    packed_gist: bytes,
    *,
    seed: int,
    subs: Mapping[int, Scene] | None = None,
    glyph: str | None = None,
) -> SceneRecord:
    """The storable record of ``formula`` encoded as ``vector`` ``(d,)`` with its packed
    gist; ``subs`` are its stored sub-scenes by part position, ``glyph`` the vector's
    glyph when already computed (:func:`~scenecodec.language.forms.glyphs` with ``seed``).

    >>> v = hv.random_bipolar("v", 64)
    >>> r = record(Formula(("жар", "страх"), "вход"), v, b"", seed=0)
    >>> [(p.lemma, p.phase) for p in r.parts]
    [('жар', 'entry'), ('страх', 'peak'), ('вход', 'anchor')]
    >>> from_record(r, 64).concepts[1]
    Concept(lemma='страх', phase='peak', code=None)
    """
    phases = [PHASES[p] for p in phases_for(len(formula.parts))]
    if formula.anchor is not None:
        phases.append(ANCHOR)
    subs = subs or {}
    parts = tuple(
        PartRecord(p, phase)
        if isinstance(p, str)
        else PartRecord(f"({subs[i].formula})", phase, _number(subs[i].code))
        for i, (p, phase) in enumerate(zip(formula.all_parts(), phases, strict=True))
    )
    return SceneRecord(
        id=None,
        formula=formula.render(),
        name=formula.name(),
        glyph=glyph or glyphs(vector, seed)[0],
        vector=hv.pack(vector).tobytes(),
        gist=packed_gist,
        parts=parts,
    )


def from_record(
    stored: SceneRecord, dim: int, *, vector: np.ndarray | None = None, scene_id: int | None = None
) -> Scene:
    """The :class:`Scene` of a stored (or just built) record; ``vector`` ``(dim,)`` when
    it is at hand already, ``scene_id`` when the record was just stored."""
    number = stored.id if scene_id is None else scene_id
    if vector is None:
        vector = hv.unpack(np.frombuffer(stored.vector, np.uint8), dim)
    concepts = tuple(
        Concept(p.lemma, p.phase, None if p.sub is None else format_code(p.sub))
        for p in stored.parts
        if p.phase != ANCHOR
    )
    return Scene(
        vector,
        None if number is None else format_code(number),
        stored.glyph,
        stored.formula,
        stored.name,
        concepts,
        stored.anchor,
    )


def _number(code: str | None) -> int | None:
    return None if code is None else parse_code(code)
