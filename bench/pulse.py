"""Pulse speed: one tick with a large memory, and the cost of starting a pulse.

A memory of ``--scenes`` scenes of 3–7 random frequent nouns (as ``bench/expand.py``
builds it; ``--memory`` keeps and reuses it — the pulse stores condensed scenes, so
it runs on a copy), then ``--pulses`` pulses from random stored scenes, ``--ticks``
ticks each; every tick (unfolding, resonance over all stored gists, activation,
lifecycle, condensation) is timed.

    python bench/pulse.py --memory /tmp/m.sqlite
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from common import machine, nouns, table
from scenecodec import Codec
from scenecodec.dynamics.pulse import Pulse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=10_000)
    parser.add_argument("--pulses", type=int, default=10)
    parser.add_argument("--ticks", type=int, default=20)
    parser.add_argument("--memory", type=Path, help="keep the built memory here and reuse it")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        source = args.memory or Path(tmp) / "m.sqlite"
        if not source.exists():
            vocab = nouns("ru", 4000) + nouns("en", 4000)
            with Codec.open(source) as codec:
                codec.compress_many(
                    [
                        " + ".join(rng.choice(vocab, size=rng.integers(3, 8), replace=False))
                        for _ in range(args.scenes)
                    ]
                )
        work = Path(tmp) / "work.sqlite"
        shutil.copy(source, work)
        starts, steps, condensed = [], [], 0
        with Codec.open(work) as codec:
            count = codec.count()
            codes = [f"Δ{i}" for i in rng.choice(np.arange(1, count + 1), args.pulses, False)]
            Pulse.start(codec, codes[0]).run(2)  # warm: caches, FAISS
            for code in codes:
                t = time.perf_counter()
                pulse = Pulse.start(codec, code)
                starts.append(time.perf_counter() - t)
                for _ in range(args.ticks):
                    t = time.perf_counter()
                    tick = pulse.step()
                    steps.append(time.perf_counter() - t)
                    condensed += tick.condensed is not None
    ms = lambda xs, q: f"{float(np.percentile(xs, q)) * 1000:.1f}"  # noqa: E731
    print(f"\n{machine()}; {count:,} scenes in memory\n")
    rows = [
        [f"one tick ({len(steps)} ticks)", ms(steps, 50), ms(steps, 95)],
        [f"starting a pulse ({len(starts)})", ms(starts, 50), ms(starts, 95)],
    ]
    print(table(["work", "p50 ms", "p95 ms"], rows))
    print(f"\ncondensations: {condensed} in {len(steps)} ticks")


if __name__ == "__main__":
    main()
