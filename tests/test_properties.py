"""Property tests (Hypothesis) for the laws the codec promises, over generated inputs.

Each law holds for every input Hypothesis draws; ``derandomize=True`` makes the draws
the same on every run and machine, so a failure is reproducible, not flaky.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from scenecodec import Codec, InputError, ScenecodecError
from scenecodec.algebra import hv
from scenecodec.language.forms import (
    MAX_DEPTH,
    Formula,
    classify,
    glyphs,
    parse_formula,
    read_formula,
)

LAWS = settings(derandomize=True, max_examples=150, deadline=None, database=None)
SLOW = settings(
    derandomize=True,
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

CYRILLIC = "абвгдежзиклмнопрстуфхцчшщыэюя"
LATIN = "abcdefghijklmnopqrstuvwxyz"
lemmas = st.one_of(
    st.text(CYRILLIC, min_size=2, max_size=9), st.text(LATIN, min_size=2, max_size=9)
)
"""Lemmas as a user types them after normalisation: lower-case letters of one script."""


@st.composite
def formulas(draw: st.DrawFn, depth: int = 1) -> Formula:
    """A valid formula: 1–7 distinct parts (concepts or, above the deepest level,
    sub-formulas), each name used once in the whole tree, an optional anchor."""
    k = draw(st.integers(1, 7 if depth == 1 else 4))
    parts: list[str | Formula] = []
    for _ in range(k):
        if depth < MAX_DEPTH and draw(st.integers(0, 5)) == 0:
            parts.append(draw(formulas(depth + 1)))
        else:
            parts.append(draw(lemmas))
    anchor = draw(st.one_of(st.none(), lemmas))
    formula = Formula(tuple(parts), anchor)
    leaves = formula.leaves()
    rendered = [p.render() for p in formula.all_parts() if isinstance(p, Formula)]
    if len(set(leaves)) != len(leaves) or len(set(rendered)) != len(rendered):
        draw(st.nothing())  # a name twice is invalid by contract; drawn again
    if any(isinstance(p, Formula) and len(p.parts) == 1 and p.anchor is None for p in parts):
        draw(st.nothing())  # "(a)" reads as the concept a, not as a sub-scene
    return formula


@LAWS
@given(formulas())
def test_any_valid_formula_round_trips_through_parse_and_render(formula):
    text = formula.render()
    assert parse_formula(text) == formula
    assert read_formula(text) == formula
    assert parse_formula(text.replace(" ", "").replace("→", "->")) == formula
    assert classify(text) in ("formula", "concepts", "name")  # a bare concept has no syntax


@LAWS
@given(formulas())
def test_the_fused_name_is_the_leaves_in_order(formula):
    assert formula.name() == "".join(formula.leaves())


@LAWS
@given(
    st.sampled_from([64, 128, 1024]).flatmap(
        lambda d: st.tuples(*[arrays(np.int8, d, elements=st.sampled_from([-1, 1]))] * 2)
    )
)
def test_binding_is_self_inverse_and_packing_is_lossless(pair):
    a, b = pair
    assert np.array_equal(hv.bind(hv.bind(a, b), b), a)
    assert np.array_equal(hv.bind(a, b), hv.bind(b, a))
    assert np.array_equal(hv.unpack(hv.pack(a), len(a)), a)
    assert np.array_equal(hv.bipolar(hv.pack(a), len(a)), a)


@LAWS
@given(
    arrays(np.float64, 1024, elements=st.integers(-1000, 1000).map(float)),
    st.floats(0.001, 1000),
)
def test_glyphs_of_equal_vectors_are_equal(values, scale):
    v = hv.bipolar(values, 1024)
    same = hv.bipolar(values * scale, 1024)  # the same signs, other magnitudes
    assert np.array_equal(v, same)
    assert glyphs(v, 0) == glyphs(same.copy(), 0)
    assert glyphs(np.stack([v, same]), 0) == [glyphs(v, 0)[0]] * 2


TOKENS = st.sampled_from(
    [
        "+",
        "→",
        "->",
        "-",
        ">",
        "(",
        ")",
        " ",
        "  ",
        "жар",
        "heat",
        "Δ",
        "41",
        "🜂",
        "⟁",
        ",",
        ".",
        "\n",
        "\t",
        "\x00",
        "\ud800",
        "a" * 70,
        "+ +",
        "()",
    ]
)
grammar_noise = st.lists(TOKENS, min_size=0, max_size=12).map("".join)
"""Strings from the formula grammar's own symbols, concepts, codes, glyphs and junk."""


