"""The five registers: does the scene survive the words, are the registers distinct, varied, fast?

200 scenes (100 Russian, 100 English), each 2–4 parts and an anchor, drawn (seeded)
from the 1,500 most frequent noun lemmas of each language (wordfreq), are stored in a
fresh memory with the default embedder. For each scene, :func:`scenecodec.expand` speaks all
five registers, then:

* **round trip** — each register's text is recalled as free text (:meth:`Codec.recall`:
  its concepts, then the gists) against the 200 stored scenes; top-1 and top-5: is
  the scene it came from first, or among the first five? The texts name the scene's
  concepts, so the same is measured again with every word whose lemma is one of the
  scene's concepts taken out: what the rest of the words (images, emotions, places,
  archetypes) carry of the scene on their own;
* **distinct** — the mean cosine between the texts of two registers of the same scene
  (e5 sentence embeddings), and the accuracy of a classifier (character 2–4-gram TF-IDF
  + logistic regression, scikit-learn) trained on the texts of the even-numbered scenes
  and tested on the odd-numbered ones;
* **variety** — distinct poetic and bodily texts over the 200, also with the scene's
  own words taken out (so that only the chosen images and sensations differ);
* **speed** — the registers alone (reading, bridge, five voices) per scene, and the
  whole expand, p50 and p95.

    python bench/registers.py [--scenes 200] [--seed 0]
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from common import machine, nouns, table
from scenecodec import Codec, expand
from scenecodec.expansion.bridge import REGISTERS, route, speak
from scenecodec.expansion.registers.reading import read
from scenecodec.expansion.unfold import concept_vectors, tension
from scenecodec.language.morph import tokenize

POOL = 1500
"""Nouns per language the scenes are drawn from."""


def scenes(count: int, seed: int) -> list[str]:
    """``count`` formulas, half Russian then half English, no concept twice in a scene."""
    rng = np.random.default_rng(seed)
    out = []
    for lang in ("ru", "en"):
        pool = nouns(lang, POOL)
        for _ in range(count // 2):
            k = int(rng.integers(2, 5))
            words = [pool[i] for i in rng.choice(len(pool), size=k + 1, replace=False)]
            out.append(f"{' + '.join(words[:-1])} → {words[-1]}")
    return out


def masked(text: str, lemmas: set[str]) -> str:
    """``text`` without the words whose lemma is in ``lemmas``."""
    return " ".join(t.text for t in tokenize(text) if t.lemma not in lemmas and t.text.isalpha())


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--embedder", help="the memory's embedder (default: the library's)")
    args = parser.parse_args()
    formulas = scenes(args.scenes, args.seed)
    texts: list[dict[str, str]] = []
    bare: list[dict[str, str]] = []
    ranks: dict[str, list[int]] = {r: [] for r in REGISTERS}
    bare_ranks: dict[str, list[int]] = {r: [] for r in REGISTERS}
    alone: list[float] = []
    whole: list[float] = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        Codec.open(Path(tmp) / "m.sqlite", embedder=args.embedder) as codec,
    ):
        stored = codec.compress_many(formulas)
        codes = [s.code for s in stored]
        embedder = codec.atoms.embedder
        expand(codec, codes[0])  # warm: prototypes, caches
        for code in codes:
            t = time.perf_counter()
            e = expand(codec, code, registers=list(REGISTERS), depth=1)
            whole.append(time.perf_counter() - t)
            texts.append(e.registers)
            scene = e.scene
            lemmas = [c.lemma for c in scene.concepts] + [scene.anchor]
            bare.append({r: masked(t, set(lemmas)) for r, t in e.registers.items()})
            phases = [c.phase for c in scene.concepts] + ["anchor"]
            t = time.perf_counter()
            vectors = concept_vectors(codec, lemmas)
            reading = read(embedder, lemmas, phases, vectors, tension(vectors, True))
            speak(embedder, reading, route(embedder, reading, registers=list(REGISTERS)))
            alone.append(time.perf_counter() - t)
        for register in REGISTERS:
            for source, into in ((texts, ranks), (bare, bare_ranks)):
                found = codec.recall_many([t[register] for t in source], k=5)
                for code, hits in zip(codes, found, strict=True):
                    got = [h.scene.code for h in hits]
                    into[register].append(got.index(code) + 1 if code in got else 99)
        vecs = {r: embedder.embed([t[r] for t in texts]) for r in REGISTERS}
    half = len(texts) // 2
    rows = []
    for r in REGISTERS:
        ru, en = ranks[r][:half], ranks[r][half:]
        rows.append(
            [
                r,
                f"{np.mean([x == 1 for x in ranks[r]]):.3f}",
                f"{np.mean([x <= 5 for x in ranks[r]]):.3f}",
                f"{np.mean([x == 1 for x in ru]):.3f}",
                f"{np.mean([x == 1 for x in en]):.3f}",
                f"{np.mean([x == 1 for x in bare_ranks[r]]):.3f}",
                f"{np.mean([x <= 5 for x in bare_ranks[r]]):.3f}",
            ]
        )
    print(f"\n{machine()}; {len(texts)} scenes ({half} ru, {len(texts) - half} en)\n")
    print("round trip: the register's text recalled among the stored scenes")
    heads = ["register", "top-1", "top-5", "top-1 ru", "top-1 en", "own words out: top-1", "top-5"]
    print(table(heads, rows))
    pairs = []
    for a, b in itertools.combinations(REGISTERS, 2):
        cos = np.sum(vecs[a] * vecs[b], axis=1) / (
            np.linalg.norm(vecs[a], axis=1) * np.linalg.norm(vecs[b], axis=1)
        )
        pairs.append([f"{a} · {b}", f"{float(np.mean(cos)):.3f}"])
    print("\nmean cosine between two registers' texts of one scene (e5)")
    print(table(["pair", "cosine"], pairs))
    train = [(t[r], r) for i, t in enumerate(texts) if i % 2 == 0 for r in REGISTERS]
    test = [(t[r], r) for i, t in enumerate(texts) if i % 2 == 1 for r in REGISTERS]
    tfidf = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
    model = LogisticRegression(max_iter=2000)
    model.fit(tfidf.fit_transform([x for x, _ in train]), [y for _, y in train])
    guess = model.predict(tfidf.transform([x for x, _ in test]))
    accuracy = float(np.mean([g == y for g, (_, y) in zip(guess, test, strict=True)]))
    print(f"\nregister classifier (train even scenes, test odd): accuracy {accuracy:.3f}")
    print("\nvariety over all scenes")
    rows = []
    for r in ("poetic", "bodily"):
        distinct = len({t[r] for t in texts})
        rest = len({t[r] for t in bare})
        rows.append([r, f"{distinct} / {len(texts)}", f"{rest} / {len(texts)}"])
    print(table(["register", "distinct texts", "own words out"], rows))
    print("\nspeed")
    print(
        table(
            ["work", "p50 ms", "p95 ms"],
            [
                [
                    "five registers (reading, bridge, voices)",
                    f"{pct(alone, 50):.1f}",
                    f"{pct(alone, 95):.1f}",
                ],
                ["whole expand, depth 1", f"{pct(whole, 50):.1f}", f"{pct(whole, 95):.1f}"],
            ],
        )
    )
    for formula, t in list(zip(formulas, texts, strict=True))[:: max(1, len(texts) // 4)]:
        print(f"\n{formula}")
        for r in REGISTERS:
            print(f"  {r:<10} {t[r]}")


if __name__ == "__main__":
    main()
