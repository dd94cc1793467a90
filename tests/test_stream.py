"""A text as a stream: sentences, surprise cuts refined by modularity, and the lifecycle
across constructed streams (a scene that recurs, one that never returns, one that builds)."""

from __future__ import annotations

import numpy as np
import pytest

from scenecodec import stream
from scenecodec.dynamics.pulse import Pulse
from scenecodec.dynamics.stream import MIN_SENTENCES, boundaries, modularity, refine, sentences
from scenecodec.errors import InputError
from test_cli import js, run


def test_sentences_in_both_languages():
    found = sentences("Шёл снег. Мороз трещал!  It rained. Did it?")
    assert [s.text for s in found] == ["Шёл снег.", "Мороз трещал!", "It rained.", "Did it?"]
    assert found[2].start == 25


def test_modularity_of_two_cliques_matches_newman():
    a = np.kron(np.eye(2), np.ones((2, 2))) - np.eye(4)  # two 2-cliques, no edge between
    assert modularity(a, [0, 2]) == pytest.approx(0.5)  # ((2 − 4/4)·2)/4
    assert modularity(a, [0]) == pytest.approx(0.0)
    assert modularity(a, [0, 1]) < 0.5


def _blocks(sizes, dim=16, seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for k, n in enumerate(sizes):
        base = np.eye(dim)[k]
        rows += [base + 0.3 * rng.standard_normal(dim) for _ in range(n)]
    v = np.array(rows)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_surprise_cuts_at_topic_changes_and_refine_moves_a_misplaced_cut():
    v = _blocks([5, 4, 6])
    assert boundaries(v) == [0, 5, 9, 11]  # both changes, and one cut too many
    assert boundaries(v, gamma=1.0) == [0, 5, 9]
    assert refine(v, [0, 7, 9]) == [0, 5, 9]  # modularity brings a misplaced cut back
    assert refine(v, [0, 5, 14]) == [0, 5, 9]  # and moves the last where it belongs
    assert MIN_SENTENCES == 2


@pytest.fixture
def three(e5_codec):
    a = e5_codec.compress("снег + мороз + санки → горка")
    b = e5_codec.compress("банк + кредит + ставка → долг")
    c = e5_codec.compress("оркестр + скрипка + дирижёр → симфония")
    return e5_codec, a, b, c


def _phases(line, code):
    return [next((f["phase"] for f in t.focus if f["key"] == code), None) for t in line]


def test_lifecycle_across_a_constructed_stream(three):
    codec, a, b, c = three
    pulse = Pulse.start(codec, a.code, name="stream")
    line = [pulse.step(cue) for cue in [a] * 3 + [b] * 4 + [a] * 3 + [c] * 30]
    # a builds: it unfolds while told, saturates, declines when the text moves on …
    assert _phases(line, a.code)[:7] == ["unfolding", "saturation", "saturation"] + ["decline"] * 4
    # … and recurs: told again, it enters anew, keeping its earlier presentations
    assert _phases(line, a.code)[7:10] == ["entry", "saturation", "decline"]
    held = next(i for i in pulse.items if i.key == a.code)
    assert {1, 2, 3, 8, 9, 10} <= set(held.presentations)
    # b never returns: it declines and, its activation spent, fades (dormant, not deleted)
    faded = [(t.tick, f) for t in line for f in t.faded if f["key"] == b.code]
    assert len(faded) == 1 and faded[0][1]["decision"] == "fade"
    assert faded[0][0] > 10 and codec.show(b.code).formula == b.formula
    # the scene that recurred outlives the one that did not
    assert a.code in {f["key"] for f in line[-1].focus}


def test_stream_reads_a_text_into_scenes(e5_codec):
    winter = (
        "Снег шёл три дня подряд и засыпал все дороги. Дети катались с горки на санках. "
        "Мороз рисовал узоры на стёклах. В избе трещали дрова в печке. "
    )
    money = (
        "Банк повысил ставку по кредитам. Семья решила отложить покупку квартиры. "
        "Отец подсчитывал расходы и доходы за месяц. Накопления таяли из-за инфляции. "
    )
    line = stream(e5_codec, winter + money)
    assert [len(s["sentences"]) for s in line.segments] == [4, 4]
    assert [s["tick"] for s in line.segments] == [0, 4]
    assert len(line.ticks) == 7  # one tick a sentence after the first
    assert "санки" in line.segments[0]["scene"]["formula"]
    assert "кредит" in line.segments[1]["scene"]["formula"]
    assert e5_codec.count() >= 2
    codes = [f"Δ{i}" for i in e5_codec.store.senses_since(0)[0].tolist()]
    assert codes == [s["scene"]["code"] for s in line.segments]  # each part keeps its sense
    with pytest.raises(InputError, match="empty text"):
        stream(e5_codec, "   ")


def test_a_stream_with_a_part_it_cannot_read_stores_nothing(e5_codec, monkeypatch):
    text = (
        "Снег шёл три дня подряд и засыпал все дороги. Дети катались с горки на санках. "
        "Мороз рисовал узоры на стёклах. В избе трещали дрова в печке. "
        "Банк повысил ставку по кредитам. Семья решила отложить покупку квартиры. "
        "Отец подсчитывал расходы и доходы за месяц. Накопления таяли из-за инфляции. "
    )
    read = e5_codec.concepts
    calls = []

    def second_part_unreadable(part):
        calls.append(part)
        if len(calls) == 2:
            raise InputError("no concepts in the text")
        return read(part)

    monkeypatch.setattr(e5_codec, "concepts", second_part_unreadable)
    before = e5_codec.count()
    with pytest.raises(InputError, match="no concepts"):
        stream(e5_codec, text)
    assert len(calls) == 2 and e5_codec.count() == before


def test_cli_pulse_text(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(
        "Снег шёл три дня подряд. Дети катались с горки на санках. Мороз рисовал узоры. "
        "Банк повысил ставку по кредитам. Семья отложила покупку квартиры. Отец считал расходы.",
        encoding="utf-8",
    )
    m = tmp_path / "m.sqlite"
    png = tmp_path / "timeline.png"
    out = js(m, "pulse", "--text", str(story), "--plot", str(png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    assert [len(s["sentences"]) for s in out["segments"]] == [3, 3]
    assert out["name"].startswith("stream Δ")
    proc = run(m, "pulse", "жар", "--text", str(story), check=False)
    assert proc.returncode == 2 and "not both" in proc.stderr
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00")
    proc = run(m, "pulse", "--text", str(tmp_path / "bad.txt"), check=False)
    assert proc.returncode == 2 and "not UTF-8" in proc.stderr
