"""The recall index: exact below the limit, sketch and re-rank above it."""

import numpy as np

from scenecodec.algebra import hv
from scenecodec.memory import index as index_module
from scenecodec.memory.index import SceneIndex


def vectors(n, seed):
    rng = np.random.default_rng(seed)
    return np.where(rng.random((n, 1024)) < 0.5, 1, -1).astype(np.int8)


def test_sketch_and_rerank_agrees_with_exact_search(monkeypatch):
    data = vectors(3000, 1)
    rng = np.random.default_rng(2)
    cues = np.where(rng.random((20, 1024)) < 0.25, -data[:20], data[:20])  # cosine 0.5
    exact = SceneIndex(1024)
    exact.add(np.arange(1, 3001), hv.pack(data))
    want_ids, want_sims = exact.search(cues, 5)
    monkeypatch.setattr(index_module, "EXACT_LIMIT", 100)
    got_ids, got_sims = exact.search(cues, 5)
    assert (got_ids[:, 0] == np.arange(1, 21)).all()
    assert np.array_equal(got_ids[:, 0], want_ids[:, 0])
    assert np.allclose(got_sims[:, 0], want_sims[:, 0])
    assert (np.diff(got_sims, axis=1) <= 0).all()


def test_ids_follow_additions():
    index = SceneIndex(1024)
    data = vectors(10, 3)
    index.add(np.array([4, 5]), hv.pack(data[:2]))
    index.add(np.array([9]), hv.pack(data[2:3]))
    assert index.last == 9 and len(index) == 3
    ids, sims = index.search(data[2:3], 3)
    assert ids[0, 0] == 9 and sims[0, 0] == 1.0
    assert SceneIndex(1024).search(data[:1], 3)[0].shape == (1, 0)
