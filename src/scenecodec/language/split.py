"""Split a fused scene name (``тишинажарвход``) back into its words.

Written by hand because no maintained library segments Russian compounds
without spaces: wordninja and its kin carry English lists only. This is an
n-best Viterbi search over the word frequencies that ``wordfreq`` bundles for
Russian and English (its ``best`` lists, about 713,000 Russian and 321,000
English word forms).

The cost of a segmentation is the sum over its words of ``-ln p(word)`` (the
word's frequency, the lower of the two languages' costs) plus a fixed
``word_penalty`` per word, an ``inflected_penalty`` for a word that is not its
own lemma and a ``function_penalty`` for a function word (fused names are made of
content lemmas: ``window|snow``, not ``windows|now``), and a ``short_penalty`` for words under three
letters, which stop short frequent words (``в``, ``на``) from eating long ones:
a fused name is made of content words. A piece that no list knows costs
``unknown_base + unknown_per_char · len``, so unknown concepts still split out
of known surroundings. A word of the user vocabulary (the codec passes every
concept already in memory) costs at most ``user_cost``, about what a common
noun costs, so user words are found even when no dictionary has them and win
over readings that cut them up.

>>> result = Splitter().split("тишинажарвход")
>>> result.parts, result.confident
(('тишина', 'жар', 'вход'), True)
"""

from __future__ import annotations

import heapq
import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from scenecodec.errors import InputError
from scenecodec.language.morph import analyse, language

__all__ = ["Segmentation", "SplitResult", "Splitter"]

MAX_NAME_CHARS = 256


@dataclass(frozen=True)
class Segmentation:
    """One reading of a fused name: its ``parts``, total ``cost`` and each word's cost."""

    parts: tuple[str, ...]
    cost: float
    costs: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        """``{"parts": [...], "cost": float, "costs": [...]}`` with costs rounded to 3 places."""
        return {
            "parts": list(self.parts),
            "cost": round(self.cost, 3),
            "costs": [round(c, 3) for c in self.costs],
        }


@dataclass(frozen=True)
class SplitResult:
    """The best segmentation and the next best ``alternatives`` (cheapest first).

    ``confident``: the best reading has two words or more and every one of them is
    known (to a dictionary or to the memory), so a name such as ``тишинажарвход`` is
    stored as its words; a single word, or a reading with a piece nobody knows, keeps
    the name whole.
    """

    best: Segmentation
    alternatives: tuple[Segmentation, ...] = field(default=())
    confident: bool = False

    @property
    def parts(self) -> tuple[str, ...]:
        """The words of the best reading."""
        return self.best.parts

    def to_dict(self) -> dict[str, Any]:
        """The CLI JSON shape: ``{"parts", "cost", "costs", "confident", "alternatives"}``."""
        return {
            **self.best.to_dict(),
            "confident": self.confident,
            "alternatives": [a.to_dict() for a in self.alternatives],
        }


@cache
def _frequencies(lang: str) -> dict[str, float]:
    import wordfreq

    return wordfreq.get_frequency_dict(lang, "best")


def _form(word: str) -> tuple[bool, bool]:
    """Whether ``word`` is an inflected form rather than a lemma (``gifts``, ``золотого``)
    and whether it is a function word (``now``, ``но``): fused names are made of content
    lemmas, so ``gift|sword`` beats ``gifts|word`` and ``window|snow`` beats ``windows|now``."""
    lang = language(word)
    if not lang:
        return False, False
    lemma, pos = analyse(word, lang)
    return lemma != word, pos == "FUNC" and word in _stopwords(lang)


@cache
def _stopwords(lang: str) -> frozenset[str]:
    """stopwords-iso's list (a word it holds counts as a function word only where the
    analysis has no content reading for it: the lists hold *home* and *ночь* too)."""
    import stopwordsiso

    return frozenset(stopwordsiso.stopwords(lang))


COMMON_ZIPF = 3.5
RARE_COMPOUND_ZIPF = 3.0


def _zipf(word: str, lang: str) -> float:
    freq = _frequencies(lang).get(word, 0.0)
    return math.log10(freq) + 9 if freq > 0 else 0.0


def _common_lemma(word: str) -> bool:
    """A content word in its dictionary form, at least Zipf 3.5 in its language."""
    lang = language(word)
    if not lang or _zipf(word, lang) < COMMON_ZIPF:
        return False
    lemma, pos = analyse(word, lang)
    return lemma == word and pos != "FUNC"


