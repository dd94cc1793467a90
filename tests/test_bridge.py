"""HyperBridge: weights from the scene, the goal and the voice; pace; routes; errors."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scenecodec import expand
from scenecodec.errors import InputError
from scenecodec.expansion.bridge import ACTIVE, REGISTERS, route
from scenecodec.expansion.registers.reading import read
from test_cli import js, run

SEED = "тишинажарвход"


def _reading(codec, lemmas):
    e = codec.atoms.embedder
    phases = [*["entry", "peak", "decline"][: len(lemmas) - 1], "anchor"]
    return read(e, lemmas, phases, codec.embed(lemmas), 0.5)


def test_weights_sum_to_one_and_every_register_is_routed(e5_codec):
    d = expand(e5_codec, SEED).bridge
    assert [r.register for r in d.routes] == sorted(REGISTERS, key=lambda r: -d.route(r).weight)
    assert sum(r.weight for r in d.routes) == pytest.approx(1.0)
    assert {r.register: r.voice for r in d.routes} == {
        "logical": "logician",
        "poetic": "poet",
        "emotional": "poet",
        "archetypal": "philosopher",
        "bodily": "bodily",
    }
    assert all(r.active for r in d.routes)  # with no goal the five stay equal enough
    assert all(r.reason.startswith("scene: ") for r in d.routes)


def test_goal_moves_the_weights(e5_codec):
    body = expand(e5_codec, SEED, goal="почувствовать своё тело и дыхание").bridge
    myth = expand(e5_codec, SEED, goal="the myth and the symbol behind it").bridge
    assert body.routes[0].register == "bodily"
    assert myth.routes[0].register == "archetypal"
    assert "goal: cosine" in body.route("bodily").reason
    inactive = [r for r in body.routes if not r.active]
    assert inactive and all(r.weight < ACTIVE for r in inactive)
    assert set(expand(e5_codec, SEED, goal="почувствовать своё тело и дыхание").registers) == {
        r.register for r in body.active
    }


def test_voice_takes_every_register_and_lifts_its_own(e5_codec):
    plain = expand(e5_codec, SEED).bridge
    poet = expand(e5_codec, SEED, voice="poet").bridge
    assert {r.voice for r in poet.routes} == {"poet"}
    assert poet.route("poetic").weight > plain.route("poetic").weight
    assert "voice poet speaks it" in poet.route("emotional").reason


def test_registers_asked_for_are_the_only_active(e5_codec):
    e = expand(e5_codec, SEED, registers=["bodily", "poetic"])
    assert set(e.registers) == {"bodily", "poetic"}
    assert e.bridge.route("logical").reason.endswith("not asked for")


def test_pace_follows_arousal(e5_codec):
    r = _reading(e5_codec, ["ярость", "драка", "крик"])
    fast = route(e5_codec.atoms.embedder, replace(r, affect={**r.affect, "arousal": 2.0})).pace
    slow = route(e5_codec.atoms.embedder, replace(r, affect={**r.affect, "arousal": -2.0})).pace
    mid = route(e5_codec.atoms.embedder, replace(r, affect={**r.affect, "arousal": 0.0})).pace
    assert (fast.depth, fast.length) == (1, 1) and "fast" in fast.reason
    assert (slow.depth, slow.breadth, slow.length) == (2, 3, 3) and "slowly" in slow.reason
    assert (mid.depth, mid.length) == (1, 2)


def test_pace_sets_the_depth_when_none_is_given(e5_codec):
    e5_codec.compress("wind + storm + wave → shore")
    e5_codec.compress("boat + sail + oar → harbour")
    r = expand(e5_codec, "sea + wind + sail → departure", depth=None)
    assert r.bridge.pace.depth == 2 and len(r.levels) == 2
    assert len(r.registers["poetic"].split(". ")) == 3


def test_bad_voice_and_registers_are_input_errors(e5_codec):
    with pytest.raises(InputError, match="unknown voice 'bard'"):
        expand(e5_codec, SEED, voice="bard")
    with pytest.raises(InputError, match="unknown register musical"):
        expand(e5_codec, SEED, registers=["poetic", "musical"])
    with pytest.raises(InputError, match="unknown register"):
        expand(e5_codec, SEED, registers=[])


def test_cli_registers_goal_voice(tmp_path):
    m = tmp_path / "m.sqlite"
    out = js(m, "expand", SEED, "--registers", "poetic,bodily", "--voice", "bodily")
    assert set(out["registers"]) == {"poetic", "bodily"}
    assert out["bridge"]["pace"]["reason"].startswith("arousal ")
    assert {r["voice"] for r in out["bridge"]["routes"]} == {"bodily"}
    out = js(m, "expand", SEED, "--goal", "a logical plan")
    assert out["bridge"]["routes"][0]["register"] == "logical"
    text = run(m, "expand", SEED).stdout
    assert "registers  pace: depth 1" in text and "Тишина гасла на пороге входа" in text
    for args in (["--voice", "bard"], ["--registers", "poetic,musical"]):
        proc = run(m, "expand", SEED, *args, check=False)
        assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
