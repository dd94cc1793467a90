"""Expansion into micro-scenes: gloss, phase, archetype, tension, context, templates, depth."""

from __future__ import annotations

import numpy as np
import pytest

from scenecodec import InputError, expand
from scenecodec.expansion.archetype import archetypes, assign
from scenecodec.expansion.facets import FACETS, features, gloss
from scenecodec.language.embed import meaning
from test_cli import js, run

SEED = "жар + страх + тишина → вход"


def _walk(microscenes, branch=()):
    """Every root-to-leaf branch of lemmas in an unfolding tree."""
    for m in microscenes:
        path = (*branch, m.lemma)
        if m.unfolding is None:
            yield path
        else:
            yield from _walk(m.unfolding.microscenes, path)


def _nodes(microscenes) -> int:
    """How many micro-scenes an unfolding tree holds."""
    return sum(1 + (_nodes(m.unfolding.microscenes) if m.unfolding else 0) for m in microscenes)


def test_seed_scene_reads_like_the_seed(e5_codec):
    """тишинажарвход: three micro-scenes in rhythm order; the anchor is a threshold."""
    e5_codec.compress(SEED)
    e5_codec.compress("жар + страх → шаг")
    e = expand(e5_codec, "тишинажарвход")
    assert [(m.lemma, m.phase) for m in e.microscenes] == [
        ("тишина", "entry"),
        ("жар", "peak"),
        ("вход", "anchor"),
    ]
    assert [m.gloss for m in e.microscenes] == [
        ("звук", "страх"),
        ("ощущение", "время"),
        ("доверие",),
    ]
    assert e.microscenes[2].archetype.archetype.key == "campbell:threshold"
    assert e.archetype.archetype.key == "campbell:threshold"
    assert e.archetype.archetype.name("ru") == "переход первого порога"
    assert e.microscenes[1].features["body"] > 2.0  # жар is felt in the body
    assert e.microscenes[1].templates[0].concepts in (
        ("жар", "страх", "тишина", "вход"),
        ("жар", "страх", "шаг"),
    )


def test_tension_is_half_the_mean_distance_of_parts_to_anchor(e5_codec):
    e = expand(e5_codec, SEED)
    v = e5_codec.embed(["жар", "страх", "тишина", "вход"])
    pulls = v[:3] @ v[3]
    assert [m.pull for m in e.microscenes[:3]] == pytest.approx(pulls.tolist(), abs=1e-6)
    assert e.microscenes[3].pull is None
    assert e.tension == pytest.approx((1 - pulls.mean()) / 2, abs=1e-6)
    assert expand(e5_codec, "жар + страх + тишина").tension is None  # no anchor, no tension
    slack = expand(e5_codec, "страх + ужас → тревога").tension
    assert slack < e.tension  # parts that already mean the anchor pull less


def test_context_changes_glosses_and_order(e5_codec):
    plain = expand(e5_codec, "тишинажарвход")
    farewell = expand(e5_codec, "тишинажарвход", context="прощание на вокзале")
    table = expand(e5_codec, "тишинажарвход", context=["стол + окно + книга → лампа"])
    assert [m.lemma for m in plain.microscenes] == ["тишина", "жар", "вход"]
    # the two strongest facets as a set: their order turns on the model's last digits;
    # silence's emotion too (fear on an Intel Xeon, sadness on an AMD EPYC: 0.3 apart)
    glosses = [(m.lemma, set(m.gloss)) for m in farewell.microscenes]
    assert glosses[0] == ("вход", {"переход", "действие"})
    assert glosses[2] == ("жар", {"гнев", "ощущение"})
    assert glosses[1][0] == "тишина" and glosses[1][1] in ({"страх", "звук"}, {"печаль", "звук"})
    assert [m.gloss for m in table.microscenes] != [m.gloss for m in farewell.microscenes]
    with pytest.raises(InputError, match="empty context"):
        expand(e5_codec, "тишинажарвход", context=[])


def test_depth_unfolds_a_tree_with_no_repeats_on_a_branch(hash_codec):
    for formula in (SEED, "жар + страх → шаг", "шаг + дверь + ночь → порог", "ночь + ветер"):
        hash_codec.compress(formula)
    flat = expand(hash_codec, SEED)
    assert all(m.unfolding is None for m in flat.microscenes)
    deep = expand(hash_codec, SEED, depth=3)
    branches = list(_walk(deep.microscenes))
    assert max(map(len, branches)) == 3
    for branch in branches:  # a child's anchor is its parent: count each lemma once
        assert len(set(branch)) == len(branch) or branch[-1] == branch[-2]
    for m in deep.microscenes:
        if m.unfolding is not None:
            lemmas = [c.lemma for c in m.unfolding.microscenes]
            assert lemmas[-1] == m.lemma and 3 <= len(lemmas) <= 7
            assert 0.0 <= m.unfolding.residual <= 1.0
    narrow = expand(hash_codec, SEED, depth=2, breadth=1)
    assert sum(m.unfolding is not None for m in narrow.microscenes) == 1
    (top, second) = narrow.levels
    child = next(m.unfolding for m in narrow.microscenes if m.unfolding)
    assert top == (1, 1, narrow.residual) and second == (2, 1, child.residual)
    assert [lv[0] for lv in deep.levels] == [1, 2, 3]
    calls = []
    counted = expand(hash_codec, SEED, depth=3, progress=lambda *a: calls.append(a))
    assert calls == [("unfolding", n, 0) for n in range(1, _nodes(counted.microscenes) + 1)]


