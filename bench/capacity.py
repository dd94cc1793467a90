"""Capacity: how many concepts a 1024-d scene holds and still decodes exactly from its vector.

For each codebook size N (grounded e5 atoms of the N most frequent words, half
Russian, half English) and each scene size k, compress scenes of k concepts
plus an anchor and decode them from the vector alone; a scene counts when
every slot (each concept in its phase, and the anchor) comes back exactly.
Two kinds of scenes: random concepts, and near-synonyms (k/2 pairs of words
whose centred e5 cosine is ≥ 0.8, both words of a pair in the scene, mostly in
the same phase). Beside each: the analytic single-pass prediction for one
slot, p = ∫ φ(h) Φ(h + √(d/k))^(N−1) dh, and p^(k+1) for the whole scene.

    python bench/vocab.py --size 100000   # once, ~10 minutes, cached
    python bench/capacity.py              # ~15 minutes on 2 cores
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy import integrate, stats

from common import (
    decode_exact,
    grounded_atoms,
    item_memory,
    machine,
    near_synonym_pairs,
    synonym_scenes,
    table,
)
from scenecodec.algebra.slots import Slots
from scenecodec.language.atoms import DEFAULT_ALPHA
from vocab import load


def predicted(d: int, k: int, n: int) -> float:
    """Single-pass probability that one slot cleans up right (Gaussian crosstalk model)."""
    shift = np.sqrt(d / k)

    def f(h: float) -> float:
        return stats.norm.pdf(h) * np.exp((n - 1) * stats.norm.logcdf(h + shift))

    return integrate.quad(f, -10, 10, limit=200)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--ks", default="3,5,7,10,15,20,30")
    parser.add_argument("--scenes", type=int, default=200)
    parser.add_argument("--alpha", type=float, default=DEFAULT_ALPHA)
    parser.add_argument("--show", type=int, default=0, help="print this many failures")
    args = parser.parse_args()
    words, emb = load(100_000)
    half = len(words) // 2
    slots = Slots.get(1024, 0)
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        pick = np.r_[0 : n // 2, half : half + n // 2]
        vocab = [words[i] for i in pick]
        embeddings = emb[pick]
        codebook = grounded_atoms(embeddings, alpha=args.alpha, words=vocab)
        memory = item_memory(vocab, codebook)
        syn = near_synonym_pairs(embeddings)
        rng = np.random.default_rng(n)
        for k in (int(x) for x in args.ks.split(",")):
            m = args.scenes
            rand = np.stack([rng.choice(n, k + 1, replace=False) for _ in range(m)])
            near = synonym_scenes(syn, m, k + 1, rng)
            p = predicted(1024, k, n)
            r_ok = decode_exact(slots, memory, rand[:, :k], rand[:, k], codebook, args.show)
            s_ok = decode_exact(slots, memory, near[:, :k], near[:, k], codebook, args.show)
            rows.append(
                [
                    f"{n:,}",
                    k,
                    f"{r_ok:.3f}",
                    f"{s_ok:.3f}",
                    f"{p:.6f}",
                    f"{p ** (k + 1):.4f}",
                ]
            )
            print(rows[-1], flush=True)
    print(f"\n{machine()}; α = {args.alpha}; {args.scenes} scenes per cell\n")
    print(
        table(
            [
                "N atoms",
                "k",
                "exact (random)",
                "exact (near-synonym pairs)",
                "predicted p (one slot)",
                "predicted p^(k+1)",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
