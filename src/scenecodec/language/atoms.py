"""Concept → atom: a bipolar hypervector grounded in a text embedding, plus an identity part.

    atom(lemma) = sign(α · P · centre(embed(lemma)) + √(1 − α²) · identity(lemma))

* ``centre(embed(lemma))`` is the embedder's centred unit vector (``e`` dims);
* ``P`` is a ``(d, e)`` matrix of ±1 drawn from SHAKE-256 keyed by the seed and the
  embedder's name, so each coordinate of ``P·c`` has unit variance;
* ``identity(lemma)`` is a standard normal vector keyed by the seed and the lemma.

Both parts are (close to) Gaussian with unit variance, so α² is the grounded
part's share of the variance and two lemmas whose centred embeddings have
cosine ρ get atoms whose expected similarity is ``(2/π)·arcsin(α²ρ)``
(:func:`expected_similarity`, the arcsine law for signs of correlated Gaussians).
A ±1 identity would not do: ``sign(α·g ± √(1−α²))`` follows the identity on
almost every dimension unless α is large, and the grounding would all but
vanish (0.0007 instead of 0.05 at α = 0.3, ρ = 0.9). The grounded part makes
translations and synonyms neighbours, the identity part keeps every atom
distinct enough to decode. α is a setting recorded in the memory; its
default was chosen by measurement (docs/atoms.md, ``bench/alpha.py``).

Everything random comes from hashes, not from a numpy generator, so the same lemma
and the same embedding give the same atom on every machine. A model's embedding is not
the same everywhere: its floats differ between CPUs (Intel, AMD) enough to flip a few
bits of a fresh atom. So a memory stores each atom it has made, and a stored scene,
or any scene of stored concepts, has the same bits on every machine
(``tests/test_codec.py``; ``tools/jitter`` runs the suite on a simulated other CPU).

>>> from scenecodec.language.embed import HashEmbedder
>>> atoms = Atoms(HashEmbedder(), dim=1024, seed=0, alpha=0.5)
>>> a = atoms.make(["жар", "страх", "жар"])
>>> a.shape, a.dtype.name, bool((a[0] == a[2]).all())
((3, 1024), 'int8', True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache

import numpy as np

from scenecodec.algebra import hv
from scenecodec.language.embed import Embedder

__all__ = ["DEFAULT_ALPHA", "Atoms", "expected_similarity"]

DEFAULT_ALPHA = 0.7


def expected_similarity(rho: float, alpha: float) -> float:
    """Expected atom similarity for centred embedding cosine ``rho`` (arcsine law).

    >>> round(expected_similarity(1.0, 1.0), 6), expected_similarity(0.8, 0.0)
    (1.0, 0.0)
    """
    return 2.0 / math.pi * math.asin(max(-1.0, min(1.0, alpha * alpha * rho)))


@cache
def _projection(key: str, dim: int, edim: int) -> np.ndarray:
    bits = hv.random_bits(key, dim * edim).reshape(dim, edim)
    return (1.0 - 2.0 * bits).astype(np.float64)


class Atoms:
    """Makes atoms ``(n, d)`` int8 for lemmas with a given embedder, dimension, seed and α."""

    def __init__(self, embedder: Embedder, *, dim: int, seed: int, alpha: float):
        if not 0.0 <= alpha <= 1.0:
            raise ValueError(f"alpha must lie in [0, 1], got {alpha}")
        self.embedder = embedder
        self.dim = dim
        self.seed = seed
        self.alpha = alpha

    def identity(self, lemma: str) -> np.ndarray:
        """The seeded standard normal identity part of ``lemma``'s atom, ``(d,)`` float64."""
        return hv.random_gaussian(f"{self.seed}/atom/{lemma}", self.dim)

    def grounded(self, embeddings: np.ndarray) -> np.ndarray:
        """``P · c`` for centred unit embeddings ``(n, e)`` → ``(n, d)`` float64, unit variance."""
        key = f"{self.seed}/projection/{self.embedder.name}"
        proj = _projection(key, self.dim, self.embedder.dim)
        out: np.ndarray = np.asarray(embeddings, dtype=np.float64) @ proj.T
        return out

    def make(self, lemmas: Sequence[str]) -> np.ndarray:
        """Atoms of ``lemmas``: ``(n, d)`` int8 of ±1."""
        if not lemmas or self.alpha == 0.0:
            return self.combine(lemmas, None)
        return self.combine(lemmas, self.embedder.embed(list(lemmas)))

    def combine(self, lemmas: Sequence[str], embeddings: np.ndarray | None) -> np.ndarray:
        """Atoms of ``lemmas`` whose centred unit ``embeddings`` ``(n, e)`` are already known
        (``None`` when α = 0): ``(n, d)`` int8."""
        if not lemmas:
            return np.zeros((0, self.dim), dtype=np.int8)
        identity = np.stack([self.identity(lemma) for lemma in lemmas])
        mix = math.sqrt(1.0 - self.alpha**2) * identity
        if self.alpha > 0.0:
            if embeddings is None:
                raise ValueError(f"alpha = {self.alpha} needs the embeddings of the lemmas")
            mix += self.alpha * self.grounded(embeddings)
        return np.where(mix >= 0.0, 1, -1).astype(np.int8)
