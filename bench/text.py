"""Speed of text → scene: concept choice and encoding, for phrases and a paragraph.

``Codec.resolve(text)`` (concepts chosen, atoms made, scene encoded, nothing
stored) over the 62 annotated texts of ``bench/data/concepts-ru-en.tsv`` as
phrases: first on an empty memory, where every word pays for its e5
embedding, then on a freshly opened memory that already holds their concepts
(embeddings read from the file); and over paragraphs of about 1,000 words built
from them, on an empty memory. p50 and p95 in milliseconds.

    python bench/text.py
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from common import HERE, machine, table
from scenecodec import Codec


def texts() -> list[str]:
    lines = (HERE / "data" / "concepts-ru-en.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[0] for line in lines if line and not line.startswith("#")]


def timed(codec: Codec, items: list[str]) -> tuple[float, float]:
    samples = []
    for text in items:
        start = time.perf_counter()
        codec.resolve(text)
        samples.append((time.perf_counter() - start) * 1000)
    return float(np.percentile(samples, 50)), float(np.percentile(samples, 95))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=10)
    args = parser.parse_args()
    phrases = texts()
    rng = np.random.default_rng(0)
    paragraphs = []
    for _ in range(args.paragraphs):
        picked, words = [], 0
        while words < 1000:
            t = phrases[rng.integers(len(phrases))]
            picked.append(t)
            words += len(t.split())
        paragraphs.append(" ".join(picked))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.sqlite"
        with Codec.open(path) as codec:
            codec.resolve("тишина")  # load e5, pymorphy3 and the tables once
            p50, p95 = timed(codec, phrases)
            rows.append(
                [f"phrase, words new to memory ({len(phrases)})", f"{p50:.1f}", f"{p95:.1f}"]
            )
            for text in phrases:
                codec.compress(text=text)
        with Codec.open(path) as codec:  # a new process would see this: no embedding cache
            codec.resolve("тишина")
            p50, p95 = timed(codec, phrases)
            rows.append(["phrase, concepts already in memory", f"{p50:.1f}", f"{p95:.1f}"])
        with Codec.open(Path(tmp) / "fresh.sqlite") as codec:
            codec.resolve("тишина")
            p50, p95 = timed(codec, paragraphs)
            rows.append(
                [f"paragraph of ~1,000 words, new ({len(paragraphs)})", f"{p50:.1f}", f"{p95:.1f}"]
            )
    print(f"\n{machine()}\n")
    print(table(["text → scene", "p50 ms", "p95 ms"], rows))


if __name__ == "__main__":
    main()
