"""Compress: the bit-sliced batch equals the definition; bag cues."""

import numpy as np
import pytest

from scenecodec.algebra import hv
from scenecodec.algebra.compress import compress_batch, compress_one, gist, gist_batch
from scenecodec.algebra.slots import Slots, phase_sizes, phases_for


@pytest.fixture(scope="module")
def setup():
    rng = np.random.default_rng(0)
    return Slots.get(1024, 0), np.where(rng.random((400, 1024)) < 0.5, 1, -1).astype(np.int8), rng


def definition(slots, codebook, parts, anchor):
    """sign(Σ R_phase ⊙ part + R_anchor ⊙ anchor + 2 R_shape ⊙ C ⊙ p₀ [+ R_tie ⊙ p₀])."""
    k = len(parts)
    total = np.zeros(1024, dtype=np.int64)
    for i, p in enumerate(phases_for(k)):
        total += slots.phase_roles[p] * codebook[parts[i]]
    if anchor >= 0:
        total += slots.anchor_role * codebook[anchor]
    for vector in slots.structure(k, anchor >= 0):
        total += vector * codebook[parts[0]]
    assert (total != 0).all()  # the count is always odd
    return np.where(total > 0, 1, -1)


@pytest.mark.parametrize("k", [1, 2, 3, 4, 7, 15, 32])
@pytest.mark.parametrize("with_anchor", [False, True])
def test_batch_equals_definition(setup, k, with_anchor):
    slots, codebook, rng = setup
    picks = np.stack([rng.choice(400, k + 1, replace=False) for _ in range(12)])
    anchors = picks[:, k] if with_anchor else np.full(12, -1)
    got = hv.unpack(compress_batch(slots, codebook, picks[:, :k], anchors), 1024)
    for b in range(12):
        assert np.array_equal(got[b], definition(slots, codebook, picks[b, :k], anchors[b]))


def test_mixed_sizes_in_one_batch(setup):
    slots, codebook, _ = setup
    parts = np.array([[0, 1, 2, -1, -1], [3, 4, 5, 6, 7], [8, -1, -1, -1, -1]])
    anchors = np.array([9, -1, 10])
    got = hv.unpack(compress_batch(slots, codebook, parts, anchors), 1024)
    for b, row in enumerate(parts):
        assert np.array_equal(got[b], definition(slots, codebook, row[row >= 0], anchors[b]))
    one = compress_one(slots, codebook[[0, 1, 2]], codebook[9])
    assert np.array_equal(one, got[0])


def test_bad_part_layouts(setup):
    slots, codebook, _ = setup
    with pytest.raises(ValueError, match="filled from the left"):
        compress_batch(slots, codebook, np.array([[0, -1, 2]]), np.array([-1]))
    with pytest.raises(ValueError, match="1…32 parts"):
        compress_batch(slots, codebook, np.array([[-1, -1]]), np.array([-1]))


def test_scene_is_similar_to_its_bound_parts(setup):
    slots, codebook, _ = setup
    v = compress_one(slots, codebook[:7], codebook[7])
    bound = [slots.phase_roles[p] * codebook[i] for i, p in enumerate(phases_for(7))]
    sims = [hv.similarity(v, b) for b in bound]
    assert min(sims) > 0.15
    assert abs(hv.similarity(v, codebook[0])) < 0.12  # unbound parts are hidden
    assert phase_sizes(7) == (3, 2, 2)


def test_unrelated_scenes_of_the_same_shape_share_nothing(setup):
    """The shape code is bound to the first part, so it adds no similarity of its own."""
    slots, codebook, rng = setup
    picks = rng.permutation(400)[:400].reshape(100, 4)
    vectors = hv.unpack(compress_batch(slots, codebook, picks[:, :3], picks[:, 3]), 1024)
    sims = hv.similarity(vectors, vectors)[np.triu_indices(100, 1)]
    assert abs(float(np.mean(sims))) < 0.01


def test_gist_cue_finds_concepts_in_any_slot(setup):
    _, codebook, _ = setup
    scene = gist(codebook[[0, 1, 2, 3]])
    other = gist(codebook[[10, 11, 12, 13]])
    cue = gist(codebook[[3, 1]])  # the anchor and the peak, order given reversed
    assert hv.similarity(cue, scene) > 0.4
    assert abs(hv.similarity(cue, other)) < 0.15


def test_gist_batch_equals_one_at_a_time(setup):
    _, codebook, _ = setup
    parts = np.array([[0, 1, 2], [4, 5, -1], [6, -1, -1]])
    anchors = np.array([3, -1, 7])
    batch = hv.unpack(gist_batch(codebook, parts, anchors), 1024)
    singles = [[0, 1, 2, 3], [4, 5], [6, 7]]
    for row, picks in zip(batch, singles, strict=True):
        assert np.array_equal(row, gist(codebook[picks]))
