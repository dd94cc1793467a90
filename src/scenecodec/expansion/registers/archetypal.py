"""The archetypal register: the archetype of the whole scene and of each part.

``Переход первого порога: вход; чрево кита: тишина, жар.``

From the archetype tables (:mod:`scenecodec.expansion.archetype`): the nearest archetype of the
scene's meaning vector names the whole, with the parts whose own nearest archetype it
is; every other archetype the parts fall under follows with its parts. The register
is a reading, so the nearest archetype is always named; the expansion's ``archetype``
fields say whether it clears the floor and margin. A measured voice adds the cosines.
"""

from __future__ import annotations

from scenecodec.expansion.archetype import Assignment
from scenecodec.expansion.registers.reading import Reading

__all__ = ["write"]


def _name(found: Assignment, lang: str, measured: bool) -> str:
    name = found.archetype.name(lang)
    return f"{name} ({found.score:.2f})" if measured else name


def write(reading: Reading, *, measured: bool = False) -> str:
    """The archetypal text of ``reading`` in its language: the whole scene's archetype,
    then each archetype its parts fall under with those parts, anchor first.

    >>> from scenecodec.language.embed import HashEmbedder
    >>> from scenecodec.expansion.registers.reading import read
    >>> e = HashEmbedder()
    >>> text = write(read(e, ["жар", "вход"], ["entry", "anchor"], e.embed(["жар", "вход"]), 0.3))
    >>> "вход" in text and "жар" in text
    True
    """
    lang = reading.lang
    order = ([reading.anchor] if reading.anchor is not None else []) + list(reading.body)
    groups: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for part in order:
        key = part.archetype.archetype.key
        groups.setdefault(key, []).append(part.word)
        names.setdefault(key, _name(part.archetype, lang, measured))
    whole = reading.archetype.archetype.key
    head = _name(reading.archetype, lang, measured)
    lines = [f"{head}: {', '.join(groups.pop(whole))}" if whole in groups else head]
    lines += [f"{names[k]}: {', '.join(v)}" for k, v in groups.items()]
    text = "; ".join(lines) + "."
    return text[0].upper() + text[1:]
