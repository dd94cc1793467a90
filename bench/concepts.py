"""Concept extraction: precision and recall of the chosen lemmas, anchor accuracy, YAKE.

Against ``bench/data/concepts-ru-en.tsv`` (62 hand-annotated phrases and short
paragraphs, half Russian, half English; ``--data`` names another file of the same
format, such as the held-out ``concepts-heldout-ru-en.tsv``): a chosen lemma (part or anchor) is a
hit when it is one of the text's gold concepts (``a|b``: either counts).
Micro-averaged precision = hits / chosen, recall = gold concepts found / gold
concepts (and, since a scene holds at most 7 concepts, recall against each
text's gold count capped at 7), and how often the anchor is one of the marked ones. Beside it, YAKE
(single words, its top 7, lemmatised the same way), and the effect of ``KEEP``
(the salience ratio kept) and ``VERBAL`` (the weight of verbs and adjectives
that have no noun).

    python bench/concepts.py
    python bench/concepts.py --data bench/data/concepts-heldout-ru-en.tsv
"""

from __future__ import annotations

import argparse
from pathlib import Path

import scenecodec.language.concepts as concepts_module
from common import machine, table
from scenecodec.language.concepts import extract
from scenecodec.language.embed import E5Embedder
from scenecodec.language.morph import language, lemma

DATA = Path(__file__).resolve().parent / "data" / "concepts-ru-en.tsv"
CAP = 7


def annotated(path: Path = DATA) -> list[tuple[str, list[set[str]], set[str]]]:
    """``(text, gold concepts as sets of alternatives, gold anchor alternatives)``."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        text, gold, anchor = line.split("\t")
        rows.append((text, [set(g.split("|")) for g in gold.split(",")], set(anchor.split("|"))))
    return rows


def score(chosen: list[list[str]], data) -> tuple[float, float, float]:
    """Micro precision, recall, and recall with each text's gold count capped at
    :data:`CAP` (a scene holds at most 7 concepts; six paragraphs have 9–10 gold)."""
    hits = found = n_chosen = n_gold = n_capped = 0
    for lemmas, (_, gold, _) in zip(chosen, data, strict=True):
        n_chosen += len(lemmas)
        n_gold += len(gold)
        n_capped += min(len(gold), CAP)
        hits += sum(any(w in g for g in gold) for w in lemmas)
        found += sum(any(w in g for w in lemmas) for g in gold)
    return hits / n_chosen, found / n_gold, found / n_capped


def ours(data, embedder) -> tuple[list[list[str]], float]:
    out, anchors = [], 0
    for text, _, gold_anchor in data:
        c = extract(text, embedder)
        out.append([p.lemma for p in c.parts] + ([c.anchor.lemma] if c.anchor else []))
        anchors += bool(c.anchor and c.anchor.lemma in gold_anchor)
    return out, anchors / len(data)


def yake_lemmas(data) -> list[list[str]]:
    import yake

    out = []
    for text, _, _ in data:
        lang = language(text)
        extractor = yake.KeywordExtractor(lan=lang, n=1, top=7)
        out.append([lemma(k) for k, _ in extractor.extract_keywords(text) if language(k)])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print each text's choice")
    parser.add_argument(
        "--data", type=Path, default=DATA, help="annotated TSV (default: %(default)s)"
    )
    args = parser.parse_args()
    data = annotated(args.data)
    embedder = E5Embedder()
    rows = []
    for keep in (0.4, 0.5, 0.6):
        for verbal in (0.3, 0.5, 1.0):
            concepts_module.KEEP, concepts_module.VERBAL = keep, verbal
            chosen, anchor = ours(data, embedder)
            p, r, rc = score(chosen, data)
            name = f"scenecodec, KEEP {keep}, VERBAL {verbal}"
            rows.append([name, f"{p:.3f}", f"{r:.3f}", f"{rc:.3f}", f"{anchor:.3f}"])
            print(rows[-1], flush=True)
            if args.show and (keep, verbal) == (0.5, 0.3):
                for (text, gold, _), lemmas in zip(data, chosen, strict=True):
                    print(text[:60], "→", lemmas, "| gold", [sorted(g) for g in gold])
    p, r, rc = score(yake_lemmas(data), data)
    rows.append(["YAKE top 7 single words, lemmatised", f"{p:.3f}", f"{r:.3f}", f"{rc:.3f}", "—"])
    print(f"\n{machine()}; {args.data.name}, {len(data)} texts\n")
    heads = ["extractor", "precision", "recall", f"recall, gold ≤ {CAP}", "anchor accuracy"]
    print(table(heads, rows))


if __name__ == "__main__":
    main()
