"""The logical register: a proposition about the transition and its conditions.

``Вход: переход в фазу «действие» под перегрузкой. Условия: тишина (начало), жар (пик);
возбуждение высокое, валентность отрицательная, контроль низкий, телесная нагрузка высокая.``

Built from the scene's structure — the anchor and its strongest functional facet
(the phase it opens), the parts with their rhythm phases — and from its measured
state (:mod:`.reading`): the condition is the first rule of :data:`CONDITIONS` the
state meets, and each axis is named by its level. A measured voice adds the
z-scores and the anchor's tension.
"""

from __future__ import annotations

from scenecodec.expansion import facets
from scenecodec.expansion.registers.reading import Reading, level
from scenecodec.language.morph import agree

__all__ = ["CONDITIONS", "write"]

CONDITIONS: tuple[tuple[str, str, str], ...] = (
    ("overload", "under overload", "под перегрузкой"),
    ("rise", "on a rise", "на подъёме"),
    ("strain", "under strain", "под напряжением"),
    ("decline", "in decline", "в упадке"),
    ("rest", "at rest", "в покое"),
    ("gap", "across a gap in meaning", "через разрыв смыслов"),
    ("balance", "in balance", "в равновесии"),
)
"""The conditions, tried in order: overload (arousal high, control low), rise (arousal
and valence high), strain (arousal high), decline (arousal and valence low), rest
(arousal low, valence high), gap (tension ≥ 0.5), balance."""

_FUNCTIONS = ("transition", "action", "pause", "tension", "thought", "background")
_PHASES = {"entry": "начало", "peak": "пик", "decline": "спад", "anchor": "якорь"}
_AXES_RU = (("arousal", "возбуждение"), ("valence", "валентность"), ("dominance", "контроль"))
_AXES_EN = (("arousal", "arousal"), ("valence", "valence"), ("dominance", "control"))
_LEVEL_RU = {"low": "низкий", "medium": "средний", "high": "высокий"}
_VALENCE = {
    "low": ("negative", "отрицательный"),
    "medium": ("neutral", "нейтральный"),
    "high": ("positive", "положительный"),
}


def condition(reading: Reading) -> str:
    """The id of the first of :data:`CONDITIONS` the reading's state meets."""
    a, v, c = (level(reading.affect[k]) for k in ("arousal", "valence", "dominance"))
    rules = {
        "overload": a == "high" and c == "low",
        "rise": a == "high" and v == "high",
        "strain": a == "high",
        "decline": a == "low" and v == "low",
        "rest": a == "low" and v == "high",
        "gap": (reading.tension or 0.0) >= 0.5,
    }
    return next((k for k, hit in rules.items() if hit), "balance")


def _phase_facet(reading: Reading) -> int:
    """The index of the anchor's (else the whole's) strongest functional facet."""
    ids = [f.id for f in facets.FACETS]
    z = reading.anchor.facets if reading.anchor is not None else reading.facets
    return max((ids.index(f) for f in _FUNCTIONS), key=lambda i: z[i])


def write(reading: Reading, *, measured: bool = False) -> str:
    """The logical text of ``reading`` in its language; ``measured`` adds the numbers.

    >>> from scenecodec.language.embed import HashEmbedder
    >>> from scenecodec.expansion.registers.reading import read
    >>> e, lemmas = HashEmbedder(), ["жар", "вход"]
    >>> write(read(e, lemmas, ["entry", "anchor"], e.embed(lemmas), 0.3))[:17]
    'Вход: переход в ф'
    """
    ru = reading.lang == "ru"
    facet = facets.FACETS[_phase_facet(reading)]
    cond = next(c for c in CONDITIONS if c[0] == condition(reading))
    parts = ", ".join(f"{p.lemma} ({_PHASES[p.phase] if ru else p.phase})" for p in reading.body)
    states = []
    for key, name in _AXES_RU if ru else _AXES_EN:
        lv = level(reading.affect[key])
        if key == "valence":
            word = _VALENCE[lv][1] if ru else _VALENCE[lv][0]
        else:
            word = _LEVEL_RU[lv] if ru else lv
        word = agree(word, name) if ru else word
        states.append(f"{name} {word}" + (f" ({reading.affect[key]:+.2f})" if measured else ""))
    body = level(facets.features(reading.facets)["body"])
    load = agree(_LEVEL_RU[body], "нагрузка") if ru else body
    states.append(f"телесная нагрузка {load}" if ru else f"bodily load {load}")
    if measured and reading.tension is not None:
        states.append(f"{'напряжение' if ru else 'tension'} {reading.tension:.2f}")
    if reading.anchor is not None:
        head = reading.anchor.lemma
        claim = (
            f"переход в фазу «{facet.ru}» {cond[2]}"
            if ru
            else f"a transition into the {facet.en} phase {cond[1]}"
        )
    else:
        head = " + ".join(p.lemma for p in reading.parts)
        claim = f"состояние {cond[2]}, без перехода" if ru else f"a state {cond[1]}, no transition"
    conditions = "Условия" if ru else "Conditions"
    text = f"{head}: {claim}. {conditions}: {parts}; {', '.join(states)}."
    return text[0].upper() + text[1:]
