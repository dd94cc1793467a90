"""Atoms: deterministic, grounded in e5 for the default embedder, arcsine similarity law."""

import math

import numpy as np
import pytest

from scenecodec.algebra import hv
from scenecodec.language.atoms import DEFAULT_ALPHA, Atoms, expected_similarity
from scenecodec.language.embed import E5Embedder, HashEmbedder, get_embedder


@pytest.fixture(scope="module")
def e5_atoms():
    return Atoms(E5Embedder(), dim=1024, seed=0, alpha=DEFAULT_ALPHA)


def test_atom_is_pinned_bit_for_bit_where_no_model_is_involved():
    """The SHAKE-256 parts (identity, projection) and a deterministic embedder give the
    same atom on every machine. An e5 atom's bits follow the model's floats, which differ
    between CPUs: a memory keeps the atoms it made (tests/test_codec.py)."""
    atom = Atoms(HashEmbedder(), dim=1024, seed=0, alpha=DEFAULT_ALPHA).make(["тишина"])[0]
    assert hv.pack(atom)[:8].tobytes().hex() == "bc03fcc100c5901f"


def test_an_e5_atom_does_not_depend_on_its_batch(e5_atoms):
    atom = e5_atoms.make(["тишина"])[0]
    assert np.array_equal(atom, e5_atoms.make(["жар", "тишина"])[1])


def test_translations_are_neighbours(e5_atoms):
    ru = ["страх", "тишина", "огонь", "дверь", "сердце", "ночь"]
    en = ["fear", "silence", "fire", "door", "heart", "night"]
    a_ru, a_en = e5_atoms.make(ru).astype(np.float32), e5_atoms.make(en).astype(np.float32)
    sims = a_ru @ a_en.T / 1024
    assert np.mean(np.diag(sims)) > 0.08
    assert np.mean(np.diag(sims)) > np.mean(sims[~np.eye(len(ru), dtype=bool)]) + 0.06
    assert (np.argmax(sims, axis=1) == np.arange(len(ru))).mean() >= 0.8


def test_hash_atoms_carry_no_meaning():
    atoms = Atoms(HashEmbedder(), dim=4096, seed=0, alpha=0.7).make(["страх", "fear"])
    assert abs(hv.similarity(atoms[0], atoms[1])) < 0.05


class _Fixed:
    """An embedder with hand-made vectors of known cosine."""

    name = "fixed"
    dim = 384

    def __init__(self, rho):
        rng = np.random.default_rng(3)
        u, v = rng.standard_normal((2, self.dim))
        u /= np.linalg.norm(u)
        v -= (v @ u) * u
        v /= np.linalg.norm(v)
        self.vectors = {"a": u, "b": rho * u + math.sqrt(1 - rho**2) * v}

    def embed(self, texts):
        return np.stack([self.vectors[t] for t in texts])


@pytest.mark.parametrize(("rho", "alpha"), [(0.9, 0.7), (0.5, 0.8), (0.9, 0.3), (0.0, 0.7)])
def test_arcsine_law(rho, alpha):
    atoms = Atoms(_Fixed(rho), dim=65536, seed=0, alpha=alpha).make(["a", "b"])
    measured = hv.similarity(atoms[0], atoms[1])
    assert measured == pytest.approx(expected_similarity(rho, alpha), abs=0.012)


def test_alpha_zero_is_pure_identity():
    atoms = Atoms(E5Embedder(), dim=1024, seed=0, alpha=0.0)
    assert np.array_equal(atoms.make(["жар"])[0], np.where(atoms.identity("жар") >= 0, 1, -1))


def test_seed_changes_every_atom():
    a = Atoms(HashEmbedder(), dim=1024, seed=0, alpha=0.7).make(["жар"])[0]
    b = Atoms(HashEmbedder(), dim=1024, seed=1, alpha=0.7).make(["жар"])[0]
    assert abs(hv.similarity(a, b)) < 0.6


def test_embedders_centre_and_normalise():
    e = get_embedder("e5")
    v = e.embed(["жар", "heat", "стол"])
    assert v.shape == (3, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2]
