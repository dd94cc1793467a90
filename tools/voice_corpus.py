"""Check the hand-written voices corpus (``corpus/voices/*.jsonl``) against its format.

Each line is one scene: its formula, the plan a voice must carry (subject, field of
feeling with its ambivalence, bodily loci, archetype, phase, goal) with every id taken
from the package's own tables (``emotions.tsv``, ``body.tsv``, ``archetypes.tsv``), and
five register texts of 1–4 sentences and 12–80 words in the scene's language. Across a
file no register may open more than ``max(2, n/20)`` texts with the same two words (the
templates this corpus exists to replace), and no formula may be both a training and a
held-out scene anywhere in the corpus. ``corpus/voices/README.md`` describes the format.

    python tools/voice_corpus.py                 # every file; exit 1 on a problem
    python tools/voice_corpus.py corpus/voices/ru-1.jsonl
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "scenecodec" / "data"
CORPUS = ROOT / "corpus" / "voices"
REGISTERS = ("logical", "poetic", "emotional", "archetypal", "bodily")
PHASES = ("entry", "unfolding", "saturation", "decline")
KEYS = {"id", "lang", "split", "formula", "subject", "field", "body", "archetype", "phase"}
KEYS |= {"goal", "texts"}
FORMULA = re.compile(r"^[^+→]+( \+ [^+→]+)+ → [^+→]+$")
SENTENCE = re.compile(r"(?<=[.!?…])\s+")


def _rows(name: str) -> list[list[str]]:
    with open(DATA / name, encoding="utf-8") as f:
        return [r for r in csv.reader(f, delimiter="\t") if r and not r[0].startswith("#")]


EMOTIONS = {r[2] for r in _rows("emotions.tsv") if r[0] != "conflict"}
CONFLICTS = {r[1] for r in _rows("emotions.tsv") if r[0] == "conflict"}
SENSATIONS = {r[1] for r in _rows("body.tsv") if r[0] == "sensation"}
LOCATIONS = {r[1] for r in _rows("body.tsv") if r[0] == "location"}
ARCHETYPES = {f"{r[0]}:{r[1]}" for r in _rows("archetypes.tsv")}


def scene_problems(s: dict) -> list[str]:
    """What is wrong with one record (empty: nothing)."""
    if set(s) != KEYS:
        return [f"keys {sorted(set(s) ^ KEYS)} wrong"]
    found = []
    words = [w.strip() for w in re.split(r"[+→]", s["formula"])]
    checks = [
        (s["lang"] in ("ru", "en"), "lang"),
        (s["split"] in ("train", "heldout"), "split"),
        (bool(FORMULA.match(s["formula"])) and 3 <= len(words) <= 5, "formula"),
        (all(w == w.lower() and " " not in w for w in words), "one lowercase lemma a word"),
        (s["subject"] == "person" or s["subject"] in words, "subject"),
        (1 <= len(s["field"]["emotions"]) <= 3, "1-3 emotions"),
        (set(s["field"]["emotions"]) <= EMOTIONS, f"emotions {s['field']['emotions']}"),
        (s["field"]["conflict"] in CONFLICTS | {None}, "conflict"),
        (1 <= len(s["body"]) <= 2, "1-2 bodily loci"),
        (
            all(b["sensation"] in SENSATIONS and b["location"] in LOCATIONS for b in s["body"]),
            f"body {s['body']}",
        ),
        (s["archetype"] in ARCHETYPES, f"archetype {s['archetype']}"),
        (s["phase"] in PHASES, "phase"),
        (s["goal"] is None or 3 <= len(s["goal"]) <= 60, "goal"),
        (set(s["texts"]) == set(REGISTERS), "the five registers"),
    ]
    found += [what for ok, what in checks if not ok]
    for register, text in s["texts"].items():
        sentences = [x for x in SENTENCE.split(text.strip()) if x]
        cyrillic = len(re.findall(r"[а-яё]", text.lower()))
        latin = len(re.findall(r"[a-z]", text.lower()))
        if not 1 <= len(sentences) <= 4 or not 12 <= len(text.split()) <= 80:
            found.append(f"{register}: {len(sentences)} sentences, {len(text.split())} words")
        if (s["lang"] == "ru") != (cyrillic > latin):
            found.append(f"{register}: not in {s['lang']}")
    return found


def problems(paths: list[Path]) -> list[str]:
    """Every problem in ``paths``, as ``file:line: what``."""
    found, splits, ids = [], {}, set()
    for path in paths:
        lines = path.read_text(encoding="utf-8").splitlines()
        openings: Counter[tuple[str, str]] = Counter()
        for n, line in enumerate(lines, 1):
            try:
                s = json.loads(line)
            except json.JSONDecodeError as e:
                found.append(f"{path.name}:{n}: not JSON ({e})")
                continue
            found += [f"{path.name}:{n}: {p}" for p in scene_problems(s)]
            if s.get("id") in ids:
                found.append(f"{path.name}:{n}: id {s.get('id')} twice")
            ids.add(s.get("id"))
            splits.setdefault(s.get("formula"), set()).add(s.get("split"))
            for register, text in s.get("texts", {}).items():
                openings[register, " ".join(text.lower().split()[:2])] += 1
        limit = max(2, len(lines) // 20)
        found += [
            f"{path.name}: {c} {register} texts open with {opening!r}"
            for (register, opening), c in openings.items()
            if c > limit
        ]
    found += [f"{f!r} is both train and heldout" for f, s in splits.items() if len(s) > 1]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args()
    paths = args.files or sorted(CORPUS.glob("*.jsonl"))
    found = problems(paths)
    scenes = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in paths)
    print("\n".join([*found, f"{len(paths)} files, {scenes} scenes, {len(found)} problems"]))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
