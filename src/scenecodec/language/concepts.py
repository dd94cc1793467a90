"""Free text → the 3–7 concepts of a scene and its anchor.

Words are lemmatised (:mod:`.morph`); verbs, adjectives and adverbs become their
nouns where a good one exists (:mod:`.derive`: ``войти → вход``, ``жаркая →
жар``); adverbs without a noun and function words drop out. Each distinct
concept gets a **salience**:

    salience = rarity × centrality × (1 + ln count) × kind

* rarity = (8 − zipf) / 8 from wordfreq, clipped to [0.05, 1]: frequent words
  (``время``, ``thing``) say little about a scene;
* centrality = (1 + cos(e, ē)) / 2, the cosine between the concept's embedding
  and the mean embedding of the text's other concepts: words about what the
  text is about beat stray ones;
* count: how often the concept recurs in the text;
* kind: 1 for nouns (and verbs, adjectives, adverbs turned into nouns, English
  verbs that are also nouns — ``bark``, ``rise`` — and an English adjective after
  a linking verb, the predicate: ``was afraid``), ``VERBAL`` for any other verb or
  adjective with no good noun — nouns are preferred. Where a text has more
  candidates than can be kept, a noun made from a verb (``сидеть → сидение``)
  weighs ``FROM_VERB`` (0.6) of that: the derivation is a guess, and in a
  paragraph the things named are the scene more often than its acts.

The concepts kept are those whose salience is at least ``KEEP`` × the best
(``KEEP`` set by ``bench/concepts.py``), never more than ``most`` (7) and as
many as exist up to ``fewest`` (3). They keep their order in the text.

**Anchor rule** (measured by ``bench/concepts.py`` against hand-marked anchors):
the last chosen concept of the text — where the text arrives (``…перед тем, как
войти`` → ``вход``). It agreed with 57% of the marked anchors; "the last concept
that comes from a verb, else the last" with 44%, the last noun with 55%, the most
salient concept with 15%. The anchor is left out of the parts, and a scene of one
concept has no anchor.

This is written here because no library does it for Russian: YAKE (compared in
the benchmark) ranks surface n-grams, not lemmas, and knows no derivation.

>>> from scenecodec.language.embed import E5Embedder
>>> c = extract("жаркая тревожная тишина перед тем, как войти", E5Embedder())
>>> c.formula.render()
'жар + тревога + тишина → вход'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from scenecodec.errors import InputError
from scenecodec.language.context import in_context
from scenecodec.language.derive import nominal
from scenecodec.language.embed import Embedder
from scenecodec.language.forms import Formula, normalize_lemma, readable
from scenecodec.language.morph import Token, tokenize
from scenecodec.language.phrases import phrases

__all__ = ["FROM_VERB", "KEEP", "MAX_TEXT_CHARS", "VERBAL", "Concept", "Concepts", "extract"]

KEEP = 0.5
VERBAL = 0.3
FROM_VERB = 0.6
# English linking verbs: an adjective after one is the predicate (was afraid, fell silent).
_COPULAS = frozenset(
    ["be", "become", "seem", "feel", "look", "grow", "go", "fall", "remain", "stay", "get", "turn"]
)
MAX_TEXT_CHARS = 2_000_000


@dataclass(frozen=True)
class Concept:
    """One concept of a text.

    ``lemma`` is the concept; ``source`` the lemma it came from (``войти`` for
    ``вход``; equal to ``lemma`` for nouns); ``pos`` the source's part of speech;
    ``words`` its surface forms in the text; ``position`` the character offset of
    its first occurrence.
    """

    lemma: str
    source: str
    pos: str
    lang: str
    words: tuple[str, ...]
    position: int
    count: int
    rarity: float
    centrality: float
    salience: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields, floats rounded to 4 places."""
        out = asdict(self)
        out["words"] = list(self.words)
        for key in ("rarity", "centrality", "salience"):
            out[key] = round(out[key], 4)
        return out


@dataclass(frozen=True)
class Concepts:
    """The chosen ``parts`` (text order) and ``anchor`` of a text, and every
    ``candidate`` it had, most salient first."""

    text: str
    parts: tuple[Concept, ...]
    anchor: Concept | None
    candidates: tuple[Concept, ...]

    @property
    def formula(self) -> Formula:
        """The scene formula: parts, then the anchor."""
        return Formula(
            tuple(c.lemma for c in self.parts), self.anchor.lemma if self.anchor else None
        )

    def to_dict(self) -> dict[str, Any]:
        """``{formula, concepts: [...], anchor, candidates: [...]}`` for ``--json``."""
        return {
            "formula": self.formula.render(),
            "concepts": [c.to_dict() for c in self.parts],
            "anchor": self.anchor.to_dict() if self.anchor else None,
            "candidates": [c.to_dict() for c in self.candidates],
        }


