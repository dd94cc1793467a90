"""Many processes writing one memory at once: errors, lost scenes, duplicate codes, time.

Each of ``--writers`` processes opens the same brand-new memory and compresses
``--scenes`` scenes one call each, three new words and an anchor a scene, a tenth of
them the same scene from every writer (which must be stored once); the default
embedder runs the model for every new word, the case where writers used to fail with
``database is locked`` while one of them embedded inside the write lock.

With ``--postgres`` the same writers then write a brand-new PostgreSQL memory (an
embedded server, or the one at ``--url``) in the same run, and both are printed.

    python bench/writers.py --writers 8 --scenes 1000 [--embedder hash --postgres]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import tempfile
import time
from pathlib import Path

from common import machine, postgres
from scenecodec import Codec


def write(path: Path | str, worker: int, count: int, embedder: str, out: mp.Queue) -> None:
    """Compress ``count`` scenes; put (acknowledged formulas, errors) on ``out``."""
    stored, errors = [], []
    try:
        with Codec.open(path, embedder=embedder) as codec:
            for i in range(count):
                if i % 10 == 0:
                    formula = f"общий{i} + shared{i} → цель"
                else:
                    formula = f"слово{worker}и{i} + word{worker}x{i} + тон{i % 50} → цель{i % 7}"
                try:
                    stored.append((codec.compress(formula).code, formula))
                except Exception as e:  # counted, not raised: the point is how many fail
                    errors.append(f"{type(e).__name__}: {e}")
    except Exception as e:
        errors.append(f"open: {type(e).__name__}: {e}")
    out.put((stored, errors))


def run(memory: Path | str, args: argparse.Namespace) -> None:
    """The writers on ``memory`` at once; what they were told against what is stored."""
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    procs = [
        ctx.Process(target=write, args=(memory, w, args.scenes, args.embedder, out))
        for w in range(args.writers)
    ]
    start = time.perf_counter()
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    seconds = time.perf_counter() - start
    acked = {f: c for stored, _ in results for c, f in stored}
    errors = [e for _, errs in results for e in errs]
    with Codec.open(memory) as codec:
        rows = {s.formula: int(s.code[1:]) for s in codec.scenes()}
    lost = [f for f, c in acked.items() if rows.get(f) != int(c[1:])]
    codes = [c for stored, _ in results for c, _ in stored]
    twice = len({(c, f) for stored, _ in results for c, f in stored}) - len(set(codes))
    print(
        f"{'PostgreSQL' if isinstance(memory, str) else 'SQLite'}: acknowledged {len(codes)}, "
        f"errors {len(errors)}, lost {len(lost)}, codes given to two formulas {twice}, "
        f"stored {len(rows)}, {seconds:.1f} s"
    )
    for e in sorted(set(errors))[:5]:
        print("  ", e)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--scenes", type=int, default=1000)
    parser.add_argument("--embedder", default="e5")
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL")
    parser.add_argument("--url", help="a PostgreSQL server's maintenance database [embedded]")
    args = parser.parse_args()
    print(f"{machine()}; {args.writers} writers × {args.scenes} scenes, {args.embedder}")
    with tempfile.TemporaryDirectory() as tmp:
        run(Path(tmp) / "memory.sqlite", args)
    if args.postgres:
        with postgres(args.url) as database:
            run(database("writers"), args)


if __name__ == "__main__":
    main()
