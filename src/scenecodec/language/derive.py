"""Verbs, adjectives and adverbs turned into their nouns: ``войти → вход``,
``жаркий → жар``, ``silent → silence``.

Neither pymorphy3 nor any English package ships word-formation links, so they
are computed once by ``tools/derivations.py`` and shipped as
``data/derivations.tsv``: for each frequent verb, adjective and adverb of
wordfreq's Russian and English lists, the candidate nouns are those that share
its stem (after the inflectional ending and the commonest derivational
suffixes are cut, and with the Russian ``-йти``/``ход`` alternation), and the
chosen noun is the one whose e5 embedding is nearest, kept only when that
score (cosine, plus a bonus for a regular derivative such as ``тиш-ина``)
reaches :data:`THRESHOLD` — "where a good noun exists". e5 reads words partly
by their letters and so also finds homonyms: ``хлопнуть → хлопок`` (cotton),
``пробиваться → пробуждение``; a Russian verb's noun is therefore used only where
navec, whose vectors come from the words' contexts in news text, also finds the
two related (:data:`CONTEXT_THRESHOLD`). Words outside the table stay as they
are. This module holds the stemming rules (shared with the tool) and the lookup.

>>> nominal("войти"), nominal("жаркий"), nominal("silent"), nominal("стол")
('вход', 'жар', 'silence', None)
"""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = [
    "CONTEXT_THRESHOLD",
    "NOUN_ENDINGS",
    "THRESHOLD",
    "candidates_prefix",
    "nominal",
    "stem_match",
    "stems",
]

THRESHOLD = 0.47
"""Least score (centred e5 cosine + 0.1 for a regular derivative) of a derivation in
use; the table keeps everything from 0.4, and 0.47 drops the wrong ones that
``bench/concepts.py`` turned up (колотиться → колодец, tired → tire)."""

CONTEXT_THRESHOLD = 0.1
"""Least navec cosine (centred) of a Russian verb and its noun. Only for verbs: navec
puts adjectives and their nouns far apart (``тихий``/``тишина`` −0.03), as they keep
different company; for verbs it keeps ``войти → вход`` (0.22), ``шагнуть → шаг``
(0.17), ``стучать → стук`` (0.30) and drops ``хлопнуть → хлопок`` (0.04),
``пробиваться → пробуждение`` (−0.05)."""

_RU_ENDINGS = ("ться", "тись", "чься", "ть", "ти", "чь")
_RU_VERB_SUFFIXES = ("ова", "ева", "ыва", "ива", "ир", "ну", "а", "я", "е", "и", "о", "у")
_RU_ADJ_ENDINGS = ("ый", "ий", "ой")
_RU_ADJ_SUFFIXES = ("ическ", "ск", "лив", "ист", "ов", "ев", "н", "к")
_RU_ADV_ENDINGS = ("о", "е", "и")
# Russian consonant alternations at a stem's end (тихий/тишина, жаркий/жар).
_ALTERNATION = {
    "х": "ш",
    "г": "ж",
    "к": "ч",
    "з": "ж",
    "д": "ж",
    "т": "ч",
    "с": "ш",
    "ш": "х",
    "ж": "г",
    "ч": "к",
}
_EN_SUFFIXES = (
    "ously",
    "ically",
    "ingly",
    "ly",
    "ous",
    "ful",
    "less",
    "ive",
    "ing",
    "ed",
    "ent",
    "ant",
    "al",
    "ic",
    "y",
    "e",
)


