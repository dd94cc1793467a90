"""Speed of text → scene: concept choice and encoding, for phrases and a paragraph.

``Codec.resolve(text)`` (concepts chosen, atoms made, scene encoded, nothing
stored) over the 62 annotated texts of ``bench/data/concepts-ru-en.tsv`` as
phrases: first on an empty memory, where every word pays for its e5
embedding, then on a freshly opened memory that already holds their concepts
(embeddings read from the file); and over paragraphs of about 1,000 words built
from them, on an empty memory. Then ``Codec.compress`` of one scene at a time, 3–7
nouns and an anchor none of which the memory holds yet (half the scenes Russian, half
English), stored: common nouns (in the shipped vocabulary table), then rare ones (none
in it, so each pays for a model pass). Between them, ``Codec.compress(text=...)`` of the
phrases, stored, their sense read by the sentence encoder. p50 and p95 in milliseconds,
on the memory's default embedder unless ``--embedder`` names another.

    python bench/text.py
    python bench/text.py --embedder e5
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from common import HERE, machine, nouns, table
from scenecodec import Codec
from scenecodec.language.centre import vocabulary_table


def texts() -> list[str]:
    lines = (HERE / "data" / "concepts-ru-en.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[0] for line in lines if line and not line.startswith("#")]


def timed(codec: Codec, items: list[str], store: bool = False) -> tuple[float, float]:
    """p50 and p95 ms of ``Codec.resolve`` of each text (``store``: ``Codec.compress``,
    which also keeps the text's sense)."""
    samples = []
    for text in items:
        start = time.perf_counter()
        codec.compress(text=text) if store else codec.resolve(text)
        samples.append((time.perf_counter() - start) * 1000)
    return float(np.percentile(samples, 50)), float(np.percentile(samples, 95))


def compressed(
    codec: Codec, words: dict[str, list[str]], scenes: int, rng: np.random.Generator
) -> tuple[float, float]:
    """p50 and p95 ms of ``Codec.compress`` of ``scenes`` scenes of 4–8 words never used
    before, Russian and English in turn."""
    samples = []
    for n in range(scenes):
        lang = ("ru", "en")[n % 2]
        size = int(rng.integers(4, 9))
        scene, words[lang] = words[lang][:size], words[lang][size:]
        start = time.perf_counter()
        codec.compress(scene[:-1], anchor=scene[-1])
        samples.append((time.perf_counter() - start) * 1000)
    return float(np.percentile(samples, 50)), float(np.percentile(samples, 95))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=10)
    parser.add_argument("--scenes", type=int, default=100)
    parser.add_argument("--embedder", help="the memories' embedder (default: the library's)")
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
        with Codec.open(path, embedder=args.embedder) as codec:
            codec.resolve("тишина")  # load the model, pymorphy3 and the tables once
            p50, p95 = timed(codec, phrases)
            rows.append(
                [f"phrase, words new to memory ({len(phrases)})", f"{p50:.1f}", f"{p95:.1f}"]
            )
            p50, p95 = timed(codec, phrases, store=True)
            rows.append(
                ["compress the phrases, stored with their senses", f"{p50:.1f}", f"{p95:.1f}"]
            )
        with Codec.open(path) as codec:  # a new process would see this: no embedding cache
            codec.resolve("тишина")
            p50, p95 = timed(codec, phrases)
            rows.append(["phrase, concepts already in memory", f"{p50:.1f}", f"{p95:.1f}"])
        with Codec.open(Path(tmp) / "fresh.sqlite", embedder=args.embedder) as codec:
            codec.resolve("тишина")
            p50, p95 = timed(codec, paragraphs)
            rows.append(
                [f"paragraph of ~1,000 words, new ({len(paragraphs)})", f"{p50:.1f}", f"{p95:.1f}"]
            )
        with Codec.open(Path(tmp) / "scenes.sqlite", embedder=args.embedder) as codec:
            codec.compress(["тишина", "жар"], anchor="вход")
            tabled = set(vocabulary_table(codec.settings.embedder)[0])
            for kind, common in (("common", True), ("rare", False)):  # rare: none in the table
                words = {
                    lang: [w for w in nouns(lang, 30_000)[500:] if (w in tabled) == common]
                    for lang in ("ru", "en")
                }
                if min(map(len, words.values())) < 8 * args.scenes:
                    continue  # no vocabulary table: every word is rare
                p50, p95 = compressed(codec, words, args.scenes, rng)
                label = f"compress, a scene of new {kind} words ({args.scenes})"
                rows.append([label, f"{p50:.1f}", f"{p95:.1f}"])
            embedder = codec.settings.embedder
    print(f"\n{machine()}; embedder {embedder}\n")
    print(table(["text → scene", "p50 ms", "p95 ms"], rows))


if __name__ == "__main__":
    main()
