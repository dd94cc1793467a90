"""The senses of one memory: the embedding each stored concept's atom was made from.

They are read from the store (and topped up as it grows) so that a stored concept
is never embedded again, and they are what recall uses to let a cue word bring in
the stored concepts nearest to it in meaning, in either language (``heat`` finds
``жар``). A :class:`Senses` is also an :class:`~scenecodec.language.embed.Embedder`:
stored concepts are answered from the memory, others by the model.

>>> import tempfile, pathlib
>>> from scenecodec.language.embed import HashEmbedder
>>> from scenecodec.memory import open_store
>>> store = open_store(pathlib.Path(tempfile.mkdtemp()) / "m.sqlite", embedder="hash")
>>> rows = np.eye(2, 384, dtype=np.float32)
>>> store.put_atoms({w: (bytes(128), row.tobytes()) for w, row in zip(["жар", "heat"], rows)})
>>> senses = Senses(store, HashEmbedder())
>>> senses.lemmas(), senses.matrix().shape, senses.holds("Жар heat"), senses.holds("жар лёд")
(['жар', 'heat'], (2, 384), True, False)
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np

from scenecodec.language.embed import Embedder
from scenecodec.language.morph import language
from scenecodec.memory.store import Store

__all__ = ["SENSE_MIN", "SENSE_TOP", "Senses"]

SENSE_MIN = 0.5
"""Least centred embedding cosine for a stored concept to join a gist cue; translations
of common words average 0.57 with e5-small (``bench/data/pairs-ru-en.tsv``). Against
0.3: paraphrase top-3 the same (0.867 over 60 cues; top-1 0.683 against 0.650,
``bench/paraphrase.py``), and a register's text finds its scene far more often, as
fewer stored concepts that merely sit near its stock words join the cue (emotional
top-1 0.95 against 0.855, ``bench/registers.py``)."""
SENSE_TOP = 1
"""Stored concepts that join a gist cue for each cue concept, in its language and in the
other (``bench/paraphrase.py``: more only add noise)."""


class Senses:
    """Embeddings ``(n, e)`` of every concept stored in ``store``, by ``embedder``."""

    def __init__(self, store: Store, embedder: Embedder):
        self.store = store
        self.embedder = embedder
        self.name = embedder.name
        self._matrix = np.zeros((0, 0), dtype=np.float32)
        self._lemmas: list[str] = []
        self._row: dict[str, int] = {}
        self._cyrillic = np.zeros(0, dtype=bool)
        self._seen = 0

    @property
    def dim(self) -> int:
        """The embedder's dimension ``e``."""
        return self.embedder.dim

    def matrix(self) -> np.ndarray:
        """Embeddings ``(n, e)`` of the stored concepts in storage order, topped up."""
        ids, lemmas, senses = self.store.embeddings_since(self._seen)
        if ids:
            self._row.update((w, len(self._lemmas) + i) for i, w in enumerate(lemmas))
            fresh = senses.astype(np.float32)
            self._matrix = np.concatenate([self._matrix, fresh]) if len(self._matrix) else fresh
            self._lemmas += lemmas
            cyrillic = np.array([language(w) == "ru" for w in lemmas])
            self._cyrillic = np.concatenate([self._cyrillic, cyrillic])
            self._seen = ids[-1]
        if not len(self._matrix):
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._matrix

    def lemmas(self) -> list[str]:
        """The stored concepts, in the order of :meth:`matrix`'s rows."""
        self.matrix()
        return self._lemmas

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Centred unit embeddings ``(n, e)``: stored concepts as stored (the very vectors
        their atoms were made from), others computed by the embedder."""
        matrix = self.matrix()
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        fresh = [i for i, t in enumerate(texts) if t not in self._row]
        for i, t in enumerate(texts):
            if t in self._row:
                out[i] = matrix[self._row[t]]
        if fresh:
            out[fresh] = self.embedder.embed([texts[i] for i in fresh])
        return out

    def holds(self, text: str) -> bool:
        """Whether every word of ``text`` is a stored concept, as typed (case aside)."""
        self.matrix()
        return all(unicodedata.normalize("NFC", w).lower() in self._row for w in text.split())

    def near(self, lemmas: Sequence[str]) -> list[str]:
        """The stored concepts nearest in meaning to each of ``lemmas`` (centred cosine ≥
        :data:`SENSE_MIN`; the best :data:`SENSE_TOP` in the word's own language and in
        the other, so that same-language near-synonyms do not crowd the translations
        out), none of ``lemmas`` themselves, each once, in order."""
        matrix = self.matrix()
        if not len(matrix) or not lemmas:
            return []
        sims = self.embed(lemmas) @ matrix.T  # (m, n)
        near: list[str] = []
        for lemma, row in zip(lemmas, sims, strict=True):
            own = self._cyrillic == (language(lemma) == "ru")
            for side in (own, ~own):
                for j in np.flatnonzero(side)[np.argsort(-row[side])[:SENSE_TOP]]:
                    if row[j] >= SENSE_MIN and self._lemmas[j] not in lemmas:
                        near.append(self._lemmas[j])
        return list(dict.fromkeys(near))
