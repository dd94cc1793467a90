"""Say the scene, then word it: the plan of a scene, the content every voice must carry.

A :class:`Plan` is what a scene's measured reading (:mod:`.registers.reading`) says
before any wording, in the vocabulary of the hand-written voices corpus
(``corpus/voices/README.md``), so that a model voice trained on (plan → text) pairs
of that corpus can be driven by the codec, and the lexical writers can realise the
same plan:

* ``subject`` — who acts or suffers: the first part (rhythm order, the anchor aside)
  that names a living being — in Russian by pymorphy3's animacy
  (:func:`~scenecodec.language.morph.animate`); in English, which has no animacy
  dictionary here, the part that reads most as a person (its ``person`` facet z,
  at least :data:`~scenecodec.expansion.facets.GLOSS_MIN`) — else ``person``;
* ``field`` — the whole scene's one or two leading emotions named at their intensity
  (:func:`.reading.named`) and, when they blend (:attr:`.Reading.field`), their dyad
  (``anxiety``) — or, for two opposites, their ``conflict`` (``fear+anger``:
  ambivalence);
* ``body`` — the sensation and place (:func:`.bodily.felt`) of the :data:`BODY`
  parts with the highest bodily load, strongest first;
* ``archetype`` — the archetype nearest the scene's meaning, ``system:id``;
* ``phase`` — the scene's phase in time, one of :data:`PHASES` (those of
  :mod:`scenecodec.dynamics.lifecycle`); :func:`~.expand.expand` presents a scene
  once, and a presented scene *enters*, hence the default ``entry``;
* ``goal`` — what the reader asked for, or ``None``.

>>> from scenecodec.language.embed import HashEmbedder
>>> from scenecodec.expansion.registers.reading import read
>>> e, words = HashEmbedder(), ["тишина", "жар", "вход"]
>>> p = plan(e, read(e, words, ["entry", "peak", "anchor"], e.embed(words), 0.4))
>>> p.formula, p.subject, p.phase, len(p.body), Plan.from_dict(p.to_dict()) == p
('тишина + жар → вход', 'person', 'entry', 2, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from scenecodec.errors import InputError
from scenecodec.expansion import facets
from scenecodec.expansion.archetype import archetypes
from scenecodec.expansion.registers import lexicon
from scenecodec.expansion.registers.bodily import felt
from scenecodec.expansion.registers.reading import Reading, named
from scenecodec.language.embed import Embedder
from scenecodec.language.forms import Formula, Part, parse_formula
from scenecodec.language.morph import animate

__all__ = ["BODY", "PERSON", "PHASES", "Plan", "plan", "subject"]

PHASES = ("entry", "unfolding", "saturation", "decline")
"""A scene's phases in time, as :mod:`scenecodec.dynamics.lifecycle` names them (that
layer sits beside this one, so the names are repeated; a test keeps them equal)."""
PERSON = "person"
"""The subject when no part names a living being: someone, a person in the scene."""
BODY = 2
"""Most bodily loci a plan carries."""


@dataclass(frozen=True)
class Plan:
    """The plan of a scene (see the module docstring): ``lang``, ``formula``, its
    ``concepts`` (rhythm order) and ``anchor``, ``subject``, ``field`` (English emotion
    names of ``emotions.tsv``) and ``conflict`` (a conflict id or ``None``), ``body``
    (``(sensation id, location id)`` pairs of ``body.tsv``), ``archetype``
    (``system:id``), ``phase`` and ``goal``."""

    lang: str
    formula: str
    concepts: tuple[str, ...]
    anchor: str | None
    subject: str
    field: tuple[str, ...]
    conflict: str | None
    body: tuple[tuple[str, str], ...]
    archetype: str
    phase: str
    goal: str | None = None

    def to_dict(self) -> dict:
        """The voices corpus's shape: ``{lang, formula, subject, field: {emotions,
        conflict}, body: [{sensation, location}], archetype, phase, goal}``."""
        return {
            "lang": self.lang,
            "formula": self.formula,
            "subject": self.subject,
            "field": {"emotions": list(self.field), "conflict": self.conflict},
            "body": [{"sensation": s, "location": where} for s, where in self.body],
            "archetype": self.archetype,
            "phase": self.phase,
            "goal": self.goal,
        }

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> Plan:
        """The plan of a :meth:`to_dict` object or of a voices corpus record (its other
        keys, such as ``texts``, are left aside); concepts and anchor come from its formula.

        >>> r = {"lang": "en", "formula": "cat + sun → nap", "subject": "cat",
        ...      "field": {"emotions": ["serenity"], "conflict": None},
        ...      "body": [{"sensation": "warmth", "location": "body"}],
        ...      "archetype": "jung:child", "phase": "saturation", "goal": None}
        >>> p = Plan.from_dict(r)
        >>> p.concepts, p.anchor, p.to_dict() == r
        (('cat', 'sun'), 'nap', True)
        """
        formula = parse_formula(record["formula"])
        return cls(
            lang=record["lang"],
            formula=record["formula"],
            concepts=tuple(_text(p) for p in formula.parts),
            anchor=None if formula.anchor is None else _text(formula.anchor),
            subject=record["subject"],
            field=tuple(record["field"]["emotions"]),
            conflict=record["field"]["conflict"],
            body=tuple((b["sensation"], b["location"]) for b in record["body"]),
            archetype=record["archetype"],
            phase=record["phase"],
            goal=record["goal"],
        )

    def line(self) -> str:
        """The plan in one line, its names in the plan's language where the tables have
        them: subject · field (conflict) · body · archetype · phase (· goal).

        >>> p = Plan("en", "heat → door", ("heat",), "door", "person", ("fear", "anxiety"),
        ...          "fear+anger", (("heat", "belly"),), "campbell:threshold", "entry")
        >>> p.line().split(" · ")  # doctest: +NORMALIZE_WHITESPACE
        ['person', 'fear + anxiety (ambivalence: fear + anger)', 'heat in the belly',
         'crossing the first threshold', 'entry']
        """
        ru = self.lang == "ru"
        person = next(f for f in facets.FACETS if f.id == PERSON)
        who = (person.ru if ru else person.en) if self.subject == PERSON else self.subject
        field = " + ".join(lexicon.emotion(e).name(self.lang) for e in self.field)
        if self.conflict is not None:
            conflict = next(c for c in lexicon.conflicts() if c.id == self.conflict)
            pair = " + ".join(
                lexicon.intensity(e, "basic").name(self.lang) for e in conflict.id.split("+")
            )
            field += f" ({conflict.name(self.lang)}: {pair})"
        sensations = {s.id: s for s in lexicon.sensations()}
        places = {p.id: p for p in lexicon.locations()}
        body = ", ".join(
            f"{sensations[s].ru} {places[p].ru}" if ru else f"{sensations[s].en} {places[p].en}"
            for s, p in self.body
        )
        kind = next(a for a in archetypes() if a.key == self.archetype).name(self.lang)
        said = [who, field, body, kind, self.phase]
        if self.goal is not None:
            said.append(f"{'цель' if ru else 'goal'}: {self.goal}")
        return " · ".join(said)


    def prompt(self, register: str) -> str:
        """What a model voice is given to write ``register`` of this scene (the same
        words in training and at run time): the register and the formula, then
        :meth:`line`, then a line break, after which the text follows.

        >>> p = Plan("ru", "тишина + жар → вход", ("тишина", "жар"), "вход", "person",
        ...          ("apprehension",), None, (("heat", "belly"),), "campbell:threshold", "entry")
        >>> p.prompt("bodily").split(" · ")[:5]
        ['телесный', 'тишина + жар → вход', 'человек', 'опасение', 'жар в животе']
        """
        info = next((r for r in lexicon.registers() if r.id == register), None)
        if info is None:
            raise InputError(f"unknown register {register!r}")
        name = info.ru if self.lang == "ru" else info.en
        return f"{name} · {self.formula} · {self.line()}\n"


def _text(part: Part) -> str:
    """A formula part as a scene's concept names it: a lemma, or ``(a + b → c)``."""
    return part if isinstance(part, str) else f"({part.render()})"


