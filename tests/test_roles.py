"""Scene roles in a sequence: opening, closure, foreshadowing, false-loop, none."""

from __future__ import annotations

import numpy as np
import pytest

from scenecodec import InputError, roles
from scenecodec.dynamics.roles import roles_of
from test_cli import js, run

STORY = [
    "море + волна + ветер → парус",
    "волна + парус + чайка → море",
    "школа + урок + доска → звонок",
    "урок + доска + школа → звонок",
    "доска + школа + урок → звонок",
    "шторм + волна + ветер → парус",
    "письмо + конверт + марка → почта",
]


def test_roles_from_the_similarity_structure():
    a, b, _, d = np.eye(4)
    found = roles_of(np.stack([a, a, d, b, b, b, b, d, a]))
    assert [(r.role, r.evidence) for r in found] == [
        ("opening", (1,)),
        ("none", ()),  # the end of the first run: change follows
        ("foreshadowing", (7,)),  # alone between runs, and like a later scene
        ("opening", (4,)),
        ("false-loop", (3,)),
        ("false-loop", (4,)),
        ("none", ()),
        ("none", ()),  # d again: the glimpse it fulfils was isolated, so no closure
        ("closure", (0,)),  # back to the first run after everything else
    ]


def test_codec_roles_on_a_story_and_on_the_memory(e5_codec):
    found = roles(e5_codec, STORY)
    assert [r.role for r in found] == [
        "opening",
        "none",
        "opening",
        "false-loop",
        "none",
        "closure",
        "none",
    ]
    assert found[5].evidence == (0,) and found[5].scene.formula == STORY[5]
    for formula in STORY[:3]:
        e5_codec.compress(formula)
    history = roles(e5_codec, last=2)
    assert [r.scene.code for r in history] == ["Δ2", "Δ3"]


def test_roles_bad_input(hash_codec):
    with pytest.raises(InputError, match="no scenes"):
        roles(hash_codec)


def test_cli_roles_file_json_and_errors(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("# a story\n" + "\n".join(STORY) + "\n", encoding="utf-8")
    memory = tmp_path / "m.sqlite"
    data = js(memory, "roles", "--file", str(story))
    assert [r["role"] for r in data["roles"]][:4] == ["opening", "none", "opening", "false-loop"]
    assert data["roles"][5]["evidence"] == [0]
    both = run(memory, "roles", "Δ1", "--file", str(story), check=False)
    assert both.returncode == 2 and both.stderr.strip() == "error: give scenes or --file, not both"
    bad = tmp_path / "bad.txt"
    bad.write_text("жар + + вход\n", encoding="utf-8")
    broken = run(memory, "roles", "--file", str(bad), check=False)
    assert broken.returncode == 2 and "bad.txt:1" in broken.stderr
