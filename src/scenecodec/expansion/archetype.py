"""Archetypes: bilingual tables from five sources, assigned by embedding with a margin.

``data/archetypes.tsv`` holds 68 archetypes: Campbell's 17 stages of the hero's
journey, van Gennep's three phases of a rite of passage (the threshold is the
middle one), Propp's 31 functions of the folktale, ten of Jung's archetypes and
Booker's seven basic plots, each with its English and Russian name and cue words
in both languages (sources in the file's header). An archetype's prototype is the
mean centred embedding of its names and cues (:mod:`.language.prototypes`).

A concept or scene vector gets the archetype whose prototype is nearest by cosine
— but only when that cosine reaches :data:`FLOOR` and beats the nearest *rival* by
:data:`MARGIN`; otherwise ``None`` (no archetype fits). A rival is an archetype
whose prototype is not a near-duplicate of the winner's (cosine below
:data:`SAME`): Campbell's first threshold and van Gennep's liminal phase are one
meaning told by two sources, and should not cancel each other out.

>>> table = archetypes()
>>> len(table), sorted({a.system for a in table})
(68, ['booker', 'campbell', 'jung', 'propp', 'vangennep'])
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from scenecodec.language.embed import Embedder
from scenecodec.language.prototypes import prototypes

__all__ = [
    "FLOOR",
    "MARGIN",
    "SAME",
    "Archetype",
    "Assignment",
    "archetypes",
    "assign",
    "fits",
    "nearest",
]

FLOOR = 0.2
"""Least cosine between a vector and an archetype's prototype."""
MARGIN = 0.02
"""Least lead of the best archetype over its nearest rival."""
SAME = 0.75
"""Prototypes this close are one meaning in two sources, not rivals."""


@dataclass(frozen=True)
class Archetype:
    """One row of the tables: ``system``, ``id``, names and cues in both languages."""

    system: str
    id: str
    en: str
    ru: str
    en_cues: str
    ru_cues: str

    @property
    def key(self) -> str:
        """``system:id``, e.g. ``campbell:threshold``."""
        return f"{self.system}:{self.id}"

    def name(self, lang: str) -> str:
        """The archetype's name in ``lang`` (``ru`` or anything else for English)."""
        return self.ru if lang == "ru" else self.en


@dataclass(frozen=True)
class Assignment:
    """An assigned ``archetype`` with its cosine ``score`` and ``margin`` over the rival."""

    archetype: Archetype
    score: float
    margin: float

    def to_dict(self, lang: str) -> dict:
        """``{"key", "system", "name", "score", "margin"}``, numbers to 4 decimals."""
        a = self.archetype
        return {
            "key": a.key,
            "system": a.system,
            "name": a.name(lang),
            "score": round(self.score, 4),
            "margin": round(self.margin, 4),
        }


@cache
def archetypes() -> tuple[Archetype, ...]:
    """The shipped archetype tables, in file order."""
    text = resources.files("scenecodec.data").joinpath("archetypes.tsv").read_text("utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    return tuple(Archetype(*row) for row in rows)


_PROTOTYPES: dict[str, tuple[np.ndarray, np.ndarray]] = {}


def _prototypes(embedder: Embedder) -> tuple[np.ndarray, np.ndarray]:
    """The archetypes' prototypes ``(A, e)`` and which pairs are one meaning ``(A, A)``,
    computed once per embedder."""
    if embedder.name not in _PROTOTYPES:
        cues = [[a.en, a.ru, a.en_cues, a.ru_cues] for a in archetypes()]
        protos = prototypes(embedder, cues)
        _PROTOTYPES[embedder.name] = (protos, protos @ protos.T >= SAME)
    return _PROTOTYPES[embedder.name]


def nearest(embedder: Embedder, vectors: np.ndarray) -> list[Assignment]:
    """The nearest archetype of each centred unit vector ``(n, e)``, with its score and
    margin over the nearest rival, however weak.

    >>> from scenecodec.language.embed import HashEmbedder
    >>> nearest(HashEmbedder(), HashEmbedder().embed(["стол"]))[0].score < FLOOR
    True
    """
    protos, same = _prototypes(embedder)
    out = []
    for row in np.asarray(vectors, dtype=np.float32) @ protos.T:
        best = int(np.argmax(row))
        rivals = row[~same[best]]
        margin = float(row[best] - (rivals.max() if len(rivals) else -1.0))
        out.append(Assignment(archetypes()[best], float(row[best]), margin))
    return out


def fits(found: Assignment) -> bool:
    """Whether a nearest archetype is close enough (:data:`FLOOR`) and clear enough
    (:data:`MARGIN`) to be assigned."""
    return found.score >= FLOOR and found.margin >= MARGIN


def assign(embedder: Embedder, vectors: np.ndarray) -> list[Assignment | None]:
    """The archetype of each centred unit vector ``(n, e)``, or ``None`` where none fits.

    >>> from scenecodec.language.embed import HashEmbedder
    >>> assign(HashEmbedder(), HashEmbedder().embed(["стол"]))   # no meaning, no archetype
    [None]
    """
    return [a if fits(a) else None for a in nearest(embedder, vectors)]
