"""The sentence-transformers backend, on a tiny model built and saved here (no download).

Runs where the ``st`` extra is installed (``pip install 'scenecodec[st]'``); CI
installs only ``test``, as torch is too heavy for it.
"""

from __future__ import annotations

import numpy as np
import pytest

from scenecodec import Codec
from scenecodec.errors import InputError
from scenecodec.language.embed import SentenceTransformerEmbedder

st = pytest.importorskip("sentence_transformers")


@pytest.fixture
def model_dir(tmp_path, monkeypatch):
    try:  # sentence-transformers ≥ 6 moved the modules
        from sentence_transformers.sentence_transformer import modules as models
        from sentence_transformers.sentence_transformer.modules.tokenizer import (
            WhitespaceTokenizer,
        )
    except ImportError:
        from sentence_transformers import models
        from sentence_transformers.models.tokenizer import WhitespaceTokenizer

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    words = ["жар", "страх", "тишина", "вход", "heat", "fear", "silence", "entrance"]
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(len(words) + 1, 16)).astype(np.float32)
    embedding = models.WordEmbeddings(WhitespaceTokenizer(words), weights)
    model = st.SentenceTransformer(modules=[embedding, models.Pooling(16)])
    path = tmp_path / "tiny-model"
    model.save(str(path))
    return path


def test_a_memory_on_a_sentence_transformers_model(model_dir, tmp_path):
    with Codec.open(tmp_path / "m.sqlite", embedder=f"st:{model_dir}") as codec:
        scene = codec.compress(["жар", "страх", "тишина"], anchor="вход")
        assert codec.decode(scene.vector).formula == "жар + страх + тишина → вход"
    cached = list((tmp_path / "cache" / "scenecodec").glob("centre-st2-*.npz"))
    assert len(cached) == 1  # centring statistics computed once, then reused
    e = SentenceTransformerEmbedder(str(model_dir))
    v = e.embed(["жар", "жар", "fear"])
    assert v.shape == (3, 16) and np.array_equal(v[0], v[1])
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5)


def test_a_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="cannot load sentence-transformers model"):
        SentenceTransformerEmbedder(str(tmp_path / "nowhere")).embed(["жар"])


def test_no_memory_is_made_on_a_model_that_cannot_load(tmp_path):
    path = tmp_path / "m.sqlite"
    with pytest.raises(InputError, match="cannot load"):
        Codec.open(path, embedder=f"st:{tmp_path / 'nowhere'}")
    assert not path.exists()
