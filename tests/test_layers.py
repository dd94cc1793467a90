"""The package's shape: no circle of imports anywhere, no module past its size limit.

The layers themselves are import-linter contracts (``pyproject.toml``, ``lint-imports``);
these tests keep what the contracts do not see (``docs/architecture.md``).
"""

from __future__ import annotations

import grimp
import pytest

from conftest import script


@pytest.fixture(scope="module")
def layers():
    return script("tools/layers.py")


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("scenecodec")


def test_no_module_imports_one_that_imports_it_back(layers, graph):
    assert layers.cycles(graph) == []


def test_the_measure_finds_a_circle_and_a_climb_when_there_is_one(layers):
    graph = grimp.build_graph("scenecodec")
    graph.add_import(importer="scenecodec.algebra.hv", imported="scenecodec.codec.codec")
    assert any("scenecodec.algebra.hv" in c for c in layers.cycles(graph))
    assert ("scenecodec.algebra.hv", "scenecodec.codec.codec") in layers.upward(graph)


def test_no_import_climbs_a_layer(layers, graph):
    assert layers.upward(graph) == []


def test_module_sizes(layers):
    sizes = layers.sizes()
    assert sizes["scenecodec/codec/codec.py"] <= 400
    assert max(sizes.values()) <= 450, next(iter(sizes.items()))
