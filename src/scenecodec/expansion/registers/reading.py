"""What the registers read of a scene: its parts with their measured state, and the whole.

A :class:`Reading` holds, for every concept of a scene (anchor last) and for the
scene's meaning vector as a whole (:func:`~scenecodec.language.embed.meaning`):

* ``facets`` — the facet z-scores (:mod:`scenecodec.expansion.facets`);
* ``affect`` — valence, arousal and control: z-scores on the three axes of affect
  (``data/axes.tsv``), each the direction from its low pole's prototype to its high
  pole's, standardised against ordinary words
  (:class:`~scenecodec.language.prototypes.Scale`);
* ``emotion`` — the strongest of Plutchik's eight with its z and intensity (mild
  under :data:`INTENSE` − 1, intense from :data:`INTENSE`);
* ``archetype`` — the nearest archetype, and whether it
  :func:`~scenecodec.expansion.archetype.fits`.

The whole scene's facets and affect are its parts' z-scores averaged with the
anchor weighing :data:`~scenecodec.language.embed.ANCHOR_WEIGHT` (a gestalt's state is the
state of its parts, not of their averaged vector, whose z-scores are not on the
parts' scale); its archetype is the nearest to its meaning vector.

The scene's **field** is its two strongest emotions as a whole and, when the second
reaches :data:`BLEND` of the first, their Plutchik dyad (``anticipation + fear →
anxiety``) or conflict.

>>> from scenecodec.language.embed import HashEmbedder
>>> e = HashEmbedder()
>>> r = read(e, ["жар", "вход"], ["entry", "anchor"], e.embed(["жар", "вход"]), 0.4)
>>> r.lang, [p.lemma for p in r.parts], r.anchor.lemma, len(r.affect)
('ru', ['жар', 'вход'], 'вход', 3)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scenecodec.expansion import archetype, facets
from scenecodec.expansion.archetype import Assignment
from scenecodec.expansion.registers import lexicon
from scenecodec.expansion.registers.lexicon import Name
from scenecodec.language.embed import ANCHOR_WEIGHT, Embedder, meaning
from scenecodec.language.morph import language
from scenecodec.language.prototypes import Scale, scale

__all__ = [
    "BLEND",
    "INTENSE",
    "LEVEL",
    "Part",
    "Reading",
    "affect_scale",
    "level",
    "named",
    "read",
]

LEVEL = 0.5
"""An affect z beyond ±LEVEL reads high or low; within, medium."""
INTENSE = 2.5
"""An emotion's z from which it reads at Plutchik's intense level (mild below INTENSE − 1)."""
BLEND = 0.6
"""The second emotion joins the first in a dyad when its z reaches this share of the first's."""


def level(z: float) -> str:
    """``low``, ``medium`` or ``high`` for an affect z-score.

    >>> level(-0.8), level(0.1), level(1.2)
    ('low', 'medium', 'high')
    """
    return "high" if z > LEVEL else "low" if z < -LEVEL else "medium"


def named(emotion: str, z: float) -> Name:
    """Plutchik's name for ``emotion`` at the intensity its z-score reads: intense from
    :data:`INTENSE`, mild under ``INTENSE − 1``, basic between.

    >>> named("fear", 0.4).en, named("fear", 2.0).en, named("fear", 3.1).en
    ('apprehension', 'fear', 'terror')
    """
    kind = "intense" if z >= INTENSE else "mild" if z < INTENSE - 1 else "basic"
    return lexicon.intensity(emotion, kind)


@dataclass(frozen=True)
class Part:
    """One concept as the registers read it (see the module docstring)."""

    lemma: str
    phase: str
    vector: np.ndarray
    facets: np.ndarray
    affect: dict[str, float]
    emotion: tuple[str, float]
    archetype: Assignment

    @property
    def word(self) -> str:
        """The word a text says for this part: the concept, or for a sub-scene part
        (``(жар + страх → шаг)``) the concept it arrives at — its anchor, else its last.

        >>> Part("(жар + страх → шаг)", "entry", None, None, {}, ("fear", 1.0), None).word
        'шаг'
        """
        if not self.lemma.startswith("("):
            return self.lemma
        return re.split(r"\s*(?:→|->|\+)\s*", self.lemma.strip("()"))[-1].strip("() ")

    @property
    def feeling(self) -> Name:
        """Plutchik's name for the part's strongest emotion at its intensity."""
        return named(*self.emotion)

    @property
    def body(self) -> float:
        """Bodily load: the stronger of the body and sensation facets' z."""
        return facets.features(self.facets)["body"]


