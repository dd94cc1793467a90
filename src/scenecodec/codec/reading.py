"""How the codec reads what a user types: a fused name, concept words, or free text.

A fused name (``тишинажарвход``, one token) is split into its words with the memory's
concepts as known words (:class:`~scenecodec.language.split.Splitter`); the scene it
names is those words, the last the anchor, when the split is confident, and the name
as one concept when it is not (a dictionary word, or a piece nobody knows). Several
words are concepts as typed when every one is a content word in its dictionary form
(``жар страх тишина``), and free text otherwise.

>>> from scenecodec.memory import open_store
>>> names = Names(open_store(":memory:", embedder="hash"))
>>> formula, reading = names.read("тишинажарвход")
>>> formula.render(), reading.confident
('тишина + жар → вход', True)
>>> is_text("жар страх тишина"), is_text("жаркая тишина")
(False, True)
"""

from __future__ import annotations

from scenecodec.language.forms import Formula, normalize_lemma, read_formula
from scenecodec.language.morph import tokenize
from scenecodec.language.split import SplitResult, Splitter
from scenecodec.memory.store import Store

__all__ = ["Names", "is_text", "words"]


class Names:
    """Fused names read against one memory: its stored concepts are known words, picked
    up as they are stored."""

    def __init__(self, store: Store):
        self.store = store
        self._splitter: Splitter | None = None
        self._seen = 0

    def split(self, name: str) -> SplitResult:
        """Split a fused name into words; concepts stored in memory count as known words."""
        if self._splitter is None:
            self._splitter = Splitter()
        ids, lemmas, _ = self.store.atoms_since(self._seen)
        if ids:
            self._splitter.add(lemmas)
            self._seen = ids[-1]
        return self._splitter.split(name)

    def read(self, name: str, anchor: str | None = None) -> tuple[Formula, SplitResult]:
        """The formula a fused name stands for, and how it was read: its words, the last
        the anchor (all of them parts when ``anchor`` is given), when the split is
        :attr:`~scenecodec.language.split.SplitResult.confident`; else the name whole."""
        reading = self.split(name)
        parts = list(reading.parts if reading.confident else (normalize_lemma(name),))
        if anchor is None and len(parts) > 1:
            anchor = parts.pop()
        return read_formula(parts, anchor), reading


def words(text: str) -> tuple[str, ...]:
    """Space-separated concepts, normalised (``Жар  страх`` → ``('жар', 'страх')``)."""
    return tuple(normalize_lemma(w) for w in text.split())


def is_text(text: str) -> bool:
    """True unless every word of ``text`` is already a content word in its dictionary
    form (``жар страх тишина``): then the words are the concepts, as typed."""
    split = text.split()
    tokens = tokenize(text)
    return len(tokens) != len(split) or any(
        not t.content or t.lemma != t.text.lower() for t in tokens
    )
