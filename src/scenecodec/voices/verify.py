"""Check a written register text with the codec's own tools, and score it.

A model voice samples several candidates; :func:`check` measures each and
:attr:`Checks.score` ranks them, so the text kept is the one in which the scene
survives its words (the seed's test of an expansion):

* ``closeness`` — the cosine between the text with the scene's own lemmas masked
  (:func:`masked`) and the scene's meaning, both in the memory's embedder: what the
  rest of the words (images, the field, the body, the rite) still carry of the scene;
* ``register`` — the register whose cues (``data/registers.tsv``) the text is nearest
  to: the text should sound like the register it was written for;
* ``agreement`` — Russian adjective–noun pairs that agree in no reading (pymorphy3):
  ``холодная ветер``; ``unknown`` — Russian words pymorphy3's dictionary does not hold
  (words the model made up);
* ``language`` — whether the text is in the scene's language; ``finished`` — whether it
  ends a sentence; ``repeats`` — whether some three words come back three times.

The weights of :attr:`Checks.score` are stated there; written here because these are
the codec's own checks, not a library's.

>>> from scenecodec.language.embed import HashEmbedder
>>> c = check(HashEmbedder(), "Холодная ветер шумит.", "logical", {"ветер"},
...           HashEmbedder().embed(["ветер"])[0], "ru")
>>> c.agreement, c.language, c.finished, c.repeats
(1, True, True, False)
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from scenecodec.expansion.bridge import REGISTERS
from scenecodec.expansion.registers import lexicon
from scenecodec.language.embed import Embedder
from scenecodec.language.morph import analyser, language, tokenize

__all__ = ["Checks", "agreement_errors", "check", "check_many", "masked", "unknown_words"]

_ENDS = re.compile(r"[.!?…»\"”)]\s*$")
_NOUN_TAGS = ("NOUN",)
_ADJ_TAGS = ("ADJF", "PRTF")


@dataclass(frozen=True)
class Checks:
    """What :func:`check` measured of one text (see the module docstring)."""

    closeness: float
    register: str
    wanted: str
    agreement: int
    unknown: int
    language: bool
    finished: bool
    repeats: bool

    @property
    def score(self) -> float:
        """``closeness``, plus 0.05 when the text sounds like its register, less 0.15 per
        agreement error and per unknown word, 0.5 when in the wrong language, 0.2 when
        unfinished and 0.3 when it repeats itself: a wrong word costs more than a
        slightly weaker image (closeness spreads about 0.1 between candidates)."""
        return (
            self.closeness
            + 0.05 * (self.register == self.wanted)
            - 0.15 * self.agreement
            - 0.15 * self.unknown
            - 0.5 * (not self.language)
            - 0.2 * (not self.finished)
            - 0.3 * self.repeats
        )

    def to_dict(self) -> dict:
        """Every check and the ``score``, floats to 4 decimals."""
        out = asdict(self)
        out["closeness"] = round(self.closeness, 4)
        out["score"] = round(self.score, 4)
        return out


def masked(text: str, lemmas: set[str]) -> str:
    """``text``'s words without those whose lemma is in ``lemmas``.

    >>> masked("Жар поднимается к входу.", {"жар", "вход"})
    'поднимается'
    """
    return " ".join(t.text for t in tokenize(text) if t.lemma not in lemmas)


def agreement_errors(text: str) -> int:
    """Russian adjectives or participles (full form) followed, with only a space between,
    by a noun with which no pair of their readings agrees in case and number (and gender,
    in the singular).

    >>> agreement_errors("Тёплый ветер и холодная ночь."), agreement_errors("Холодная ветер.")
    (0, 1)
    >>> agreement_errors("возбуждение низкое, валентность отрицательная")
    0
    """
    morph = analyser()
    words = list(re.finditer(r"[а-яё]+", text.lower()))
    errors = 0
    for first, second in itertools.pairwise(words):
        if text[first.end() : second.start()].strip():
            continue
        a, n = morph.parse(first.group()), morph.parse(second.group())
        if a[0].tag.POS not in _ADJ_TAGS or n[0].tag.POS not in _NOUN_TAGS:
            continue
        adjectives = [p.tag for p in a if p.tag.POS in _ADJ_TAGS]
        nouns = [p.tag for p in n if p.tag.POS in _NOUN_TAGS]
        if not any(_agree(x, y) for x in adjectives for y in nouns):
            errors += 1
    return errors


_CASES = {"loc2": "loct", "gen2": "gent", "gen1": "gent", "acc2": "accs", "voct": "nomn"}
_GOVERNED = ("gent", "ablt")
"""A noun in these cases after an adjective is mostly its complement, not its head
(``полное звёзд``, ``пахнущая камнем``, ``три долгих выдоха``): not an agreement."""


def _agree(a: Any, n: Any) -> bool:
    """Whether the pymorphy3 tags of an adjective ``a`` and a noun ``n`` agree (or need
    not: a pronoun-adjective, a governed noun)."""
    case = _CASES.get(str(n.case), str(n.case))
    if "Apro" in a or case in _GOVERNED:
        return True
    if _CASES.get(str(a.case), str(a.case)) != case or a.number != n.number:
        return False
    if a.number == "plur" or n.gender is None or "ms-f" in n:
        return True
    return bool(a.gender == n.gender)


def unknown_words(text: str) -> int:
    """Russian words of four letters or more that pymorphy3's dictionary does not hold
    (it guesses every word; a guess is not a word): the words a model made up.

    >>> unknown_words("Тишина звенит."), unknown_words("Тишина зварбулит кромзелью.")
    (0, 2)
    """
    morph = analyser()
    return sum(1 for w in re.findall(r"[а-яё]{4,}", text.lower()) if not morph.word_is_known(w))


def check(
    embedder: Embedder,
    text: str,
    register: str,
    lemmas: set[str],
    meaning: np.ndarray,
    lang: str,
) -> Checks:
    """The :class:`Checks` of ``text`` written for ``register`` of a scene whose own
    lemmas are ``lemmas``, whose meaning vector is ``meaning`` ``(e,)`` (unit) and whose
    language is ``lang``."""
    return check_many(embedder, [(text, register)], lemmas, meaning, lang)[0]


def check_many(
    embedder: Embedder,
    written: Sequence[tuple[str, str]],
    lemmas: set[str],
    meaning: np.ndarray,
    lang: str,
) -> list[Checks]:
    """:func:`check` of every ``(text, register)`` of one scene, the masked texts embedded
    in one pass."""
    bare = [masked(text, lemmas) for text, _ in written]
    said = [i for i, b in enumerate(bare) if b]
    vectors = np.zeros((len(written), len(meaning)))
    if said:
        found = np.asarray(embedder.embed([bare[i] for i in said]), dtype=np.float64)
        vectors[said] = found / (np.linalg.norm(found, axis=1, keepdims=True) + 1e-12)
    nearest = np.argmax(vectors @ lexicon.vectors(embedder, "register").T, axis=1)
    return [
        _checks(text, register, float(vectors[i] @ meaning), REGISTERS[nearest[i]], lang)
        for i, (text, register) in enumerate(written)
    ]


def _checks(text: str, register: str, closeness: float, nearest: str, lang: str) -> Checks:
    """The checks of one text that need no embedding, with its ``closeness`` and nearest
    register (the first register for a text with nothing left once masked)."""
    words = re.findall(r"\w+", text.lower())
    triples = Counter(zip(words, words[1:], words[2:], strict=False))
    return Checks(
        closeness=closeness,
        register=nearest,
        wanted=register,
        agreement=agreement_errors(text) if lang == "ru" else 0,
        unknown=unknown_words(text) if lang == "ru" else 0,
        language=language(text) == lang,
        finished=bool(_ENDS.search(text)),
        repeats=bool(triples) and max(triples.values()) >= 3,
    )
