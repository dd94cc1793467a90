"""The five registers: exact texts for the seed, language, voices, and Russian grammar
checked phrase by phrase with pymorphy3's agreement rules."""

from __future__ import annotations

import re

import pytest

from scenecodec import expand
from scenecodec.expansion.bridge import Pace
from scenecodec.expansion.registers import lexicon
from scenecodec.expansion.registers.voice import VOICES
from scenecodec.language.morph import analyser, gender

SEED = "тишинажарвход"
PACE = Pace(1, 3, 3, "")


def test_seed_scene_speaks_five_registers_in_russian(e5_codec):
    """Each writer's frame, filled for the seed's scene. The words a writer picks by the
    model's cosines (a verb, an emotion, a number) are not pinned: the model's floats
    differ between CPUs, and the nearest verb may with them."""
    r = expand(e5_codec, SEED).registers
    assert set(r) == {"logical", "emotional", "poetic", "bodily", "archetypal"}
    for text in r.values():
        assert not re.search("[a-z]", text, re.IGNORECASE) and text.endswith("."), text
    assert r["logical"].startswith("Вход: переход в фазу «")
    assert "Условия: тишина (начало), жар (пик); возбуждение " in r["logical"]
    assert re.search(r"напряжение 0\.5\d\.$", r["logical"]), r["logical"]
    assert re.fullmatch(r"Тишина — \w+, жар — \w+, вход — \w+; поле: \w+\.", r["emotional"])
    assert re.fullmatch(r"Тишина \w+ на пороге входа, как [\w ]+\. Жар \w+ в ней\.", r["poetic"])
    assert re.fullmatch(r"Тишина отзывается [\w ]+, жар — [\w ]+, вход — [\w ]+\.", r["bodily"])
    assert r["archetypal"].startswith("Переход первого порога: вход;")


def test_english_scene_speaks_english(e5_codec):
    e = expand(e5_codec, "heat + fear + silence → entrance")
    assert (
        e.registers["poetic"].endswith(".")
        and " on the threshold of entrance, like " in (e.registers["poetic"])
    )
    assert e.registers["bodily"].startswith("Heat is felt as ")
    for register, text in e.registers.items():
        assert not re.search("[а-яё]", text, re.IGNORECASE), text
        if register != "poetic":  # the poem tells as many parts as the pace's length
            for concept in ("heat", "fear", "silence", "entrance"):
                assert concept in text.lower(), (concept, text)


def test_voices_differ_in_manner(e5_codec):
    poet = expand(e5_codec, SEED, registers=["poetic", "logical"], voice="poet").registers
    body = expand(e5_codec, SEED, registers=["poetic"], voice="bodily").registers
    logician = expand(e5_codec, SEED, registers=["emotional"], voice="logician").registers
    sage = expand(e5_codec, SEED, registers=["bodily"], voice="philosopher").registers
    assert "Тишина гасла" in poet["poetic"] and "Тишина гаснет" in body["poetic"]  # past, present
    assert not re.search(r"\d", poet["logical"])  # the poet gives no numbers
    assert re.search(r"ужас \(\d\.\d\)", logician["emotional"])  # the logician measures
    assert sage["bodily"].startswith("В свете архетипа «переход первого порога»: тишина ")


def _parses(word: str):
    return analyser().parse(word.lower())


def _is(word: str, lemma: str, *grammemes: str) -> bool:
    """Whether some parse of ``word`` has all ``grammemes`` and is a form of ``lemma``."""
    return any(
        all(g in p.tag for g in grammemes)
        and (p.normal_form == lemma or lemma in {f.word for f in p.lexeme})
        for p in _parses(word)
    )


def _agrees(form: str, noun: str, *grammemes: str) -> bool:
    """Whether some parse of ``form`` agrees with ``noun``: in number, and in gender in the
    singular unless it is a present-tense verb (``3per``), with all ``grammemes``."""
    kind = gender(noun)
    wanted = (
        {"plur"} if kind == "plur" else {"sing"} | ({kind} if "3per" not in grammemes else set())
    )
    return any(wanted | set(grammemes) <= set(re.split("[ ,]", str(p.tag))) for p in _parses(form))


NOUNS = [
    "тишина", "жар", "вход", "горе", "похороны", "ночь", "окно", "сердце", "дверь", "путь",
    "имя", "время", "любовь", "пламя", "дочь", "зеркало", "деньги", "часы", "вокзал",
    "дорога", "ветер", "снег", "море", "поле", "тень", "река", "ребёнок", "друг", "мышь",
    "сани", "ножницы", "страх", "свадьба", "крик", "память", "небо",
]  # fmt: skip


