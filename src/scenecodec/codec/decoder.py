"""Vectors into decoded scenes, against everything one memory knows.

A :class:`Decoder` reads each vector with :func:`~scenecodec.algebra.decode.decode_batch`
against the memory's :class:`~scenecodec.memory.codebook.Codebook` (every stored
concept and sub-scene), and names what it finds: a concept by its lemma, a sub-scene
by its formula and Δ-code.

>>> import tempfile, pathlib
>>> from scenecodec import Codec
>>> with Codec.open(pathlib.Path(tempfile.mkdtemp()) / "m.sqlite", embedder="hash") as codec:
...     inner = codec.compress("жар + страх → шаг")
...     scene = codec.compress("(жар + страх → шаг) + тишина → вход")
...     decoded = Decoder(codec.store, codec.slots).decode(scene.vector[None, :])[0]
>>> [(c.lemma, c.code) for c in decoded.concepts], decoded.anchor.lemma
([('(жар + страх → шаг)', 'Δ1'), ('тишина', None)], 'вход')
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from scenecodec.algebra.cleanup import ItemMemory
from scenecodec.algebra.decode import ANCHOR, VectorReading, decode_batch
from scenecodec.algebra.slots import Slots
from scenecodec.codec.scene import Decoded, DecodedConcept
from scenecodec.errors import InputError
from scenecodec.language.forms import parse_code
from scenecodec.memory.codebook import Codebook
from scenecodec.memory.store import Store

__all__ = ["Decoder"]


class Decoder:
    """Decodes vectors ``(B, d)`` of one memory (``store``) with its ``slots``."""

    def __init__(self, store: Store, slots: Slots):
        self.store = store
        self.slots = slots
        self.codebook = Codebook(store, store.settings.dim)

    def decode(
        self, vectors: np.ndarray, parts: Mapping[str, np.ndarray] | None = None
    ) -> list[Decoded]:
        """What each bipolar row of ``vectors`` ``(B, d)`` decodes to; ``parts`` — labelled
        vectors ``(d,)`` of a scene that is not stored — join the codebook for this call."""
        items = self.codebook.items()
        fresh = {label: v for label, v in (parts or {}).items() if label not in items}
        if fresh:
            items = items.extended(list(fresh), np.stack(list(fresh.values())))
        if len(items) == 0:
            raise InputError(
                "the memory knows no concepts yet, so there is nothing to decode "
                "against; compress a scene first"
            )
        return [self._named(r, items) for r in decode_batch(self.slots, items, vectors)]

    def _named(self, reading: VectorReading, items: ItemMemory) -> Decoded:
        concepts, anchor = [], None
        for slot in reading.slots:
            label = items.label(slot.item)
            number = parse_code(label)
            lemma = label
            if number is not None:
                stored = self.store.get(number)
                lemma = f"({stored.formula})" if stored else label
            code = None if number is None else label
            c = DecodedConcept(lemma, slot.role, slot.confidence, slot.similarity, code)
            if slot.role == ANCHOR:
                anchor = c
            else:
                concepts.append(c)
        return Decoded(tuple(concepts), anchor, reading.residual, reading.shape_confidence)
