"""Fused names split by Viterbi over wordfreq."""

import pytest

from scenecodec.errors import InputError
from scenecodec.language.split import Splitter


@pytest.fixture(scope="module")
def splitter():
    return Splitter()


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("тишинажарвход", ("тишина", "жар", "вход")),
        ("тишинажарстрах", ("тишина", "жар", "страх")),
        ("жарстрахтишинавход", ("жар", "страх", "тишина", "вход")),
        ("огоньводаземля", ("огонь", "вода", "земля")),
        ("порогсердце", ("порог", "сердце")),
        ("heatfearsilenceentrance", ("heat", "fear", "silence", "entrance")),
        ("тишинаheat", ("тишина", "heat")),
        ("Вход", ("вход",)),
    ],
)
def test_seed_and_common_names(splitter, name, parts):
    assert splitter.split(name).parts == parts


def test_costs_and_alternatives(splitter):
    r = splitter.split("тишинажарвход")
    assert len(r.alternatives) == 4
    costs = [r.best.cost] + [a.cost for a in r.alternatives]
    assert costs == sorted(costs)
    assert r.best.cost == pytest.approx(sum(r.best.costs))
    d = r.to_dict()
    assert d["parts"] == ["тишина", "жар", "вход"] and len(d["alternatives"]) == 4


def test_user_vocabulary_overrides():
    assert Splitter(vocabulary=["жарстрах"]).split("жарстрахвход").parts == ("жарстрах", "вход")
    # a coined word no dictionary has still splits out when the user knows it
    assert Splitter(vocabulary=["гештальтион"]).split("гештальтионвход").parts == (
        "гештальтион",
        "вход",
    )


def test_memory_word_does_not_cut_up_longer_words():
    assert Splitter(vocabulary=["ход"]).split("тишинажарвход").parts == ("тишина", "жар", "вход")


@pytest.mark.parametrize("bad", ["", "  ", "жар+вход", "жар вход", "x" * 300, "\x00"])
def test_bad_names(splitter, bad):
    with pytest.raises(InputError):
        splitter.split(bad)
