"""Stream segmentation: Pk and WindowDiff against known boundaries, beside TextTiling.

100 documents (50 Russian, 50 English), each 4–6 distinct passages of one language from
``bench/data/passages-ru-en.tsv`` joined in a seeded random order, each passage cut to
its first 2–4 sentences (so that segments differ in length); the boundaries between
passages are the gold. Each method gives segment sizes in sentences, scored with
``segeval``'s Pk and WindowDiff (lower is better):

* **scenecodec** — :func:`scenecodec.dynamics.stream.segment`: embedding surprise against the
  running scene, cut at mean + γ·std, refined by modularity; at the default γ, and at
  the γ chosen on the even-numbered documents from a small grid; reported on the
  odd-numbered documents and on all;
* **surprise only** — the same without the modularity refinement;
* **TextTiling** — NLTK's ``TextTilingTokenizer`` with every sentence as a paragraph,
  stop words from ``stopwordsiso``, its window ``w`` and block ``k`` chosen on the
  even-numbered documents the same way;
* **even split** — the gold number of segments, cut into equal lengths (a baseline
  that knows the count).

    python bench/segmentation.py
"""

from __future__ import annotations

import itertools

import numpy as np
import segeval
import stopwordsiso
from nltk.tokenize.texttiling import TextTilingTokenizer

from common import HERE, machine, table
from scenecodec.dynamics.stream import GAMMA, boundaries, segment, sentences
from scenecodec.dynamics.stream import vectors as sentence_vectors
from scenecodec.language.embed import E5Embedder

GAMMAS = (-0.5, -0.25, 0.0, 0.25, 0.5, 1.0)
TILING = ((5, 2), (6, 3), (8, 3), (10, 4), (10, 6), (15, 5), (20, 10))


def documents(seed: int = 0, count: int = 100) -> list[tuple[str, list[list[str]]]]:
    """``(lang, passages as sentence lists)`` per document."""
    rows = [
        line.split("\t")
        for line in (HERE / "data" / "passages-ru-en.tsv").read_text("utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    by_lang: dict[str, list[list[str]]] = {}
    for lang, _, passage in rows:
        by_lang.setdefault(lang, []).append([s.text for s in sentences(passage)])
    rng = np.random.default_rng(seed)
    out = []
    for i in range(count):
        lang = "ru" if i % 2 == 0 else "en"
        pool = by_lang[lang]
        k = int(rng.integers(4, 7))
        chosen = [pool[j] for j in rng.choice(len(pool), k, replace=False)]
        out.append((lang, [p[: int(rng.integers(2, 5))] for p in chosen]))
    return out


def masses(cuts: list[int], n: int) -> tuple[int, ...]:
    edges = [*cuts, n]
    return tuple(b - a for a, b in itertools.pairwise(edges) if b > a)


def tiling(sents: list[str], lang: str, w: int, k: int) -> tuple[int, ...]:
    stop = sorted(stopwordsiso.stopwords(lang))
    tt = TextTilingTokenizer(w=w, k=k, stopwords=stop)
    try:
        parts = tt.tokenize("\n\n".join(sents))
    except ValueError:  # too short for its windows: one segment
        return (len(sents),)
    sizes = [len([p for p in part.split("\n\n") if p.strip()]) for part in parts]
    return tuple(s for s in sizes if s > 0)


def even(n: int, parts: int) -> tuple[int, ...]:
    cuts = sorted({round(i * n / parts) for i in range(parts)})
    return masses(cuts, n)


def score(pairs: list[tuple[tuple[int, ...], tuple[int, ...]]]) -> tuple[float, float]:
    pk = [float(segeval.pk(h, g)) for h, g in pairs]
    wd = [float(segeval.window_diff(h, g)) for h, g in pairs]
    return float(np.mean(pk)), float(np.mean(wd))


def main() -> None:
    docs = documents()
    embedder = E5Embedder()
    flat = [[s for p in passages for s in p] for _, passages in docs]
    gold = [tuple(len(p) for p in passages) for _, passages in docs]
    vectors = [sentence_vectors(embedder, sentences(" ".join(s))) for s in flat]
    even_docs = range(0, len(docs), 2)

    def ours(gamma: float, refined: bool) -> list[tuple[int, ...]]:
        cut = segment if refined else boundaries
        return [masses(cut(v, gamma), len(v)) for v in vectors]

    def pick(results: dict, key) -> object:
        return min(results, key=lambda g: sum(score([(results[g][i], gold[i]) for i in even_docs])))

    mine = {g: ours(g, True) for g in GAMMAS}
    plain = {g: ours(g, False) for g in GAMMAS}
    tiles = {
        wk: [tiling(s, lang, *wk) for s, (lang, _) in zip(flat, docs, strict=True)] for wk in TILING
    }
    g_mine, g_plain, wk = pick(mine, 0), pick(plain, 0), pick(tiles, 0)
    methods = {
        f"scenecodec, default γ {GAMMA}": mine[GAMMA],
        f"scenecodec (γ {g_mine})": mine[g_mine],
        f"surprise only (γ {g_plain})": plain[g_plain],
        f"TextTiling (w {wk[0]}, k {wk[1]})": tiles[wk],
        "TextTiling (NLTK defaults w 20, k 10)": tiles[(20, 10)],
        "even split (knows the count)": [even(sum(g), len(g)) for g in gold],
    }
    rows = []
    for name, hyp in methods.items():
        cells = [name]
        for subset in (range(1, len(docs), 2), range(len(docs))):
            pk, wd = score([(hyp[i], gold[i]) for i in subset])
            cells += [f"{pk:.3f}", f"{wd:.3f}"]
        rows.append(cells)
    n_sent = sum(len(s) for s in flat)
    segments = sum(map(len, gold))
    print(f"\n{machine()}; {len(docs)} documents, {n_sent} sentences, {segments} segments\n")
    print(table(["method", "Pk odd", "WD odd", "Pk all", "WD all"], rows))
    print("\nγ grid (scenecodec, all documents):")
    print(
        table(
            ["γ", "Pk", "WD"],
            [
                [g, *(f"{x:.3f}" for x in score(list(zip(mine[g], gold, strict=True))))]
                for g in GAMMAS
            ],
        )
    )


if __name__ == "__main__":
    main()
