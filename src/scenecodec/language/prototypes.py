"""Prototype vectors and the scales read against them.

A label's cue phrases are embedded once, averaged, and cached on disk.

Facets (:mod:`scenecodec.expansion.facets`) and archetypes
(:mod:`scenecodec.expansion.archetype`) are sets of labels, each described by a few cue
phrases in Russian and English. A
label's prototype is the normalised mean of its phrases' centred embeddings, so
the Russian and the English description pull it to the same place. Embedding the
cue phrases costs a few seconds with e5, so the prototypes are kept in the user
cache directory, keyed by the embedder, the scenecodec version and the phrases
themselves: a changed table or embedder never reads a stale file.

A :class:`Scale` standardises cosines to a set of directions (prototypes, or the
difference of two poles' prototypes) against a sample of 600 reference words (the
300 most frequent of each language in the shipped reference vocabulary, function
words included): z = 2 means a word leans that way two standard deviations more
than an ordinary word does. The sample takes away what every word shares with a
direction, so a direction near the centre of the space does not win everywhere.

>>> from scenecodec.language.embed import HashEmbedder
>>> p = prototypes(HashEmbedder(), [["жар", "heat"], ["тишина", "silence"]])
>>> p.shape, round(float(np.linalg.norm(p[0])), 6)
((2, 384), 1.0)
>>> scale(HashEmbedder(), p).z(p[:1]).shape
(1, 2)
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version

import numpy as np

from scenecodec.language.cache import cache_path, keep, load
from scenecodec.language.centre import reference_vocabulary
from scenecodec.language.embed import Embedder

__all__ = ["SAMPLE", "Scale", "prototypes", "scale"]

SAMPLE = 300
"""Reference words per language in a scale's sample."""

_MEMO: dict[str, np.ndarray] = {}


@cache
def _version() -> str:
    return version("scenecodec")


def prototypes(embedder: Embedder, labels: Sequence[Sequence[str]]) -> np.ndarray:
    """Unit prototype vectors ``(n_labels, e)``: the mean centred embedding of each
    label's cue phrases, normalised. Cached in memory and in the user cache dir."""
    texts = [t for cues in labels for t in cues]
    key = hashlib.sha256(
        "\x1f".join([embedder.name, _version(), *map("\x1e".join, labels)]).encode()
    ).hexdigest()[:20]
    if key in _MEMO:
        return _MEMO[key]
    path = cache_path(f"prototypes-{key}.npy")
    out = load(path, np.load)
    if out is None:
        vectors = embedder.embed(texts) if texts else np.zeros((0, embedder.dim), np.float32)
        out = np.zeros((len(labels), embedder.dim), dtype=np.float32)
        start = 0
        for i, cues in enumerate(labels):
            mean = vectors[start : start + len(cues)].mean(0) if cues else out[i]
            out[i] = mean / max(float(np.linalg.norm(mean)), 1e-12)
            start += len(cues)
        keep(path, lambda partial: np.save(partial, out))
    _MEMO[key] = out
    return out


@dataclass(frozen=True)
class Scale:
    """Unit ``directions`` ``(F, e)`` with the ``mean`` and ``std`` ``(F,)`` of the
    reference sample's cosines to them."""

    directions: np.ndarray
    mean: np.ndarray
    std: np.ndarray

    def z(self, vectors: np.ndarray) -> np.ndarray:
        """z-scores ``(n, F)`` of centred unit ``vectors`` ``(n, e)``."""
        vectors = np.asarray(vectors, dtype=np.float32)
        return np.asarray((vectors @ self.directions.T - self.mean) / self.std)


@cache
def _sample_words() -> tuple[str, ...]:
    words = reference_vocabulary()
    half = len(words) // 2
    return tuple(words[:SAMPLE] + words[half : half + SAMPLE])


def scale(embedder: Embedder, directions: np.ndarray) -> Scale:
    """The :class:`Scale` of ``directions`` ``(F, e)`` (normalised here) under ``embedder``."""
    d = np.asarray(directions, dtype=np.float32)
    d = d / np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-12)
    sims = prototypes(embedder, [[w] for w in _sample_words()]) @ d.T
    return Scale(d, sims.mean(0), sims.std(0) + 1e-6)
