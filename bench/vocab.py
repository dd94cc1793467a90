"""A large real vocabulary with centred e5 embeddings, cached for the benchmarks.

The N most frequent alphabetic words (length ≥ 2) of wordfreq's Russian and
English lists, half each, embedded with scenecodec's e5 embedder. Embedding
100,000 words takes about ten minutes on two cores, so the result is cached
in ``bench/.cache/vocab-<N>-<key>.npz``, the key a hash of the embedder's
vectors for two probe words, so a changed embedder never reads a stale cache;
later runs load it in a second.

    python bench/vocab.py --size 100000
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import numpy as np
import wordfreq
from rich.progress import track

from scenecodec.language.embed import E5Embedder

CACHE = Path(__file__).resolve().parent / ".cache"


def words(size: int) -> list[str]:
    """``size`` distinct frequent words, half Russian, half English (Russian first)."""
    out: list[str] = []
    seen: set[str] = set()
    for lang in ("ru", "en"):
        taken = 0
        for w in wordfreq.iter_wordlist(lang, "best"):
            if taken == size // 2:
                break
            if w.isalpha() and len(w) > 1 and w not in seen:
                seen.add(w)
                out.append(w)
                taken += 1
    return out


def load(size: int) -> tuple[list[str], np.ndarray]:
    """The vocabulary and its centred unit e5 embeddings ``(size, 384)``, from cache if present."""
    embedder = E5Embedder()
    key = hashlib.sha256(embedder.embed(["жар", "heat"]).round(4).tobytes()).hexdigest()[:8]
    path = CACHE / f"vocab-{size}-{key}.npz"
    if path.exists():
        with np.load(path) as z:
            return z["words"].tolist(), z["embeddings"]
    vocab = words(size)
    step = 512
    parts = [
        embedder.embed(vocab[i : i + step])
        for i in track(range(0, len(vocab), step), f"embedding {len(vocab)} words")
    ]
    emb = np.concatenate(parts).astype(np.float32)
    CACHE.mkdir(exist_ok=True)
    np.savez(path, words=np.array(vocab), embeddings=emb)
    return vocab, emb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    args = parser.parse_args()
    vocab, emb = load(args.size)
    print(f"{len(vocab)} words, embeddings {emb.shape}")


if __name__ == "__main__":
    main()
