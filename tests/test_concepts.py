"""Free text → concepts and anchor (language/concepts.py, language/derive.py)."""

from __future__ import annotations

import pytest

from scenecodec.errors import InputError
from scenecodec.language.concepts import MAX_TEXT_CHARS, extract
from scenecodec.language.derive import nominal
from scenecodec.language.embed import E5Embedder, HashEmbedder


@pytest.fixture(scope="module")
def e5():
    return E5Embedder()


@pytest.mark.parametrize(
    ("source", "noun"),
    [
        ("войти", "вход"),
        ("жаркий", "жар"),
        ("тревожный", "тревога"),
        ("тихо", "тишина"),
        ("дрожать", "дрожь"),
        ("холодный", "холод"),
        ("silent", "silence"),
        ("anxious", "anxiety"),
        ("dusty", "dust"),
        ("стол", None),
        ("быть", None),
    ],
)
def test_verbs_and_adjectives_become_their_nouns(source, noun):
    assert nominal(source) == noun


def test_the_seed_example(e5):
    chosen = extract("жаркая тревожная тишина перед тем, как войти", e5)
    assert chosen.formula.render() == "жар + тревога + тишина → вход"
    anchor = chosen.anchor
    assert (anchor.lemma, anchor.source, anchor.pos, anchor.words) == (
        "вход",
        "войти",
        "VERB",
        ("войти",),
    )
    assert [c.words for c in chosen.parts] == [("жаркая",), ("тревожная",), ("тишина",)]


def test_english_text(e5):
    chosen = extract("the smell of rain on hot asphalt", e5)
    assert chosen.formula.render() == "smell + rain → asphalt"
    # an adjective with no good noun weighs less than nouns: still a candidate, not chosen
    hot = {c.lemma: c for c in chosen.candidates}["hot"]
    assert hot.pos == "ADJ" and hot.source == "hot"


def test_anchor_is_the_last_concept_of_the_text(e5):
    chosen = extract("она шагнула через порог в темноту", e5)
    assert chosen.formula.render() == "шаг + порог → темнота"
    assert chosen.parts[0].source == "шагнуть"


def test_a_text_without_verbs(e5):
    chosen = extract("соль, ветер, горизонт", e5)
    assert chosen.formula.render() == "соль + ветер → горизонт"


def test_one_concept_has_no_anchor(e5):
    chosen = extract("тишина...", e5)
    assert chosen.formula.render() == "тишина"
    assert chosen.anchor is None


def test_salience_parts_and_ranges(e5):
    chosen = extract("жаркая тревожная тишина перед тем, как войти", e5)
    for c in chosen.candidates:
        assert 0.05 <= c.rarity <= 1
        assert 0 <= c.centrality <= 1
        assert c.salience == pytest.approx(c.rarity * c.centrality)
    assert [c.salience for c in chosen.candidates] == sorted(
        (c.salience for c in chosen.candidates), reverse=True
    )


def test_a_paragraph_keeps_at_most_seven_concepts_in_text_order(e5):
    text = (
        "Вечер опускался на деревню медленно и тяжело. Над крышами тянулся дым, пахло "
        "сеном и парным молоком. Старуха сидела на крыльце и смотрела на дорогу, по "
        "которой давно никто не приходил. Ожидание стало её привычкой, почти дыханием."
    )
    chosen = extract(text, e5)
    picked = [*chosen.parts, chosen.anchor]
    assert 3 <= len(picked) <= 7
    assert [c.position for c in chosen.parts] == sorted(c.position for c in chosen.parts)
    assert len(chosen.candidates) > len(picked)


def test_recurring_concepts_weigh_more(e5):
    once = extract("дым над крышей, тишина и ветер", e5)
    twice = extract("дым над крышей, тишина и ветер, и снова дым", e5)
    smoke = {c.lemma: c for c in once.candidates}["дым"]
    smoke_twice = {c.lemma: c for c in twice.candidates}["дым"]
    assert smoke_twice.count == 2
    assert smoke_twice.salience > smoke.salience


def test_mixed_languages_and_scripts(e5):
    chosen = extract("тишинa and silence, жар 🔥 heat 42", e5)  # Latin "a" in тишинa
    lemmas = [c.lemma for c in chosen.candidates]
    assert set(lemmas) == {"тишина", "silence", "жар", "heat"}


