"""Scenes in time: ACT-R activation checked against the equations and pyactup, the
modern Hopfield update, and the pulse's lifecycle, condensation and resumption."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scenecodec import pulse
from scenecodec.dynamics import activation as actr
from scenecodec.dynamics.resonance import settle
from scenecodec.errors import InputError, NotFoundError
from test_cli import js, run

RELATED = ["жар + страх → шаг", "тишина + страх → дверь", "тишина + ночь → сон"]
UNRELATED = ["бухгалтерия + налог + отчёт → квартал"]


def test_base_level_matches_the_equation_and_pyactup():
    times, now = [0.0, 5.0, 7.5], 10.0
    expected = math.log(10**-0.5 + 5**-0.5 + 2.5**-0.5)
    assert actr.base_level(times, now) == pytest.approx(expected, abs=1e-9)
    assert actr.base_level([], now) == -math.inf
    assert actr.base_level([10.0], now) == -math.inf  # not yet presented
    pyactup = pytest.importorskip("pyactup")
    m = pyactup.Memory(noise=0.0, decay=0.5, temperature=1.0, threshold=None)
    for gap in (5.0, 2.5, 2.5):
        m.learn({"scene": "Δ1"}, advance=gap)
    m.activation_history = []
    m.retrieve({"scene": "Δ1"})
    assert m.activation_history[0]["base_level_activation"] == pytest.approx(expected, abs=1e-9)


def test_spreading_probability_and_latency_match_the_equations():
    fan = {"жар": 3, "страх": 1, "тишина": 20}
    got = actr.spreading(["жар", "страх", "тишина"], {"жар", "тишина"}, fan)
    expected = (2 - math.log(3)) / 3 + max(0.0, 2 - math.log(20)) / 3  # S − ln 20 < 0 → 0
    assert got == pytest.approx(expected, abs=1e-12)
    assert actr.spreading([], {"жар"}, fan) == 0.0
    a = 0.7
    assert actr.retrieval_probability(a) == pytest.approx(1 / (1 + math.exp(-a / 0.25)), abs=1e-12)
    assert actr.retrieval_probability(-1000.0) == 0.0
    assert actr.latency(a) == pytest.approx(math.exp(-a), abs=1e-12)


def test_hopfield_settles_to_the_nearest_pattern_in_a_fixed_point():
    rng = np.random.default_rng(0)
    x = np.sign(rng.standard_normal((50, 1024))).astype(np.float32) / 32.0
    noisy = x[7] * 32.0
    flip = rng.choice(1024, 300, replace=False)
    noisy[flip] *= -1  # 30% of the bits wrong
    r = settle(x, noisy)
    assert list(r.resonated) == [7] and r.weights[7] > 0.99
    assert np.linalg.norm(r.state - x[7]) < 1e-3
    again = settle(x, r.state)
    assert again.steps == 1  # already a fixed point
    assert settle(np.zeros((0, 4)), np.ones(4)).steps == 0


@pytest.fixture
def memory(e5_codec):
    for f in RELATED + UNRELATED:
        e5_codec.compress(f)
    return e5_codec


def test_pulse_unfolds_resonates_and_fades(memory):
    line = pulse(memory, "тишинажарвход", ticks=8)
    assert line.seed["formula"] == "тишина + жар → вход"
    assert [t.unfolded["lemma"] for t in line.ticks[:3]] == ["тишина", "жар", "вход"]
    entered = {f["label"] for t in line.ticks for f in t.focus if f["kind"] == "scene"}
    assert set(RELATED) <= entered  # scenes sharing a concept resonate and enter
    assert not set(UNRELATED) & entered  # an unrelated one never does
    first = line.ticks[0]
    assert first.resonated[0]["cosine"] >= 0.2 and first.steps >= 1
    phases = {f["phase"] for t in line.ticks for f in t.focus}
    assert phases == {"entry", "unfolding", "saturation", "decline"}
    faded = [f for t in line.ticks for f in t.faded]
    assert faded and all(f["decision"] == "fade" for f in faded)
    assert memory.recall("тишина ночь сон", k=1)[0].scene.formula == "тишина + ночь → сон"


def test_pulse_condenses_a_new_scene_with_links(memory):
    line = pulse(memory, "тишинажарвход", ticks=12)
    made = [t.condensed for t in line.ticks if t.condensed]
    assert made
    first = made[0]
    assert len(first["sources"]) >= 3
    sources = {s.code for s, kind in memory.links(first["code"])}
    assert sources == set(first["sources"]) - {first["code"]}
    assert all(kind == "condensed" for _, kind in memory.links(first["code"]))
    assert memory.show(first["code"]).formula == first["formula"]


def test_stopping_and_resuming_gives_the_same_timeline(tmp_path):
    from scenecodec import Codec

    def fresh(name):
        codec = Codec.open(tmp_path / f"{name}.sqlite")
        for f in RELATED + UNRELATED:
            codec.compress(f)
        return codec

    with fresh("through") as a:
        through = pulse(a, "тишинажарвход", ticks=12).to_dict()
    with fresh("halves") as b:
        pulse(b, "тишинажарвход", ticks=5)
    with Codec.open(tmp_path / "halves.sqlite") as b:
        resumed = pulse(b, "тишинажарвход", ticks=7, resume=True).to_dict()
    assert resumed == through


def test_goal_holds_what_is_relevant(memory):
    line = pulse(memory, "тишинажарвход", ticks=10, goal="тишина ночью перед сном")
    held = {f["label"] for t in line.ticks for f in t.focus if f["decision"] == "hold"}
    assert held and any("тишина" in h or "ночь" in h or "сон" in h for h in held)


def test_pulse_errors(memory):
    with pytest.raises(InputError, match="ticks must lie"):
        pulse(memory, "тишинажарвход", ticks=0)
    with pytest.raises(NotFoundError, match="no pulse named"):
        pulse(memory, name="nothing", resume=True)
    with pytest.raises(InputError, match="needs a scene"):
        pulse(memory)


def test_cli_pulse(tmp_path):
    m = tmp_path / "m.sqlite"
    for f in RELATED:
        run(m, "compress", f)
    out = js(m, "pulse", "тишинажарвход", "--ticks", "4")
    assert out["name"] == "pulse Δ4" and len(out["ticks"]) == 4
    assert set(out["ticks"][0]) == {
        "tick", "focus", "unfolded", "resonated", "steps", "condensed", "faded"
    }  # fmt: skip
    more = js(m, "pulse", "тишинажарвход", "--ticks", "2", "--resume")
    assert [t["tick"] for t in more["ticks"]] == [1, 2, 3, 4, 5, 6]
    text = run(m, "pulse", "Δ4", "--ticks", "1", "--name", "other").stdout
    assert "tick   1  unfolds тишина" in text
    for args in (["--resume", "--name", "nope"], ["--ticks", "0", "Δ4"]):
        proc = run(m, "pulse", *args, check=False)
        assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