@dataclass(frozen=True)
class Reading:
    """A scene read for the registers: ``lang``, ``parts`` (anchor last when
    ``anchored``), the whole's ``meaning`` ``(e,)``, ``facets`` ``(F,)``, ``affect``,
    ``archetype`` and the anchor's ``tension``."""

    lang: str
    parts: tuple[Part, ...]
    anchored: bool
    meaning: np.ndarray
    facets: np.ndarray
    affect: dict[str, float]
    archetype: Assignment
    tension: float | None

    @property
    def anchor(self) -> Part | None:
        """The anchor, or ``None``."""
        return self.parts[-1] if self.anchored else None

    @property
    def body(self) -> tuple[Part, ...]:
        """The parts without the anchor, in rhythm order."""
        return self.parts[:-1] if self.anchored else self.parts

    @property
    def emotions(self) -> list[tuple[str, float]]:
        """Plutchik's eight for the whole scene, strongest first, with their z."""
        ids = [f.id for f in facets.FACETS]
        pairs = [(e, float(self.facets[ids.index(e)])) for e in facets.EMOTIONS]
        return sorted(pairs, key=lambda p: -p[1])

    @property
    def field(self) -> tuple[list[str], Name | None]:
        """The scene's one or two leading emotions and their dyad or conflict (or ``None``)."""
        (a, za), (b, zb) = self.emotions[:2]
        if za > 0 and zb >= BLEND * za:
            return [a, b], lexicon.blend(a, b)
        return [a], None


_SCALES: dict[str, Scale] = {}


def affect_scale(embedder: Embedder) -> Scale:
    """The affect axes' scale under ``embedder`` (high pole minus low pole), built once."""
    if embedder.name not in _SCALES:
        high, low = lexicon.vectors(embedder, "high"), lexicon.vectors(embedder, "low")
        _SCALES[embedder.name] = scale(embedder, high - low)
    return _SCALES[embedder.name]


def read(
    embedder: Embedder,
    lemmas: Sequence[str],
    phases: Sequence[str],
    vectors: np.ndarray,
    tension: float | None,
    context: np.ndarray | None = None,
) -> Reading:
    """Read a scene of ``lemmas`` (anchor last, its phase ``anchor``) with their centred
    unit ``vectors`` ``(k, e)``; ``context`` (a unit vector) shifts the facets as in
    :func:`scenecodec.expansion.facets.scores`."""
    anchored = bool(phases) and phases[-1] == "anchor"
    whole = meaning(vectors, anchored)
    weights = np.ones(len(lemmas))
    if anchored:
        weights[-1] = ANCHOR_WEIGHT
    weights /= weights.sum()
    z = facets.scores(embedder, vectors, context)
    z = np.vstack([z, weights @ z])
    aff = affect_scale(embedder).z(vectors)
    aff = np.vstack([aff, weights @ aff])
    kinds = archetype.nearest(embedder, np.vstack([vectors, whole[None, :]]))
    ids = [f.id for f in facets.FACETS]
    emotion_cols = [ids.index(e) for e in facets.EMOTIONS]
    names = [a.id for a in lexicon.axes()]
    parts = []
    for i, lemma in enumerate(lemmas):
        top = max(emotion_cols, key=lambda c: z[i, c])
        parts.append(
            Part(
                lemma=lemma,
                phase=phases[i],
                vector=vectors[i],
                facets=z[i],
                affect=dict(zip(names, map(float, aff[i]), strict=True)),
                emotion=(ids[top], float(z[i, top])),
                archetype=kinds[i],
            )
        )
    lang = language(" ".join(lemmas)) or "en"
    return Reading(
        lang=lang,
        parts=tuple(parts),
        anchored=anchored,
        meaning=whole,
        facets=z[-1],
        affect=dict(zip(names, map(float, aff[-1]), strict=True)),
        archetype=kinds[-1],
        tension=tension,
    )
