"""Tokens, lemmas, parts of speech and inflection for Russian and English.

Russian goes through ``razdel`` (tokens) and ``pymorphy3`` with its bundled
dictionary (lemmas, parts of speech, inflection); English through ``simplemma``
(lemmas) and ``lemminflect`` (parts of speech from its lexicon, inflection).
The language is chosen per token by its script, so mixed texts work word by
word; Latin look-alike letters inside a Cyrillic word (``тишинa``) are mapped
back to Cyrillic.

Parts of speech are universal tags: ``NOUN``, ``VERB``, ``ADJ``, ``ADV`` (open
class), ``PROPN``, ``NUM`` and ``FUNC`` (pronouns, prepositions, conjunctions,
particles, auxiliaries — words that never become concepts).

>>> [(t.lemma, t.pos, t.lang) for t in tokenize("Жаркая тишина and silent rooms")]
... # doctest: +NORMALIZE_WHITESPACE
[('жаркий', 'ADJ', 'ru'), ('тишина', 'NOUN', 'ru'), ('and', 'FUNC', 'en'),
 ('silent', 'ADJ', 'en'), ('room', 'NOUN', 'en')]
>>> inflect("висок", case="loct", number="plur"), agree("пульсировать", "пульс", tense="past")
('висках', 'пульсировал')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from scenecodec.errors import InputError

if TYPE_CHECKING:
    from pymorphy3 import MorphAnalyzer
    from pymorphy3.analyzer import Parse

__all__ = [
    "AUXILIARIES",
    "CASES",
    "Token",
    "agree",
    "analyse",
    "analyser",
    "animate",
    "gender",
    "govern",
    "inflect",
    "language",
    "lemma",
    "tokenize",
]

CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
"""Russian cases as pymorphy3 names them: nominative … prepositional."""

_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)
_WORD = re.compile(r"^[^\W\d_]+(?:[-'’][^\W\d_]+)*$")
_LOOKALIKE = str.maketrans("aceopxyABCEHKMOPTXy", "асеорхуАВСЕНКМОРТХу")

# pymorphy3 tags → universal tags; everything not listed is FUNC.
_RU_POS = {
    "NOUN": "NOUN",
    "ADJF": "ADJ",
    "ADJS": "ADJ",
    "COMP": "ADJ",
    "VERB": "VERB",
    "INFN": "VERB",
    "PRTF": "VERB",
    "PRTS": "VERB",
    "GRND": "VERB",
    "ADVB": "ADV",
    "NUMR": "NUM",
}
_RU_PROPER = {"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"}
AUXILIARIES = {
    "ru": {"быть", "являться", "мочь", "смочь", "стать", "хотеть", "казаться"},
    "en": {
        "be",
        "have",
        "do",
        "can",
        "could",
        "will",
        "would",
        "shall",
        "should",
        "may",
        "might",
        "must",
        "get",
        "let",
    },
}
"""Auxiliary and modal verbs of each language: a closed class that carries tense and
mood, not a scene."""
# English stopwords-iso words this common are pronouns, determiners and the like
# even when lemminflect lists a noun reading ("it", "this", "one"); rarer ones with a
# noun reading stay content words (the list also holds fire, room, world, home).
_EN_STOP_ZIPF = 5.9
_EN_ORDER = ("NOUN", "ADJ", "VERB", "ADV")


@dataclass(frozen=True)
class Token:
    """One word of a text: surface ``text`` at ``[start, stop)``, ``lemma``, ``pos``, ``lang``."""

    text: str
    lemma: str
    pos: str
    lang: str
    start: int
    stop: int

    @property
    def content(self) -> bool:
        """True for open-class words (noun, verb, adjective, adverb) that can become concepts."""
        return self.pos in ("NOUN", "VERB", "ADJ", "ADV")


def language(word: str) -> str:
    """``"ru"`` for a word in Cyrillic, ``"en"`` for Latin, ``""`` for anything else.

    >>> language("жар"), language("heat"), language("тишинa"), language("42")
    ('ru', 'en', 'ru', '')
    """
    ru, en = len(_CYRILLIC.findall(word)), len(_LATIN.findall(word))
    if ru == en == 0:
        return ""
    return "ru" if ru >= en else "en"


@cache
def analyser() -> MorphAnalyzer:
    """The shared pymorphy3 analyser (loaded once)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


@cache
def _en_stopwords() -> frozenset[str]:
    """stopwords-iso English words that are function words here: those without a noun
    reading (``away``, ``often``), and the commonest even with one (``it``, ``one``)."""
    import lemminflect
    import stopwordsiso
    from wordfreq import zipf_frequency

    return frozenset(
        w
        for w in stopwordsiso.stopwords("en")
        if "NOUN" not in lemminflect.getAllLemmas(w) or zipf_frequency(w, "en") >= _EN_STOP_ZIPF
    )


@cache
def _ru_stopwords() -> frozenset[str]:
    """stopwords-iso Russian; used for adverbs only, as the list also holds nouns
    a scene needs (ночь, дверь, рука)."""
    import stopwordsiso

    return frozenset(stopwordsiso.stopwords("ru"))


