"""Words that make one concept together: a dictionary's two-word phrase, and a negation
with the word it negates.

Two adjacent words that a dictionary lists as one phrase (an adjective or noun and
a noun: ``железная дорога``, *old man*; :mod:`.compounds`) become one noun token whose
lemma is the dictionary's phrase (``по железной дороге`` → ``железная дорога``).

``не решался`` is not ``решаться`` and still less its noun ``решение``: the
negation is part of the concept. :func:`phrases` joins a negation and the content
word it bears on into one token whose lemma keeps both, with a space (``не
решаться``, ``not open``); such a concept is taken whole, never made into a
noun. Written by hand (a rule, not a parser):

* Russian: the particle ``не`` directly before a verb, adjective or
  adverb (``не решался``, ``не страшно``); before a noun it is left alone (``не
  страх, а тревога`` names the fear);
* English: ``not``, ``never`` or a word in ``n't`` (``didn't``) before a verb, adjective or adverb,
  across auxiliaries and the infinitive ``to`` (``would not open``, ``did not
  dare to knock`` → ``not dare``); the auxiliary itself is no concept.

Nothing joins across punctuation.

>>> from scenecodec.language.morph import tokenize
>>> text = "он не решался, she was not afraid of the old men"
>>> [t.lemma for t in phrases(tokenize(text), text) if t.content]
['не решаться', 'not afraid', 'old man']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from scenecodec.language.compounds import compound
from scenecodec.language.morph import Token

__all__ = ["NEGATIONS", "phrases"]

NEGATIONS = {"ru": ("не",), "en": ("not", "never", "n't")}
"""The negation words of each language; the first is written in the joined lemma."""

# English words a negation reaches across to its verb (would not open, did not dare).
_BETWEEN = frozenset(
    {"to", "do", "does", "did", "will", "would", "can", "could", "shall", "should", "may"}
    | {"might", "must"}
)
_BEARERS = ("VERB", "ADJ", "ADV")


def phrases(tokens: Sequence[Token], text: str) -> list[Token]:
    """``tokens`` of ``text`` with each dictionary phrase made one token and each
    negation joined to the word it negates."""
    out: list[Token] = []
    tokens = _compounds(tokens, text)
    pending: Token | None = None  # a negation waiting for its word
    for token in tokens:
        word = token.text.lower().replace("’", "'")
        gap = text[pending.stop : token.start] if pending is not None else ""
        if gap.replace("’", "'").strip() not in ("", "'t"):
            pending = None  # punctuation between: the negation bore on nothing
        if pending is not None and token.lang == pending.lang and token.pos in _BEARERS:
            out.append(_joined(pending, token, text))
            pending = None
            continue
        if word in NEGATIONS.get(token.lang, ()) or _contracted(token, text):
            pending = token
        elif pending is not None and not (token.lang == "en" and word in _BETWEEN):
            pending = None
        out.append(token)
    return out


def _compounds(tokens: Sequence[Token], text: str) -> list[Token]:
    """``tokens`` with each adjacent pair that is a dictionary phrase made one noun."""
    out: list[Token] = []
    for token in tokens:
        before = out[-1] if out else None
        if (
            before is not None
            and " " not in before.lemma
            and before.pos in ("ADJ", "NOUN")
            and token.pos == "NOUN"
            and before.lang == token.lang
            and not text[before.stop : token.start].strip()
        ):
            phrase = compound(before.lemma, token.lemma, token.lang)
            if phrase is not None:
                span = text[before.start : token.stop]
                out[-1] = replace(token, text=span, lemma=phrase, start=before.start)
                continue
        out.append(token)
    return out


def _joined(negation: Token, word: Token, text: str) -> Token:
    """One token for ``negation … word``: surface text from the one to the other."""
    lemma = f"{NEGATIONS[word.lang][0]} {word.lemma}"
    return replace(word, text=text[negation.start : word.stop], lemma=lemma, start=negation.start)


def _contracted(token: Token, text: str) -> bool:
    """Whether ``token`` is the ``didn`` of ``didn't`` (the tokenizer splits off ``'t``)."""
    return token.lang == "en" and text[token.stop : token.stop + 2].replace("’", "'") == "'t"
