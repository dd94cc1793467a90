"""The registers' vocabularies, read from ``data/*.tsv``, and their prototype vectors.

* ``axes.tsv`` — the three axes of affect (valence, arousal, control), two poles each;
* ``emotions.tsv`` — Plutchik's eight emotions at three intensities, his 24 dyads
  and the four conflicts of opposites;
* ``imagery.tsv`` — the poetic register's verbs and simile vehicles, by domain;
* ``body.tsv`` — sensations (kept by the Lancaster sensorimotor norms) and body
  locations (placed by the bodily maps of emotions);
* ``registers.tsv`` — the five registers, their default voices and goal cues.

Sources and licences are in each file's header and in ``docs/resources.md``.
Prototypes are computed once per embedder (:func:`vectors`) and cached on disk.

>>> len(sensations()), len(locations()), len(images("verb")), len(images("vehicle"))
(28, 16, 40, 30)
>>> blend("anticipation", "fear").en, blend("fear", "anger").en
('anxiety', 'ambivalence')
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from scenecodec.errors import InputError
from scenecodec.language.embed import Embedder
from scenecodec.language.morph import govern
from scenecodec.language.prototypes import prototypes

__all__ = [
    "Axis",
    "Image",
    "Location",
    "Name",
    "RegisterInfo",
    "Sensation",
    "axes",
    "blend",
    "conflicts",
    "emotion",
    "images",
    "intensity",
    "locations",
    "registers",
    "sensations",
    "vectors",
]


@cache
def _rows(name: str) -> tuple[tuple[str, ...], ...]:
    text = resources.files("scenecodec.data").joinpath(name).read_text("utf-8")
    return tuple(
        tuple(line.split("\t")) for line in text.splitlines() if line and not line.startswith("#")
    )


@dataclass(frozen=True)
class Axis:
    """An affect axis: ``id``, names, and the cue words of its ``high`` and ``low`` poles
    (English, Russian)."""

    id: str
    en: str
    ru: str
    high: tuple[str, str]
    low: tuple[str, str]


@dataclass(frozen=True)
class Name:
    """A named emotion: ``kind`` (mild, basic, intense, dyad, conflict), ``id`` (an
    emotion, or two joined by ``+``) and its names."""

    kind: str
    id: str
    en: str
    ru: str

    def name(self, lang: str) -> str:
        """The name in ``lang``."""
        return self.ru if lang == "ru" else self.en


@dataclass(frozen=True)
class Image:
    """A poetic verb or simile vehicle: ``kind``, ``domain``, English (a verb lemma or a
    whole phrase), Russian (an infinitive or a noun) and the noun's Russian ``adjective``."""

    kind: str
    domain: str
    en: str
    ru: str
    adjective: str = ""

    @property
    def cues(self) -> list[str]:
        """What its prototype is made of."""
        ru = f"{self.adjective} {self.ru}".strip()
        return [self.en, ru]


@dataclass(frozen=True)
class Sensation:
    """A bodily sensation: ``id``, English phrase, Russian noun, its ``number``, the basic
    ``emotions`` it belongs to and its Lancaster ``interoceptive`` and ``haptic``
    strength (0–5)."""

    id: str
    en: str
    ru: str
    number: str
    emotions: tuple[str, ...]
    interoceptive: float
    haptic: float


@dataclass(frozen=True)
class Location:
    """A body location: ``id``, English phrase, Russian ``preposition`` and ``noun`` in
    ``number``, and the basic ``emotions`` felt there."""

    id: str
    en: str
    preposition: str
    noun: str
    number: str
    emotions: tuple[str, ...]

    @property
    def ru(self) -> str:
        """The Russian phrase, the noun in the case its preposition governs (``в висках``)."""
        return govern(self.preposition, self.noun, number=self.number)