@lru_cache(maxsize=65536)
def analyse(word: str, lang: str) -> tuple[str, str]:
    """``(lemma, universal part of speech)`` of one lower-case ``word`` in ``lang``.

    >>> analyse("войти", "ru"), analyse("rooms", "en"), analyse("it", "en")
    (('войти', 'VERB'), ('room', 'NOUN'), ('it', 'FUNC'))
    """
    if lang == "ru":
        parse = analyser().parse(word)[0]
        tag = parse.tag
        pos = _RU_POS.get(tag.POS or "", "FUNC")
        if tag.POS in ("PRTF", "PRTS", "GRND", "VERB", "INFN"):
            lemma = parse.normal_form  # participles and gerunds → their verb
        elif pos == "ADJ":
            lemma = parse.inflect({"ADJF", "masc", "sing", "nomn"})
            lemma = lemma.word if lemma else parse.normal_form
            if "Apro" in tag or "Anum" in tag:
                pos = "FUNC"  # этот, свой, весь; первый
        else:
            lemma = parse.normal_form
        if pos == "NOUN" and _RU_PROPER & set(tag.grammemes):
            pos = "PROPN"
        if tag.POS is None and "UNKN" in tag:
            pos = "NOUN"  # unknown to the dictionary: most likely a rare noun
    else:
        import lemminflect
        import simplemma

        readings = lemminflect.getAllLemmas(word)
        if not readings or "AUX" in readings or word in _en_stopwords():
            return simplemma.lemmatize(word, lang="en"), "FUNC"
        pos = next((p for p in _EN_ORDER if p in readings), next(iter(readings)))
        lemma = readings[pos][0] if pos in readings else simplemma.lemmatize(word, lang="en")
        pos = pos if pos in (*_EN_ORDER, "PROPN") else "FUNC"
    if (lemma in AUXILIARIES[lang] and pos == "VERB") or (
        lang == "ru" and pos == "ADV" and lemma in _ru_stopwords()
    ):
        pos = "FUNC"  # auxiliaries; pronominal and degree adverbs (только, очень, там)
    return lemma, pos


def _normal_word(text: str, lang: str) -> str:
    word = text.lower().replace("’", "'")
    return word.translate(_LOOKALIKE) if lang == "ru" else word


def tokenize(text: str) -> list[Token]:
    """The words of ``text`` with lemma, part of speech and language; punctuation,
    numbers, symbols and lone letters (the ``s`` of ``heat's``) are skipped.

    >>> [(t.lemma, t.pos) for t in tokenize("Перед тем, как войти — heat's 3.5 😀")]
    [('перед', 'FUNC'), ('тем', 'FUNC'), ('как', 'FUNC'), ('войти', 'VERB'), ('heat', 'NOUN')]
    """
    from razdel import tokenize as razdel_tokenize

    out: list[Token] = []
    for piece in razdel_tokenize(text):
        if len(piece.text) < 2 or not _WORD.match(piece.text):
            continue
        lang = language(piece.text)
        if not lang:
            continue
        word = _normal_word(piece.text, lang)
        lemma, pos = analyse(word, lang)
        out.append(Token(piece.text, lemma, pos, lang, piece.start, piece.stop))
    return out


def lemma(word: str) -> str:
    """The dictionary form of one word, Russian or English.

    >>> lemma("висках"), lemma("тревожная"), lemma("entering"), lemma("fears")
    ('висок', 'тревожный', 'enter', 'fear')
    """
    lang = language(word)
    if not lang:
        raise InputError(f"{word!r} is not a Russian or English word")
    return analyse(_normal_word(word.strip(), lang), lang)[0]


def _parse_as(word: str, wanted: str) -> Parse:
    """The pymorphy3 parse of ``word`` as a lemma with part of speech ``wanted`` (``горе``
    the noun ``горе``, not ``гора`` in the locative), else its first with that part of
    speech, else its first."""
    parses = analyser().parse(word)
    ofpos = [p for p in parses if wanted == p.tag.POS]
    lemma = [p for p in ofpos if p.normal_form == word.lower()]
    return (lemma or ofpos or parses)[0]


def animate(noun: str) -> bool:
    """Whether a Russian noun names a living being: pymorphy3's ``anim`` grammeme on its
    noun reading (people and animals, not things or states).

    >>> animate("собака"), animate("мать"), animate("дом"), animate("жар")
    (True, True, False, False)
    """
    tag = _parse_as(noun, "NOUN").tag
    return tag.POS == "NOUN" and "anim" in tag


def gender(noun: str) -> str:
    """A Russian noun's gender (``masc``, ``femn``, ``neut``) or ``plur`` for one that is
    only plural.

    >>> gender("горе"), gender("тишина"), gender("жар"), gender("похороны")
    ('neut', 'femn', 'masc', 'plur')
    """
    tag = _parse_as(noun, "NOUN").tag
    if "Pltm" in tag or (tag.number == "plur" and "Sgtm" not in tag):
        return "plur"
    return str(tag.gender) if tag.gender in ("masc", "femn", "neut") else "masc"


