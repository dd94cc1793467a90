"""The plan of a scene (``expansion/plan.py``): said in the voices corpus's own vocabulary,
read from the measured state, carried by ``expand``."""

import dataclasses
import json

import numpy as np
import pytest

from conftest import script
from scenecodec.dynamics import lifecycle
from scenecodec.errors import InputError
from scenecodec.expansion import facets
from scenecodec.expansion.expand import expand
from scenecodec.expansion.plan import PERSON, PHASES, Plan, plan, subject
from scenecodec.expansion.registers.bodily import felt
from scenecodec.expansion.registers.reading import read
from scenecodec.language.embed import HashEmbedder
from scenecodec.language.morph import language

corpus = script("tools/voice_corpus.py")
RECORDS = [
    json.loads(line)
    for path in sorted(corpus.CORPUS.glob("*.jsonl"))
    for line in path.read_text(encoding="utf-8").splitlines()
]
SCENES = [
    "тишина + жар → вход",
    "свадьба + торт + собака → переполох",
    "поезд + перрон + снег → прощание",
    "heat + fear + silence → entrance",
    "thunder + porch + dog → shelter",
]
IDS = [f.id for f in facets.FACETS]


def as_record(p: Plan) -> dict:
    """The plan as a corpus record, with the texts of a corpus scene in its language."""
    texts = next(r["texts"] for r in RECORDS if r["lang"] == p.lang)
    return {**p.to_dict(), "id": "plan", "split": "train", "texts": texts}


def reading(words, phases=None):
    e = HashEmbedder()
    phases = phases or [*["entry", "peak", "exit"][: len(words) - 1], "anchor"]
    return e, read(e, words, phases, e.embed(words), 0.4)


def with_emotions(r, **z):
    """``r`` with its whole scene's emotion z-scores set (the others at −1)."""
    whole = np.array(r.facets, dtype=float)
    whole[[IDS.index(e) for e in facets.EMOTIONS]] = -1.0
    for emotion, value in z.items():
        whole[IDS.index(emotion)] = value
    return dataclasses.replace(r, facets=whole)


@pytest.mark.parametrize("formula", SCENES)
def test_every_field_is_drawn_from_the_tables(hash_codec, formula):
    p = expand(hash_codec, formula, neighbours=0, goal="calm my body down").plan
    assert corpus.scene_problems(as_record(p)) == []
    assert p.goal == "calm my body down" and p.phase == "entry"
    assert p.formula == formula and p.lang == language(formula)


@pytest.mark.parametrize("formula", [*SCENES, "(жар + страх → шаг) + тишина → вход"])
def test_a_plan_reads_back_from_its_dict(hash_codec, formula):
    p = expand(hash_codec, formula, neighbours=0).plan
    assert Plan.from_dict(p.to_dict()) == p
    assert json.loads(json.dumps(p.to_dict())) == p.to_dict()


def test_a_sub_scene_part_stays_one_concept(hash_codec):
    p = expand(hash_codec, "(жар + страх → шаг) + тишина → вход", neighbours=0).plan
    assert p.concepts == ("(жар + страх → шаг)", "тишина") and p.anchor == "вход"
    assert Plan.from_dict(p.to_dict()).concepts == p.concepts


def test_every_corpus_plan_reads_into_a_plan():
    keys = ("lang", "formula", "subject", "field", "body", "archetype", "phase", "goal")
    assert len(RECORDS) >= 400
    for record in RECORDS:
        p = Plan.from_dict(record)
        assert p.to_dict() == {k: record[k] for k in keys}
        assert p.anchor is not None and 2 <= len(p.concepts) <= 4
        assert p.line()  # every id it holds is one the tables name


def test_the_seed_scene_has_a_field_and_a_place(e5_codec):
    p = expand(e5_codec, "тишина + жар → вход", neighbours=0).plan
    assert p.field and set(p.field) <= corpus.EMOTIONS
    assert p.body and all(where in corpus.LOCATIONS for _, where in p.body)
    assert len({s for s, _ in p.body}) == len(p.body) == 2  # two loci, no sensation twice
    assert corpus.scene_problems(as_record(p)) == []


def test_the_line_names_the_plan_in_its_language(e5_codec):
    ru = expand(e5_codec, "тишина + жар → вход", neighbours=0).plan
    en = expand(e5_codec, "silence + heat → entrance", neighbours=0).plan
    for p, person in ((ru, "человек"), (en, "person")):
        said = p.line().split(" · ")
        assert said[0] == person and said[-1] == "entry" and len(said) == 5
        letters = "".join(ch for ch in " ".join(said[:4]) if ch.isalpha())
        assert all(("а" <= ch <= "я" or ch == "ё") == (p.lang == "ru") for ch in letters.lower())


