"""Formulas into scenes: atoms bound to their slots and bundled, sub-formulas first.

An :class:`Encoder` holds what encoding needs of one memory — its slot roles, its
settings and its store — and turns a :class:`~scenecodec.language.forms.Formula`
with its atoms into a :class:`~scenecodec.codec.scene.Scene`: one at a time with its
sub-scenes (:meth:`Encoder.build`, stored or not), or many flat formulas in one
vectorised batch (:meth:`Encoder.flat`).

>>> import tempfile, pathlib
>>> from scenecodec.language.atoms import Atoms
>>> from scenecodec.language.embed import HashEmbedder
>>> from scenecodec.language.forms import parse_formula
>>> from scenecodec.memory import open_store
>>> from scenecodec.memory.atoms import MemoryAtoms
>>> store = open_store(pathlib.Path(tempfile.mkdtemp()) / "m.sqlite", embedder="hash")
>>> formula = parse_formula("(жар + страх → шаг) + тишина → вход")
>>> made = MemoryAtoms(store, Atoms(HashEmbedder(), dim=1024, seed=0, alpha=0.5))
>>> with made.writing(formula.leaves()) as atoms:
...     scene = Encoder(store).build(formula, atoms, store=True)
>>> scene.code, [c.code for c in scene.concepts]
('Δ2', ['Δ1', None])
"""

from __future__ import annotations

import numpy as np

from scenecodec.algebra import hv
from scenecodec.algebra.compress import compress_batch, compress_one, gist, gist_batch
from scenecodec.algebra.slots import Slots
from scenecodec.codec.scene import Scene, from_record, record
from scenecodec.language.forms import Formula, glyphs
from scenecodec.memory.store import SceneRecord, Store

__all__ = ["Encoder"]


class Encoder:
    """Encodes formulas into scenes of one memory (``store``)."""

    def __init__(self, store: Store):
        self.store = store
        self.dim = store.settings.dim
        self.seed = store.settings.seed
        self.slots = Slots.get(self.dim, self.seed)

    def build(
        self,
        formula: Formula,
        atoms: dict[str, np.ndarray],
        *,
        store: bool,
        part: bool = False,
        items: dict[str, np.ndarray] | None = None,
    ) -> Scene:
        """Encode ``formula`` (sub-formulas first) from its ``atoms`` ``{lemma: (d,)}``;
        store it when ``store`` (as a part of another when ``part``), else give back the
        stored scene of the same formula, if any.

        ``items`` collects the label and vector of every part, for decoding a
        scene that is not stored.
        """
        subs: dict[int, Scene] = {}
        vectors = []
        for i, p in enumerate(formula.all_parts()):
            if isinstance(p, str):
                vectors.append(atoms[p])
            else:
                subs[i] = self.build(p, atoms, store=store, part=True, items=items)
                vectors.append(subs[i].vector)
        k = len(formula.parts)
        anchor = vectors[k] if formula.anchor is not None else None
        vector = compress_one(self.slots, np.stack(vectors[:k]), anchor)
        if items is not None:
            for i, p in enumerate(formula.all_parts()):
                label = p if isinstance(p, str) else subs[i].code or f"({p.render()})"
                items[label] = vectors[i]
        essence = hv.pack(gist(np.stack([atoms[w] for w in formula.leaves()]))).tobytes()
        built = record(formula, vector, essence, seed=self.seed, subs=subs)
        if not store:
            found = self.store.find(formula=built.formula)
            return self.scene(found[0]) if found else self.scene(built, vector=vector)
        scene_id = self.store.add_scenes([built], parts_of_another=part)[0]
        return self.scene(built, vector=vector, scene_id=scene_id)

    def flat(self, formulas: list[Formula], atoms: dict[str, np.ndarray]) -> list[Scene]:
        """Encode and store ``formulas`` whose parts are all concepts, in one batch."""
        lemmas = list(atoms)
        row = {w: i for i, w in enumerate(lemmas)}
        codebook = np.stack([atoms[w] for w in lemmas])
        parts = np.full((len(formulas), max(len(f.parts) for f in formulas)), -1, dtype=np.int64)
        anchors = np.full(len(formulas), -1, dtype=np.int64)
        for n, f in enumerate(formulas):
            parts[n, : len(f.parts)] = [row[str(p)] for p in f.parts]
            if f.anchor is not None:
                anchors[n] = row[str(f.anchor)]
        vectors = hv.unpack(compress_batch(self.slots, codebook, parts, anchors), self.dim)
        gists = gist_batch(codebook, parts, anchors)
        records = [
            record(f, v, g.tobytes(), seed=self.seed, glyph=m)
            for f, v, g, m in zip(formulas, vectors, gists, glyphs(vectors, self.seed), strict=True)
        ]
        ids = self.store.add_scenes(records)
        return [
            self.scene(r, vector=v, scene_id=i)
            for r, v, i in zip(records, vectors, ids, strict=True)
        ]

    def scene(
        self, stored: SceneRecord, *, vector: np.ndarray | None = None, scene_id: int | None = None
    ) -> Scene:
        """The :class:`~scenecodec.codec.scene.Scene` of a record of this memory."""
        return from_record(stored, self.dim, vector=vector, scene_id=scene_id)