def _scenes():
    """36 Russian scenes: three parts and an anchor, every noun in each role."""
    n = len(NOUNS)
    return [
        f"{NOUNS[i]} + {NOUNS[(i + 7) % n]} + {NOUNS[(i + 13) % n]} → {NOUNS[(i + 23) % n]}"
        for i in range(n)
    ]


def test_russian_phrases_agree(hash_codec):
    """Every generated Russian phrase is checked: verbs agree with their subjects in gender
    and number (past) or number (present), adjectives with their nouns in gender, number
    and case, nouns stand in the case their preposition or construction governs."""
    checked = 0
    for formula in _scenes():
        parts, anchor = formula.split(" → ")
        lemmas = parts.split(" + ")
        for voice in ("poet", "bodily"):
            e = expand(hash_codec, formula, registers=["poetic", "bodily"], voice=voice)
            tense = "past" if voice == "poet" else "pres"
            first, *rest = e.registers["poetic"].split(". ")
            m = re.match(r"(\w+) ([\w ]+?) на пороге (\w+), как (\w+) (\w+)\.?$", first)
            assert m, first
            subject, verb, anchor_form, adjective, vehicle = m.groups()
            subject = subject.lower()
            assert subject in lemmas
            verb_words = verb.split(" ")
            assert _agrees(verb_words[0], subject, tense if tense == "past" else "3per"), first
            assert _is(anchor_form, anchor, "gent"), first
            assert _agrees(adjective, vehicle, "nomn"), first
            checked += 3
            for sentence in rest:
                m = re.match(r"(\w+) (\w+) в (\w+)\.?$", sentence)
                assert m, sentence
                noun, verb, pronoun = m.groups()
                assert _agrees(verb, noun.lower(), tense if tense == "past" else "3per"), sentence
                assert pronoun == {"plur": "них", "femn": "ней"}.get(gender(subject), "нём")
                checked += 2
            body = e.registers["bodily"].rstrip(".")
            head, *others = body.split(", ")
            m = re.match(r"(\w+) (отзыва\w+) (\w+) (\w+) (\w+)$", head)
            assert m, head
            noun, verb, sensation, preposition, place = m.groups()
            assert _agrees(verb, noun.lower(), "3per" if voice == "bodily" else "past"), head
            checked += 1
            for piece in [f"— {sensation} {preposition} {place}"] + [
                o.split(" ", 1)[1] for o in others
            ]:
                _, sensation, preposition, place = piece.split(" ")
                assert any(_is(sensation, s.ru, "ablt") for s in lexicon.sensations()), piece
                case = {"в": "loct", "на": "loct", "по": "datv", "под": "ablt"}[preposition]
                assert any(_is(place, loc.noun, case) for loc in lexicon.locations()), piece
                checked += 2
    assert checked >= 600


def test_logical_levels_agree_in_gender(hash_codec):
    text = expand(hash_codec, "ночь + окно → дверь", registers=["logical"]).registers["logical"]
    state = text.split("; ", 1)[1]
    for noun, adjective in re.findall(r"(возбуждение|валентность|контроль|нагрузка) (\w+)", state):
        assert _agrees(adjective, noun, "nomn"), (noun, adjective)


def test_voice_needs_an_embedder_and_a_known_register(hash_codec):
    from scenecodec.expansion.registers.reading import read

    e = hash_codec.atoms.embedder
    r = read(e, ["жар", "вход"], ["entry", "anchor"], e.embed(["жар", "вход"]), 0.3)
    with pytest.raises(ValueError, match="needs an embedder"):
        VOICES["poet"].speak(r, "poetic", PACE)
    with pytest.raises(ValueError, match="unknown register"):
        VOICES["poet"].bound(e).speak(r, "musical", PACE)


def test_each_register_text_recalls_its_scene(e5_codec):
    """The scene survives the words: every register's text, given back as free text,
    recalls the scene it was written from (bench/registers.py measures 200 scenes)."""
    formulas = [
        "тишина + жар → вход",
        "горе + дождь + письмо → прощание",
        "ребёнок + снег + смех → праздник",
        "heat + fear + silence → entrance",
        "sea + wind + sail → departure",
        "debt + letter + night → decision",
    ]
    codes = [e5_codec.compress(f).code for f in formulas]
    for code in codes:
        for register, text in expand(e5_codec, code).registers.items():
            assert e5_codec.recall(text, k=1)[0].scene.code == code, (register, text)


def test_a_sub_scene_part_is_spoken_by_the_concept_it_arrives_at(hash_codec):
    e = expand(hash_codec, "(жар + страх → шаг) + тишина → вход")
    assert "(жар + страх → шаг) (начало)" in e.registers["logical"]
    for register in ("poetic", "bodily", "emotional", "archetypal"):
        assert "(жар" not in e.registers[register] and "шаг" in e.registers[register].lower()