def stems(word: str, lang: str) -> list[str]:
    """Stems of ``word`` under which its nouns are looked for, longest first.

    >>> stems("тревожный", "ru"), stems("войти", "ru"), stems("silent", "en")
    (['тревожн', 'тревож'], ['вход', 'вой'], ['silent', 'sil'])
    """
    out: list[str] = []
    if lang == "ru":
        w = word
        if w.endswith("йти") and len(w) > 3:
            out.append(w[:-3].removesuffix("о") + "ход")  # войти → вход, прийти → приход
        for end in _RU_ENDINGS + _RU_ADJ_ENDINGS:
            if w.endswith(end) and len(w) - len(end) >= 2:
                w = w[: -len(end)]
                break
        else:
            for end in _RU_ADV_ENDINGS:
                if w.endswith(end) and len(w) - len(end) >= 3:
                    w = w[: -len(end)]
                    break
        out.append(w)
        for _ in range(2):  # пульсирова → пульсир → пульс
            for suffix in _RU_VERB_SUFFIXES + _RU_ADJ_SUFFIXES:
                if w.endswith(suffix) and len(w) - len(suffix) >= 3:
                    w = w[: -len(suffix)]
                    out.append(w)
                    break
    else:
        w = word
        out.append(w)
        for suffix in _EN_SUFFIXES:
            if w.endswith(suffix) and len(w) - len(suffix) >= 3:
                out.append(w[: -len(suffix)])
                break
    seen: list[str] = []
    for s in out:
        if s not in seen:
            seen.append(s)
    return seen


def candidates_prefix(stem: str, lang: str) -> tuple[str, ...]:
    """The prefixes a candidate noun may start with: in Russian the whole stem, or
    the stem with its last consonant alternated (``тревож-`` / ``тревог-``,
    ``тих-`` / ``тиш-``); in English the stem less its last two letters
    (``enter`` / ``entrance``); never under three letters.

    >>> candidates_prefix("тревож", "ru"), candidates_prefix("тих", "ru")
    (('тревож', 'тревог'), ('тих', 'тиш'))
    >>> candidates_prefix("enter", "en")
    ('ent',)
    """
    cut = 0 if lang == "ru" else 2
    out = [stem[: max(3, len(stem) - cut)]]
    if lang == "ru" and stem[-1:] in _ALTERNATION:
        out.append(stem[:-1] + _ALTERNATION[stem[-1]])
    return tuple(dict.fromkeys(out))


NOUN_ENDINGS = {
    "ru": (
        "",
        "а",
        "я",
        "о",
        "ь",
        "ина",
        "ота",
        "ость",
        "есть",
        "ие",
        "ание",
        "ение",
        "ство",
        "ация",
        "ка",
        "ок",
    ),
    "en": ("", "ness", "ity", "ence", "ance", "ion", "ation", "ment", "th", "y", "ure", "ing"),
}
"""Noun-forming endings: a noun that is a stem plus one of these is a regular
derivative (``тиш-ина``, *warm-th*), never a compound of two words."""


def stem_match(noun: str, source: str, lang: str) -> bool:
    """Whether ``noun`` is one of ``source``'s stems (or a Russian alternated stem)
    plus a noun-forming ending (``тих → тиш + ина``, ``войти → вход``).

    >>> stem_match("тишина", "тихий", "ru"), stem_match("пульт", "пульсировать", "ru")
    (True, False)
    >>> stem_match("silence", "silent", "en"), stem_match("спальня", "спать", "ru")
    (True, False)
    """
    noun = noun.replace("ё", "е")
    bases = set()
    for stem in stems(source.replace("ё", "е"), lang):
        bases.add(stem)
        if lang == "ru" and stem[-1:] in _ALTERNATION:
            bases.add(stem[:-1] + _ALTERNATION[stem[-1]])
    return any(
        noun.endswith(end) and noun[: len(noun) - len(end)] in bases for end in NOUN_ENDINGS[lang]
    )


@cache
def _table() -> dict[str, str]:
    text = resources.files("scenecodec.data").joinpath("derivations.tsv").read_text("utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            source, noun, pos, score, usage = line.split("\t")
            homonym = pos == "VERB" and usage != "" and float(usage) < CONTEXT_THRESHOLD
            if float(score) >= THRESHOLD and not homonym:
                table[source] = noun
    return table


def nominal(lemma: str) -> str | None:
    """The noun that ``lemma`` (a verb, adjective or adverb lemma) is made into, or
    ``None`` where the shipped table has no good noun for it."""
    return _table().get(lemma)