@dataclass(frozen=True)
class RegisterInfo:
    """A register: ``id``, names, default ``voice`` and goal cues (English, Russian)."""

    id: str
    en: str
    ru: str
    voice: str
    cues: tuple[str, str]


@cache
def axes() -> tuple[Axis, ...]:
    """Valence, arousal, control."""
    return tuple(
        Axis(i, en, ru, (he, hr), (le, lr)) for i, en, ru, he, hr, le, lr in _rows("axes.tsv")
    )


@cache
def _names() -> tuple[Name, ...]:
    return tuple(Name(*row) for row in _rows("emotions.tsv"))


def intensity(emotion: str, level: str) -> Name:
    """Plutchik's name of ``emotion`` at ``level`` (mild, basic, intense).

    >>> intensity("fear", "mild").ru, intensity("anticipation", "intense").en
    ('опасение', 'vigilance')
    """
    return next(n for n in _names() if n.kind == level and n.id == emotion)


def blend(a: str, b: str) -> Name:
    """The dyad (or conflict) of two different basic emotions, in either order."""
    pair = {f"{a}+{b}", f"{b}+{a}"}
    return next(n for n in _names() if n.kind in ("dyad", "conflict") and n.id in pair)


def emotion(name: str) -> Name:
    """The emotion (mild, basic, intense or a dyad) whose English name is ``name``.

    >>> emotion("anxiety").ru, emotion("terror").id
    ('тревога', 'fear')
    """
    found = next((n for n in _names() if n.kind != "conflict" and n.en == name), None)
    if found is None:
        raise InputError(f"{name!r} is not an emotion of emotions.tsv")
    return found


def conflicts() -> tuple[Name, ...]:
    """Plutchik's conflicts of opposite emotions (``joy+sadness`` …)."""
    return tuple(n for n in _names() if n.kind == "conflict")


@cache
def images(kind: str) -> tuple[Image, ...]:
    """The imagery of ``kind`` (``verb`` or ``vehicle``)."""
    return tuple(Image(*row) for row in _rows("imagery.tsv") if row[0] == kind)


@cache
def sensations() -> tuple[Sensation, ...]:
    """The bodily sensations, in file order."""
    return tuple(
        Sensation(i, en, ru, n, tuple(em.split(", ")), float(a), float(b))
        for _, i, en, ru, n, em, a, b in (r for r in _rows("body.tsv") if r[0] == "sensation")
    )


@cache
def locations() -> tuple[Location, ...]:
    """The body locations, in file order."""
    out = []
    for _, i, en, ru, number, emotions in (r for r in _rows("body.tsv") if r[0] == "location"):
        preposition, noun = ru.split(" ", 1)
        out.append(Location(i, en, preposition, noun, number, tuple(emotions.split(", "))))
    return tuple(out)


@cache
def registers() -> tuple[RegisterInfo, ...]:
    """The five registers in the seed's order."""
    return tuple(
        RegisterInfo(i, en, ru, v, (ce, cr)) for i, en, ru, v, ce, cr in _rows("registers.tsv")
    )


_VECTORS: dict[tuple[str, str], np.ndarray] = {}


def vectors(embedder: Embedder, table: str) -> np.ndarray:
    """Prototype vectors ``(n, e)`` of a table, in its order: ``verb``, ``vehicle``,
    ``sensation``, ``location``, ``register``, or the axes' ``high`` and ``low`` poles."""
    key = (embedder.name, table)
    if key not in _VECTORS:
        cues: list[list[str]]
        if table in ("verb", "vehicle"):
            cues = [i.cues for i in images(table)]
        elif table == "sensation":
            cues = [[s.en, s.ru] for s in sensations()]
        elif table == "location":
            cues = [[loc.en, loc.ru] for loc in locations()]
        elif table == "register":
            cues = [list(r.cues) for r in registers()]
        else:
            cues = [list(getattr(a, table)) for a in axes()]
        _VECTORS[key] = prototypes(embedder, cues)
    return _VECTORS[key]
