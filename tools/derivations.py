"""Build ``src/scenecodec/data/derivations.tsv``: verb, adjective and adverb → noun.

For the ``--words`` most frequent words of wordfreq's Russian and English lists,
every verb, adjective and adverb lemma (pymorphy3 / lemminflect) gets the nouns
from the same lists that start with one of its stem prefixes
(:func:`scenecodec.language.derive.stems`, :func:`~scenecodec.language.derive.candidates_prefix`);
nouns rarer than Zipf 3, adjectives used as nouns, persons, agents and
compounds are left out; the ``--candidates`` most frequent of the rest are
embedded with e5 and scored by centred cosine to the source, plus a bonus for a
regular derivative (:func:`~scenecodec.language.derive.stem_match`) and a
little for frequency; the best is written when cosine plus bonus reaches
``--threshold`` (0.4; the library uses those above its own, higher
:data:`~scenecodec.language.derive.THRESHOLD`). A Russian noun that is itself a
form of its source (``пах``, the past of ``пахнуть``) is left out. Each Russian
row also gets the cosine of the pair in navec (the news word vectors in
``natasha``): e5 reads words partly by their letters, so it finds ``хлопок``
(cotton) near ``хлопнуть`` and ``пробуждение`` near ``пробиваться``, where
navec, learnt from the words' contexts, does not; the library uses it to keep
a Russian verb's homonymous noun out (:data:`~scenecodec.language.derive.CONTEXT_THRESHOLD`).
Run once when the rules or the embedder change (about ten minutes on 2 cores;
navec needs ``pip install 'scenecodec[navec]'``):

    python tools/derivations.py
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

import numpy as np
import wordfreq
from rich.progress import track

from scenecodec.language.derive import NOUN_ENDINGS, candidates_prefix, stem_match, stems
from scenecodec.language.embed import E5Embedder, NavecEmbedder
from scenecodec.language.morph import analyse, analyser

DATA = Path(__file__).resolve().parents[1] / "src" / "scenecodec" / "data"
AGENT_ENDINGS = ("er", "or", "ress", "ist", "ee")
# Rarer nouns are mostly wrong (тревожность for тревожный, горячка for горячий).
MIN_ZIPF = 3.0
# Among candidates the commoner noun wins near-ties in cosine (star over starling) ...
FREQUENCY_WEIGHT = 0.1
# ... and a regular derivative (stem + noun ending: тиш-ина, пульс) gets a bonus, in
# the choice and against the threshold.
STEM_BONUS = 0.1


def lexicon(lang: str, words: int) -> tuple[dict[str, float], dict[str, str]]:
    """Nouns ``{lemma: zipf}`` and sources ``{lemma: pos}`` among the top ``words``."""
    nouns: dict[str, float] = {}
    sources: dict[str, str] = {}
    for w in wordfreq.top_n_list(lang, words):
        if not w.isalpha() or len(w) < 2:
            continue
        lemma, pos = analyse(w, lang)
        if pos == "NOUN":
            nouns.setdefault(lemma, wordfreq.zipf_frequency(lemma, lang))
        elif pos in ("VERB", "ADJ", "ADV"):
            sources.setdefault(lemma, pos)
    return {n: z for n, z in nouns.items() if z >= MIN_ZIPF}, sources


def context_cosine(navec: NavecEmbedder, source: str, noun: str) -> float:
    """Cosine of two words' navec vectors as navec ships them, not centred: centring
    (made for e5's crowded space) lifts unrelated pairs (хлопнуть/хлопок 0.04 → 0.16)."""
    a, b = navec.raw([source, noun]).astype(np.float64)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def _fold(word: str) -> str:
    return word.replace("ё", "е")


def eligible(noun: str, source: str, lang: str) -> bool:
    """Whether ``noun`` may stand for ``source``: not the source itself, not an
    adjective used as a noun (``жаркое`` for ``жаркий``), not a person or agent
    (``игрок`` for ``играть``, ``waiter`` for ``wait``)."""
    if _fold(noun) == _fold(source):
        return False
    rest = noun[len(source) :] if noun.startswith(source) else ""
    if (
        rest not in NOUN_ENDINGS[lang]
        and len(rest) > 1
        and wordfreq.zipf_frequency(rest, lang) >= 3.5
    ):
        return False  # a compound of the source and a word (makeup, hotbed), not warm-th
    if lang == "ru":
        if not analyser().word_is_known(noun):
            return False  # slang and names wordfreq has but the dictionary lacks (тян)
        parses = analyser().parse(noun)
        if any(p.normal_form == source for p in parses):
            return False  # a form of the source itself: пах (he smelt) for пахнуть
        best = parses[0].tag
        return "anim" not in best and not any(p.tag.POS == "ADJF" for p in parses)
    agent = noun.endswith(AGENT_ENDINGS) and any(noun.startswith(s) for s in stems(source, lang))
    return not agent  # waiter for wait, carrier for carry


def candidates(source: str, lang: str, by_start: dict[str, list[str]], most: int) -> list[str]:
    """Eligible nouns sharing a stem prefix with ``source`` (ё = е): the regular
    derivatives first (so that ``warmth`` is not crowded out of ``warm``'s list by
    commoner nouns in ``wa-``), then the rest, most frequent first."""
    found: list[str] = []
    for stem in stems(_fold(source), lang):
        for prefix in candidates_prefix(stem, lang):
            found += [n for n in by_start.get(prefix[:3], ()) if _fold(n).startswith(prefix)]
    unique = [n for n in dict.fromkeys(found) if eligible(n, source, lang)]
    unique.sort(key=lambda n: not stem_match(n, source, lang))  # stable: frequency within
    return unique[:most]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=150_000)
    parser.add_argument("--candidates", type=int, default=12)
    parser.add_argument("--threshold", type=float, default=0.4)
    args = parser.parse_args()
    embedder = E5Embedder()
    navec = NavecEmbedder()
    rows: list[str] = []
    for lang in ("ru", "en"):
        nouns, sources = lexicon(lang, args.words)
        by_start: dict[str, list[str]] = defaultdict(list)
        for n in sorted(nouns, key=lambda n: -nouns[n]):
            by_start[_fold(n)[:3]].append(n)
        pairs = {s: candidates(s, lang, by_start, args.candidates) for s in sources}
        pairs = {s: c for s, c in pairs.items() if c}
        vocab = sorted(set(pairs) | {n for c in pairs.values() for n in c})
        index = {w: i for i, w in enumerate(vocab)}
        vectors = np.concatenate(
            [
                embedder.embed(vocab[i : i + 256])
                for i in track(range(0, len(vocab), 256), f"e5 {lang}")
            ]
        )
        for source, cands in sorted(pairs.items()):
            sims = vectors[[index[c] for c in cands]] @ vectors[index[source]]
            sims = sims + STEM_BONUS * np.array([stem_match(c, source, lang) for c in cands])
            score = sims + FREQUENCY_WEIGHT * np.array([nouns[c] for c in cands])
            best = int(np.argmax(score))
            if sims[best] >= args.threshold:
                noun = cands[best]
                usage = ""
                if lang == "ru" and navec.known(source) and navec.known(noun):
                    usage = f"{context_cosine(navec, source, noun):.3f}"
                rows.append(f"{source}\t{noun}\t{sources[source]}\t{sims[best]:.3f}\t{usage}")
    header = (
        "# source\tnoun\tpos\tcosine\tnavec cosine — built by tools/derivations.py from "
        "wordfreq, pymorphy3, lemminflect, e5 and navec\n"
    )
    (DATA / "derivations.tsv").write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} derivations to {DATA / 'derivations.tsv'}")


if __name__ == "__main__":
    main()
