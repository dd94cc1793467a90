"""The codec: compress scenes into memory, decode vectors, resolve any form, recall, expand.

This is the public entry point; the command line and the HTTP service are thin
shells over it.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "memory.sqlite"
>>> with Codec.open(path, embedder="hash") as codec:
...     scene = codec.compress(["жар", "страх", "тишина"], anchor="вход")
...     decoded = codec.decode(scene.vector)
>>> scene.code, scene.formula, scene.name
('Δ1', 'жар + страх + тишина → вход', 'жарстрахтишинавход')
>>> [(c.lemma, c.phase) for c in scene.concepts]
[('жар', 'entry'), ('страх', 'peak'), ('тишина', 'decline')]
>>> decoded.formula
'жар + страх + тишина → вход'
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from scenecodec import hv
from scenecodec.atoms import DEFAULT_ALPHA, Atoms
from scenecodec.bridge import route, speak
from scenecodec.cleanup import ItemMemory
from scenecodec.compress import compress_batch, compress_one, gist, gist_batch
from scenecodec.decode import ANCHOR, VectorReading, decode_batch
from scenecodec.dynamics.pulse import Pulse, Timeline
from scenecodec.errors import InputError, NotFoundError
from scenecodec.forms import (
    Formula,
    classify,
    format_code,
    glyphs,
    normalize_glyph,
    normalize_lemma,
    parse_code,
    parse_formula,
)
from scenecodec.language.concepts import Concepts, extract
from scenecodec.language.embed import ST_PREFIX, Embedder, check_embedder, get_embedder
from scenecodec.language.morph import language, tokenize
from scenecodec.language.split import SplitResult, Splitter
from scenecodec.memory import SceneIndex, Settings, SQLiteStore, default_path
from scenecodec.memory.store import PartRecord, SceneRecord, Store
from scenecodec.registers.reading import read as read_scene
from scenecodec.roles import Role, roles
from scenecodec.scene import Concept, Decoded, DecodedConcept, Expansion, Recalled, Scene
from scenecodec.slots import MAX_CONCEPTS, PHASES, Slots, phases_for
from scenecodec.stream import GAMMA, segment, sentences
from scenecodec.stream import vectors as sentence_vectors
from scenecodec.unfold import concept_vectors, meaning, tension, unfold

__all__ = ["Codec", "Progress"]

Progress = Callable[[str, int, int], None]
"""A progress callback: ``(stage, done, total)``; ``total`` 0 when not known."""

Cue = str | Sequence[str] | Scene | Formula | np.ndarray
MAX_DEPTH = 4
MAX_UNFOLD = 5
"""Deepest ``expand(depth=...)``: the tree grows as breadth**depth."""
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


class Codec:
    """Compress ⇄ decode scenes against one memory. Open it with :meth:`open`."""

    def __init__(self, store: Store, embedder: Embedder | None = None):
        self.store = store
        self.settings = store.settings
        s = self.settings
        self.slots = Slots.get(s.dim, s.seed)
        embedder = embedder or get_embedder(s.embedder)
        self.atoms = Atoms(embedder, dim=s.dim, seed=s.seed, alpha=s.alpha)
        self._items = ItemMemory(s.dim)
        self._concepts_seen = 0
        self._parts_seen: set[int] = set()
        self._index = SceneIndex(s.dim)
        self._gists = SceneIndex(s.dim, "gist")
        self._senses = np.zeros((0, 0), dtype=np.float32)
        self._sense_lemmas: list[str] = []
        self._sense_row: dict[str, int] = {}
        self._sense_cyrillic = np.zeros(0, dtype=bool)
        self._senses_seen = 0
        self._splitter: Splitter | None = None
        self._split_seen = 0

    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        *,
        dim: int | None = None,
        seed: int | None = None,
        alpha: float | None = None,
        embedder: str | None = None,
    ) -> Codec:
        """Open the memory at ``path`` (default: ``$SCENECODEC_MEMORY`` or the user data dir).

        A new memory is made with ``dim`` (default 1024, a multiple of 64), ``seed``
        (0), ``alpha`` (:data:`~scenecodec.atoms.DEFAULT_ALPHA`) and ``embedder``
        (``"e5"``); an existing one keeps its own settings, and any of these given
        must match them or :class:`~scenecodec.errors.StoreError` is raised.
        """
        if dim is not None and (dim < 64 or dim > 65536 or dim % 64):
            raise InputError(f"dim must be a multiple of 64 between 64 and 65536, got {dim}")
        if seed is not None and seed < 0:
            raise InputError(f"seed must be 0 or more, got {seed}")
        if alpha is not None and not 0.0 <= alpha <= 1.0:
            raise InputError(f"alpha must lie in [0, 1], got {alpha}")
        model = None
        if embedder is not None:
            check_embedder(embedder)
            if embedder.startswith(ST_PREFIX):
                model = get_embedder(embedder)
                _ = model.dim  # load it now: no memory is made on a model that cannot load
        given = {"dim": dim, "seed": seed, "alpha": alpha, "embedder": embedder}
        settings = Settings(
            dim=1024 if dim is None else dim,
            seed=0 if seed is None else seed,
            alpha=DEFAULT_ALPHA if alpha is None else float(alpha),
            embedder="e5" if embedder is None else embedder,
        )
        required = frozenset(k for k, v in given.items() if v is not None)
        store = SQLiteStore.open(path or default_path(), settings, required)
        return cls(store, model if model and model.name == store.settings.embedder else None)

    def close(self) -> None:
        """Close the memory file."""
        self.store.close()

    def __enter__(self) -> Codec:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ── compress ────────────────────────────────────────────────────────────

    def compress(
        self,
        concepts: str | Sequence[str] | Formula | None = None,
        anchor: str | None = None,
        *,
        text: str | None = None,
    ) -> Scene:
        """Compress concepts (a list, or a formula string) with an optional anchor, or
        the concepts of free ``text`` (see :meth:`concepts`); store the scene.

        Returns the stored :class:`Scene`; a scene whose formula is already stored
        comes back with its existing code. An ``anchor`` given with ``text``
        replaces the one chosen from the text.
        """
        if (concepts is None) == (text is None):
            raise InputError("give concepts or text, one of the two")
        if text is not None:
            chosen = self.concepts(text).formula
            if anchor is not None:
                parts = tuple(p for p in (*chosen.parts, chosen.anchor) if p and p != anchor)
                chosen = Formula(parts, anchor)
            concepts = chosen
        formula = self.formula(concepts, anchor if text is None else None)
        with self.store.transaction():
            atoms = self._atoms_for(_leaves(formula), persist=True)
            return self._build(formula, atoms, store=True)

    def compress_many(
        self, items: Iterable[str | Sequence[str] | Formula], *, progress: Progress | None = None
    ) -> list[Scene]:
        """Compress and store many scenes in one transaction (all or none).

        Flat scenes are encoded in one vectorised batch; ``progress`` is called as
        ``(stage, done, total)`` while atoms are made and scenes are stored.
        """
        formulas = [self.formula(item) for item in items]
        flat = [f for f in formulas if all(isinstance(p, str) for p in f.all_parts())]
        scenes: dict[str, Scene] = {}
        with self.store.transaction():
            lemmas = list(dict.fromkeys(w for f in formulas for w in _leaves(f)))
            atoms = self._atoms_for(lemmas, persist=True, progress=progress)
            step = 10_000
            for start in range(0, len(flat), step):
                chunk = flat[start : start + step]
                packed, gists = self._encode_flat(chunk, atoms)
                vectors = hv.unpack(packed, self.settings.dim)
                marks = glyphs(vectors, self.settings.seed)
                records = [
                    self._record(f, v, {}, g.tobytes(), m)
                    for f, v, g, m in zip(chunk, vectors, gists, marks, strict=True)
                ]
                ids = self.store.add_scenes(records)
                scenes.update(
                    (r.formula, self._scene(r, vector=v, scene_id=i))
                    for r, v, i in zip(records, vectors, ids, strict=True)
                )
                if progress:
                    progress("storing", start + len(chunk), len(formulas))
            for f in formulas:
                if f.render() not in scenes:
                    scenes[f.render()] = self._build(f, atoms, store=True)
            if progress:
                progress("storing", len(formulas), len(formulas))
        return [scenes[f.render()] for f in formulas]

    def formula(
        self, concepts: str | Sequence[str] | Formula, anchor: str | None = None
    ) -> Formula:
        """Read concepts (a formula string, a list of concepts or a :class:`Formula`) and
        an optional anchor into a validated :class:`Formula`; :class:`InputError` if bad."""
        if isinstance(concepts, Formula):
            formula = concepts
        elif isinstance(concepts, str):
            formula = parse_formula(concepts)
        else:
            items = list(concepts)
            if not items:
                raise InputError("a scene needs at least one concept")
            if len(items) > MAX_CONCEPTS:
                raise InputError(f"a scene holds at most {MAX_CONCEPTS} concepts; got {len(items)}")
            formula = Formula(tuple(_part(c) for c in items))
        if anchor is not None:
            if formula.anchor is not None:
                raise InputError("the anchor is given twice (in the formula and as --anchor)")
            formula = Formula(formula.parts, _part(anchor))
        _validate(formula, depth=1)
        return formula

    def _atoms_for(
        self, lemmas: Sequence[str], *, persist: bool, progress: Progress | None = None
    ) -> dict[str, np.ndarray]:
        """Atoms ``{lemma: (d,) int8}``: stored ones read back, new ones made (and stored)."""
        stored = self.store.atoms(lemmas)
        out = {
            w: hv.unpack(np.frombuffer(b, np.uint8), self.settings.dim) for w, b in stored.items()
        }
        missing = [w for w in dict.fromkeys(lemmas) if w not in out]
        step = 256
        for i in range(0, len(missing), step):
            chunk = missing[i : i + step]
            senses = self.atoms.embedder.embed(chunk)
            made = self.atoms.combine(chunk, senses)
            out.update(zip(chunk, made, strict=True))
            if persist:
                packed = hv.pack(made)
                self.store.put_atoms(
                    {
                        w: (row.tobytes(), sense.astype(np.float32).tobytes())
                        for w, row, sense in zip(chunk, packed, senses, strict=True)
                    }
                )
            if progress:
                progress("atoms", min(i + step, len(missing)), len(missing))
        return out

    def _encode_flat(
        self, formulas: list[Formula], atoms: dict[str, np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Packed vectors and gists ``(n, d/8)`` of formulas whose parts are all concepts."""
        lemmas = list(atoms)
        row = {w: i for i, w in enumerate(lemmas)}
        codebook = np.stack([atoms[w] for w in lemmas])
        parts = np.full((len(formulas), max(len(f.parts) for f in formulas)), -1, dtype=np.int64)
        anchors = np.full(len(formulas), -1, dtype=np.int64)
        for n, f in enumerate(formulas):
            parts[n, : len(f.parts)] = [row[p] for p in f.parts]
            if f.anchor is not None:
                anchors[n] = row[f.anchor]
        return (
            compress_batch(self.slots, codebook, parts, anchors),
            gist_batch(codebook, parts, anchors),
        )

    def _build(
        self,
        formula: Formula,
        atoms: dict[str, np.ndarray],
        *,
        store: bool,
        part: bool = False,
        items: dict[str, np.ndarray] | None = None,
    ) -> Scene:
        """Encode ``formula`` (sub-formulas first) and store it when ``store``.

        ``items`` collects the label and vector of every part, for decoding a
        scene that is not stored.
        """
        subs: dict[int, Scene] = {}
        vectors = []
        for i, p in enumerate(formula.all_parts()):
            if isinstance(p, str):
                vectors.append(atoms[p])
            else:
                subs[i] = self._build(p, atoms, store=store, part=True, items=items)
                vectors.append(subs[i].vector)
        k = len(formula.parts)
        anchor = vectors[k] if formula.anchor is not None else None
        vector = compress_one(self.slots, np.stack(vectors[:k]), anchor)
        if items is not None:
            for i, p in enumerate(formula.all_parts()):
                sub = subs.get(i)
                items[_label(p, sub)] = vectors[i]
        essence = gist(np.stack([atoms[w] for w in _leaves(formula)]))
        record = self._record(formula, vector, subs, hv.pack(essence).tobytes())
        if not store:
            found = self.store.find(formula=record.formula)
            return self._scene(found[0]) if found else self._scene(record, vector=vector)
        scene_id = self.store.add_scenes([record], parts_of_another=part)[0]
        return self._scene(record, vector=vector, scene_id=scene_id)

    def _record(
        self,
        formula: Formula,
        vector: np.ndarray,
        subs: dict[int, Scene],
        packed_gist: bytes,
        glyph: str | None = None,
    ) -> SceneRecord:
        """The storable record of an encoded formula; ``subs`` are its sub-scenes by position."""
        phases = [PHASES[p] for p in phases_for(len(formula.parts))]
        if formula.anchor is not None:
            phases.append(ANCHOR)
        parts = tuple(
            PartRecord(p, phase)
            if isinstance(p, str)
            else PartRecord(f"({subs[i].formula})", phase, _number(subs[i].code))
            for i, (p, phase) in enumerate(zip(formula.all_parts(), phases, strict=True))
        )
        return SceneRecord(
            id=None,
            formula=formula.render(),
            name=formula.name(),
            glyph=glyph or glyphs(vector, self.settings.seed)[0],
            vector=hv.pack(vector).tobytes(),
            gist=packed_gist,
            parts=parts,
        )

    def _scene(
        self, record: SceneRecord, *, vector: np.ndarray | None = None, scene_id: int | None = None
    ) -> Scene:
        """A :class:`Scene` from a stored (or just built) record."""
        number = record.id if scene_id is None else scene_id
        if vector is None:
            vector = hv.unpack(np.frombuffer(record.vector, np.uint8), self.settings.dim)
        concepts = tuple(
            Concept(p.lemma, p.phase, None if p.sub is None else format_code(p.sub))
            for p in record.parts
            if p.phase != ANCHOR
        )
        return Scene(
            vector,
            None if number is None else format_code(number),
            record.glyph,
            record.formula,
            record.name,
            concepts,
            record.anchor,
        )

    # ── decode ──────────────────────────────────────────────────────────────

    def decode(self, vector: np.ndarray) -> Decoded:
        """Read concepts, anchor, rhythm, confidences and residual from a vector alone.

        ``vector``: ``(d,)`` of ±1 (any numeric type; the sign is taken) or ``(d/8,)``
        uint8 packed bits. The codebook is every concept and sub-scene in memory.
        """
        return self.decode_many(self._vector(vector)[None, :])[0]

    def decode_many(self, vectors: np.ndarray) -> list[Decoded]:
        """:meth:`decode` for a batch ``(B, d)``."""
        vectors = np.stack([self._vector(v) for v in np.asarray(vectors)])
        return self._decode(vectors, self._item_memory())

    def _decode(self, vectors: np.ndarray, items: ItemMemory) -> list[Decoded]:
        if len(items) == 0:
            raise InputError(
                "the memory knows no concepts yet, so there is nothing to decode "
                "against; compress a scene first"
            )
        return [self._decoded(r, items) for r in decode_batch(self.slots, items, vectors)]

    def _decoded(self, reading: VectorReading, items: ItemMemory) -> Decoded:
        concepts, anchor = [], None
        for slot in reading.slots:
            label = items.label(slot.item)
            code = label if parse_code(label) is not None else None
            lemma = label
            if code is not None:
                record = self.store.get(parse_code(code))
                lemma = f"({record.formula})" if record else code
            c = DecodedConcept(lemma, slot.role, slot.confidence, slot.similarity, code)
            if slot.role == ANCHOR:
                anchor = c
            else:
                concepts.append(c)
        return Decoded(tuple(concepts), anchor, reading.residual, reading.shape_confidence)

    def _item_memory(self) -> ItemMemory:
        """The codebook of every stored concept and sub-scene, topped up from the store."""
        ids, lemmas, packed = self.store.atoms_since(self._concepts_seen)
        if ids:
            self._items.add(lemmas, hv.unpack(packed, self.settings.dim))
            self._concepts_seen = ids[-1]
        part_ids, part_packed = self.store.part_vectors()
        fresh = [i for i, sid in enumerate(part_ids.tolist()) if sid not in self._parts_seen]
        if fresh:
            self._items.add(
                [format_code(int(part_ids[i])) for i in fresh],
                hv.unpack(part_packed[fresh], self.settings.dim),
            )
            self._parts_seen.update(int(part_ids[i]) for i in fresh)
        return self._items

    def _vector(self, vector: np.ndarray) -> np.ndarray:
        """Validate a user vector into bipolar ``(d,)`` int8."""
        d = self.settings.dim
        v = np.asarray(vector)
        if v.dtype == np.uint8 and v.shape == (d // 8,):
            return hv.unpack(v, d)
        if v.dtype.kind not in "biuf":
            raise InputError(f"a scene vector must be numeric, got {v.dtype}")
        if v.shape != (d,):
            raise InputError(
                f"a scene vector has {d} values in this memory "
                f"(or {d // 8} packed bytes); got shape {v.shape}"
            )
        if v.dtype.kind == "f" and not np.isfinite(v).all():
            raise InputError("the vector contains NaN or infinite values")
        return np.where(v >= 0, 1, -1).astype(np.int8)

    # ── resolve, recall, expand ─────────────────────────────────────────────

    def resolve(self, x: Cue) -> Scene:
        """The scene that ``x`` names: a :class:`Scene`, Δ-code, glyph, formula, fused
        name, several concepts (space-separated lemmas or a list), free text (its
        :meth:`concepts`) or a vector (decoded).

        Stored scenes come back as stored; others are encoded without storing
        (``code`` is ``None``).
        """
        return self._resolve(x)[0]

    def _resolve(self, x: Cue) -> tuple[Scene, dict[str, np.ndarray]]:
        """The scene, plus the vectors of its parts when it is not stored."""
        if isinstance(x, Scene):
            return x, {}
        if isinstance(x, np.ndarray):
            decoded = self.decode(x)
            return self._resolve(self.formula(decoded.formula))
        if isinstance(x, str):
            kind = classify(x)
            if kind == "code":
                return self.show(x), {}
            if kind == "glyph":
                found = self.store.find(glyph=normalize_glyph(x))
                if not found:
                    raise NotFoundError(f"no scene in memory has the glyph {x.strip()}")
                return self._scene(found[0]), {}
            if kind == "name":
                found = self.store.find(name=normalize_lemma(x).replace(" ", ""))
                if found:
                    return self._scene(found[0]), {}
                parts = self.split(x).parts
                x = Formula(parts[:-1], parts[-1]) if len(parts) > 1 else Formula(parts)
            elif kind == "concepts":
                x = self.concepts(x).formula if _is_text(x) else Formula(_words(x))
        formula = self.formula(x)
        atoms = self._atoms_for(_leaves(formula), persist=False)
        items: dict[str, np.ndarray] = {}
        scene = self._build(formula, atoms, store=False, items=items)
        return scene, ({} if scene.code else items)

    def show(self, code: str) -> Scene:
        """The stored scene with Δ-code ``code``; :class:`NotFoundError` if there is none."""
        number = parse_code(code)
        if number is None:
            raise InputError(f"{code!r} is not a Δ-code (like Δ41)")
        record = self.store.get(number)
        if record is None:
            raise NotFoundError(
                f"no scene {format_code(number)} in this memory "
                f"({self.store.count()} scenes stored)"
            )
        return self._scene(record)

    def scenes(self, offset: int = 0, limit: int | None = None) -> list[Scene]:
        """Stored scenes in code order."""
        return [self._scene(r) for r in self.store.scenes(offset, limit)]

    def count(self) -> int:
        """How many scenes are stored."""
        return self.store.count()

    def cue_vector(self, cue: Cue) -> np.ndarray:
        """The query vector ``(d,)`` for a recall cue (see :meth:`recall`)."""
        return self._cue(cue)[0]

    def _cue(self, cue: Cue) -> tuple[np.ndarray, SceneIndex]:
        """The query and the index it searches: scene vectors or gists."""
        if isinstance(cue, np.ndarray):
            return self._vector(cue), self._index
        if isinstance(cue, str):
            kind = classify(cue)
            if kind == "name":
                found = self.store.find(name=normalize_lemma(cue).replace(" ", ""))
                if found:
                    return self._scene(found[0]).vector, self._index
                lemmas = list(self.split(cue).parts)
            elif kind == "concepts" and _is_text(cue) and not self._stored_words(cue):
                found = self.concepts(cue)
                core = _leaves(found.formula)
                rest = [c.lemma for c in found.candidates if c.lemma not in core]
                return self._gist_query(core, rest), self._gists
            elif kind == "concepts":
                lemmas = list(_words(cue))
            else:
                return self.resolve(cue).vector, self._index
        elif isinstance(cue, Scene | Formula):
            return self.resolve(cue).vector, self._index
        else:
            lemmas = [normalize_lemma(c) for c in cue]
            if not lemmas:
                raise InputError("empty cue")
        return self._gist_query(list(dict.fromkeys(lemmas))), self._gists

    def _stored_words(self, cue: str) -> bool:
        """Whether every word of ``cue`` is a concept this memory holds, as typed: then
        they are the concepts, even function words (a scene of ``work + good``)."""
        self._stored_senses()
        return all(unicodedata.normalize("NFC", w).lower() in self._sense_row for w in cue.split())

    def _gist_query(self, lemmas: list[str], rest: Sequence[str] = ()) -> np.ndarray:
        """A gist cue for ``lemmas``: their atoms, plus the stored concepts nearest in
        meaning to each (centred embedding cosine ≥ :data:`SENSE_MIN`, the best
        :data:`SENSE_TOP` in the cue word's language and in the other), all at full
        weight — so that ``heat`` finds ``жар``. Weighting the added concepts by their
        cosine (≈ 0.4) left them too faint: cross-language top-3 0.15 against 0.50
        (``bench/paraphrase.py``). ``rest`` (a text's less salient concepts) join with
        their atoms only: their neighbours in meaning made the stored scenes that sit
        near a text's stock words (``anger``, ``phase``) win for every text
        (``bench/registers.py``)."""
        every = [*lemmas, *[w for w in rest if w not in lemmas]]
        atoms = self._atoms_for(every, persist=False)
        rows = [atoms[w] for w in every]
        senses = self._stored_senses()
        if len(senses):
            cue = self._embed(lemmas)
            sims = cue @ senses.T  # (m, n)
            near: list[str] = []
            for lemma, row in zip(lemmas, sims, strict=True):
                # the nearest in the cue's own language, and the nearest in the other:
                # otherwise same-language near-synonyms crowd the translations out
                own = self._sense_cyrillic == (language(lemma) == "ru")
                for side in (own, ~own):
                    ranked = np.flatnonzero(side)[np.argsort(-row[side])[:SENSE_TOP]]
                    for j in ranked:
                        label = self._sense_lemmas[j]
                        if row[j] >= SENSE_MIN and label not in lemmas:
                            near.append(label)
            near = list(dict.fromkeys(near))
            if near:
                extra = self._atoms_for(near, persist=False)
                rows += [extra[w] for w in near]
        return gist(np.stack(rows))

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        """The memory embedder's vectors ``(n, e)``, read from the store for stored
        concepts (the very vectors their atoms were made from) and computed for others."""
        senses = self._stored_senses()
        out = np.empty((len(texts), self.atoms.embedder.dim), dtype=np.float32)
        fresh = [i for i, t in enumerate(texts) if t not in self._sense_row]
        for i, t in enumerate(texts):
            if t in self._sense_row:
                out[i] = senses[self._sense_row[t]]
        if fresh:
            out[fresh] = self.atoms.embedder.embed([texts[i] for i in fresh])
        return out

    def _stored_senses(self) -> np.ndarray:
        """Embeddings ``(n, e)`` of every stored concept, topped up from the store."""
        ids, lemmas, senses = self.store.embeddings_since(self._senses_seen)
        if ids:
            self._sense_row.update((w, len(self._sense_lemmas) + i) for i, w in enumerate(lemmas))
            fresh = senses.astype(np.float32)
            self._senses = np.concatenate([self._senses, fresh]) if len(self._senses) else fresh
            self._sense_lemmas += lemmas
            cyrillic = np.array([language(w) == "ru" for w in lemmas])
            self._sense_cyrillic = np.concatenate([self._sense_cyrillic, cyrillic])
            self._senses_seen = ids[-1]
        return self._senses

    def recall(self, cue: Cue, k: int = 10) -> list[Recalled]:
        """The ``k`` stored scenes nearest to ``cue``, best first, with cosine scores.

        A vector, scene, Δ-code, glyph or formula is matched as a whole scene,
        slots and order included. Concepts whose places are unknown — a fused
        name, space-separated or listed concepts, free text — are matched against the
        scenes' gists (:func:`~scenecodec.compress.gist`), joined by the stored concepts
        nearest to them in meaning, in either language. Free text gives every content
        concept it has (its :meth:`concepts` candidates), not only the 3–7 a scene
        keeps: a gist is a bag, a long text's other words cost it little, and losing
        the text's concepts costs it the scene (``bench/registers.py``: the logical
        register's text found its scene first 0.02 of the time with 7 concepts, 0.87
        with all).
        """
        return self.recall_many([cue], k)[0]

    def recall_many(self, cues: Sequence[Cue], k: int = 10) -> list[list[Recalled]]:
        """:meth:`recall` for several cues, searched in one batch per index."""
        if k < 1:
            raise InputError(f"k must be 1 or more, got {k}")
        found = [self._cue(c) for c in cues]
        out: list[list[Recalled]] = [[] for _ in cues]
        for index in {id(i): i for _, i in found}.values():
            rows = [n for n, (_, i) in enumerate(found) if i is index]
            queries = np.stack([found[n][0] for n in rows])
            for n, hits in zip(rows, self._nearest_many(queries, k, index), strict=True):
                out[n] = hits
        return out

    def _nearest(
        self,
        query: np.ndarray,
        k: int,
        exclude: str | None = None,
        index: SceneIndex | None = None,
    ) -> list[Recalled]:
        hits = self._nearest_many(query[None, :], k + (exclude is not None), index)[0]
        return [r for r in hits if r.scene.code != exclude][:k]

    def _nearest_many(
        self, queries: np.ndarray, k: int, index: SceneIndex | None = None
    ) -> list[list[Recalled]]:
        """The ``k`` nearest stored scenes to each of ``queries`` ``(Q, d)``."""
        index = self._index if index is None else index
        index.refresh(self.store)
        ids, sims = index.search(queries, k)
        records = {r.id: r for r in self.store.iter_records(np.unique(ids).tolist())}
        scenes = {i: self._scene(r) for i, r in records.items()}
        return [
            [Recalled(scenes[i], float(s)) for i, s in zip(row, sim, strict=True) if i in scenes]
            for row, sim in zip(ids.tolist(), sims.tolist(), strict=True)
        ]

    def expand(
        self,
        x: Cue,
        *,
        neighbours: int = 5,
        context: Cue | Sequence[Cue] | None = None,
        depth: int | None = 1,
        breadth: int | None = None,
        registers: Sequence[str] | None = None,
        goal: Cue | None = None,
        voice: str | None = None,
        progress: Progress | None = None,
    ) -> Expansion:
        """Resolve ``x`` to a scene, decode its vector, unfold it into micro-scenes
        (:mod:`scenecodec.unfold`), find its nearest stored scenes, and speak its
        registers as the HyperBridge routes them (:mod:`scenecodec.bridge`).

        ``context`` — a cue (text, formula, code, scene…) or a list of them — changes the
        reading: glosses lean toward it and micro-scenes are ordered by it. ``depth``
        levels of unfolding (1: the scene's own micro-scenes; ``None``: the bridge's
        pace decides depth and breadth), ``breadth`` micro-scenes unfolded further per
        level (all when ``None``). ``registers`` names the registers to speak (else the
        bridge activates them); ``goal`` (a text or any cue) and ``voice`` (``logician``,
        ``poet``, ``philosopher``, ``bodily``) steer the bridge. ``progress`` is called as
        ``("unfolding", micro-scenes done, 0)`` (the total is not known in advance).

        >>> import tempfile, pathlib
        >>> with Codec.open(pathlib.Path(tempfile.mkdtemp()) / "m.sqlite") as codec:
        ...     e = codec.expand("тишина + жар → вход", registers=["poetic"], voice="poet")
        >>> list(e.registers), e.bridge.route("poetic").voice
        (['poetic'], 'poet')
        """
        if depth is not None and not 1 <= depth <= MAX_UNFOLD:
            raise InputError(f"depth must lie in 1…{MAX_UNFOLD}, got {depth}")
        if breadth is not None and breadth < 1:
            raise InputError(f"breadth must be at least 1, got {breadth}")
        scene, decoded = self.read(x)
        near = self._nearest(scene.vector, neighbours, exclude=scene.code)
        where = None if context is None else self._context(context)
        lemmas = [c.lemma for c in scene.concepts] + ([scene.anchor] if scene.anchor else [])
        phases = [c.phase for c in scene.concepts] + (["anchor"] if scene.anchor else [])
        vectors = concept_vectors(self, lemmas)
        embedder = self.atoms.embedder
        reading = read_scene(
            embedder, lemmas, phases, vectors, tension(vectors, scene.anchor is not None), where
        )
        aim = None if goal is None else self._context(goal)
        decision = route(embedder, reading, goal=aim, voice=voice, registers=registers)
        if depth is None:
            depth, breadth = decision.pace.depth, breadth or decision.pace.breadth
        micro, taut, kind = unfold(
            self,
            scene,
            context=where,
            depth=depth,
            breadth=breadth,
            progress=progress,
            vectors=vectors,
        )
        return Expansion(
            scene=scene,
            decoded=decoded,
            neighbours=tuple(near),
            microscenes=micro,
            tension=taut,
            archetype=kind,
            registers=speak(embedder, reading, decision),
            bridge=decision,
        )

    def pulse(
        self,
        x: str | None = None,
        *,
        ticks: int = 20,
        goal: str | None = None,
        name: str | None = None,
        resume: bool = False,
        progress: Progress | None = None,
    ) -> Timeline:
        """Run the pulse ``scene → unfolding → resonance → condensation → scene`` for
        ``ticks`` ticks (:mod:`scenecodec.dynamics.pulse`) and return its whole timeline.

        A new pulse starts from the scene ``x`` names (stored first if it is new), under
        ``name`` (default ``"pulse Δn"``); ``resume=True`` continues the pulse kept under
        ``name`` (or under the default name of ``x``) where it stopped. ``goal`` (text or
        any cue) is what relevance is measured against (default: the seed). The state is
        kept in memory after the run; condensed scenes are stored with links to their
        sources (:meth:`links`).

        >>> import tempfile, pathlib
        >>> with Codec.open(pathlib.Path(tempfile.mkdtemp()) / "m.sqlite") as codec:
        ...     line = codec.pulse("тишина + жар → вход", ticks=3)
        >>> [t.unfolded["lemma"] for t in line.ticks]
        ['тишина', 'жар', 'вход']
        """
        if resume:
            if name is None:
                if x is None:
                    raise InputError("resume needs the pulse's name or its scene")
                code = self.resolve(x).code
                if code is None:
                    raise NotFoundError(f"{x!r} is not a stored scene, so no pulse started from it")
                name = f"pulse {code}"
            running = Pulse.resume(self, name)
        else:
            if x is None:
                raise InputError("a pulse needs a scene to start from")
            running = Pulse.start(self, x, name=name, goal=goal)
        running.run(ticks, progress)
        running.save()
        return running.timeline()

    def stream(
        self,
        text: str,
        *,
        gamma: float = GAMMA,
        name: str | None = None,
        progress: Progress | None = None,
    ) -> Timeline:
        """Read ``text`` as a stream of scenes (:mod:`scenecodec.stream`): cut it where
        the meaning shifts (``gamma``: how readily), compress and store each part, and run
        the pulse across them, one tick a sentence — each sentence presents its part's
        scene — so that the lifecycle decides what recurs, holds, fades or condenses.
        Returns the pulse's :class:`Timeline` with ``segments``; the state is kept under
        ``name`` (default ``"stream Δn"``, the first scene's code).

        >>> import tempfile, pathlib
        >>> text = "Шёл снег. Мороз трещал. Дети катались на санках. " * 2 + (
        ...     "Банк поднял ставку. Семья отложила покупку квартиры. Отец считал расходы.")
        >>> with Codec.open(pathlib.Path(tempfile.mkdtemp()) / "m.sqlite") as codec:
        ...     line = codec.stream(text)
        >>> [len(s["sentences"]) for s in line.segments]
        [6, 3]
        """
        if not text.strip():
            raise InputError("empty text")
        found = sentences(text)
        if not found:
            raise InputError("no sentences in the text")
        cuts = segment(sentence_vectors(self.atoms.embedder, found), gamma)
        parts = [found[a:b] for a, b in itertools.pairwise([*cuts, len(found)])]
        scenes = [self.compress(text=" ".join(s.text for s in parts[0]))]
        running = Pulse.start(self, scenes[0].code, name=name or f"stream {scenes[0].code}")
        for n in range(len(parts)):
            if n:
                scenes.append(self.compress(text=" ".join(s.text for s in parts[n])))
                running.learn(scenes[-1])
            for _ in parts[n][1 if n == 0 else 0 :]:  # one tick a sentence
                running.step(scenes[-1])
            if progress is not None:
                progress("stream", n + 1, len(parts))
        running.save()
        segments = tuple(
            {
                "sentences": [s.text for s in part],
                "start": part[0].start,
                "end": part[-1].end,
                "scene": {"code": scene.code, "formula": scene.formula},
                "tick": start,
            }
            for part, scene, start in zip(parts, scenes, cuts, strict=True)
        )
        return replace(running.timeline(), segments=segments)

    def links(self, x: Cue) -> list[tuple[Scene, str]]:
        """The stored scenes the scene ``x`` was made from, with how (``condensed``)."""
        scene = self.resolve(x)
        if scene.code is None:
            return []
        found = self.store.links(int(scene.code[1:]))
        return [(self.show(f"Δ{i}"), kind) for i, kind in found]

    def roles(self, cues: Sequence[Cue] | None = None, *, last: int = 200) -> list[Role]:
        """The role of each scene in a sequence (:mod:`scenecodec.roles`): of ``cues`` in
        order, or, when ``None``, of the memory's ``last`` stored scenes in the order
        they were stored. Each :class:`~scenecodec.roles.Role` holds its ``scene``."""
        if cues is None:
            total = self.count()
            scenes = self.scenes(max(0, total - last), last)
        else:
            scenes = [self.resolve(c) for c in cues]
        if not scenes:
            raise InputError("no scenes to give roles to")
        vectors = np.stack([self.meaning(s) for s in scenes])
        return [replace(r, scene=s) for r, s in zip(roles(vectors), scenes, strict=True)]

    def meaning(self, scene: Scene) -> np.ndarray:
        """The scene's meaning vector ``(e,)`` (:func:`~scenecodec.unfold.meaning`): its
        concepts' centred embeddings averaged, the anchor counting twice."""
        return meaning(self.embed(self.leaves(scene.formula)), scene.anchor is not None)

    def gist(self, scene: Scene) -> np.ndarray:
        """The scene's gist ``(d,)`` int8 (:func:`~scenecodec.compress.gist`): its atoms
        summed without roles, as stored beside every scene."""
        leaves = self.leaves(scene.formula)
        atoms = self._atoms_for(leaves, persist=False)
        return gist(np.stack([atoms[w] for w in leaves]))

    def read(self, x: Cue) -> tuple[Scene, Decoded]:
        """The scene ``x`` names (:meth:`resolve`) and what its vector decodes to."""
        scene, parts = self._resolve(x)
        items = self._item_memory()
        fresh = {label: v for label, v in parts.items() if label not in items}
        if fresh:
            items = items.extended(list(fresh), np.stack(list(fresh.values())))
        return scene, self._decode(scene.vector[None, :], items)[0]

    def _context(self, context: Cue | Sequence[Cue]) -> np.ndarray:
        """The unit meaning vector ``(e,)`` of a context: one cue or a list of cues."""
        cues = [context] if isinstance(context, str | Scene | Formula | np.ndarray) else context
        if not cues:
            raise InputError("empty context")
        rows = [self.meaning(self.resolve(cue)) for cue in cues]
        return meaning(np.stack(rows), anchor=False)

    def embed(self, lemmas: Sequence[str]) -> np.ndarray:
        """Centred unit embeddings ``(n, e)`` of ``lemmas`` with this memory's embedder
        (stored concepts read back as stored)."""
        return self._embed(list(lemmas))

    def leaves(self, formula: str | Formula) -> list[str]:
        """Every concept of a formula, sub-formulas opened, in order, anchor last."""
        return _leaves(self.formula(formula))

    def senses(self) -> tuple[list[str], np.ndarray]:
        """Every stored concept and its embedding ``(n, e)``, in storage order."""
        matrix = self._stored_senses()
        if not len(matrix):
            matrix = np.zeros((0, self.atoms.embedder.dim), dtype=np.float32)
        return self._sense_lemmas, matrix

    # ── names ───────────────────────────────────────────────────────────────

    def concepts(self, text: str) -> Concepts:
        """The 3–7 concepts and the anchor of free ``text`` in Russian or English
        (:func:`~scenecodec.language.concepts.extract` with this memory's embedder)."""
        return extract(text, _Senses(self))

    def split(self, name: str) -> SplitResult:
        """Split a fused name into words; concepts stored in memory count as known words."""
        if self._splitter is None:
            self._splitter = Splitter()
        ids, lemmas, _ = self.store.atoms_since(self._split_seen)
        if ids:
            self._splitter.add(lemmas)
            self._split_seen = ids[-1]
        return self._splitter.split(name)


def _words(text: str) -> tuple[str, ...]:
    return tuple(normalize_lemma(w) for w in text.split())


def _is_text(text: str) -> bool:
    """True unless every word of ``text`` is already a content word in its dictionary
    form (``жар страх тишина``): then the words are the concepts, as typed."""
    words = text.split()
    tokens = tokenize(text)
    return len(tokens) != len(words) or any(
        not t.content or t.lemma != t.text.lower() for t in tokens
    )


def _part(text: str) -> str | Formula:
    """One concept, or a sub-formula when the text has formula syntax."""
    if not isinstance(text, str):
        raise InputError(f"a concept must be text, got {type(text).__name__}")
    if classify(text) == "formula":
        inner = parse_formula(text)
        return inner.parts[0] if len(inner.parts) == 1 and inner.anchor is None else inner
    return normalize_lemma(text)


def _leaves(formula: Formula) -> list[str]:
    out: list[str] = []
    for p in formula.all_parts():
        out.extend([p] if isinstance(p, str) else _leaves(p))
    return out


def _number(code: str | None) -> int | None:
    return None if code is None else parse_code(code)


def _label(part: str | Formula, sub: Scene | None) -> str:
    if isinstance(part, str):
        return part
    return sub.code if sub is not None and sub.code else f"({part.render()})"


def _validate(formula: Formula, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise InputError(f"sub-formulas nest at most {MAX_DEPTH} deep")
    if len(formula.parts) > MAX_CONCEPTS:
        raise InputError(f"a scene holds at most {MAX_CONCEPTS} concepts; got {len(formula.parts)}")
    seen: set[str] = set()
    for p in formula.all_parts():
        key = p if isinstance(p, str) else p.render()
        if key in seen:
            raise InputError(f"{key!r} appears twice in one scene")
        seen.add(key)
        if isinstance(p, Formula):
            _validate(p, depth + 1)


class _Senses:
    """The codec's embedder as :func:`~scenecodec.language.concepts.extract` sees it:
    stored concepts answered from the memory, without running the model."""

    def __init__(self, codec: Codec):
        self.name = codec.atoms.embedder.name
        self.dim = codec.atoms.embedder.dim
        self.embed = codec._embed
