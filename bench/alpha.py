"""Choose α, the grounding weight of atoms, by measurement.

For each α: (1) **neighbour quality**: for 145 Russian–English translation pairs
(``bench/data/pairs-ru-en.tsv``), is the translation's atom among the 10 most
similar atoms of a 10,000-word codebook (5,000 Russian, 5,000 English words)?
And how well do atom similarities follow embedding similarities (Spearman ρ
over 20,000 random pairs)? (2) **decoding**: the fraction of 15-concept scenes
with an anchor that decode exactly from the vector alone, for random concepts
and for concepts drawn in near-synonym pairs (centred e5 cosine ≥ 0.8, both
words of each pair in the same scene).

    python bench/vocab.py --size 100000   # once, ~10 minutes, cached
    python bench/alpha.py
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy.stats import spearmanr

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
from scenecodec.language.embed import E5Embedder
from vocab import load


def pairs() -> list[tuple[str, str]]:
    from common import HERE

    lines = (HERE / "data" / "pairs-ru-en.tsv").read_text(encoding="utf-8").splitlines()
    return [tuple(x.split("\t")) for x in lines if x and not x.startswith("#")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=200)
    parser.add_argument("--alphas", default="0,0.3,0.45,0.6,0.7,0.8,0.9")
    args = parser.parse_args()
    words, emb = load(100_000)
    half = len(words) // 2
    rows = list(range(5000)) + list(range(half, half + 5000))
    pair_words = pairs()
    extra = [w for p in pair_words for w in p]
    vocab = [words[i] for i in rows]
    known = set(vocab)
    extra = [w for w in dict.fromkeys(extra) if w not in known]
    vocab += extra
    embeddings = np.concatenate([emb[rows], E5Embedder().embed(extra)])
    index = {w: i for i, w in enumerate(vocab)}
    rng = np.random.default_rng(0)
    k, n = 15, args.scenes
    random_scenes = np.stack([rng.choice(len(vocab), k + 1, replace=False) for _ in range(n)])
    syn = near_synonym_pairs(embeddings)
    syn_scenes = synonym_scenes(syn, n, k + 1, rng)
    left = rng.integers(0, len(vocab), 20000)
    right = rng.integers(0, len(vocab), 20000)
    emb_sim = np.sum(embeddings[left] * embeddings[right], axis=1)
    slots = Slots.get(1024, 0)
    results = []
    for alpha in (float(a) for a in args.alphas.split(",")):
        atoms = grounded_atoms(embeddings, alpha=alpha, words=vocab)
        memory = item_memory(vocab, atoms)
        a32 = atoms.astype(np.float32)
        hits = 0
        for ru, en in pair_words:
            sims = a32 @ a32[index[ru]]
            sims[index[ru]] = -np.inf
            hits += int(np.sum(sims > sims[index[en]]) < 10)
        atom_sim = np.sum(a32[left] * a32[right], axis=1)
        rho = spearmanr(atom_sim, emb_sim).statistic
        exact_random = decode_exact(slots, memory, random_scenes[:, :k], random_scenes[:, k], atoms)
        exact_syn = decode_exact(slots, memory, syn_scenes[:, :k], syn_scenes[:, k], atoms)
        results.append(
            [
                alpha,
                f"{hits / len(pair_words):.3f}",
                f"{rho:.3f}",
                f"{exact_random:.3f}",
                f"{exact_syn:.3f}",
            ]
        )
        print(results[-1], flush=True)
    emb_hits = 0
    for ru, en in pair_words:
        sims = embeddings @ embeddings[index[ru]]
        sims[index[ru]] = -np.inf
        emb_hits += int(np.sum(sims > sims[index[en]]) < 10)
    print(
        f"\n{machine()}; codebook {len(vocab)} words; {len(syn)} near-synonym pairs; "
        f"translation in top 10 by raw embedding: {emb_hits / len(pair_words):.3f}\n"
    )
    print(
        table(
            [
                "α",
                "translation in top 10",
                "Spearman ρ (atom vs embedding)",
                f"exact decode k={k}, random",
                f"exact decode k={k}, near-synonym pairs",
            ],
            results,
        )
    )


if __name__ == "__main__":
    main()