def test_an_animate_russian_noun_is_the_subject():
    assert subject(reading(["свадьба", "торт", "собака", "переполох"])[1]) == "собака"
    assert subject(reading(["солдат", "перрон", "мать", "возвращение"])[1]) == "солдат"
    assert subject(reading(["тишина", "жар", "вход"])[1]) == PERSON
    assert subject(reading(["дождь", "дом", "собака"])[1]) == PERSON  # the anchor is not who acts


def test_an_english_subject_is_a_part_that_reads_first_as_a_person():
    _, r = reading(["letter", "mother", "hope"])

    def leaning(**z):
        """``r`` with every part's facets at 0 but ``mother``'s, set to ``z``."""
        parts = []
        for p in r.parts:
            row = np.zeros(len(IDS))
            for facet, value in z.items() if p.lemma == "mother" else ():
                row[IDS.index(facet)] = value
            parts.append(dataclasses.replace(p, facets=row))
        return dataclasses.replace(r, parts=tuple(parts))

    assert subject(leaning(person=2.5, memory=1.5)) == "mother"
    assert subject(leaning(person=1.2, memory=1.5)) == PERSON  # a memory before a person
    assert subject(leaning(person=0.8)) == PERSON  # leading, but too weak to be glossed


def test_two_opposites_make_a_conflict_and_two_neighbours_a_dyad():
    e, r = reading(["тишина", "жар", "вход"])
    opposed = plan(e, with_emotions(r, fear=2.0, anger=1.6))
    assert opposed.field == ("fear", "anger") and opposed.conflict == "fear+anger"
    blended = plan(e, with_emotions(r, anticipation=2.6, fear=1.6))
    assert blended.field == ("vigilance", "fear", "anxiety")
    assert blended.conflict is None
    alone = plan(e, with_emotions(r, joy=1.0, trust=0.2))
    assert alone.field == ("serenity",) and alone.conflict is None


def test_the_body_comes_from_the_parts_felt_most():
    e, r = reading(["море", "ветер", "парус", "свобода"])
    loads = [3.0 if p.lemma == "парус" else 0.0 for p in r.parts]
    column = IDS.index("body")
    parts = []
    for p, load in zip(r.parts, loads, strict=True):
        z = np.array(p.facets, dtype=float)
        z[[column, IDS.index("senses")]] = load
        parts.append(dataclasses.replace(p, facets=z))
    r = dataclasses.replace(r, parts=tuple(parts))
    found = {part.lemma: (s.id, where.id) for part, s, where in felt(e, r)}
    p = plan(e, r)
    assert p.body[0] == found["парус"] and len(p.body) == 2 and p.body[1] in found.values()


def test_the_phase_is_one_of_the_lifecycle():
    assert PHASES == lifecycle.PHASES
    e, r = reading(["тишина", "жар", "вход"])
    assert plan(e, r).phase == "entry" and plan(e, r, phase="decline").phase == "decline"
    with pytest.raises(InputError, match="phase must be one of"):
        plan(e, r, phase="peak")


def test_expand_carries_the_plan_in_its_json(hash_codec):
    e = expand(hash_codec, "тишина + жар → вход", neighbours=0)
    out = e.to_dict()
    assert out["plan"] == e.plan.to_dict()
    assert set(out["plan"]) == {
        "lang", "formula", "subject", "field", "body", "archetype", "phase", "goal"
    }  # fmt: skip
    # the plan's archetype is the scene's, even where none fits clearly enough to be shown
    assert e.archetype is None or e.archetype.archetype.key == e.plan.archetype


def test_the_prompt_says_the_register_and_the_plan_in_the_scenes_language():
    english = Plan.from_dict(
        {
            "lang": "en",
            "formula": "cat + sun → nap",
            "subject": "cat",
            "field": {"emotions": ["serenity"], "conflict": None},
            "body": [{"sensation": "warmth", "location": "body"}],
            "archetype": "jung:child",
            "phase": "saturation",
            "goal": "help me rest",
        }
    )
    said = english.prompt("poetic")
    assert said.endswith("\n") and said.count("\n") == 1
    assert said.startswith("poetic · cat + sun → nap · cat · serenity · ")
    assert "goal: help me rest" in said
    with pytest.raises(InputError, match="unknown register"):
        english.prompt("lyrical")
