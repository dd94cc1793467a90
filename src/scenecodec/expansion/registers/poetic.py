"""The poetic register: an image, not a list.

``Тишина пульсировала на пороге входа, как натянутая струна. Жар тлел в ней.``

A metaphor speaks of one domain in terms of another (Lakoff & Johnson 1980), so the
words are chosen across domains (``data/imagery.tsv``): the subject is the part with
the highest arousal; its own domain is that of the image nearest to it, and its verb
comes from another domain, chosen by cosine to the subject and to the scene's meaning
less the verb's distance in valence and arousal (:data:`AFFECT` per z); the simile's
vehicle comes from a third domain, chosen by cosine to the scene's meaning less its
distance in affect. Each further sentence gives the next part a verb of its own
inside the subject (``в ней``), up to the pace's ``length``. Russian verbs and
adjectives agree with their nouns (:mod:`scenecodec.language.morph`); the verbs take
the voice's tense.
"""

from __future__ import annotations

import numpy as np

from scenecodec.expansion.registers import lexicon
from scenecodec.expansion.registers.lexicon import Image
from scenecodec.expansion.registers.reading import Part, Reading, affect_scale
from scenecodec.language.embed import Embedder
from scenecodec.language.morph import agree, gender, inflect

__all__ = ["AFFECT", "write"]

AFFECT = 0.05
"""Score taken from an image per unit of z between its valence and arousal and the scene's."""


def _affect(embedder: Embedder, kind: str) -> np.ndarray:
    """Valence and arousal z ``(n, 2)`` of the imagery of ``kind``."""
    return affect_scale(embedder).z(lexicon.vectors(embedder, kind))[:, :2]


def _domain(embedder: Embedder, vector: np.ndarray) -> str:
    """The domain of the image (verb or vehicle) nearest to ``vector``."""
    kinds = ("verb", "vehicle")
    best = max(
        ((float(np.max(lexicon.vectors(embedder, k) @ vector)), k) for k in kinds),
    )
    items = lexicon.images(best[1])
    return items[int(np.argmax(lexicon.vectors(embedder, best[1]) @ vector))].domain


def _choose(
    embedder: Embedder,
    kind: str,
    toward: np.ndarray,
    affect: np.ndarray,
    avoid: set[str],
    used: set[int],
) -> tuple[int, Image]:
    """The image of ``kind`` nearest ``toward`` (a sum of unit vectors) less its affect
    distance to ``affect`` ``(2,)``, outside the ``avoid`` domains and ``used`` rows."""
    items = lexicon.images(kind)
    score = lexicon.vectors(embedder, kind) @ toward
    score = score - AFFECT * np.abs(_affect(embedder, kind) - affect).sum(1)
    for i, item in enumerate(items):
        if item.domain in avoid or i in used:
            score[i] = -np.inf
    i = int(np.argmax(score))
    return i, items[i]


def _pronoun(lemma: str, lang: str) -> str:
    """``в нём / в ней / в них`` for a Russian noun; ``in it`` in English."""
    if lang != "ru":
        return "in it"
    return {"plur": "в них", "femn": "в ней"}.get(gender(lemma), "в нём")


def write(embedder: Embedder, reading: Reading, *, length: int = 2, tense: str = "past") -> str:
    """The poetic text of ``reading`` in its language: ``length`` sentences at most.

    >>> from scenecodec.language.embed import HashEmbedder
    >>> from scenecodec.expansion.registers.reading import read
    >>> e = HashEmbedder()
    >>> r = read(e, ["жар", "вход"], ["entry", "anchor"], e.embed(["жар", "вход"]), 0.3)
    >>> text = write(e, r)
    >>> text.startswith("Жар ") and "на пороге входа, как " in text
    True
    """
    ru = reading.lang == "ru"
    body = list(reading.body) or list(reading.parts)
    subject: Part = max(body, key=lambda p: p.affect["arousal"])
    own = _domain(embedder, subject.vector)
    mood = np.array([reading.affect["valence"], reading.affect["arousal"]])
    used: set[int] = set()

    def acts(part: Part) -> tuple[str, Image]:
        """A verb not used yet for ``part``, from outside the subject's domain, agreed."""
        affect = np.array([part.affect["valence"], part.affect["arousal"]])
        v, verb = _choose(embedder, "verb", part.vector + reading.meaning, affect, {own}, used)
        used.add(v)
        return agree(verb.ru if ru else verb.en, part.word, tense=tense), verb

    does, verb = acts(subject)
    _, vehicle = _choose(embedder, "vehicle", reading.meaning, mood, {own, verb.domain}, set())
    if ru:
        simile = f"как {agree(vehicle.adjective, vehicle.ru)} {vehicle.ru}"
        place = f" на пороге {inflect(reading.anchor.word, case='gent')}" if reading.anchor else ""
    else:
        simile = f"like {vehicle.en}"
        place = f" on the threshold of {reading.anchor.word}" if reading.anchor else ""
    sentences = [f"{subject.word} {does}{place}, {simile}."]
    inside = _pronoun(subject.word, reading.lang)
    for part in [p for p in body if p is not subject][: max(0, length - 1)]:
        sentences.append(f"{part.word} {acts(part)[0]} {inside}.")
    return " ".join(s[0].upper() + s[1:] for s in sentences)
