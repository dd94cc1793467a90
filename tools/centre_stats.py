"""Build the shipped reference vocabulary and the e5 centring statistics.

Writes ``src/scenecodec/data/reference-vocabulary.txt`` (the 4,000 most frequent
alphabetic words of length ≥ 2 in wordfreq's Russian and English lists) and
``src/scenecodec/data/centre-e5.npz`` (per-dimension mean and standard deviation
of their raw e5 ``query:`` embeddings). Run once when the embedder changes:

    python tools/centre_stats.py
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import wordfreq
from rich.progress import track

from scenecodec.language.embed import E5Embedder

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
    args = parser.parse_args()
    words = vocabulary(args.per_language)
    embedder = E5Embedder()
    rows = [embedder.raw(words[i : i + 256]) for i in track(range(0, len(words), 256), "e5")]
    raw = np.concatenate(rows)
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / "reference-vocabulary.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    np.savez(DATA / "centre-e5.npz", mean=raw.mean(0), std=raw.std(0), words=len(words))
    print(f"wrote statistics of {len(words)} words to {DATA}")


if __name__ == "__main__":
    main()
