"""The atoms of one memory: those it stores read back, new ones made and stored.

A memory carries every atom it has made (DESIGN.md, determinism), so a stored
concept's atom is read back rather than recomputed, and decodes the same on any
machine. New lemmas are embedded in batches of :data:`BATCH` and made by
:class:`~scenecodec.language.atoms.Atoms`, with BLAS on one thread meanwhile
(``threadpoolctl``): the embedding model runs on its own OpenMP threads, and OpenBLAS's
helpers, left spinning by the projection of the scene before, took the cores from
them: compressing a scene of 4–8 new rare words took 142 ms (p95) instead of 40.5
(``bench/text.py``).

>>> import tempfile, pathlib
>>> from scenecodec.language.atoms import Atoms
>>> from scenecodec.language.embed import HashEmbedder
>>> from scenecodec.memory import open_store
>>> store = open_store(pathlib.Path(tempfile.mkdtemp()) / "m.sqlite", embedder="hash")
>>> atoms = MemoryAtoms(store, Atoms(HashEmbedder(), dim=1024, seed=0, alpha=0.5))
>>> atoms.get(["жар"])["жар"].shape, store.atoms(["жар"])  # made, not stored
((1024,), {})
>>> with atoms.writing(["жар", "вход"]) as made:
...     pass  # store scenes of them here, in the same transaction
>>> sorted(store.atoms(["жар", "вход", "страх"]))
['вход', 'жар']
>>> bool((made["жар"] == atoms.get(["жар"])["жар"]).all())  # read back as stored
True
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache

import numpy as np
from threadpoolctl import ThreadpoolController

from scenecodec.algebra import hv
from scenecodec.language.atoms import Atoms
from scenecodec.memory.store import Store
from scenecodec.progress import Progress

__all__ = ["BATCH", "MemoryAtoms"]

BATCH = 256
"""New lemmas embedded and stored per step."""


@cache
def _threads() -> ThreadpoolController:
    """The process's thread pools (BLAS's among them), found once."""
    return ThreadpoolController()


class MemoryAtoms:
    """Atoms ``(d,)`` int8 of the concepts of one memory (``store``), made by ``atoms``."""

    def __init__(self, store: Store, atoms: Atoms):
        self.store = store
        self.atoms = atoms

    def get(self, lemmas: Sequence[str], progress: Progress | None = None) -> dict[str, np.ndarray]:
        """``{lemma: (d,) int8}``: stored atoms read back, new ones made (not stored);
        ``progress("atoms", done, total)`` per batch of new ones."""
        return self._made(lemmas, progress)[0]

    @contextmanager
    def writing(
        self, lemmas: Sequence[str], progress: Progress | None = None
    ) -> Iterator[dict[str, np.ndarray]]:
        """The atoms of ``lemmas`` inside one write transaction of the store, to store
        scenes of them. New atoms are made first, outside the transaction, so that other
        writers go on while the model runs; then they are stored, and where another
        writer stored a lemma in the meantime, its atom is the one given back."""
        atoms, fresh = self._made(lemmas, progress)
        with self.store.transaction():
            if fresh:
                self.store.put_atoms(fresh)
                atoms.update(self._read(list(fresh)))
            yield atoms

    def _read(self, lemmas: Sequence[str]) -> dict[str, np.ndarray]:
        stored = self.store.atoms(lemmas)
        return {w: hv.unpack(np.frombuffer(b, np.uint8), self.atoms.dim) for w, b in stored.items()}

    def _made(
        self, lemmas: Sequence[str], progress: Progress | None
    ) -> tuple[dict[str, np.ndarray], dict[str, tuple[bytes, bytes]]]:
        """The atoms of ``lemmas`` (stored ones read back), and the new ones packed with
        their embeddings ``{lemma: (atom, float32 embedding)}``, ready to store."""
        out = self._read(lemmas)
        fresh: dict[str, tuple[bytes, bytes]] = {}
        missing = [w for w in dict.fromkeys(lemmas) if w not in out]
        for i in range(0, len(missing), BATCH):
            chunk = missing[i : i + BATCH]
            with _threads().limit(limits=1, user_api="blas"):
                senses = self.atoms.embedder.embed(chunk)
                made = self.atoms.combine(chunk, senses)
            out.update(zip(chunk, made, strict=True))
            fresh.update(
                (w, (row.tobytes(), sense.astype(np.float32).tobytes()))
                for w, row, sense in zip(chunk, hv.pack(made), senses, strict=True)
            )
            if progress:
                progress("atoms", min(i + BATCH, len(missing)), len(missing))
        return out, fresh
