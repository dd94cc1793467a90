"""Speed of expand: micro-scenes with gloss, archetype, context and templates, at depth 1–3.

A memory of ``--scenes`` scenes of 3–7 random frequent nouns (half Russian, half
English, as in ``bench/paraphrase.py``) is built (or reused with ``--memory``); then
:func:`scenecodec.expand` runs on ``--cues`` stored scenes at depth 1 (all micro-scenes), and
on fewer at depth 2 and 3 (every micro-scene unfolds: up to 7, 49, 343 nodes). The
first expansion (which loads e5 and the prototypes) is left out of the timings.

    python bench/expand.py
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from common import machine, nouns, table
from scenecodec import Codec, expand


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=10_000)
    parser.add_argument("--cues", type=int, default=100)
    parser.add_argument("--memory", type=Path, help="keep the built memory here and reuse it")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    vocab = nouns("ru", 4000) + nouns("en", 4000)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.memory or Path(tmp) / "m.sqlite"
        fresh = not path.exists()
        codec = Codec.open(path)
        if fresh:
            scenes = [
                " + ".join(rng.choice(vocab, size=rng.integers(3, 8), replace=False))
                for _ in range(args.scenes)
            ]
            codec.compress_many(scenes)
        count = codec.count()
        codes = [f"Δ{i}" for i in rng.choice(np.arange(1, count + 1), args.cues, replace=False)]
        expand(codec, codes[0])
        rows = []
        for depth, n in ((1, args.cues), (2, max(1, args.cues // 5)), (3, max(1, args.cues // 20))):
            times, nodes = [], []
            for code in codes[:n]:
                start = time.perf_counter()
                e = expand(codec, code, depth=depth)
                times.append((time.perf_counter() - start) * 1000)
                nodes.append(_count(e.microscenes))
            p50, p95 = np.percentile(times, [50, 95])
            rows.append([depth, n, f"{np.mean(nodes):.0f}", f"{p50:.1f}", f"{p95:.1f}"])
            print(rows[-1], flush=True)
        codec.close()
    print(f"\n{machine()}; {count:,} scenes in memory\n")
    print(table(["depth", "expansions", "micro-scenes (mean)", "p50 ms", "p95 ms"], rows))


def _count(microscenes) -> int:
    return sum(1 + (_count(m.unfolding.microscenes) if m.unfolding else 0) for m in microscenes)


if __name__ == "__main__":
    main()
