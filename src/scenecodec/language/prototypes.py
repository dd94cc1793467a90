"""Prototype vectors: a label's cue phrases embedded once, averaged, and cached on disk.

Facets (:mod:`scenecodec.facets`) and archetypes (:mod:`scenecodec.archetype`) are
sets of labels, each described by a few cue phrases in Russian and English. A
label's prototype is the normalised mean of its phrases' centred embeddings, so
the Russian and the English description pull it to the same place. Embedding the
cue phrases costs a few seconds with e5, so the prototypes are kept in the user
cache directory, keyed by the embedder, the scenecodec version and the phrases
themselves: a changed table or embedder never reads a stale file.

>>> from scenecodec.language.embed import HashEmbedder
>>> p = prototypes(HashEmbedder(), [["жар", "heat"], ["тишина", "silence"]])
>>> p.shape, round(float(np.linalg.norm(p[0])), 6)
((2, 384), 1.0)
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache
from importlib.metadata import version
from pathlib import Path

import numpy as np
from platformdirs import user_cache_dir

from scenecodec.language.embed import Embedder

__all__ = ["prototypes"]

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
    path = Path(user_cache_dir("scenecodec")) / f"prototypes-{key}.npy"
    if path.exists():
        out = np.load(path)
    else:
        vectors = embedder.embed(texts) if texts else np.zeros((0, embedder.dim), np.float32)
        out = np.zeros((len(labels), embedder.dim), dtype=np.float32)
        start = 0
        for i, cues in enumerate(labels):
            mean = vectors[start : start + len(cues)].mean(0) if cues else out[i]
            out[i] = mean / max(float(np.linalg.norm(mean)), 1e-12)
            start += len(cues)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial.npy")
        np.save(partial, out)
        partial.replace(path)
    _MEMO[key] = out
    return out
