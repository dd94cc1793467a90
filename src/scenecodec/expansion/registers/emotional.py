"""The emotional register: the emotional field as named emotions and their blends.

``Тишина — ужас, жар — гнев, вход — принятие; поле: тревога (предвкушение + страх).``

Each part is named by its strongest of Plutchik's eight at its intensity (apprehension,
fear, terror…); the whole scene's field by its one or two leading emotions and their
dyad or conflict (:attr:`.reading.Reading.field`). A measured voice adds the z-scores.
"""

from __future__ import annotations

from scenecodec.expansion.registers import lexicon
from scenecodec.expansion.registers.lexicon import Name
from scenecodec.expansion.registers.reading import Reading

__all__ = ["write"]


def _named(lemma: str, feeling: Name, lang: str) -> str:
    """The feeling's name, or — when that is the part's own word (``горе — горе``) —
    the name of the emotion one intensity down."""
    name = feeling.name(lang)
    if name != lemma:
        return name
    down = {"intense": "basic", "basic": "mild", "mild": "basic"}[feeling.kind]
    return lexicon.intensity(feeling.id, down).name(lang)


def write(reading: Reading, *, measured: bool = False) -> str:
    """The emotional text of ``reading`` in its language; ``measured`` adds the numbers.

    >>> from scenecodec.language.embed import HashEmbedder
    >>> from scenecodec.expansion.registers.reading import read
    >>> e = HashEmbedder()
    >>> write(read(e, ["heat", "door"], ["entry", "anchor"], e.embed(["heat", "door"]), 0.3))[:7]
    'Heat — '
    """
    lang = reading.lang
    parts = ", ".join(
        f"{p.word} — {_named(p.word, p.feeling, lang)}"
        + (f" ({p.emotion[1]:.1f})" if measured else "")
        for p in reading.parts
    )
    leading, mixed = reading.field
    names = [lexicon.intensity(e, "basic").name(lang) for e in leading]
    if measured:
        z = dict(reading.emotions)
        names = [f"{n} {z[e]:.1f}" for n, e in zip(names, leading, strict=True)]
    field = names[0] if mixed is None else f"{mixed.name(lang)} ({' + '.join(names)})"
    text = f"{parts}; {'поле' if lang == 'ru' else 'the field'}: {field}."
    return text[0].upper() + text[1:]
