"""The atoms of one memory: those it stores read back, new ones made and stored.

A memory carries every atom it has made (DESIGN.md, determinism), so a stored
concept's atom is read back rather than recomputed, and decodes the same on any
machine. New lemmas are embedded in batches of :data:`BATCH` and made by
:class:`~scenecodec.language.atoms.Atoms`.

>>> import tempfile, pathlib
>>> from scenecodec.language.atoms import Atoms
>>> from scenecodec.language.embed import HashEmbedder
>>> from scenecodec.memory import open_store
>>> store = open_store(pathlib.Path(tempfile.mkdtemp()) / "m.sqlite", embedder="hash")
>>> atoms = MemoryAtoms(store, Atoms(HashEmbedder(), dim=1024, seed=0, alpha=0.5))
>>> made = atoms.get(["жар", "вход"], persist=True)
>>> sorted(store.atoms(["жар", "вход", "страх"])), made["жар"].shape
(['вход', 'жар'], (1024,))
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from scenecodec.algebra import hv
from scenecodec.language.atoms import Atoms
from scenecodec.memory.store import Store
from scenecodec.progress import Progress

__all__ = ["BATCH", "MemoryAtoms"]

BATCH = 256
"""New lemmas embedded and stored per step."""


class MemoryAtoms:
    """Atoms ``(d,)`` int8 of the concepts of one memory (``store``), made by ``atoms``."""

    def __init__(self, store: Store, atoms: Atoms):
        self.store = store
        self.atoms = atoms

    def get(
        self, lemmas: Sequence[str], *, persist: bool, progress: Progress | None = None
    ) -> dict[str, np.ndarray]:
        """``{lemma: (d,) int8}``: stored atoms read back, new ones made (and stored with
        their embeddings when ``persist``); ``progress("atoms", done, total)`` per batch."""
        dim = self.atoms.dim
        out = {
            w: hv.unpack(np.frombuffer(b, np.uint8), dim)
            for w, b in self.store.atoms(lemmas).items()
        }
        missing = [w for w in dict.fromkeys(lemmas) if w not in out]
        for i in range(0, len(missing), BATCH):
            chunk = missing[i : i + BATCH]
            senses = self.atoms.embedder.embed(chunk)
            made = self.atoms.combine(chunk, senses)
            out.update(zip(chunk, made, strict=True))
            if persist:
                self.store.put_atoms(
                    {
                        w: (row.tobytes(), sense.astype(np.float32).tobytes())
                        for w, row, sense in zip(chunk, hv.pack(made), senses, strict=True)
                    }
                )
            if progress:
                progress("atoms", min(i + BATCH, len(missing)), len(missing))
        return out