@LAWS
@given(grammar_noise)
def test_any_text_parses_or_is_a_one_line_input_error(text):
    try:
        formula = parse_formula(text)
    except InputError as e:
        assert "\n" not in str(e) and str(e)
    else:
        assert parse_formula(formula.render()) == formula


@LAWS
@given(
    st.lists(st.one_of(grammar_noise, lemmas), min_size=0, max_size=17),
    st.one_of(st.none(), grammar_noise),
)
def test_any_list_of_concepts_reads_or_is_a_one_line_input_error(concepts, anchor):
    try:
        formula = read_formula(concepts, anchor)
    except InputError as e:
        assert "\n" not in str(e) and str(e)
    else:
        assert 1 <= len(formula.parts) <= 7 and read_formula(formula.render()) == formula


@pytest.fixture(scope="module")
def vocabulary_codec(tmp_path_factory):
    """One memory (hash embedder: atoms from the lemma alone) for the codec's laws."""
    with Codec.open(tmp_path_factory.mktemp("laws") / "m.sqlite", embedder="hash") as codec:
        yield codec


words = st.text(CYRILLIC + LATIN, min_size=3, max_size=8)


@SLOW
@given(st.lists(words, min_size=1, max_size=8, unique=True))
def test_compress_then_decode_gives_back_the_scene(vocabulary_codec, chosen):
    *parts, anchor = chosen if len(chosen) > 1 else (*chosen, None)
    scene = vocabulary_codec.compress(list(parts), anchor)
    for vector in (scene.vector, hv.pack(scene.vector), scene.vector * 0.5):
        decoded = vocabulary_codec.decode(vector)
        # each concept in its rhythm phase; within a phase the order is the bundle's, a set
        found = sorted((c.phase, c.lemma) for c in decoded.concepts)
        assert found == sorted((c.phase, c.lemma) for c in scene.concepts)
        assert (decoded.anchor and decoded.anchor.lemma) == scene.anchor
        assert min(c.confidence for c in decoded.concepts) > 0.5
    assert vocabulary_codec.resolve(scene.code).formula == scene.formula


NOUNS = [
    "тишина",
    "вход",
    "огонь",
    "вода",
    "земля",
    "сердце",
    "порог",
    "дорога",
    "окно",
    "город",
    "небо",
    "house",
    "water",
    "silence",
    "garden",
    "river",
    "window",
]


@SLOW
@given(st.lists(st.sampled_from(NOUNS), min_size=2, max_size=5, unique=True))
def test_split_of_a_stored_scenes_name_finds_its_parts(vocabulary_codec, chosen):
    scene = vocabulary_codec.compress(chosen[:-1], chosen[-1])
    assert vocabulary_codec.split(scene.name).parts == tuple(chosen)
    assert vocabulary_codec.resolve(scene.name).code == scene.code


@SLOW
@given(st.one_of(grammar_noise, st.text(max_size=40)))
def test_resolving_any_text_gives_a_scene_or_a_one_line_error(vocabulary_codec, text):
    try:
        scene = vocabulary_codec.resolve(text)
    except ScenecodecError as e:
        assert "\n" not in str(e) and str(e)
    else:
        assert scene.vector.shape == (1024,) and scene.formula


@SLOW
@given(st.lists(st.one_of(grammar_noise, lemmas), min_size=1, max_size=3))
def test_the_command_line_answers_any_input_with_a_result_or_one_line(tmp_path, capsys, words):
    from scenecodec.interfaces.cli import main

    capsys.readouterr()
    memory = str(tmp_path / "cli.sqlite")
    with pytest.raises(SystemExit) as stop:
        main(["compress", *words, "--memory", memory, "--embedder", "hash", "--json"])
        raise SystemExit(0)
    out, err = capsys.readouterr()
    if stop.value.code == 0:
        assert err == "" and out.count("\n") == 1  # one JSON object
    else:
        assert stop.value.code == 2, err
        assert err.startswith("error: ") and err.count("\n") == 1, err
