"""Build the shipped reference vocabulary and the embedders' centring statistics.

Writes ``src/scenecodec/data/reference-vocabulary.txt`` (the 4,000 most frequent
alphabetic words of length ≥ 2 in wordfreq's Russian and English lists) and, per
backend, ``src/scenecodec/data/centre-<backend>.npz`` (per-dimension mean and
standard deviation of the raw embeddings of the words the backend knows: all of
them for e5, the Russian ones for navec). Run once when an embedder changes:

    python tools/centre_stats.py --backends e5 navec
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import wordfreq
from rich.progress import track

from scenecodec.language.centre import Centre
from scenecodec.language.embed import EMBEDDERS

DATA = Path(__file__).resolve().parents[1] / "src" / "scenecodec" / "data"


def vocabulary(per_language: int) -> list[str]:
    """The most frequent alphabetic words of each language, Russian first."""
    words: list[str] = []
    for lang in ("ru", "en"):
        chosen = [
            w for w in wordfreq.top_n_list(lang, per_language * 3) if w.isalpha() and len(w) > 1
        ]
        words.extend(chosen[:per_language])
    return words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-language", type=int, default=4000)
    parser.add_argument("--backends", nargs="+", default=["e5", "navec"])
    args = parser.parse_args()
    words = vocabulary(args.per_language)
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / "reference-vocabulary.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    for name in args.backends:
        embedder = EMBEDDERS[name]()
        chunks = range(0, len(words), 256)
        raw = np.concatenate([embedder.raw(words[i : i + 256]) for i in track(chunks, name)])
        Centre.fit(words, raw).save(DATA / f"centre-{name}.npz")
        print(f"{name}: statistics of {int((~np.isnan(raw[:, 0])).sum())} words written to {DATA}")


if __name__ == "__main__":
    main()