def inflect(word: str, *, case: str = "nomn", number: str = "sing") -> str:
    """``word`` (a Russian noun or adjective lemma) in ``case`` and ``number``;
    English nouns take only the number.

    Cases are pymorphy3's: ``nomn gent datv accs ablt loct``; numbers ``sing plur``.

    >>> inflect("порог", case="loct"), inflect("висок", case="loct", number="plur")
    ('пороге', 'висках')
    >>> inflect("fear", number="plur"), inflect("сани", case="gent")  # only plural: plural
    ('fears', 'саней')
    """
    if number not in ("sing", "plur"):
        raise InputError(f"number must be sing or plur, got {number!r}")
    if language(word) == "en":
        from lemminflect import getInflection

        forms = getInflection(word, tag="NNS" if number == "plur" else "NN")
        return forms[0] if forms else word
    if case not in CASES:
        raise InputError(f"case must be one of {' '.join(CASES)}, got {case!r}")
    parse = _parse_as(word, "NOUN")
    if gender(word) == "plur":
        number = "plur"
    form = parse.inflect({case, number})
    return form.word if form else word


def agree(word: str, noun: str, *, case: str = "nomn", tense: str = "past") -> str:
    """Russian adjective or verb ``word`` made to agree with ``noun`` (a lemma, in the
    singular unless it only has a plural): adjectives in gender, number and ``case``;
    verbs in the past tense by gender and number, in the present by number (third
    person). English words come back as they are for adjectives and in the past
    tense for verbs.

    >>> agree("жаркий", "тишина"), agree("пульсировать", "висок")
    ('жаркая', 'пульсировал')
    >>> agree("тёмный", "ночь", case="loct")
    'тёмной'
    >>> agree("стучать", "сердце", tense="pres"), agree("pulse", "temple")
    ('стучит', 'pulsed')
    >>> agree("течь", "река"), agree("flare up", "spark")
    ('текла', 'flared up')
    """
    if tense not in ("past", "pres"):
        raise InputError(f"tense must be past or pres, got {tense!r}")
    if language(word) == "en":
        from lemminflect import getAllLemmas, getInflection

        head_word, *rest = word.split(" ")
        if "VERB" in getAllLemmas(head_word):
            forms = getInflection(head_word, tag="VBD" if tense == "past" else "VBZ")
            return " ".join([forms[0] if forms else head_word, *rest])
        return word
    head = _parse_as(noun, "NOUN").tag
    kind = gender(noun)
    number = "plur" if kind == "plur" else "sing"
    gender_ = None if kind == "plur" else kind
    parses = analyser().parse(word)
    parse = next((p for p in parses if p.tag.POS in ("VERB", "INFN")), None)
    if parse is not None:
        wanted = {"past", number} | ({gender_} if gender_ else set())
        if tense == "pres":
            wanted = {"pres", "3per", number} if "impf" in parse.tag else {"futr", "3per", number}
        form = parse.inflect(wanted)
    else:
        adjective = _parse_as(word, "ADJF")
        form = adjective.inflect({case, number} | ({gender_} if gender_ else set()))
        if form and case == "accs" and "anim" in head and number == "plur":
            form = adjective.inflect({case, number, "anim"}) or form
    return form.word if form else word


# Which case a Russian preposition governs, for its commonest (spatial) sense.
_GOVERNS = {
    "в": "loct",
    "во": "loct",
    "на": "loct",
    "о": "loct",
    "об": "loct",
    "при": "loct",
    "из": "gent",
    "от": "gent",
    "до": "gent",
    "у": "gent",
    "без": "gent",
    "для": "gent",
    "около": "gent",
    "возле": "gent",
    "среди": "gent",
    "из-за": "gent",
    "из-под": "gent",
    "к": "datv",
    "ко": "datv",
    "по": "datv",
    "с": "ablt",
    "со": "ablt",
    "над": "ablt",
    "под": "ablt",
    "перед": "ablt",
    "за": "ablt",
    "между": "ablt",
    "про": "accs",
    "через": "accs",
    "сквозь": "accs",
}


def govern(preposition: str, noun: str, *, number: str = "sing", case: str | None = None) -> str:
    """A Russian prepositional phrase: ``preposition`` + ``noun`` in the case the
    preposition governs in its spatial sense (``в``/``на`` + prepositional: where),
    or in ``case`` when given.

    >>> govern("на", "порог"), govern("в", "висок", number="plur"), govern("сквозь", "тишина")
    ('на пороге', 'в висках', 'сквозь тишину')
    """
    prep = preposition.strip().lower()
    case = case or _GOVERNS.get(prep)
    if case is None:
        raise InputError(f"unknown preposition {preposition!r}; give case= explicitly")
    return f"{prep} {inflect(noun, case=case, number=number)}"
