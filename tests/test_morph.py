"""Tokens, lemmas, parts of speech and inflection (language/morph.py)."""

from __future__ import annotations

import pytest

from scenecodec.errors import InputError
from scenecodec.language.morph import agree, govern, inflect, language, lemma, tokenize


def test_mixed_text_is_analysed_word_by_word_and_lone_letters_skipped():
    got = [(t.lemma, t.pos, t.lang) for t in tokenize("Тишина и heat, silence — жар!")]
    assert got == [
        ("тишина", "NOUN", "ru"),
        ("heat", "NOUN", "en"),
        ("silence", "NOUN", "en"),
        ("жар", "NOUN", "ru"),
    ]


def test_token_offsets_point_into_the_text():
    text = "  жаркая тишина"
    assert [text[t.start : t.stop] for t in tokenize(text)] == ["жаркая", "тишина"]


@pytest.mark.parametrize(
    ("text", "lemmas"),
    [
        ("горящие свечи", [("гореть", "VERB"), ("свеча", "NOUN")]),
        ("шагнув вперёд", [("шагнуть", "VERB"), ("вперёд", "ADV")]),
        ("он пульсировал", [("он", "FUNC"), ("пульсировать", "VERB")]),
        ("этот свой первый", [("этот", "FUNC"), ("свой", "FUNC"), ("первый", "FUNC")]),
        ("был или может", [("быть", "FUNC"), ("или", "FUNC"), ("мочь", "FUNC")]),
        (
            "it was burning rooms",
            [("it", "FUNC"), ("be", "FUNC"), ("burning", "NOUN"), ("room", "NOUN")],
        ),
    ],
)
def test_lemmas_and_parts_of_speech(text, lemmas):
    assert [(t.lemma, t.pos) for t in tokenize(text)] == lemmas


def test_latin_lookalikes_inside_a_cyrillic_word_are_mapped_back():
    (token,) = tokenize("тишинa")  # the last letter is Latin "a"
    assert (token.lemma, token.pos, token.lang) == ("тишина", "NOUN", "ru")


@pytest.mark.parametrize("text", ["", "123 4.5", "😀 🜂⟁", "— , !", "\x00\x01"])
def test_texts_without_words_give_no_tokens(text):
    assert tokenize(text) == []


def test_language_by_script():
    assert [language(w) for w in ("жар", "heat", "42", "тишинa")] == ["ru", "en", "", "ru"]


def test_lemma_of_single_words_and_bad_word():
    assert [lemma(w) for w in ("висках", "entering", "fears")] == ["висок", "enter", "fear"]
    with pytest.raises(InputError):
        lemma("123")


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        (govern("на", "порог"), "на пороге"),
        (govern("в", "висок", number="plur"), "в висках"),
        (govern("из", "тишина"), "из тишины"),
        (govern("под", "нога", number="plur"), "под ногами"),
        (govern("в", "дверь", case="accs"), "в дверь"),
        ("он " + agree("пульсировать", "висок"), "он пульсировал"),
        (agree("жаркий", "тишина") + " тишина", "жаркая тишина"),
        (agree("тёмный", "окно") + " окно", "тёмное окно"),
        (agree("дрожать", "рука", tense="pres"), "дрожит"),
        (agree("дрожать", "рука"), "дрожала"),
        (agree("холодный", "руки", case="ablt"), "холодными"),
        (inflect("сердце", case="gent", number="plur"), "сердец"),
        (inflect("fear", number="plur"), "fears"),
        (agree("tremble", "hand"), "trembled"),
    ],
)
def test_inflection_on_real_phrases(phrase, expected):
    assert phrase == expected


def test_inflection_rejects_unknown_grammemes():
    with pytest.raises(InputError):
        inflect("порог", case="vocative")
    with pytest.raises(InputError):
        inflect("порог", number="dual")
    with pytest.raises(InputError):
        govern("вдоль-поперёк", "порог")
    with pytest.raises(InputError):
        agree("жаркий", "тишина", tense="future")


def _read(text):
    from scenecodec.language.context import in_context
    from scenecodec.language.phrases import phrases

    return [(t.lemma, t.pos) for t in phrases(in_context(tokenize(text), text), text) if t.content]


@pytest.mark.parametrize(
    ("text", "lemmas"),
    [
        # a verb after its noun subject is the verb, not the flower
        (
            "Fog rose over the river, and somewhere far away a dog was barking",
            [
                ("fog", "NOUN"),
                ("rise", "VERB"),
                ("river", "NOUN"),
                ("dog", "NOUN"),
                ("bark", "VERB"),
            ],
        ),
        ("she smelled the rose", [("smell", "VERB"), ("rose", "NOUN")]),
        (
            "he opened the door and saw the sea",
            [("open", "VERB"), ("door", "NOUN"), ("see", "VERB"), ("sea", "NOUN")],
        ),
        (
            "anger rises and fists clench",
            [("anger", "NOUN"), ("rise", "VERB"), ("fist", "NOUN"), ("clench", "VERB")],
        ),
        (
            "shop lights glitter on the wet asphalt",
            [
                ("shop", "NOUN"),
                ("light", "NOUN"),
                ("glitter", "VERB"),
                ("wet", "ADJ"),
                ("asphalt", "NOUN"),
            ],
        ),
        (
            "steam fogs the kitchen window",
            [("steam", "NOUN"), ("fog", "VERB"), ("kitchen", "NOUN"), ("window", "NOUN")],
        ),
        ("a child laughs while playing", [("child", "NOUN"), ("laugh", "VERB"), ("play", "VERB")]),
        (
            "запах дождя на горячем асфальте",
            [("запах", "NOUN"), ("дождь", "NOUN"), ("горячий", "ADJ"), ("асфальт", "NOUN")],
        ),
    ],
)
def test_parts_of_speech_in_context(text, lemmas):
    assert _read(text) == lemmas


@pytest.mark.parametrize(
    ("text", "lemmas"),
    [
        ("Он долго не решался", [("не решаться", "VERB")]),
        ("she did not dare to knock", [("not dare", "VERB"), ("knock", "VERB")]),
        ("she didn’t dare", [("not dare", "VERB")]),
        (
            "would not open the cellar door",
            [("not open", "VERB"), ("cellar", "NOUN"), ("door", "NOUN")],
        ),
        ("не страх, а тревога", [("страх", "NOUN"), ("тревога", "NOUN")]),  # nouns stay
        ("не, решался", [("решаться", "VERB")]),  # never across punctuation
    ],
)
def test_negation_is_kept_with_the_word_it_negates(text, lemmas):
    assert _read(text) == lemmas


@pytest.mark.parametrize(
    ("text", "lemmas"),
    [
        (
            "по железной дороге шёл поезд",
            [("железная дорога", "NOUN"), ("идти", "VERB"), ("поезд", "NOUN")],
        ),
        (
            "an old man feeds the pigeons",
            [("old man", "NOUN"), ("feed", "VERB"), ("pigeon", "NOUN")],
        ),
        ("two old women", [("old woman", "NOUN")]),  # any inflected form finds the entry
        ("the full moon rose", [("full moon", "NOUN"), ("rise", "VERB")]),
        ("железная, дорога", [("железный", "ADJ"), ("дорога", "NOUN")]),  # never across commas
        ("тёплый свет", [("тёплый", "ADJ"), ("свет", "NOUN")]),  # not in the dictionary
        ("бить баклуши", [("бить", "VERB"), ("баклуша", "NOUN")]),  # an idiom, not a thing
    ],
)
def test_a_dictionary_phrase_is_one_concept(text, lemmas):
    assert _read(text) == lemmas
