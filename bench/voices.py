"""The model voices against the lexical voices on the voices corpus's held-out scenes.

The 40 held-out scenes of ``corpus/voices`` (20 Russian, 20 English; never trained
on) and 160 of its training scenes are stored in a fresh memory (default embedder).
Each held-out scene is expanded with all five registers, written by the lexical voices
and by the model voices (:func:`scenecodec.voices.speak.speak`, ``--samples`` each,
seed 0), and for both realisers:

* **the scene survives its words** — each text, the scene's own lemmas masked
  (:func:`scenecodec.voices.verify.masked`), recalled among the 200 stored scenes
  (:meth:`Codec.recall`): top-1 and top-5;
* **grammar** — Russian adjective–noun agreement errors per 100 Russian texts
  (:func:`~scenecodec.voices.verify.agreement_errors`), Russian words pymorphy3 does not
  know per 100 texts (:func:`~scenecodec.voices.verify.unknown_words`), and English
  sentences whose first word is a bare singular noun (``Oven melted``) per 100 texts;
* **variety** — the largest share of one sentence frame (the first sentence with each
  content word replaced by its part of speech) among the 40 texts of a register;
* **speed** — all five registers of one scene (write, check, choose) p50 and p95, and
  the first words (the first streamed text) p50, in one warm process;
* **the reading test** — every text goes to ``--samples-doc`` (default
  ``docs/voices-samples.md``) beside its scene's plan; with ``--marks FILE`` (a reader's
  TSV: scene id, register, realiser, ``yes``/``no``, the text's first 40 characters),
  the share marked acceptable per realiser and register.

    python bench/voices.py [--samples 3] [--marks docs/voices-reading.tsv]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from common import machine, table
from scenecodec import Codec
from scenecodec.expansion.bridge import REGISTERS
from scenecodec.expansion.expand import expand
from scenecodec.language.morph import tokenize
from scenecodec.voices.speak import speak, voiced
from scenecodec.voices.verify import agreement_errors, masked, unknown_words

ROOT = Path(__file__).resolve().parents[1]
REALISERS = ("lexical", "model")


def corpus() -> tuple[list[dict], list[dict]]:
    """(held-out records, training records) of the voices corpus, in file order."""
    records = [
        json.loads(line)
        for path in sorted((ROOT / "corpus" / "voices").glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    return [r for r in records if r["split"] == "heldout"], [
        r for r in records if r["split"] == "train"
    ]


def bare_subjects(text: str) -> int:
    """English sentences opening with a singular common noun and no determiner."""
    count = 0
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        words = tokenize(sentence)
        if words and words[0].pos == "NOUN" and words[0].lang == "en":
            first = sentence.lstrip("\"'«“ ")
            if not first.lower().startswith(("the ", "a ", "an ")) and not words[0].text.endswith(
                "s"
            ):
                count += 1
    return count


def frame(text: str) -> str:
    """The first sentence with content words as their part of speech."""
    first = re.split(r"(?<=[.!?])\s+", text.strip())[0]
    return " ".join(t.pos if t.content else t.text.lower() for t in tokenize(first))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=3)
    parser.add_argument("--others", type=int, default=160)
    parser.add_argument("--scenes", type=int, default=40, help="held-out scenes to speak")
    parser.add_argument("--samples-doc", type=Path, default=ROOT / "docs" / "voices-samples.md")
    parser.add_argument("--marks", type=Path)
    args = parser.parse_args()
    held, train = corpus()
    held = held[:: max(1, len(held) // args.scenes)][: args.scenes]
    start = time.perf_counter()
    model = voiced()
    print(f"voiced model loaded in {time.perf_counter() - start:.1f} s")
    texts: dict[str, list[dict]] = {r: [] for r in REALISERS}
    speeds, firsts = [], []
    with tempfile.TemporaryDirectory() as folder, Codec.open(Path(folder) / "m.sqlite") as codec:
        stored = {}
        for record in held + train[: args.others]:
            stored[record["id"]] = codec.compress(record["formula"]).code
        for n, record in enumerate(held, 1):
            e = expand(codec, stored[record["id"]], registers=list(REGISTERS))
            began = time.perf_counter()
            first: list[float] = []

            def streamed(register: str, sample: int, text: str, first=first, began=began) -> None:
                if not first and text:
                    first.append(time.perf_counter() - began)

            spoken = speak(codec, e, samples=args.samples, model=model, streamed=streamed)
            speeds.append(time.perf_counter() - began)
            firsts += first
            lemmas = {c.lemma for c in e.scene.concepts} | {e.scene.anchor or ""}
            for register in REGISTERS:
                best_model = next(
                    (c.text for c in spoken.candidates[register] if c.voice != "lexical"), ""
                )
                for realiser, text in (
                    ("lexical", spoken.lexical[register]),
                    ("model", best_model),
                ):
                    texts[realiser].append(
                        {
                            "id": record["id"],
                            "lang": record["lang"],
                            "register": register,
                            "text": text,
                            "kept": spoken.realiser[register] == realiser,
                            "plan": e.plan.line() if e.plan else "",
                            "formula": record["formula"],
                            "code": e.scene.code,
                            "bare": masked(text, lemmas),
                        }
                    )
            print(f"{n}/{len(held)} {record['id']} {speeds[-1]:.1f} s", flush=True)
        for realiser in REALISERS:
            found = codec.recall_many([t["bare"] or "-" for t in texts[realiser]], k=5)
            for t, hits in zip(texts[realiser], found, strict=True):
                codes = [h.scene.code for h in hits]
                t["top1"] = bool(codes) and codes[0] == t["code"]
                t["top5"] = t["code"] in codes
    report(texts, speeds, firsts, args)


def report(texts: dict[str, list[dict]], speeds: list, firsts: list, args) -> None:
    """Print the tables, write the samples document, score the marks."""
    rows = []
    for realiser in REALISERS:
        all_ = texts[realiser]
        ru = [t for t in all_ if t["lang"] == "ru"]
        en = [t for t in all_ if t["lang"] == "en"]
        shares = []
        for register in REGISTERS:
            frames = Counter(frame(t["text"]) for t in all_ if t["register"] == register)
            shares.append(max(frames.values()) / sum(frames.values()))
        rows.append(
            [
                realiser,
                f"{np.mean([t['top1'] for t in all_]):.3f}",
                f"{np.mean([t['top5'] for t in all_]):.3f}",
                f"{100 * sum(agreement_errors(t['text']) for t in ru) / max(1, len(ru)):.1f}",
                f"{100 * sum(unknown_words(t['text']) for t in ru) / max(1, len(ru)):.1f}",
                f"{100 * sum(bare_subjects(t['text']) for t in en) / max(1, len(en)):.1f}",
                f"{max(shares):.3f}",
                f"{sum(t['kept'] for t in all_)}/{len(all_)}",
            ]
        )
    print(f"\n{machine()}; --samples {args.samples}")
    heads = [
        "realiser",
        "own words out: top-1",
        "top-5",
        "agreement /100 ru",
        "unknown words /100 ru",
        "bare subjects /100 en",
        "largest frame share",
        "kept",
    ]
    print(table(heads, rows))
    print(
        f"\nfive registers of a scene: p50 {np.percentile(speeds, 50):.1f} s, "
        f"p95 {np.percentile(speeds, 95):.1f} s; first words p50 "
        f"{np.percentile(firsts, 50):.2f} s"
    )
    write_samples(texts, args.samples_doc)
    if args.marks is not None:
        score_marks(texts, args.marks)


def write_samples(texts: dict[str, list[dict]], path: Path) -> None:
    """Every held-out scene's plan and its texts, lexical and model, per register."""
    lines = [
        "# Voices: held-out samples",
        "",
        "Written by `python bench/voices.py` (see docs/benchmarks.md, issue 15): the 40",
        "held-out scenes of `corpus/voices`, each register by the lexical voices (L) and by",
        "the model voices' best candidate (M); ✓ marks the text `expand` keeps. Rubric",
        "of the reading test: docs/voices-rubric.md.",
        "",
    ]
    by_scene: dict[str, list[tuple[dict, dict]]] = {}
    for lex, mod in zip(texts["lexical"], texts["model"], strict=True):
        by_scene.setdefault(lex["id"], []).append((lex, mod))
    for scene, pairs in by_scene.items():
        lines += [f"## {scene} · {pairs[0][0]['formula']}", "", f"plan: {pairs[0][0]['plan']}", ""]
        for lex, mod in pairs:
            for tag, t in (("L", lex), ("M", mod)):
                mark = " ✓" if t["kept"] else ""
                lines.append(f"- **{t['register']} {tag}{mark}** {t['text']}")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    print(f"samples written to {path}")


def score_marks(texts: dict[str, list[dict]], marks: Path) -> None:
    """The reading test: the share of texts a reader marked acceptable, per realiser."""
    marked = {}
    with marks.open(encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t"):
            if len(row) >= 5 and row[0] != "id":
                marked[(row[0], row[1], row[2], row[4])] = row[3] == "yes"
    rows = []
    for realiser in REALISERS:
        keyed = [(t["id"], t["register"], realiser, t["text"][:40]) for t in texts[realiser]]
        found = [marked[k] for k in keyed if k in marked]
        per = []
        for register in REGISTERS:
            got = [marked[k] for k in keyed if k[1] == register and k in marked]
            per.append(f"{sum(got)}/{len(got)}")
        rows.append([realiser, f"{sum(found)}/{len(found)}", *per])
    kept = [
        marked.get((t["id"], t["register"], r, t["text"][:40]))
        for r in REALISERS
        for t in texts[r]
        if t["kept"]
    ]
    kept = [k for k in kept if k is not None]
    print(table(["realiser", "acceptable", *REGISTERS], rows))
    print(f"the texts expand keeps: {sum(kept)}/{len(kept)} acceptable")


if __name__ == "__main__":
    main()
