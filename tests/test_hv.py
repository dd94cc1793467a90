"""Hypervector algebra: exact values, inverses, packing."""

import numpy as np
import pytest

from scenecodec.algebra import hv


def test_random_bipolar_is_fixed_by_the_key():
    # SHAKE-256("role/entry") begins with bytes 0xe6 0xbc: bits 1110 0110 1011 1100,
    # and bit 1 stands for -1
    v = hv.random_bipolar("role/entry", 16)
    assert v.tolist() == [-1, -1, -1, 1, 1, -1, -1, 1, -1, 1, -1, -1, -1, -1, 1, 1]
    assert not np.array_equal(
        hv.random_bipolar("role/peak", 1024), hv.random_bipolar("role/entry", 1024)
    )


def test_bind_is_its_own_inverse_and_decorrelates():
    a, b = hv.random_bipolar("a", 4096), hv.random_bipolar("b", 4096)
    assert np.array_equal(hv.bind(hv.bind(a, b), b), a)
    assert abs(hv.similarity(hv.bind(a, b), a)) < 0.05


def test_bundle_is_similar_to_each_part():
    parts = np.stack([hv.random_bipolar(str(i), 4096) for i in range(5)])
    s = hv.bundle(parts)
    sims = hv.similarity(parts, s)
    # majority of 5: each part agrees on 1/2 + C(4,2)/2^5 = 0.6875 of dims, cos 0.375
    assert np.allclose(sims, 0.375, atol=0.04)


def test_bundle_even_count_uses_tiebreak():
    a = np.array([[1, -1], [-1, 1]], dtype=np.int8)
    assert hv.bundle(a, tiebreak=np.array([-1, 1], dtype=np.int8)).tolist() == [-1, 1]


@pytest.mark.parametrize("dim", [64, 1024, 2048])
def test_pack_roundtrip_and_size(dim):
    v = hv.random_bipolar("x", dim)
    packed = hv.pack(v)
    assert packed.nbytes == dim // 8
    assert np.array_equal(hv.unpack(packed, dim), v)


def test_permute_shifts_cyclically():
    v = np.array([1, 1, -1, 1], dtype=np.int8)
    assert hv.permute(v, 1).tolist() == [1, 1, 1, -1]
    assert np.array_equal(hv.permute(hv.permute(v, 3), 1), v)