def subject(reading: Reading) -> str:
    """Who acts or suffers in ``reading``: the first part, the anchor aside, that names a
    living being, else :data:`PERSON`. Russian asks pymorphy3
    (:func:`~scenecodec.language.morph.animate`: people and animals); English, with no
    animacy dictionary at hand, takes a part whose gloss opens with ``person`` (its
    strongest facet, at least :data:`~scenecodec.expansion.facets.GLOSS_MIN`) — people
    only, and fewer than there are, as a wrong subject says more harm than ``person``.

    >>> from scenecodec.language.embed import HashEmbedder
    >>> from scenecodec.expansion.registers.reading import read
    >>> e, words = HashEmbedder(), ["дождь", "собака", "дом"]
    >>> subject(read(e, words, ["entry", "peak", "anchor"], e.embed(words), 0.4))
    'собака'
    """
    words = [p for p in reading.body if not p.lemma.startswith("(")]
    if reading.lang == "ru":
        return next((p.lemma for p in words if animate(p.lemma)), PERSON)
    column = [f.id for f in facets.FACETS].index(PERSON)
    return next(
        (
            p.lemma
            for p in words
            if int(np.argmax(p.facets)) == column and p.facets[column] >= facets.GLOSS_MIN
        ),
        PERSON,
    )


def _field(reading: Reading) -> tuple[tuple[str, ...], str | None]:
    """The field's emotion names and its conflict id (see the module docstring)."""
    leading, mixed = reading.field
    z = dict(reading.emotions)
    names = [named(e, z[e]).en for e in leading]
    if mixed is not None and mixed.kind == "dyad":
        names.append(mixed.en)
    return tuple(names), None if mixed is None or mixed.kind == "dyad" else mixed.id


def plan(
    embedder: Embedder, reading: Reading, *, phase: str = "entry", goal: str | None = None
) -> Plan:
    """The :class:`Plan` of a scene read by :func:`.registers.reading.read` under
    ``embedder``, in ``phase`` (one of :data:`PHASES`) toward ``goal``; see the module
    docstring for each field."""
    if phase not in PHASES:
        raise InputError(f"phase must be one of {', '.join(PHASES)}, got {phase!r}")
    concepts = tuple(p.lemma for p in reading.body)
    anchor = None if reading.anchor is None else reading.anchor.lemma
    loaded = sorted(felt(embedder, reading), key=lambda found: -found[0].body)[:BODY]
    field, conflict = _field(reading)
    return Plan(
        lang=reading.lang,
        formula=Formula(concepts, anchor).render(),
        concepts=concepts,
        anchor=anchor,
        subject=subject(reading),
        field=field,
        conflict=conflict,
        body=tuple((s.id, where.id) for _, s, where in loaded),
        archetype=reading.archetype.archetype.key,
        phase=phase,
        goal=goal,
    )
