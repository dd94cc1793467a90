"""Parts of speech in context: the reading of an ambiguous word chosen by its neighbours.

:func:`~scenecodec.language.morph.tokenize` reads each word alone, so an English
word with a noun and a verb reading is always the noun (``Fog rose over the
river`` → the flower ``rose``; ``saw the sea`` → the tool ``saw``), and a
Russian adjective used as a noun is always the noun (``на горячем асфальте`` →
``горячее``, a hot dish). :func:`in_context` rereads such words by the words
around them, with rules written here by hand — no library tags English offline
without a model download, and a tagger pass per text would cost more than the
whole extraction:

* English, a word that lemminflect lists with more than one of noun, verb and
  adjective readings:

  - after a determiner, a possessive, a preposition or an adjective it is a noun
    (``the rose``, ``in the fog``), or an adjective where a word that can be a noun
    follows (``the open door``); a word listed only as a verb is a noun there too
    (``the tin roof``);
  - after a subject pronoun, an auxiliary or modal, ``to`` or a negation it is a
    verb (``she saw``, ``would not open``, ``to knock``);
  - before a determiner or an object pronoun it is a verb (``saw the sea``);
  - after a noun, a past form is the verb (``fog rose``, ``the dog barked``); so
    is an ``-s`` form unless a word that can be a verb follows (``anger rises``,
    not ``shop lights glitter``), and the base form after a plural noun where the
    clause ends or a preposition follows (``fists clench``, ``sparks fly into``;
    not ``the kitchen window``);
  - elsewhere its first reading in the order noun, adjective, verb stands.

  A stopwords-iso word with a verb reading (``open``, ``dare``) is a verb, not a
  function word, after an auxiliary, ``to`` or a negation, or before a determiner
  (``would not open``, ``opened the door``).

  A subordinating conjunction that lemminflect also lists as a noun (``while``,
  ``till``) is a noun only after a determiner (``a while``); elsewhere it is a
  function word (``laughs while playing``).
* Russian, a word whose dictionary reading is a noun made from an adjective
  (``горячее``) while pymorphy3 scores its adjective reading as high is the
  adjective when a noun follows (``горячем асфальте``).

>>> from scenecodec.language.morph import tokenize
>>> [(t.lemma, t.pos) for t in in_context(tokenize("Fog rose over the river"))]
[('fog', 'NOUN'), ('rise', 'VERB'), ('over', 'FUNC'), ('the', 'FUNC'), ('river', 'NOUN')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from scenecodec.language.morph import AUXILIARIES, Token, analyser

__all__ = ["in_context"]


# English closed classes (written by hand: small, closed, and in no offline package).
def _closed(words: str) -> frozenset[str]:
    return frozenset(words.split())


_DETERMINERS = _closed(
    "the a an this these those my your his her its our their some any no every each "
    "another such whose"
)
_PREPOSITIONS = _closed(
    "of in on at by for with from into onto over under above below across through along "
    "around behind before after near beside between among without about against toward "
    "towards upon within beyond underneath past"
)
_SUBJECTS = _closed("i you he she it we they who nobody somebody someone everyone")
_VERB_MARKERS = _closed(
    "to not never n't am is are was were be been being has have had do does did will would "
    "shall should can could may might must didn doesn don wasn weren isn aren wouldn couldn "
    "shouldn won hasn haven hadn mustn"  # the first part of didn't, won't
)
_OBJECTS = _closed("me him her us them it")
_CONJUNCTIONS = _closed("while once till until whether though although unless whereas")
_OPEN = ("NOUN", "ADJ", "VERB")


@lru_cache(maxsize=65536)
def _readings(word: str) -> dict[str, str]:
    """English ``{part of speech: lemma}`` for the noun, adjective and verb readings."""
    import lemminflect

    found = lemminflect.getAllLemmas(word)
    return {pos: found[pos][0] for pos in _OPEN if pos in found}


def in_context(tokens: Sequence[Token], text: str = "") -> list[Token]:
    """``tokens`` (from :func:`~scenecodec.language.morph.tokenize` over ``text``) with
    ambiguous words reread by their neighbours (module docstring). A comma, full stop
    or other punctuation in ``text`` between two words ends a clause: the rules look
    no further back or ahead than it."""
    out = list(tokens)
    for i, token in enumerate(out):
        before = out[i - 1] if i and _joined(out[i - 1], token, text) else None
        after = out[i + 1] if i + 1 < len(out) and _joined(token, out[i + 1], text) else None
        if token.lang == "en":
            out[i] = _english(token, before, after)
        elif token.lang == "ru" and token.pos == "NOUN" and after and after.pos == "NOUN":
            out[i] = _russian_adjective(token)
    return out


def _joined(left: Token, right: Token, text: str) -> bool:
    """Whether nothing but spaces (or the ``'t`` of ``didn't``) stands between two tokens."""
    return not text or text[left.stop : right.start].replace("’", "'").strip() in ("", "'t")


def _english(token: Token, before: Token | None, after: Token | None) -> Token:
    word = token.text.lower().replace("’", "'")
    prev = before.text.lower() if before else ""
    if word in _CONJUNCTIONS and prev not in _DETERMINERS:
        return replace(token, pos="FUNC")
    readings = _readings(word)
    nxt = after.text.lower() if after else ""
    if token.pos == "FUNC":
        verb = readings.get("VERB")
        closed = word in _VERB_MARKERS or word in _PREPOSITIONS or word in _CONJUNCTIONS
        verbal_slot = prev in _VERB_MARKERS or nxt in _DETERMINERS
        if verb and verb not in AUXILIARIES["en"] and not closed and verbal_slot:
            return replace(token, lemma=verb, pos="VERB")  # would not open, opened the door
        return token
    pos: str | None = None
    if prev in _DETERMINERS or prev in _PREPOSITIONS or (before and before.pos == "ADJ"):
        if "ADJ" in readings and after is not None and "NOUN" in _readings(nxt):
            pos = "ADJ"
        elif "NOUN" in readings:
            pos = "NOUN"
        elif readings.get("VERB") == word:  # no noun reading listed, yet in a noun's place
            return replace(token, lemma=word, pos="NOUN")  # the tin roof
    elif "VERB" not in readings or len(readings) < 2:
        return token
    elif prev in _SUBJECTS or prev in _VERB_MARKERS or nxt in _DETERMINERS or nxt in _OBJECTS:
        pos = "VERB"
    elif before is not None and before.pos == "NOUN":
        verb = readings["VERB"]
        past = verb != word and not word.endswith("s")  # fog rose, the dog barked
        # anger rises; not shop lights glitter, where the verb comes next
        verb_next = nxt not in _CONJUNCTIONS and "VERB" in _readings(nxt)
        third = verb != word and word.endswith("s") and not verb_next
        ends = after is None or nxt in _PREPOSITIONS or after.pos == "FUNC"
        plural = before.text.lower() != before.lemma  # fists clench; not the kitchen window
        pos = "VERB" if past or third or (plural and ends and verb == word) else None
    if pos is None or pos not in readings:
        return token
    return replace(token, lemma=readings[pos], pos=pos)


def _russian_adjective(token: Token) -> Token:
    """The adjective reading of a noun made from an adjective, where pymorphy3 scores
    it as high as the noun (``горячем`` before a noun: ``горячий``)."""
    parses = analyser().parse(token.text.lower())
    best = parses[0].score
    adjective = next(
        (
            p
            for p in parses
            if p.tag.POS == "ADJF" and p.score >= best - 1e-9 and "Apro" not in p.tag
        ),
        None,
    )
    if adjective is None:
        return token
    lemma = adjective.inflect({"ADJF", "masc", "sing", "nomn"})
    return replace(token, lemma=lemma.word if lemma else adjective.normal_form, pos="ADJ")