def test_a_sub_scene_part_unfolds_into_that_scene(hash_codec):
    nested = hash_codec.compress("(жар + страх → шаг) + тишина → вход")
    part = expand(hash_codec, nested.code, depth=2).microscenes[0]
    assert part.lemma == "(жар + страх → шаг)"
    assert part.unfolding.formula == "жар + страх → шаг"
    assert [(m.lemma, m.phase) for m in part.unfolding.microscenes] == [
        ("жар", "entry"),
        ("страх", "peak"),
        ("шаг", "anchor"),
    ]


def test_templates_are_stored_scenes_sharing_the_concept(hash_codec):
    hash_codec.compress("жар + страх → шаг")
    hash_codec.compress("жар + дверь")
    hash_codec.compress("окно + стол")
    seed = hash_codec.compress(SEED)
    heat = expand(hash_codec, seed.code).microscenes[0]
    assert [(t.code, t.shared) for t in heat.templates] == [("Δ1", 2), ("Δ2", 1)]
    assert heat.templates[0].concepts == ("жар", "страх", "шаг")
    assert all(code != seed.code for code, _, _ in heat.scenes)


def test_store_sharing_counts_common_concepts(hash_codec):
    hash_codec.compress("жар + страх → шаг")
    hash_codec.compress("жар + дверь")
    assert hash_codec.store.sharing(["жар", "страх"], 10) == [(1, 2), (2, 1)]
    assert hash_codec.store.sharing(["нет"], 10) == []
    assert hash_codec.store.sharing(["жар", "страх"], 10, holding="дверь") == [(2, 1)]


def test_bad_depth_and_breadth(hash_codec):
    for bad in ({"depth": 0}, {"depth": 6}, {"breadth": 0}):
        with pytest.raises(InputError):
            expand(hash_codec, SEED, **bad)


def test_archetype_tables_and_assignment(e5_codec):
    table = archetypes()
    counts = {s: sum(a.system == s for a in table) for s in {a.system for a in table}}
    assert counts == {"campbell": 17, "vangennep": 3, "propp": 31, "jung": 10, "booker": 7}
    assert all(a.ru and a.en and a.ru_cues and a.en_cues for a in table)
    embedder = e5_codec.atoms.embedder
    kitchen = meaning(embedder.embed(["стол", "лампа", "чашка", "кухня"]), anchor=True)
    wedding = meaning(embedder.embed(["bride", "ring", "feast", "wedding"]), anchor=True)
    found = assign(embedder, np.stack([kitchen, wedding]))
    assert found[0] is None  # nothing archetypal in a kitchen
    assert found[1].archetype.key == "propp:wedding" and found[1].margin >= 0.02


def test_gloss_and_features_name_the_strongest_facets():
    z = np.zeros(len(FACETS))
    z[[f.id for f in FACETS].index("tension")] = 3.0
    z[[f.id for f in FACETS].index("body")] = 2.0
    assert gloss(z, "ru") == ["напряжение", "тело"]
    assert gloss(z, "en") == ["tension", "body"]
    assert features(z)["body"] == 2.0


def test_cli_expand_json_depth_and_errors(tmp_path):
    memory = tmp_path / "m.sqlite"
    run(memory, "compress", "жар + страх → шаг")
    data = js(memory, "expand", "тишинажарвход", "--depth", "2")
    assert set(data) >= {"scene", "microscenes", "registers", "residual", "neighbours"}
    first = data["microscenes"][0]
    assert set(first) == {
        "lemma",
        "phase",
        "gloss",
        "features",
        "archetype",
        "pull",
        "context",
        "templates",
        "unfolding",
    }
    assert data["archetype"]["key"] == "campbell:threshold"
    assert data["tension"] == pytest.approx(0.506, abs=0.01)  # model floats: not to the digit
    assert data["microscenes"][1]["unfolding"]["formula"].endswith("→ жар")
    bad = run(memory, "expand", "тишинажарвход", "--depth", "9", check=False)
    assert bad.returncode == 2
    text = run(memory, "expand", "тишинажарвход", "-c", "прощание").stdout
    assert "archetype переход первого порога" in text
    assert "templates Δ1 → [жар, страх, шаг]" in text  # brackets are text, not markup
