"""Two-word concepts a dictionary names: ``железная дорога``, *old man*, *full moon*.

A phrase a dictionary lists as one entry is one concept, not its two words: a
railway is no iron road. The entries come from two dictionaries:

* Russian: the 3,276 two-word lemmas of the Russian Wiktionary as the
  ``wiki-ru-wordnet`` package bundles them (an SQLite file read in place, read-only),
  lower-case ones only (names such as ``Северный Кавказ`` are left out);
* English: ``data/compounds-en.txt``, the two-word nouns of Princeton WordNet 3.0
  whose words are both common (built by ``tools/compounds_en.py``).

Only an adjective or noun followed by a noun is kept (a thing, not an idiom such as
``бить баклуши``), and in English only where the first word can be an adjective
(*old man*, *front door*; not *car window*, which is still a window: joining such
compounds lost a paraphrase its scene in ``bench/paraphrase.py``). Each entry is
keyed by its words' lemmas (``железный``, ``дорога``), so that any inflected form in
a text (``по железной дороге``, *old men*) finds it. Building the keys lemmatises
some 24,000 phrases (about three seconds), so they are kept in the user cache
directory, keyed by the versions, this module's text and the English list.

Written here because neither dictionary's own interface looks phrases up by their
lemmas.

>>> compound("железный", "дорога", "ru"), compound("old", "man", "en")
('железная дорога', 'old man')
>>> compound("тёплый", "свет", "ru") is None
True
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from functools import cache
from importlib import metadata, resources
from pathlib import Path

from scenecodec.language.cache import cache_path, keep, load
from scenecodec.language.morph import analyse, language

__all__ = ["compound", "lexicon"]


def compound(first: str, second: str, lang: str) -> str | None:
    """The dictionary phrase whose words' lemmas are ``first`` and ``second``, or ``None``."""
    return lexicon().get(f"{lang}:{first} {second}")


@cache
def lexicon() -> dict[str, str]:
    """``{"lang:lemma lemma": phrase}`` for every two-word entry of both dictionaries."""
    english = _english()
    versions = [
        metadata.version(p) for p in ("scenecodec", "wiki-ru-wordnet", "pymorphy3-dicts-ru")
    ]
    rules = Path(__file__).read_text(encoding="utf-8")  # a change to the filter below rebuilds
    digest = hashlib.sha256("\n".join([*versions, rules, *english]).encode()).hexdigest()[:16]
    path = cache_path(f"compounds-{digest}.json")
    found = load(path, lambda p: json.loads(p.read_text(encoding="utf-8")))
    if isinstance(found, dict):
        return found
    built: dict[str, str] = {}
    for phrase in (*_russian(), *english):
        key = _key(phrase)
        if key is not None:
            built.setdefault(key, phrase)

    def write(partial: Path) -> None:
        partial.write_text(json.dumps(built, ensure_ascii=False), encoding="utf-8")

    keep(path, write)
    return built


def _key(phrase: str) -> str | None:
    """``"lang:lemma lemma"`` of an adjective or noun and a noun; ``None`` for any other
    shape (``бить баклуши``, ``по уши``: idioms, not things)."""
    lang = language(phrase)
    (first, pos1), (second, pos2) = (analyse(w, lang) for w in phrase.split(" "))
    if pos1 not in ("ADJ", "NOUN") or pos2 != "NOUN":
        return None
    if lang == "en" and "ADJ" not in _readings(phrase.split(" ")[0]):
        return None  # a noun before a noun is still that noun: a car window is a window
    return f"{lang}:{first} {second}"


def _readings(word: str) -> dict[str, tuple[str, ...]]:
    import lemminflect

    return dict(lemminflect.getAllLemmas(word))


def _russian() -> list[str]:
    """Lower-case two-word Cyrillic lemmas of the bundled Russian Wiktionary."""
    import wiki_ru_wordnet

    db = Path(wiki_ru_wordnet.__file__).parent / "database" / "wikiwordnet.db"
    with closing(sqlite3.connect(f"{db.as_uri()}?mode=ro&immutable=1", uri=True)) as con:
        rows = con.execute("SELECT DISTINCT lemma FROM synsets WHERE lemma LIKE '% %'")
        lemmas = [r[0] for r in rows]
    return [
        lemma
        for lemma in lemmas
        if len(lemma.split(" ")) == 2
        and lemma == lemma.lower()
        and all(w.isalpha() and language(w) == "ru" for w in lemma.split(" "))
    ]


def _english() -> list[str]:
    text = resources.files("scenecodec.data").joinpath("compounds-en.txt").read_text("utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]
