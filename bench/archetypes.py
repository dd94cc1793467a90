"""Archetype assignment: accuracy against hand-annotated scenes, ``none`` a class of its own.

``bench/data/archetypes-ru-en.tsv``: 44 scenes (22 Russian, 22 English) with the
archetype keys a reader would accept (``campbell:threshold|vangennep:liminality``), or
``none`` where no archetype fits. Each scene's meaning vector
(:func:`scenecodec.language.embed.meaning`, the anchor weighing double) goes to
:func:`scenecodec.expansion.archetype.assign`; a hit is an accepted key, or ``None`` for ``none``.
Beside the defaults, a grid over the floor and the margin shows how sensitive the
rule is (the grid's best is tuned on this very set, so it is an upper bound).

    python bench/archetypes.py
"""

from __future__ import annotations

import itertools

import numpy as np

import scenecodec.expansion.archetype as archetype_module
from common import HERE, machine, table
from scenecodec.expansion.archetype import assign
from scenecodec.language.embed import E5Embedder, meaning
from scenecodec.language.forms import parse_formula
from scenecodec.language.morph import language


def annotated() -> list[tuple[str, set[str]]]:
    text = (HERE / "data" / "archetypes-ru-en.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    return [(formula, set(gold.split("|"))) for formula, gold in rows]


def accuracy(data, vectors, embedder) -> tuple[float, dict[str, float]]:
    found = assign(embedder, vectors)
    hits = {
        "ru": [],
        "en": [],
    }
    for (formula, gold), got in zip(data, found, strict=True):
        key = "none" if got is None else got.archetype.key
        hits[language(formula)].append(key in gold)
    every = hits["ru"] + hits["en"]
    return float(np.mean(every)), {k: float(np.mean(v)) for k, v in hits.items()}


def main() -> None:
    data = annotated()
    embedder = E5Embedder()
    vectors = []
    for formula, _ in data:
        parsed = parse_formula(formula)
        lemmas = [*parsed.parts, *([parsed.anchor] if parsed.anchor else [])]
        vectors.append(meaning(embedder.embed(lemmas), anchor=parsed.anchor is not None))
    vectors = np.stack(vectors)
    rows = []
    default = (archetype_module.FLOOR, archetype_module.MARGIN)
    grid = itertools.product((0.1, 0.15, 0.2, 0.25, 0.3), (0.0, 0.01, 0.02, 0.04, 0.06))
    for floor, margin in [default, *grid]:
        archetype_module.FLOOR, archetype_module.MARGIN = floor, margin
        every, per = accuracy(data, vectors, embedder)
        name = f"floor {floor}, margin {margin}" + (" (default)" if not rows else "")
        rows.append([name, f"{per['ru']:.3f}", f"{per['en']:.3f}", f"{every:.3f}"])
    archetype_module.FLOOR, archetype_module.MARGIN = default
    best = max(rows[1:], key=lambda r: float(r[3]))
    for (formula, gold), got in zip(data, assign(embedder, vectors), strict=True):
        key = "none" if got is None else got.archetype.key
        print("✓" if key in gold else "✗", formula, "→", key, "| gold", "|".join(sorted(gold)))
    print(f"\n{machine()}; {len(data)} scenes\n")
    print(
        table(["rule", "ru", "en", "all"], [rows[0], ["best of the grid: " + best[0], *best[1:]]])
    )


if __name__ == "__main__":
    main()
