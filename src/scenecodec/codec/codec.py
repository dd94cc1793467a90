"""The codec: compress scenes into one memory, decode vectors, resolve any form, recall.

:class:`Codec` is the middle layer (``docs/architecture.md``): it builds on the algebra,
language and memory, and knows nothing of micro-scenes, registers or the pulse, which
take a codec (:func:`scenecodec.expand`, ``pulse``, ``stream``, ``roles``).

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

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Unpack

import numpy as np

from scenecodec.algebra import hv
from scenecodec.algebra.compress import gist
from scenecodec.codec.decoder import Decoder
from scenecodec.codec.encode import Encoder
from scenecodec.codec.reading import Names, is_text, words
from scenecodec.codec.rerank import CANDIDATES, Query, Sense
from scenecodec.codec.scene import Decoded, Recalled, Scene
from scenecodec.errors import InputError, NotFoundError
from scenecodec.language.atoms import Atoms
from scenecodec.language.concepts import Concepts, extract
from scenecodec.language.embed import ST_PREFIX, Embedder, check_embedder, get_embedder, meaning
from scenecodec.language.forms import (
    MAX_CODE,
    Formula,
    classify,
    format_code,
    normalize_glyph,
    normalize_lemma,
    parse_code,
    read_formula,
)
from scenecodec.language.split import SplitResult
from scenecodec.memory import Missing, Requested, open_store
from scenecodec.memory.atoms import MemoryAtoms
from scenecodec.memory.senses import Senses
from scenecodec.memory.store import Store
from scenecodec.progress import Progress

__all__ = ["STEP", "Codec", "Cue"]

Cue = str | Sequence[str] | Scene | Formula | np.ndarray
"""Anything that names a scene: text, concepts, a scene, a formula or a vector."""
STEP = 10_000
"""Flat scenes encoded and stored per vectorised step of :meth:`Codec.compress_many`."""


class Codec:
    """Compress ⇄ decode scenes against one memory. Open it with :meth:`open`."""

    def __init__(self, store: Store, embedder: Embedder | None = None):
        self.store = store
        self.settings = store.settings
        s = self.settings
        self._encoder = Encoder(store)
        self.slots = self._encoder.slots
        embedder = embedder or get_embedder(s.embedder)
        self.atoms = Atoms(embedder, dim=s.dim, seed=s.seed, alpha=s.alpha)
        self._atoms = MemoryAtoms(store, self.atoms)
        self._decoder = Decoder(store, self.slots)
        self._senses = Senses(store, self.atoms.embedder)
        self._index = store.index("vector")
        self._gists = store.index("gist")
        self._names = Names(store)
        self._sense = (  # pure symbols: gist alone
            None if s.embedder == "hash" else Sense(store, self._encoder.scene, self.leaves)
        )

    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        *,
        missing: Missing = "create",
        **requested: Unpack[Requested],
    ) -> Codec:
        """Open the memory at ``path``, a file or ``postgresql://…`` (default: as the CLI;
        ``missing``: what a path with no memory does, :data:`~scenecodec.memory.Missing`).

        A new memory is made with ``dim`` (default 1024, a multiple of 64), ``seed``
        (0), ``alpha`` (:data:`~scenecodec.language.atoms.DEFAULT_ALPHA`) and ``embedder``
        (:data:`~scenecodec.language.embed.DEFAULT_EMBEDDER`, ``"e5"``); an existing one
        keeps its own settings, and any of these given must match them or
        :class:`~scenecodec.errors.StoreError` is raised.
        """
        model, embedder = None, requested.get("embedder")
        if embedder is not None and embedder.startswith(ST_PREFIX):
            check_embedder(embedder)
            model = get_embedder(embedder)
            _ = model.dim  # load it now: no memory is made on a model that cannot load
        store = open_store(path, missing=missing, **requested)
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
        comes back with its existing code. An ``anchor`` given with ``text`` replaces
        the one chosen from the text; a new scene of ``text`` keeps its sense.
        """
        if (concepts is None) == (text is None):
            raise InputError("give concepts or text, one of the two")
        if text is not None:
            chosen = self.concepts(text).formula
            if anchor is not None:
                parts = tuple(p for p in (*chosen.parts, chosen.anchor) if p and p != anchor)
                chosen = Formula(parts, anchor)
            concepts, anchor = chosen, None
        assert concepts is not None
        reading = None
        if isinstance(concepts, str) and classify(concepts) == "name":
            concepts, reading = self._names.read(concepts, anchor)
        formula = read_formula(concepts, None if reading else anchor)
        told = self._sense.told(text) if text is not None and self._sense else None
        with self._atoms.writing(formula.leaves()) as atoms:  # a new scene keeps its sense
            new = told is not None and not self.store.find(formula=formula.render())
            scene = self._encoder.build(formula, atoms, store=True)
            if new and told is not None and (number := parse_code(scene.code or "")):
                self.store.put_senses({number: told})
        return replace(scene, reading=reading)

    def compress_many(
        self, items: Iterable[str | Sequence[str] | Formula], *, progress: Progress | None = None
    ) -> list[Scene]:
        """Compress and store many scenes in one transaction (all or none).

        Flat scenes are encoded in one vectorised batch; ``progress`` is called as
        ``(stage, done, total)`` while atoms are made and scenes are stored.
        """
        formulas = [read_formula(item) for item in items]
        flat = [f for f in formulas if all(isinstance(p, str) for p in f.all_parts())]
        scenes: dict[str, Scene] = {}
        lemmas = list(dict.fromkeys(w for f in formulas for w in f.leaves()))
        with self._atoms.writing(lemmas, progress) as atoms:
            for start in range(0, len(flat), STEP):
                chunk = flat[start : start + STEP]
                scenes.update((s.formula, s) for s in self._encoder.flat(chunk, atoms))
                if progress:
                    progress("storing", start + len(chunk), len(formulas))
            for f in formulas:
                if f.render() not in scenes:
                    scenes[f.render()] = self._encoder.build(f, atoms, store=True)
            if progress:
                progress("storing", len(formulas), len(formulas))
        return [scenes[f.render()] for f in formulas]

    # ── decode ──────────────────────────────────────────────────────────────

    def decode(self, vector: np.ndarray) -> Decoded:
        """Read concepts, anchor, rhythm, confidences and residual from a vector alone.

        ``vector``: ``(d,)`` of ±1 (any numeric type; the sign is taken) or ``(d/8,)``
        uint8 packed bits. The codebook is every concept and sub-scene in memory.
        """
        return self.decode_many(hv.bipolar(vector, self.settings.dim)[None, :])[0]

    def decode_many(self, vectors: np.ndarray) -> list[Decoded]:
        """:meth:`decode` for a batch ``(B, d)``."""
        vectors = np.stack([hv.bipolar(v, self.settings.dim) for v in np.asarray(vectors)])
        return self._decoder.decode(vectors)

    def read(self, x: Cue) -> tuple[Scene, Decoded]:
        """The scene ``x`` names (:meth:`resolve`) and what its vector decodes to."""
        scene, parts = self._resolve(x)
        return scene, self._decoder.decode(scene.vector[None, :], parts)[0]

    # ── resolve, show, list ─────────────────────────────────────────────────

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
            return self._resolve(read_formula(self.decode(x).formula))
        if isinstance(x, str):
            kind = classify(x)
            if kind == "code":
                return self.show(x), {}
            if kind == "glyph":
                found = self.store.find(glyph=normalize_glyph(x))
                if not found:
                    raise NotFoundError(f"no scene in memory has the glyph {x.strip()}")
                return self._encoder.scene(found[0]), {}
            if kind == "name":
                found = self.store.find(name=normalize_lemma(x).replace(" ", ""))
                if found:
                    return self._encoder.scene(found[0]), {}
                formula, reading = self._names.read(x)
                scene, unstored = self._resolve(formula)
                return replace(scene, reading=reading), unstored
            if kind == "concepts":
                x = self.concepts(x).formula if is_text(x) else Formula(words(x))
        formula = read_formula(x)
        atoms = self._atoms.get(formula.leaves())
        items: dict[str, np.ndarray] = {}
        scene = self._encoder.build(formula, atoms, store=False, items=items)
        return scene, ({} if scene.code else items)

    def show(self, code: str) -> Scene:
        """The stored scene with Δ-code ``code``; :class:`NotFoundError` if there is none."""
        number = parse_code(code)
        if number is None:
            raise InputError(f"{code!r} is not a Δ-code (like Δ41)")
        stored = self.store.get(number)
        if stored is None:
            stored_count = f"{self.store.count()} scenes stored"
            raise NotFoundError(f"no scene {format_code(number)} in this memory ({stored_count})")
        return self._encoder.scene(stored)

    def scenes(self, offset: int = 0, limit: int | None = None) -> list[Scene]:
        """Stored scenes in code order: :meth:`iter_scenes` as a list."""
        return list(self.iter_scenes(offset, limit))

    def iter_scenes(self, offset: int = 0, limit: int | None = None) -> Iterator[Scene]:
        """Stored scenes in code order, ``limit`` (``None``: all) from ``offset`` (both ≤
        :data:`~scenecodec.language.forms.MAX_CODE`), read a chunk at a time."""
        if not 0 <= offset <= MAX_CODE or not 0 <= (limit or 0) <= MAX_CODE:
            raise InputError(f"offset and limit must lie in 0…{MAX_CODE}, got {offset}, {limit}")
        return (self._encoder.scene(r) for r in self.store.iter_scenes(offset, limit))

    def count(self) -> int:
        """How many scenes are stored."""
        return self.store.count()

    def links(self, x: Cue) -> list[tuple[Scene, str]]:
        """The stored scenes the scene ``x`` was made from, with how (``condensed``)."""
        scene = self.resolve(x)
        if scene.code is None:
            return []
        found = self.store.links(int(scene.code[1:]))
        return [(self.show(format_code(i)), kind) for i, kind in found]

    # ── recall ──────────────────────────────────────────────────────────────

    def recall(self, cue: Cue, k: int = 10) -> list[Recalled]:
        """The ``k`` stored scenes nearest to ``cue``, best first, with cosine scores.

        A vector, scene, Δ-code, glyph or formula is matched as a whole scene,
        slots and order included. Concepts whose places are unknown — a fused
        name, space-separated or listed concepts, free text — are matched against the
        scenes' gists (:func:`~scenecodec.algebra.compress.gist`), joined by the stored
        concepts nearest to them in meaning, in either language
        (:meth:`~scenecodec.memory.senses.Senses.near`). Free text gives every content
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
        out: dict[int, list[Recalled]] = {}
        for index in {id(q.index): q.index for q in found}.values():
            rows, sense = [n for n, q in enumerate(found) if q.index is index], self._sense
            sensed = [j for j, n in enumerate(rows) if found[n].sense] if sense else []
            index.refresh(self.store)
            queries = np.stack([found[n].vector for n in rows])
            ids, sims = index.search(queries, max(k, CANDIDATES) if sensed else k)
            if sense and sensed:
                said = [found[rows[j]].sense or "" for j in sensed]
                ranked = sense.recall(said, queries[sensed], ids[sensed], sims[sensed], k)
                out.update((rows[j], r) for j, r in zip(sensed, ranked, strict=True))
            plain = [j for j, n in enumerate(rows) if n not in out]
            records = {r.id: r for r in self.store.iter_records(np.unique(ids[plain]).tolist())}
            for j in plain:
                hits = zip(ids[j].tolist(), sims[j].tolist(), strict=True)
                kept = [(i, s) for i, s in hits if i in records][:k]
                out[rows[j]] = [Recalled(self._encoder.scene(records[i]), s) for i, s in kept]
        return [out[n] for n in range(len(cues))]

    def cue_vector(self, cue: Cue) -> np.ndarray:
        """The query vector ``(d,)`` for a recall cue (see :meth:`recall`)."""
        return self._cue(cue).vector

    def _cue(self, cue: Cue) -> Query:
        """The query, the index it searches (scene vectors or gists) and, for a cue of
        concepts, the text its sense is read from (:mod:`~scenecodec.codec.rerank`)."""
        if isinstance(cue, np.ndarray):
            return Query(hv.bipolar(cue, self.settings.dim), self._index)
        if isinstance(cue, Scene | Formula):
            return Query(self.resolve(cue).vector, self._index)
        if not isinstance(cue, str):
            lemmas = list(dict.fromkeys(normalize_lemma(c) for c in cue))
            if not lemmas:
                raise InputError("empty cue")
            return Query(self._gist_query(lemmas), self._gists, " ".join(lemmas))
        kind = classify(cue)
        if kind == "name":
            found = self.store.find(name=normalize_lemma(cue).replace(" ", ""))
            if found:
                return Query(self._encoder.scene(found[0]).vector, self._index)
            leaves = self._names.read(cue)[0].leaves()
            return Query(self._gist_query(leaves), self._gists, " ".join(leaves))
        if kind != "concepts":
            return Query(self.resolve(cue).vector, self._index)
        if is_text(cue) and not self._senses.holds(cue):
            chosen = self.concepts(cue)
            core = chosen.formula.leaves()
            rest = [c.lemma for c in chosen.candidates if c.lemma not in core]
            return Query(self._gist_query(core, rest), self._gists, cue)
        return Query(self._gist_query(list(dict.fromkeys(words(cue)))), self._gists, cue)

    def _gist_query(self, lemmas: list[str], rest: Sequence[str] = ()) -> np.ndarray:
        """A gist cue for ``lemmas``: their atoms and the stored concepts nearest to them
        in meaning (:meth:`~scenecodec.memory.senses.Senses.near`), all at full weight —
        weighting the added ones by their cosine (≈ 0.4) left them too faint:
        cross-language top-3 0.15 against 0.50 (``bench/paraphrase.py``). ``rest`` (a
        text's less salient concepts) join with their atoms only: their neighbours in
        meaning made the stored scenes that sit near a text's stock words (``anger``,
        ``phase``) win for every text (``bench/registers.py``)."""
        every = [*lemmas, *(w for w in rest if w not in lemmas), *self._senses.near(lemmas)]
        atoms = self._atoms.get(every)
        return gist(np.stack([atoms[w] for w in every]))

    # ── meaning and names ───────────────────────────────────────────────────

    def meaning(self, scene: Scene) -> np.ndarray:
        """The scene's meaning vector ``(e,)`` (:func:`~scenecodec.language.embed.meaning`):
        its concepts' centred embeddings averaged, the anchor counting twice."""
        return meaning(self.embed(self.leaves(scene.formula)), scene.anchor is not None)

    def gist(self, scene: Scene) -> np.ndarray:
        """The scene's gist ``(d,)`` int8 (:func:`~scenecodec.algebra.compress.gist`): its
        atoms summed without roles, as stored beside every scene."""
        leaves = self.leaves(scene.formula)
        atoms = self._atoms.get(leaves)
        return gist(np.stack([atoms[w] for w in leaves]))

    def embed(self, lemmas: Sequence[str]) -> np.ndarray:
        """Centred unit embeddings ``(n, e)`` of ``lemmas`` with this memory's embedder
        (stored concepts read back as stored)."""
        return self._senses.embed(list(lemmas))

    def leaves(self, formula: str | Formula) -> list[str]:
        """Every concept of a formula, sub-formulas opened, in order, anchor last."""
        return read_formula(formula).leaves()

    def senses(self) -> tuple[list[str], np.ndarray]:
        """Every stored concept and its embedding ``(n, e)``, in storage order."""
        return self._senses.lemmas(), self._senses.matrix()

    def concepts(self, text: str) -> Concepts:
        """The 3–7 concepts and the anchor of free ``text`` in Russian or English
        (:func:`~scenecodec.language.concepts.extract` with this memory's embedder)."""
        return extract(text, self._senses)

    def split(self, name: str) -> SplitResult:
        """Split a fused name into words; concepts stored in memory count as known words."""
        return self._names.split(name)
