"""Decoding from the vector alone: exactness, explaining away, confidence, residual."""

import numpy as np
import pytest

from scenecodec.algebra import hv
from scenecodec.algebra.cleanup import ItemMemory
from scenecodec.algebra.compress import compress_batch
from scenecodec.algebra.decode import decode_batch
from scenecodec.algebra.slots import PHASES, Slots, phase_sizes, phases_for


@pytest.fixture(scope="module")
def memory():
    rng = np.random.default_rng(11)
    codebook = np.where(rng.random((5000, 1024)) < 0.5, 1, -1).astype(np.int8)
    mem = ItemMemory(1024)
    mem.add([f"w{i}" for i in range(len(codebook))], codebook)
    return mem, codebook


def scenes(rng, k, count, n):
    picks = np.stack([rng.choice(n, k + 1, replace=False) for _ in range(count)])
    return picks[:, :k], picks[:, k]


def exact(readings, parts, anchors):
    k = parts.shape[1]
    ok = []
    for b, r in enumerate(readings):
        truth = {(PHASES[p], int(parts[b, i])) for i, p in enumerate(phases_for(k))}
        truth.add(("anchor", int(anchors[b])))
        ok.append(truth == {(s.role, s.item) for s in r.slots})
    return np.array(ok)


@pytest.mark.parametrize("k", [1, 2, 3, 5, 7, 10, 15])
def test_every_slot_decodes_exactly(memory, k):
    mem, codebook = memory
    slots = Slots.get(1024, 0)
    parts, anchors = scenes(np.random.default_rng(k), k, 40, len(codebook))
    vectors = hv.unpack(compress_batch(slots, codebook, parts, anchors), 1024)
    readings = decode_batch(slots, mem, vectors)
    assert exact(readings, parts, anchors).all()
    assert all(r.k == k and r.has_anchor and r.settled for r in readings)
    assert min(s.confidence for r in readings for s in r.slots) > 0.99


def test_explaining_away_beats_the_first_reading(memory):
    """At 20 concepts the plain cleanup (best items per role) misreads most scenes;
    re-reading each slot where the others cancel gets them back."""
    mem, codebook = memory
    slots = Slots.get(1024, 0)
    k = 20
    parts, anchors = scenes(np.random.default_rng(20), k, 30, len(codebook))
    vectors = hv.unpack(compress_batch(slots, codebook, parts, anchors), 1024)
    naive = 0
    for b, v in enumerate(vectors):
        got = set()
        for p, m in enumerate(phase_sizes(k)):
            ids, _ = mem.search((v * slots.phase_roles[p])[None, :], m)
            got |= {(PHASES[p], int(i)) for i in ids[0]}
        ids, _ = mem.search((v * slots.anchor_role)[None, :], 1)
        got.add(("anchor", int(ids[0, 0])))
        truth = {(PHASES[p], int(parts[b, i])) for i, p in enumerate(phases_for(k))}
        naive += truth | {("anchor", int(anchors[b]))} == got
    explained = exact(decode_batch(slots, mem, vectors), parts, anchors).sum()
    assert naive <= 24
    assert explained >= 29


def test_near_synonyms_in_one_scene_stay_apart(memory):
    """Items at cosine 0.5 with each other, both in the same phase, both come back."""
    mem, codebook = memory
    slots = Slots.get(1024, 0)
    rng = np.random.default_rng(5)
    base = codebook[:6]
    flips = rng.random((6, 1024)) < 0.25  # cosine 0.5 with its twin
    twins = np.where(flips, -base, base).astype(np.int8)
    view = mem.extended([f"twin{i}" for i in range(6)], twins)
    parts = np.array([[0, 5000, 1, 5001, 2, 5002]])
    anchor = np.array([3])
    book = np.vstack([codebook, twins])
    vectors = hv.unpack(compress_batch(slots, book, parts, anchor), 1024)
    (reading,) = decode_batch(slots, view, vectors)
    assert exact([reading], parts, anchor).all()


def test_noise_has_high_residual_and_low_confidence(memory):
    mem, _ = memory
    slots = Slots.get(1024, 0)
    noise = np.stack([hv.random_bipolar(f"noise{i}", 1024) for i in range(5)])
    for r in decode_batch(slots, mem, noise):
        assert r.residual > 0.6  # fitting 30-odd best-matching items still leaves most
        assert not r.settled
        assert r.shape_confidence < 0.5


def test_residual_floor_of_a_clean_reading(memory):
    mem, codebook = memory
    slots = Slots.get(1024, 0)
    rng = np.random.default_rng(3)
    for k, low, high in ((1, 0.22, 0.28), (3, 0.25, 0.32), (15, 0.32, 0.38)):
        parts, anchors = scenes(rng, k, 10, len(codebook))
        vectors = hv.unpack(compress_batch(slots, codebook, parts, anchors), 1024)
        residuals = [r.residual for r in decode_batch(slots, mem, vectors)]
        assert low < np.mean(residuals) < high, (k, residuals)
