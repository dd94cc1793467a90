"""The command line, run as a user runs it: a subprocess, JSON on stdout, errors on stderr."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

SEED = "жар + страх + тишина → вход"


def run(memory, *args, check=True):
    env = {**os.environ, "SCENECODEC_MEMORY": str(memory)}
    proc = subprocess.run(
        [sys.executable, "-m", "scenecodec", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def js(memory, *args):
    return json.loads(run(memory, *args, "--json").stdout)


@pytest.fixture
def memory(tmp_path):
    path = tmp_path / "m.sqlite"
    run(path, "compress", "жар", "страх", "тишина", "--anchor", "вход", "--embedder", "hash")
    return path


def test_compress_prints_the_scene(tmp_path):
    out = js(
        tmp_path / "m.sqlite",
        "compress",
        "жар",
        "страх",
        "тишина",
        "--anchor",
        "вход",
        "--embedder",
        "hash",
    )
    assert set(out) == {"code", "glyph", "formula", "name", "concepts", "anchor"}
    assert out["code"] == "Δ1" and out["formula"] == SEED and out["name"] == "жарстрахтишинавход"
    assert [c["phase"] for c in out["concepts"]] == ["entry", "peak", "decline"]
    human = run(tmp_path / "m.sqlite", "compress", SEED).stdout
    assert "Δ1" in human and SEED in human and "жар (entry)" in human


@pytest.mark.parametrize("form", ["Δ1", SEED, "жарстрахтишинавход"])
def test_expand_every_form(memory, form):
    out = js(memory, "expand", form)
    assert set(out) >= {"scene", "microscenes", "registers", "residual", "neighbours", "plan"}
    assert out["scene"]["code"] == "Δ1" and out["plan"]["formula"] == SEED
    assert out["decoded"]["formula"] == SEED
    assert 0.2 < out["residual"] < 0.4


def test_expand_says_its_plan_in_one_line(memory):
    lines = run(memory, "expand", "Δ1").stdout.splitlines()
    said = [line for line in lines if line.startswith("  plan ")]
    assert len(said) == 1
    who, field, body, kind, phase = said[0].split(maxsplit=1)[1].split(" · ")
    assert who == "человек" and phase == "entry" and field and kind
    assert body.count(",") == 1  # two bodily loci


def test_expand_glyph_and_unstored_name(memory):
    glyph = js(memory, "show", "Δ1")["glyph"]
    assert js(memory, "expand", glyph)["scene"]["code"] == "Δ1"
    out = js(memory, "expand", "тишинажарвход")
    assert out["scene"]["code"] is None and out["scene"]["formula"] == "тишина + жар → вход"
    assert out["neighbours"][0]["scene"]["code"] == "Δ1"


def test_decode_a_vector_file(memory, tmp_path):
    run(memory, "show", "Δ1", "--save-vector", str(tmp_path / "v.npy"))
    out = js(memory, "decode", "--vector", str(tmp_path / "v.npy"))
    assert out["formula"] == SEED
    assert [c["lemma"] for c in out["concepts"]] == ["жар", "страх", "тишина"]
    assert out["anchor"]["lemma"] == "вход" and out["anchor"]["confidence"] > 0.99


def test_recall_split_list_show(memory):
    run(memory, "compress", "огонь + вода → пар")
    results = js(memory, "recall", "страх", "тишина")["results"]
    assert results[0]["scene"]["code"] == "Δ1" and set(results[0]) == {"scene", "score"}
    assert js(memory, "recall", "Δ2", "--top", "1")["results"][0]["score"] == 1.0
    assert js(memory, "split", "тишинажарвход")["parts"] == ["тишина", "жар", "вход"]
    assert "alternatives" in js(memory, "split", "тишинажарвход")
    listed = js(memory, "list")
    assert [s["code"] for s in listed["scenes"]] == ["Δ1", "Δ2"]
    assert js(memory, "show", "Δ2")["formula"] == "огонь + вода → пар"


def test_compress_file_with_progress(tmp_path):
    scenes = tmp_path / "scenes.txt"
    scenes.write_text(
        "# seed scenes\n" + SEED + "\n\nтишина + жар → вход\nогонь + вода\n", encoding="utf-8"
    )
    out = js(tmp_path / "m.sqlite", "compress", "--file", str(scenes), "--embedder", "hash")
    assert [s["code"] for s in out["scenes"]] == ["Δ1", "Δ2", "Δ3"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compress"], "give concepts"),
        (["compress", "жар + + →"], "malformed formula"),
        (["compress", *[f"w{i}" for i in range(10_050)]], "at most 32 concepts"),
        (["compress", "жар\udcff"], "argument 2 is not UTF-8 text: жар\\xff"),
        (["expand", "Δ999"], "no scene Δ999"),
        (["show", "Δ999"], "no scene Δ999"),
        (["show", "жар"], "not a Δ-code"),
        (["recall"], "give a cue"),
        (["split", "жар+вход"], "letters only"),
    ],
)
def test_bad_input_one_line_exit_2_memory_unchanged(memory, args, message):
    before = js(memory, "list")
    proc = run(memory, *args, check=False)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and message in proc.stderr
    assert proc.stderr.startswith("error: ")
    assert js(memory, "list") == before


def test_bad_vector_files(memory, tmp_path):
    np.save(tmp_path / "short.npy", np.ones(512))
    (tmp_path / "junk.npy").write_bytes(b"\x00\xff" * 100)
    for name, message in (
        ("short.npy", "1024 values"),
        ("junk.npy", "not a .npy"),
        ("missing.npy", "No such file"),
    ):
        proc = run(memory, "decode", "--vector", str(tmp_path / name), check=False)
        assert proc.returncode == 2 and message in proc.stderr, proc.stderr
        assert proc.stderr.count("\n") == 1


def test_unwritable_and_corrupt_memory(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = run(blocker / "m.sqlite", "compress", "жар + страх", check=False)
    assert proc.returncode == 2 and "cannot open memory" in proc.stderr
    proc = run(blocker / "m.sqlite", "list", check=False)
    assert proc.returncode == 2 and "no memory at" in proc.stderr
    corrupt = tmp_path / "corrupt.sqlite"
    corrupt.write_bytes(b"garbage" * 1000)
    proc = run(corrupt, "list", check=False)
    assert proc.returncode == 2 and "not a scenecodec memory" in proc.stderr
    assert corrupt.read_bytes() == b"garbage" * 1000


def test_memory_option_wins_over_environment(memory, tmp_path):
    other = tmp_path / "other.sqlite"
    run(memory, "compress", "a + b", "--memory", str(other), "--embedder", "hash")
    assert js(memory, "list", "--memory", str(other))["total"] == 1
    assert js(memory, "list")["total"] == 1


def test_help_teaches():
    proc = subprocess.run(
        [sys.executable, "-m", "scenecodec", "compress", "--help"], capture_output=True, text=True
    )
    assert proc.returncode == 0
    assert "scenecodec compress жар страх тишина --anchor вход" in proc.stdout


def test_compress_text_stores_the_concepts_of_free_text(tmp_path):
    path = tmp_path / "m.sqlite"
    out = js(path, "compress", "--text", "жаркая тревожная тишина перед тем, как войти")
    assert out["formula"] == "жар + тревога + тишина → вход"
    assert out["code"] == "Δ1"
    again = js(path, "expand", "жаркая тревожная тишина перед тем, как войти")
    assert again["scene"]["code"] == "Δ1"


def test_concepts_command_explains_its_choice(tmp_path):
    out = js(tmp_path / "m.sqlite", "concepts", "жаркая тревожная тишина перед тем, как войти")
    assert out["formula"] == "жар + тревога + тишина → вход"
    assert out["anchor"]["lemma"] == "вход" and out["anchor"]["source"] == "войти"
    first = out["concepts"][0]
    assert set(first) >= {"lemma", "pos", "salience", "rarity", "centrality", "words"}
    assert not (tmp_path / "m.sqlite").exists() or js(tmp_path / "m.sqlite", "list")["scenes"] == []
    human = run(tmp_path / "m.sqlite", "concepts", "жаркая тревожная тишина перед тем, как войти")
    assert "formula  жар + тревога + тишина → вход" in human.stdout


def test_recall_by_an_english_paraphrase_of_a_russian_scene(tmp_path):
    path = tmp_path / "m.sqlite"
    run(path, "compress", "жар", "страх", "тишина", "--anchor", "вход")
    run(path, "compress", "стол", "окно", "книга", "--anchor", "лампа")
    out = js(path, "recall", "heat + fear + silence → entrance", "--top", "1")
    assert out["results"][0]["scene"]["formula"] == SEED


@pytest.mark.parametrize("text", ["42 3.14", "и в на, но", "🔥🔥"])
def test_text_without_content_words_exits_2(tmp_path, text):
    path = tmp_path / "m.sqlite"
    proc = run(path, "compress", "--text", text, "--embedder", "hash", check=False)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "content words" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_command_line_runs_without_the_serve_extra():
    """``pip install scenecodec`` has no FastAPI, uvicorn or anyio: the CLI must not need them
    until ``serve`` is asked for (the README's first command runs on that install)."""
    blocked = ("fastapi", "starlette", "uvicorn", "anyio", "h11", "fastapi_offline")
    code = (
        "import sys\n"
        f"for name in {blocked!r}: sys.modules[name] = None\n"
        "from scenecodec.interfaces.cli import main\n"
        "main(['serve', '--port', '1'])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: serving needs FastAPI"), proc.stderr
