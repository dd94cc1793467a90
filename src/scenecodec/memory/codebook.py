"""The codebook a memory decodes against: every stored concept and sub-scene.

Decoding (:mod:`scenecodec.algebra.decode`) cleans each slot up against an item
memory. Here that memory holds every stored concept's atom, labelled by its lemma,
and the vector of every stored scene that is a part of another, labelled by its
Δ-code; it is read once and topped up from the store as the memory grows.

>>> import tempfile, pathlib
>>> from scenecodec.memory import open_store
>>> store = open_store(pathlib.Path(tempfile.mkdtemp()) / "m.sqlite", dim=64)
>>> store.put_atoms({"жар": (bytes(8), bytes(4)), "вход": (bytes([255] * 8), bytes(4))})
>>> items = Codebook(store, 64).items()
>>> len(items), "жар" in items, items.take([1])[0][:3].tolist()
(2, True, [-1, -1, -1])
"""

from __future__ import annotations

from scenecodec.algebra import hv
from scenecodec.algebra.cleanup import ItemMemory
from scenecodec.language.forms import format_code
from scenecodec.memory.store import Store

__all__ = ["Codebook"]


class Codebook:
    """The item memory ``(n, d)`` of one memory's concepts and sub-scenes."""

    def __init__(self, store: Store, dim: int):
        self.store = store
        self.dim = dim
        self._items = ItemMemory(dim)
        self._concepts_seen = 0
        self._parts_seen: set[int] = set()

    def items(self) -> ItemMemory:
        """Every stored concept (by lemma) and sub-scene (by Δ-code), topped up."""
        ids, lemmas, packed = self.store.atoms_since(self._concepts_seen)
        if ids:
            self._items.add(lemmas, hv.unpack(packed, self.dim))
            self._concepts_seen = ids[-1]
        part_ids, part_packed = self.store.part_vectors()
        fresh = [i for i, sid in enumerate(part_ids.tolist()) if sid not in self._parts_seen]
        if fresh:
            self._items.add(
                [format_code(int(part_ids[i])) for i in fresh],
                hv.unpack(part_packed[fresh], self.dim),
            )
            self._parts_seen.update(int(part_ids[i]) for i in fresh)
        return self._items
