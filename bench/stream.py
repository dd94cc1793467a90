"""A long text end to end: segmentation, compression of every part, the lifecycle across it.

A text of ``--words`` words made of the passages in ``bench/data/passages-ru-en.tsv``
in a seeded random order, every sentence made unique by a clause naming a random
frequent noun of its language (``…, и потом окно.`` / ``…, and then the window.``) so that
no embedding is reused from a repeat, is read by :func:`scenecodec.stream` in a fresh process
on a fresh memory; the wall time of the whole call is reported.

    python bench/stream.py [--words 10000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from common import HERE, machine, nouns, table
from scenecodec import Codec, stream
from scenecodec.dynamics.stream import sentences


def text(words: int, seed: int = 0) -> str:
    rows = [
        line.split("\t")
        for line in (HERE / "data" / "passages-ru-en.tsv").read_text("utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    pools = {"ru": nouns("ru", 1500), "en": nouns("en", 1500)}
    tail = {"ru": ", и потом {}.", "en": ", and then the {}."}
    rng = np.random.default_rng(seed)
    out: list[str] = []
    count = 0
    while count < words:
        lang, _, passage = rows[int(rng.integers(len(rows)))]
        for s in sentences(passage):
            noun = pools[lang][int(rng.integers(len(pools[lang])))]
            out.append(s.text.rstrip(".!?") + tail[lang].format(noun))
            count += len(out[-1].split())
    return " ".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=10_000)
    args = parser.parse_args()
    source = text(args.words)
    found = sentences(source)
    with tempfile.TemporaryDirectory() as tmp, Codec.open(Path(tmp) / "m.sqlite") as codec:
        codec.compress("тишина + жар → вход")  # load the model (not timed)
        t = time.perf_counter()
        line = stream(codec, source)
        whole = time.perf_counter() - t
    print(f"\n{machine()}; {len(source.split()):,} words, {len(found)} distinct sentences\n")
    condensed = sum(1 for t in line.ticks if t.condensed)
    work = (
        f"stream end to end: {len(line.segments)} scenes, {len(line.ticks)} ticks, "
        f"{condensed} condensed"
    )
    print(table(["work", "seconds"], [[work, f"{whole:.1f}"]]))


if __name__ == "__main__":
    main()
