"""Paraphrase recall: a scene stored from one text, recalled by a paraphrase; the plain
e5 sentence baseline beside it in the same run.

Each row of ``--data`` (default ``bench/data/paraphrases-ru-en.tsv``: 20 Russian, 20
English, 20 recalled across languages; ``bench/data/paraphrases-heldout-ru-en.tsv``
holds 90 more, written for checking only) is stored with ``Codec.compress(text=...)``
among ``--distractors`` scenes of 3–7 random frequent nouns (half Russian, half
English); each paraphrase cue goes to ``Codec.recall``. The baseline: every stored
scene's concepts as one e5 passage (``passage: жар тревога тишина вход``), the cue as
an e5 query (``query: <cue>``), ranked by cosine — multilingual-e5-small used as its
authors intend. Top-1 and top-3 accuracy per kind for both; the concepts each side
chose with ``--show``. ``--texts`` also stores every sentence of the voices corpus
(``corpus/voices``, 4,886 Russian and English sentences on the same themes: dusk, dogs,
candles, rain) with ``Codec.compress(text=...)``, so that other scenes keep the sense
of a text too and a cue must tell its text from theirs.

    python bench/paraphrase.py
    python bench/paraphrase.py --data bench/data/paraphrases-heldout-ru-en.tsv
    python bench/paraphrase.py --texts
"""

from __future__ import annotations

import argparse
import contextlib
import json
import tempfile
from pathlib import Path

import numpy as np

from common import HERE, machine, nouns, table
from scenecodec import Codec, InputError
from scenecodec.language.embed import E5Embedder

KINDS = ("ru", "en", "cross")


def rows(path: Path = HERE / "data" / "paraphrases-ru-en.tsv") -> list[tuple[str, str, str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            stored, cue, kind = line.split("\t")
            out.append((stored, cue, kind))
    return out


def corpus_sentences() -> list[str]:
    """Every sentence of the voices corpus's register texts, in file order."""
    import razdel

    out = []
    for path in sorted((HERE.parent / "corpus" / "voices").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            for text in json.loads(line)["texts"].values():
                out += [s.text for s in razdel.sentenize(text)]
    return out


def e5_ranks(codec: Codec, cues: list[str], codes: list[str]) -> list[list[str]]:
    """The baseline's three best codes for each cue: e5 ``query:`` against every stored
    scene's concepts as one ``passage:``."""
    model = E5Embedder()._model
    scenes = codec.scenes()
    passages = [" ".join(codec.leaves(s.formula)) for s in scenes]
    stored = np.vstack(
        [model.passage(passages[i : i + 64]).reshape(-1, 384) for i in range(0, len(passages), 64)]
    )
    asked = model.query(cues).reshape(len(cues), 384)
    sims = asked @ stored.T
    best = np.argsort(-sims, axis=1, kind="stable")[:, :3]
    return [[scenes[j].code or "" for j in row] for row in best]


def accuracy(found: list[list[str]], codes: list[str], kinds: list[str]) -> list[str]:
    """``top-1 / top-3`` per kind and for all."""
    out = []
    for kind in (*KINDS, None):
        picked = [n for n, k in enumerate(kinds) if kind in (None, k)]
        top1 = np.mean([found[n][:1] == [codes[n]] for n in picked])
        top3 = np.mean([codes[n] in found[n][:3] for n in picked])
        out.append(f"{top1:.3f} / {top3:.3f}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=HERE / "data" / "paraphrases-ru-en.tsv")
    parser.add_argument("--distractors", type=int, default=10_000)
    parser.add_argument("--embedder", help="a new memory's embedder (default: the library's)")
    parser.add_argument("--texts", action="store_true", help="also store the corpus's sentences")
    parser.add_argument("--show", action="store_true")
    parser.add_argument("--memory", type=Path, help="keep the built memory here and reuse it")
    args = parser.parse_args()
    data = rows(args.data)
    rng = np.random.default_rng(0)
    vocab = nouns("ru", 4000) + nouns("en", 4000)
    distractors = [
        list(rng.choice(vocab, size=rng.integers(3, 8), replace=False))
        for _ in range(args.distractors)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = args.memory or Path(tmp) / "m.sqlite"
        fresh = not path.exists()
        with Codec.open(path, embedder=args.embedder) as codec:
            if fresh:
                codec.compress_many([" + ".join(d) for d in distractors])
                for n, sentence in enumerate(corpus_sentences() if args.texts else []):
                    with contextlib.suppress(InputError):  # "Let him.": no content words
                        codec.compress(text=sentence)
                    if n % 1000 == 999:
                        print(f"{n + 1} sentences stored", flush=True)
            codes = [codec.compress(text=stored).code or "" for stored, _, _ in data]
            cues, kinds = [c for _, c, _ in data], [k for _, _, k in data]
            ours = [[r.scene.code or "" for r in codec.recall(cue, k=3)] for cue in cues]
            baseline = e5_ranks(codec, cues, codes)
            embedder, count = codec.settings.embedder, codec.count()
            if args.show:
                for cue, code, found in zip(cues, codes, ours, strict=True):
                    mark = "✓" if found[:1] == [code] else ("3" if code in found else "✗")
                    print(mark, codec.show(code).formula, "⇐", codec.concepts(cue).formula.render())
    print(f"\n{machine()}; {args.data.name}; {count:,} scenes; embedder {embedder}\n")
    header = ["recall, top-1 / top-3", *KINDS, "all"]
    print(table(header, [["scenecodec", *accuracy(ours, codes, kinds)],
                         ["e5 sentence baseline", *accuracy(baseline, codes, kinds)]]))


if __name__ == "__main__":
    main()