def _concept_of(token: Token) -> tuple[str, str] | None:
    """``(concept lemma, source lemma)`` for a content token, or ``None``."""
    if token.pos in ("NOUN", "PROPN"):
        return token.lemma, token.lemma
    if " " in token.lemma and token.content:
        return token.lemma, token.lemma  # a phrase (не решаться) is taken whole
    if token.pos == "VERB" and token.lang == "en" and _also_noun(token.lemma):
        return token.lemma, token.lemma  # English verbs are their own nouns: bark, rise
    if token.pos in ("VERB", "ADJ", "ADV"):
        noun = nominal(token.lemma)
        if noun is not None:
            return noun, token.lemma
        if token.pos != "ADV":
            return token.lemma, token.lemma
    return None


@lru_cache(maxsize=16384)
def _also_noun(lemma: str) -> bool:
    import lemminflect

    return "NOUN" in lemminflect.getAllLemmas(lemma)


def _rarity(lemma: str, lang: str) -> float:
    from wordfreq import zipf_frequency

    return min(1.0, max(0.05, (8.0 - zipf_frequency(lemma, lang)) / 8.0))


def _centrality(vectors: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``(n,)`` in [0, 1]: cosine of each row to the weighted mean of the others."""
    if len(vectors) == 1:
        return np.ones(1)
    total = (weights[:, None] * vectors).sum(0)
    others = total[None, :] - weights[:, None] * vectors
    norms = np.linalg.norm(others, axis=1) * np.linalg.norm(vectors, axis=1)
    cos = (others * vectors).sum(1) / np.maximum(norms, 1e-9)
    return np.asarray((1.0 + cos) / 2.0)


def _gather(tokens: Sequence[Token]) -> list[dict[str, Any]]:
    """Distinct concepts in order of first appearance, with their occurrences."""
    found: dict[str, dict[str, Any]] = {}
    for i, token in enumerate(tokens):
        pair = _concept_of(token)
        if pair is None:
            continue
        lemma, source = pair
        entry = found.setdefault(
            lemma,
            {
                "lemma": lemma,
                "source": source,
                "pos": token.pos,
                "lang": token.lang,
                "words": [],
                "position": token.start,
                "count": 0,
                "also_noun": token.pos == "VERB" and lemma == source and _also_noun(lemma),
                "predicate": False,
            },
        )
        before = tokens[i - 1] if i else None
        if token.pos == "ADJ" and before is not None and before.lemma in _COPULAS:
            entry["predicate"] = True  # the child was afraid: what the clause says
        entry["count"] += 1
        if token.text.lower() not in entry["words"]:
            entry["words"].append(token.text.lower())
    return list(found.values())


def extract(text: str, embedder: Embedder, *, most: int = 7, fewest: int = 3) -> Concepts:
    """The concepts and anchor of ``text`` (Russian, English or both); see the module
    docstring for the rule. :class:`InputError` when the text has no content word."""
    if not 1 <= fewest <= most:
        raise InputError(f"need 1 ≤ fewest ≤ most, got {fewest} and {most}")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"text of {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}")
    clean = readable(text)
    found = _gather(phrases(in_context(tokenize(clean), clean), clean))
    for f in found:  # a concept of any text meets the limits a typed one does, before the model
        normalize_lemma(f["lemma"])
    if not found:
        shown = text.strip()[:40] + ("…" if len(text.strip()) > 40 else "")
        raise InputError(f"no Russian or English content words in {shown!r}")
    counts = np.array([f["count"] for f in found], dtype=np.float64)
    vectors = embedder.embed([f["lemma"] for f in found]).astype(np.float64)
    centrality = _centrality(vectors, counts)
    concepts = []
    for f, cen, count in zip(found, centrality, counts, strict=True):
        rarity = _rarity(f["lemma"], f["lang"])
        nounlike = (
            f["pos"] in ("NOUN", "PROPN")
            or f["lemma"] != f["source"]
            or f["also_noun"]
            or f["predicate"]
        )
        kind = 1.0 if nounlike else VERBAL
        if f["pos"] == "VERB" and f["lemma"] != f["source"] and len(found) > most:
            kind *= FROM_VERB  # a paragraph, where some must go: its things before its acts
        concepts.append(
            Concept(
                f["lemma"],
                f["source"],
                f["pos"],
                f["lang"],
                tuple(f["words"]),
                f["position"],
                int(count),
                rarity,
                float(cen),
                rarity * float(cen) * (1.0 + math.log(count)) * kind,
            )
        )
    ranked = sorted(concepts, key=lambda c: (-c.salience, c.position))
    best = ranked[0].salience
    keep = [c for i, c in enumerate(ranked) if i < fewest or c.salience >= KEEP * best][:most]
    chosen = sorted(keep, key=lambda c: c.position)
    anchor = _anchor(chosen)
    parts = tuple(c for c in chosen if c is not anchor)
    return Concepts(text, parts, anchor, tuple(ranked))


def _anchor(chosen: list[Concept]) -> Concept | None:
    """The last chosen concept in the text; none for a single concept."""
    return chosen[-1] if len(chosen) >= 2 else None
