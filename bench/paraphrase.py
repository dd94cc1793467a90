"""Paraphrase recall: a scene stored from one text, recalled by a paraphrase.

60 scenes from ``bench/data/paraphrases-ru-en.tsv`` (20 Russian, 20 English,
20 recalled across languages), each stored with ``Codec.compress(text=...)``
among ``--distractors`` scenes of 3–7 random frequent nouns (half Russian,
half English); each paraphrase cue goes to ``Codec.recall``. Top-1 and top-3
accuracy per kind, and the concepts each side chose with ``--show``.

    python bench/paraphrase.py
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from common import HERE, machine, nouns, table
from scenecodec import Codec


def rows() -> list[tuple[str, str, str]]:
    text = (HERE / "data" / "paraphrases-ru-en.tsv").read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if line and not line.startswith("#"):
            stored, cue, kind = line.split("\t")
            out.append((stored, cue, kind))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--distractors", type=int, default=10_000)
    parser.add_argument("--show", action="store_true")
    parser.add_argument("--memory", type=Path, help="keep the built memory here and reuse it")
    args = parser.parse_args()
    data = rows()
    rng = np.random.default_rng(0)
    vocab = nouns("ru", 4000) + nouns("en", 4000)
    distractors = [
        list(rng.choice(vocab, size=rng.integers(3, 8), replace=False))
        for _ in range(args.distractors)
    ]
    hits: dict[str, list[tuple[bool, bool]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = args.memory or Path(tmp) / "m.sqlite"
        fresh = not path.exists()
        codec = Codec.open(path)
        if fresh:
            codec.compress_many([" + ".join(d) for d in distractors])
        targets = [codec.compress(text=stored) for stored, _, _ in data]
        for (_, cue, kind), target in zip(data, targets, strict=True):
            found = [r.scene.code for r in codec.recall(cue, k=3)]
            hits.setdefault(kind, []).append((found[:1] == [target.code], target.code in found))
            if args.show:
                mark = "✓" if found[:1] == [target.code] else ("3" if target.code in found else "✗")
                print(mark, target.formula, "⇐", codec.concepts(cue).formula.render())
        codec.close()
    out = []
    for kind in ("ru", "en", "cross"):
        h = np.array(hits[kind])
        out.append([kind, len(h), f"{h[:, 0].mean():.3f}", f"{h[:, 1].mean():.3f}"])
    h = np.array([x for v in hits.values() for x in v])
    out.append(["all", len(h), f"{h[:, 0].mean():.3f}", f"{h[:, 1].mean():.3f}"])
    print(f"\n{machine()}; {args.distractors:,} distractor scenes\n")
    print(table(["cues", "n", "top-1", "top-3"], out))


if __name__ == "__main__":
    main()
