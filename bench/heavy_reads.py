"""Heavy reads over a large memory: ``list --limit 0 --json``, ``pulse``, and ``export``,
``import`` and ``backup`` where the checkout has them.

A memory of ``--scenes`` scenes of 3–7 concepts and an anchor over 20,000 words is
built once with ``Codec.compress_many`` and the hash embedder (storage is what counts
here; ``--memory`` keeps it for the next run). Each command then runs in a process of
its own, ``python -m scenecodec … > /dev/null``, and reports its wall time and peak
resident memory (``resource.getrusage``, ``ru_maxrss``). ``--src`` runs another
checkout's package over the same file, for a before/after table:

    python bench/heavy_reads.py --scenes 200000 --memory /tmp/heavy.sqlite
    python bench/heavy_reads.py --memory /tmp/heavy.sqlite --src ../base/src   # before
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from common import machine, table

CHILD = """
import resource, sys, time
from scenecodec.interfaces.cli import main
start = time.perf_counter()
try:
    main(sys.argv[1:])
except SystemExit as e:
    status = e.code or 0
else:
    status = 0
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{status} {seconds:.2f} {peak:.0f}", file=sys.stderr)
"""
"""Run one command; print ``status seconds peak-MiB`` on stderr (RSS in KiB on Linux)."""


def build(path: Path, n: int, words: int = 20_000, step: int = 50_000) -> None:
    """A memory at ``path`` of ``n`` distinct scenes over ``words`` concepts (hash atoms)."""
    from scenecodec import Codec

    rng = np.random.default_rng(0)
    vocab = [f"слово{i}" for i in range(words)]
    with Codec.open(path, embedder="hash") as codec:
        for start in range(0, n, step):
            size = min(step, n - start)
            ks = rng.integers(3, 8, size)
            picks = rng.integers(0, words - 8, size)[:, None] + np.arange(8) * 1
            order = np.argsort(rng.random((size, 8)), axis=1)
            chosen = np.take_along_axis(picks, order, axis=1)
            formulas = [
                " + ".join(vocab[j] for j in row[:k]) + " → " + vocab[row[k]]
                for row, k in zip(chosen.tolist(), ks.tolist(), strict=True)
            ]
            codec.compress_many(formulas)


def run(args: list[str], src: Path) -> tuple[int, float, float]:
    """``scenecodec ARGS`` in a fresh process over the package in ``src``."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    status, seconds, peak = done.stderr.strip().splitlines()[-1].split()
    return int(status), float(seconds), float(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=200_000)
    parser.add_argument("--memory", type=Path, help="keep the built memory here and reuse it")
    parser.add_argument("--src", type=Path, default=Path(__file__).parents[1] / "src")
    parser.add_argument("--ticks", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = args.memory or Path(tmp) / "heavy.sqlite"
        if not source.exists():
            start = time.perf_counter()
            build(source, args.scenes)
            print(f"built {args.scenes:,} scenes in {time.perf_counter() - start:.0f} s")
        work = Path(tmp) / "work.sqlite"
        shutil.copy(source, work)  # the pulse stores what it condenses: run it on a copy
        memory = ["--memory", str(work)]
        commands = {
            "list --limit 0 --json": ["list", "--limit", "0", "--json", *memory],
            f"pulse Δ1 --ticks {args.ticks} --json": [
                "pulse",
                "Δ1",
                "--ticks",
                str(args.ticks),
                "--json",
                *memory,
            ],
        }
        if (args.src / "scenecodec" / "memory" / "transfer.py").exists():  # not before
            exported, copy = Path(tmp) / "out.jsonl", Path(tmp) / "copy.sqlite"
            commands["export"] = ["export", str(exported), *memory]
            commands["import (into a new memory)"] = [
                "import",
                str(exported),
                "--memory",
                str(copy),
            ]
            commands["backup"] = ["backup", str(Path(tmp) / "backup.sqlite"), *memory]
        rows = []
        for name, argv in commands.items():
            status, seconds, peak = run(argv, args.src)
            rows.append([f"`{name}`", status, f"{seconds:.1f}", f"{peak:,.0f}"])
            print(rows[-1], flush=True)
    print(f"\n{machine()}; {args.src}; memory {source} ({args.scenes:,} scenes asked)\n")
    print(table(["command", "exit", "seconds", "peak RSS (MiB)"], rows))


if __name__ == "__main__":
    main()
