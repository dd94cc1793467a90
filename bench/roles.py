"""Scene roles in a sequence: per-label precision and recall on constructed stories.

``bench/data/roles-ru-en.tsv``: six short stories (three Russian, three English,
the same plots), each an ordered list of scene formulas with the role its
construction gives it: runs of related scenes (``opening`` starts one), a return to
the first run (``closure``), an isolated glimpse of a later scene (``foreshadowing``),
repeats that change nothing (``false-loop``). :func:`scenecodec.roles` labels each story
on a fresh memory; the table gives precision and recall per label over all scenes.
The rules' thresholds were set on these stories; ``bench/data/roles-heldout-ru-en.tsv``
holds two more, written afterwards, as a held-out check.

    python bench/roles.py
    python bench/roles.py --data bench/data/roles-heldout-ru-en.tsv
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import HERE, machine, table
from scenecodec import Codec, roles
from scenecodec.dynamics.roles import ROLES


def stories(path: Path) -> dict[str, list[tuple[str, str]]]:
    text = path.read_text(encoding="utf-8")
    out: dict[str, list[tuple[str, str]]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            story, formula, role = line.split("\t")
            out.setdefault(story, []).append((formula, role))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=HERE / "data" / "roles-ru-en.tsv")
    args = parser.parse_args()
    told = stories(args.data)
    pairs: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp, Codec.open(Path(tmp) / "m.sqlite") as codec:
        for name, scenes in told.items():
            found = roles(codec, [f for f, _ in scenes])
            for (formula, gold), got in zip(scenes, found, strict=True):
                mark = "✓" if got.role == gold else "✗"
                print(mark, name, formula, "→", got.role, got.evidence, "| gold", gold)
                pairs.append((gold, got.role))
    rows = []
    for label in ROLES:
        chosen = sum(g == label for _, g in pairs)
        gold = sum(t == label for t, _ in pairs)
        hit = sum(t == g == label for t, g in pairs)
        precision = f"{hit / chosen:.3f}" if chosen else "—"
        recall = f"{hit / gold:.3f}" if gold else "—"
        rows.append([label, gold, chosen, precision, recall])
    accuracy = sum(t == g for t, g in pairs) / len(pairs)
    print(f"\n{machine()}; {len(pairs)} scenes in {len(told)} stories of {args.data.name}\n")
    print(table(["role", "gold", "chosen", "precision", "recall"], rows))
    print(f"\naccuracy over all scenes: {accuracy:.3f}")


if __name__ == "__main__":
    main()