@pytest.mark.parametrize("text", ["", "   ", "42 3.14 1e9", "🔥🔥 🜂⟁", "и в на, но... the of and"])
def test_texts_without_content_words_are_a_clear_error(text):
    with pytest.raises(InputError, match="no Russian or English content words"):
        extract(text, HashEmbedder())


def test_huge_text_still_gives_concepts_and_too_huge_is_refused():
    text = "тишина и жар перед входом. " * 40_000  # ≈ 1 MB
    assert len(text.encode()) > 1_000_000
    chosen = extract(text, HashEmbedder())
    assert {c.lemma for c in chosen.candidates} == {"тишина", "жар", "вход"}
    with pytest.raises(InputError, match="limit"):
        extract("жар " * (MAX_TEXT_CHARS // 4 + 1), HashEmbedder())


def test_bounds_on_the_number_of_concepts(e5):
    with pytest.raises(InputError):
        extract("жар", e5, fewest=5, most=3)


def test_a_concept_of_several_words_goes_through_forms_and_compress(tmp_path):
    from scenecodec import Codec
    from scenecodec.language.forms import parse_formula

    formula = parse_formula("old man + не решаться → железная дорога")
    assert formula.render() == "old man + не решаться → железная дорога"
    assert formula.name() == "oldmanнерешатьсяжелезнаядорога"
    with Codec.open(tmp_path / "m.sqlite", embedder="hash") as codec:
        scene = codec.compress(["old man", "не решаться"], anchor="железная дорога")
        assert scene.formula == "old man + не решаться → железная дорога"
        assert scene.name == "oldmanнерешатьсяжелезнаядорога"
        for form in (scene.formula, scene.name, scene.code, scene.glyph):
            assert codec.resolve(form).code == scene.code, form
        decoded = codec.decode(scene.vector)
        assert sorted(c.lemma for c in decoded.concepts) == ["old man", "не решаться"]
        assert decoded.anchor.lemma == "железная дорога"


def test_a_dictionary_phrase_is_one_concept_of_a_text(e5):
    chosen = extract("железная дорога тянется через степь к горизонту", e5)
    assert _lemmas(chosen)[0] == "железная дорога"
    assert not {"железо", "дорога"} & set(_lemmas(chosen))
    chosen = extract("an old man feeds the pigeons in the square", e5)
    assert "old man" in _lemmas(chosen) and "man" not in _lemmas(chosen)


def _lemmas(chosen):
    return [c.lemma for c in chosen.parts] + ([chosen.anchor.lemma] if chosen.anchor else [])


def test_verbs_are_not_read_as_unrelated_nouns(e5):
    chosen = extract("Fog rose over the river, and somewhere far away a dog was barking", e5)
    assert set(_lemmas(chosen)) == {"fog", "rise", "river", "dog", "bark"}
    assert {c.lemma: c.pos for c in chosen.candidates}["rise"] == "VERB"  # not the flower
    candidates = {c.lemma for c in chosen.candidates}
    assert not candidates & {"rose", "barge"}


def test_a_predicative_adjective_is_kept(e5):
    chosen = extract("The child was afraid of the dark and would not open the cellar door", e5)
    assert {"child", "afraid", "dark", "door"} <= set(_lemmas(chosen))


def test_a_participle_is_kept_as_its_verb(e5):
    chosen = extract("The old man sat by the window, waiting for a letter that never came", e5)
    assert {"old man", "window", "wait", "letter"} <= set(_lemmas(chosen))


def test_russian_negation_and_verbs_without_a_true_noun(e5):
    chosen = extract("Он долго не решался открыть дверь, боясь, что она хлопнет", e5)
    candidates = {c.lemma: c for c in chosen.candidates}
    assert candidates["не решаться"].words == ("не решался",)
    assert "решение" not in candidates  # the negation is not lost, nor made a noun
    assert candidates["хлопнуть"].pos == "VERB" and "хлопок" not in candidates  # not cotton
    assert "дверь" in _lemmas(chosen)


@pytest.mark.parametrize(
    ("source", "noun"),
    [
        ("хлопнуть", None),
        ("пробиваться", None),
        ("пахнуть", None),
        ("стучать", "стук"),
        ("bark", "barge"),
    ],
)
def test_homonymous_nouns_are_not_derivations(source, noun):
    # the English table still holds bark → barge; concepts never ask it for a verb that
    # is itself a noun (test above)
    assert nominal(source) == noun
