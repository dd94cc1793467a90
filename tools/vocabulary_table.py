"""Build the shipped vocabulary table: a model's raw vectors of the commonest content lemmas.

For each language, wordfreq's most frequent words are lemmatised (pymorphy3,
lemminflect) and the first ``--per-language`` distinct content lemmas (nouns, verbs,
adjectives, adverbs) are kept; each one's raw vector (what ``Embedder.raw`` gives, before
centring) is quantised to int8 with one scale a row and written to
``src/scenecodec/data/table-<backend>.npz`` (``words``, ``codes``, ``scales``). The
embedder reads these rows instead of running the model
(:meth:`scenecodec.language.centre.Centred._remembered`), so a phrase of common words
never waits for a model pass, and their vectors are the same bits on every CPU. Run
once when an embedder changes:

    python tools/vocabulary_table.py --backend e5
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import wordfreq
from rich.progress import track

from scenecodec.language.embed import EMBEDDERS
from scenecodec.language.morph import analyse

DATA = Path(__file__).resolve().parents[1] / "src" / "scenecodec" / "data"
CONTENT = {"NOUN", "VERB", "ADJ", "ADV"}


def lemmas(lang: str, count: int) -> list[str]:
    """The ``count`` commonest distinct content lemmas of ``lang``, commonest first."""
    found: dict[str, None] = {}
    for word in wordfreq.top_n_list(lang, count * 8):
        if not word.isalpha() or len(word) < 2:
            continue
        lemma, pos = analyse(word, lang)
        if pos in CONTENT and lemma.isalpha():
            found.setdefault(lemma, None)
            if len(found) == count:
                break
    return list(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="e5")
    parser.add_argument("--per-language", type=int, default=8000)
    args = parser.parse_args()
    words = lemmas("ru", args.per_language) + lemmas("en", args.per_language)
    out = DATA / f"table-{args.backend}.npz"
    out.unlink(missing_ok=True)  # the model's own vectors, not the old table's
    embedder = EMBEDDERS[args.backend]()
    chunks = range(0, len(words), 256)
    raw = np.concatenate([embedder.raw(words[i : i + 256]) for i in track(chunks, "embedding")])
    scales = np.abs(raw).max(1) / 127.0
    codes = np.round(raw / scales[:, None]).astype(np.int8)
    scales = scales.astype(np.float32)
    np.savez_compressed(out, words=np.array(words), codes=codes, scales=scales)
    size = out.stat().st_size / 1e6
    print(f"{args.backend}: {len(words)} lemmas, {size:.1f} MB, written to {out}")


if __name__ == "__main__":
    main()
