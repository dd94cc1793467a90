"""Embedder backends (language/embed.py)."""

from __future__ import annotations

import numpy as np
import pytest

from scenecodec import Codec
from scenecodec.errors import InputError
from scenecodec.language.embed import E5Embedder, NavecEmbedder, get_embedder


def test_navec_is_centred_unit_and_semantic():
    v = NavecEmbedder().embed(["страх", "ужас", "стол", "страх"])
    assert v.shape == (4, 300)
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5)
    assert np.array_equal(v[0], v[3])
    assert v[0] @ v[1] > 0.4 > abs(v[0] @ v[2])


def test_navec_gives_unknown_words_distinct_seeded_vectors():
    e = NavecEmbedder()
    a, b, a2 = e.embed(["heat", "silence", "heat"])
    assert np.array_equal(a, a2) and abs(a @ b) < 0.2


def test_a_memory_records_its_embedder(memory_path):
    with Codec.open(memory_path, embedder="navec") as codec:
        codec.compress(["жар", "страх", "тишина"], anchor="вход")
    with Codec.open(memory_path) as codec:
        assert codec.settings.embedder == "navec"
        assert codec.decode(codec.show("Δ1").vector).formula == "жар + страх + тишина → вход"


def test_e5_cache_gives_the_same_vectors_as_a_fresh_model():
    warm = E5Embedder()
    warm.embed(["тишина", "жар"])
    assert np.array_equal(warm.embed(["жар"]), E5Embedder().embed(["жар"]))


def test_unknown_embedder_is_a_clear_error():
    with pytest.raises(InputError, match="unknown embedder"):
        get_embedder("word2vec")
