"""Embedder backends (language/embed.py)."""

from __future__ import annotations

import numpy as np
import pytest

from scenecodec import Codec
from scenecodec.errors import InputError
from scenecodec.language.embed import E5Embedder, NavecEmbedder, USEEmbedder, get_embedder


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


def test_use_puts_a_word_next_to_its_translation():
    e = get_embedder("use")
    assert isinstance(e, USEEmbedder) and e.dim == 512
    ru = e.embed(["воск", "пчела", "колокол", "ладонь"])
    en = e.embed(["wax", "bee", "bell", "palm", "wax"])
    assert ru.shape == (4, 512) and np.allclose(np.linalg.norm(en, axis=1), 1, atol=1e-5)
    assert np.array_equal(en[0], en[4])
    assert ((ru @ en[:4].T).argmax(1) == np.arange(4)).all()
    assert e.embed([]).shape == (0, 512)


def test_a_use_memory_recalls_across_languages(memory_path):
    with Codec.open(memory_path, embedder="use") as codec:
        codec.compress("воск + свеча → стол")
        codec.compress("пчела + луг → полдень")
        assert codec.recall(["candle", "wax"], k=1)[0].scene.formula == "воск + свеча → стол"
    with Codec.open(memory_path) as codec:
        assert codec.settings.embedder == "use"


def test_common_words_come_from_the_shipped_table_without_the_model(monkeypatch):
    warm, cold = E5Embedder(), E5Embedder()
    rows, codes, _ = cold._table
    assert len(rows) >= 16_000 and codes.dtype == np.int8 and {"дом", "house"} <= set(rows)
    model = warm._model.passage(["дом."]).reshape(1, -1)

    def no_model(self):
        raise AssertionError("the model ran for a word of the table")

    monkeypatch.setattr(E5Embedder, "_model", property(no_model))
    tabled = cold.raw(["дом"])[0]
    cosine = tabled @ model[0] / np.linalg.norm(tabled) / np.linalg.norm(model[0])
    assert cosine > 0.99  # int8, one scale a row
    with pytest.raises(AssertionError, match="the model ran"):
        cold.raw(["зыбьзыбь"])  # not in the table: the model is asked


def test_unknown_embedder_is_a_clear_error():
    with pytest.raises(InputError, match="unknown embedder"):
        get_embedder("word2vec")