class Splitter:
    """n-best Viterbi segmentation of fused names over wordfreq's Russian and English lists.

    ``vocabulary``: words the user wants recognised whatever the dictionaries say.

    >>> Splitter(vocabulary=["жарстрах"]).split("жарстрахвход").parts
    ('жарстрах', 'вход')
    """

    def __init__(
        self,
        vocabulary: Iterable[str] = (),
        *,
        languages: tuple[str, ...] = ("ru", "en"),
        word_penalty: float = 3.0,
        short_penalty: float = 4.0,
        inflected_penalty: float = 3.0,
        function_penalty: float = 3.0,
        compound_penalty: float = 8.0,
        user_cost: float = 8.0,
        unknown_base: float = 25.0,
        unknown_per_char: float = 3.0,
        max_word_chars: int = 24,
    ):
        self.languages = languages
        self.word_penalty = word_penalty
        self.short_penalty = short_penalty
        self.inflected_penalty = inflected_penalty
        self.function_penalty = function_penalty
        self.compound_penalty = compound_penalty
        self.user_cost = user_cost
        self.unknown_base = unknown_base
        self.unknown_per_char = unknown_per_char
        self.max_word_chars = max_word_chars
        self.vocabulary: set[str] = set()
        self.add(vocabulary)

    def add(self, words: Iterable[str]) -> None:
        """Add words to the user vocabulary (lower-cased, spaces removed)."""
        self.vocabulary.update(w.lower().replace(" ", "") for w in words if w)

    def word_cost(self, word: str) -> float | None:
        """The cost of ``word`` as one known word, or ``None`` when no list has it."""
        best = max((_frequencies(lang).get(word, 0.0) for lang in self.languages), default=0.0)
        cost = None
        if best > 0:
            cost = (
                -math.log(best) + self.word_penalty + (self.short_penalty if len(word) < 3 else 0)
            )
            inflected, function = _form(word)
            cost += self.inflected_penalty * inflected + self.function_penalty * function
            if self._compound(word):
                cost += self.compound_penalty
        if word in self.vocabulary:
            cost = self.user_cost if cost is None else min(cost, self.user_cost)
        return cost

    def _compound(self, word: str) -> bool:
        """Whether ``word`` is a rare English word (under Zipf 3) made of two common
        content lemmas (``kingship``, ``workbook``, but not ``lighthouse``): in a fused
        name of concepts those are two concepts more often than one. (Russian
        compounds take a linking vowel, and bare concatenations there are false hits:
        ``рас|свет``.)"""
        if language(word) != "en" or _zipf(word, "en") >= RARE_COMPOUND_ZIPF:
            return False  # lighthouse is one word
        return any(
            _common_lemma(word[:i]) and _common_lemma(word[i:]) for i in range(3, len(word) - 2)
        )

    def _piece_cost(self, word: str) -> float:
        known = self.word_cost(word)
        if known is not None:
            return known
        return self.unknown_base + self.unknown_per_char * len(word) + self.word_penalty

    def split(self, name: str, n_best: int = 5) -> SplitResult:
        """Split ``name`` into words; the best reading plus up to ``n_best - 1`` alternatives.

        Raises :class:`InputError` for an empty name, one over 256 characters or
        one with characters other than letters, digits, hyphens and apostrophes.
        """
        text = unicodedata.normalize("NFC", name).strip().lower()
        if not text:
            raise InputError("empty name")
        if len(text) > MAX_NAME_CHARS:
            raise InputError(f"name is longer than {MAX_NAME_CHARS} characters")
        bad = [ch for ch in text if not (ch.isalnum() or ch in "-'’")]
        if bad:
            raise InputError(f"a fused name has letters only; {name!r} contains {bad[0]!r}")
        n = len(text)
        # best[i]: the n_best cheapest (cost, parts, costs) covering text[:i]
        best: list[list[tuple[float, tuple[str, ...], tuple[float, ...]]]] = [
            [] for _ in range(n + 1)
        ]
        best[0] = [(0.0, (), ())]
        for end in range(1, n + 1):
            candidates = []
            for start in range(max(0, end - self.max_word_chars), end):
                if not best[start]:
                    continue
                word = text[start:end]
                cost = self._piece_cost(word)
                for prev_cost, parts, costs in best[start]:
                    candidates.append((prev_cost + cost, (*parts, word), (*costs, cost)))
            best[end] = heapq.nsmallest(n_best, candidates, key=lambda c: (c[0], c[1]))
        readings = [Segmentation(parts, cost, costs) for cost, parts, costs in best[n]]
        parts = readings[0].parts
        confident = len(parts) > 1 and all(self.word_cost(p) is not None for p in parts)
        return SplitResult(readings[0], tuple(readings[1:]), confident)
