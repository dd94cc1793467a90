"""Fused names: split accuracy on random joins of 2–4 words, beside wordninja.

The words are the hand-written concept words of ``bench/data/pairs-ru-en.tsv``
and ``bench/data/concepts-ru-en.tsv`` (Russian and English lemmas, one to three
words long skipped) — a list that is not the segmenter's own source (wordfreq).
``--joins`` names per language, each 2–4 distinct words of one language fused;
a split counts when it gives back exactly those words. wordninja (English
Wikipedia unigrams) runs on the English names in the same run.

``--heldout`` scores instead the 200 names of ``bench/data/names-heldout.tsv``, written
by hand as people name scenes (a quarter with inflected words: ``bellringingalarm``,
``горящиесвечи``) and never tuned on; ``--show`` prints the misses.

    python bench/names.py
    python bench/names.py --heldout --show
"""

from __future__ import annotations

import argparse
import re

import numpy as np
import wordninja

from common import HERE, machine, table
from scenecodec.language.morph import language
from scenecodec.language.split import Splitter


def words() -> dict[str, list[str]]:
    """The benchmark's word list by language."""
    found: set[str] = set()
    for line in (HERE / "data" / "pairs-ru-en.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            found.update(line.split("\t")[:2])
    for line in (HERE / "data" / "concepts-ru-en.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            found.update(re.split(r"[,|]", line.split("\t")[1]))
    out: dict[str, list[str]] = {"ru": [], "en": []}
    for w in sorted(found):
        if w.isalpha() and len(w) >= 3 and language(w):
            out[language(w)].append(w.lower())
    return out


def heldout(show: bool) -> None:
    """Accuracy on the held-out names, per language, wordninja beside on English."""
    splitter, rows = Splitter(), []
    lines = (HERE / "data" / "names-heldout.tsv").read_text(encoding="utf-8").splitlines()
    data = [line.split("\t") for line in lines if line and not line.startswith("#")]
    for lang in ("ru", "en"):
        names = [(name, gold.split()) for name, gold, kind in data if kind == lang]
        ours = [list(splitter.split(name).parts) == gold for name, gold in names]
        ninja = [wordninja.split(name) == gold for name, gold in names] if lang == "en" else []
        ninja_rate = f"{np.mean(ninja):.3f}" if ninja else ""
        rows.append([lang, len(names), f"{np.mean(ours):.3f}", ninja_rate])
        for (name, gold), hit in zip(names, ours, strict=True):
            if show and not hit:
                got = " | ".join(splitter.split(name).parts)
                print(f"✗ {name}: {got} (gold {' | '.join(gold)})")
    print(f"\n{machine()}; names-heldout.tsv\n")
    print(table(["language", "names", "scenecodec", "wordninja"], rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--joins", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0, help="which random names")
    parser.add_argument("--heldout", action="store_true", help="score the held-out names")
    parser.add_argument("--show", action="store_true", help="print the held-out misses")
    args = parser.parse_args()
    if args.heldout:
        heldout(args.show)
        return
    rng = np.random.default_rng(args.seed)
    vocab = words()
    splitter = Splitter()
    rows = []
    for lang in ("ru", "en"):
        names = [
            list(rng.choice(vocab[lang], size=rng.integers(2, 5), replace=False))
            for _ in range(args.joins)
        ]
        ours = np.mean([list(splitter.split("".join(n)).parts) == n for n in names])
        rows.append([lang, len(vocab[lang]), args.joins, f"{ours:.3f}", ""])
        if lang == "en":
            ninja = np.mean([wordninja.split("".join(n)) == n for n in names])
            rows[-1][-1] = f"{ninja:.3f}"
    total = np.mean([float(r[3]) for r in rows])
    rows.append(["all", sum(len(v) for v in vocab.values()), 2 * args.joins, f"{total:.3f}", ""])
    print(f"\n{machine()}\n")
    print(table(["language", "words", "names", "scenecodec", "wordninja"], rows))


if __name__ == "__main__":
    main()
