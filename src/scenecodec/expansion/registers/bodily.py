"""The bodily register: where and how the scene is felt.

``Тишина отзывается ознобом в затылке, жар — жаром в животе, вход — пульсом в висках.``

For each part a sensation and a place in the body, both belonging to the part's
strongest emotion. The sensation (from ``data/body.tsv``, kept there by the Lancaster
sensorimotor norms) is, of the emotion's sensations, the one nearest in meaning to
the part, with its interoceptive strength as a small bonus (:data:`INTEROCEPTION`);
the place is one where that emotion is felt (Nummenmaa et al. 2014), nearest to the
part and its sensation. No
sensation or place is used twice in one text. The verb takes the voice's tense.
"""

from __future__ import annotations

import numpy as np

from scenecodec.expansion.registers import lexicon
from scenecodec.expansion.registers.lexicon import Location, Sensation
from scenecodec.expansion.registers.reading import Part, Reading
from scenecodec.language.embed import Embedder
from scenecodec.language.morph import agree, inflect

__all__ = ["INTEROCEPTION", "felt", "write"]

INTEROCEPTION = 0.02
"""Score added per point (0–5) of a sensation's interoceptive strength."""


def felt(embedder: Embedder, reading: Reading) -> list[tuple[Part, Sensation, Location]]:
    """Each part with its sensation and place, in the parts' order."""
    sens, places = lexicon.sensations(), lexicon.locations()
    s_vecs, p_vecs = lexicon.vectors(embedder, "sensation"), lexicon.vectors(embedder, "location")
    bonus = INTEROCEPTION * np.array([s.interoceptive for s in sens])
    used_s: set[int] = set()
    used_p: set[int] = set()
    out = []
    for part in reading.parts:
        emotion = part.emotion[0]
        score = (s_vecs @ part.vector + bonus).astype(np.float64)
        score[[emotion not in s.emotions for s in sens]] -= 10.0
        score[list(used_s)] = -np.inf
        s = int(np.argmax(score))
        where = (p_vecs @ (part.vector + s_vecs[s])).astype(np.float64)
        where[[emotion not in p.emotions for p in places]] -= 10.0
        where[list(used_p)] = -np.inf
        p = int(np.argmax(where))
        used_s.add(s)
        used_p.add(p)
        out.append((part, sens[s], places[p]))
    return out


def write(embedder: Embedder, reading: Reading, *, tense: str = "pres") -> str:
    """The bodily text of ``reading`` in its language, the verb in ``tense``.

    >>> from scenecodec.language.embed import HashEmbedder
    >>> from scenecodec.expansion.registers.reading import read
    >>> e = HashEmbedder()
    >>> write(e, read(e, ["жар", "вход"], ["entry", "anchor"], e.embed(["жар", "вход"]), 0.3))[:15]
    'Жар отзывается '
    """
    found = felt(embedder, reading)
    if reading.lang == "ru":
        pieces = [
            f"{inflect(s.ru, case='ablt', number=s.number)} {where.ru}" for _, s, where in found
        ]
        verb = agree("отзываться", found[0][0].word, tense=tense)
        first = f"{found[0][0].word} {verb} {pieces[0]}"
        rest = [
            f"{part.word} — {piece}"
            for (part, _, _), piece in zip(found[1:], pieces[1:], strict=True)
        ]
        text = ", ".join([first, *rest])
    else:
        verb = "is felt as" if tense == "pres" else "was felt as"
        pieces = [f"{s.en} {where.en}" for _, s, where in found]
        first = f"{found[0][0].word} {verb} {pieces[0]}"
        rest = [
            f"{part.word}, as {piece}"
            for (part, _, _), piece in zip(found[1:], pieces[1:], strict=True)
        ]
        text = "; ".join([first, *rest])
    return text[0].upper() + text[1:] + "."
