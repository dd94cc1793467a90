"""The store protocol: what a durable memory of scenes must offer.

A store keeps settings (dimension, seed, α, embedder), concepts with their
atoms and embeddings, and scenes with their forms, packed vectors, gists and parts. Δ-codes are the
store's scene ids: unique, never reused, stable across reopening.

>>> record = SceneRecord(id=None, formula="жар → вход", name="жарвход", glyph="🜂⟁",
...                      vector=b"\\0" * 128, gist=b"\\0" * 128,
...                      parts=(PartRecord("жар", "entry"), PartRecord("вход", "anchor")))
>>> record.concepts(), record.anchor
(['жар'], 'вход')
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from scenecodec.errors import StoreError
from scenecodec.memory.schema import PHASES

__all__ = ["Index", "PartRecord", "SceneRecord", "Settings", "Store", "one_column", "sense_rows"]


@dataclass(frozen=True)
class Settings:
    """What a memory's vectors depend on; recorded once, checked at every open."""

    dim: int
    seed: int
    alpha: float
    embedder: str

    def describe(self) -> str:
        """``dim=1024, seed=0, alpha=0.7, embedder=e5``."""
        return f"dim={self.dim}, seed={self.seed}, alpha={self.alpha}, embedder={self.embedder}"

    def rows(self) -> list[tuple[str, str]]:
        """``(key, value)`` as the ``settings`` table keeps them.

        >>> Settings(1024, 0, 0.7, "e5").rows()
        [('dim', '1024'), ('seed', '0'), ('alpha', '0.7'), ('embedder', 'e5')]
        """
        return [
            ("dim", str(self.dim)),
            ("seed", str(self.seed)),
            ("alpha", repr(self.alpha)),
            ("embedder", self.embedder),
        ]

    def check(self, wanted: Settings, required: frozenset[str] | None, where: object) -> None:
        """Refuse (:class:`~scenecodec.errors.StoreError`) to open the memory ``where``,
        made with these settings, with ``wanted`` where the fields ``required`` (all when
        ``None``) differ.

        >>> Settings(512, 0, 0.7, "e5").check(Settings(1024, 0, 0.7, "e5"), None, "m.sqlite")
        Traceback (most recent call last):
        ...
        scenecodec.errors.StoreError: m.sqlite was made with ... cannot be opened with dim=1024
        """
        fields = ("dim", "seed", "alpha", "embedder") if required is None else sorted(required)
        clash = [f for f in fields if getattr(self, f) != getattr(wanted, f)]
        if clash:
            asked = ", ".join(f"{f}={getattr(wanted, f)}" for f in clash)
            raise StoreError(
                f"{where} was made with {self.describe()}; it cannot be opened with {asked}"
            )

    @classmethod
    def read(cls, values: Mapping[str, Any]) -> Settings:
        """The settings of a ``{key: value}`` mapping (the table's strings, or an export
        header's numbers); ``KeyError``, ``TypeError`` or ``ValueError`` if one is missing
        or garbled.

        >>> Settings.read(dict(Settings(512, 3, 0.5, "hash").rows()))
        Settings(dim=512, seed=3, alpha=0.5, embedder='hash')
        """
        return cls(
            int(values["dim"]), int(values["seed"]), float(values["alpha"]), str(values["embedder"])
        )


@dataclass(frozen=True)
class PartRecord:
    """One part of a stored scene: a concept (or a sub-scene's formula) in a phase or as anchor.

    ``sub`` is the id of the sub-scene when the part is a parenthesised sub-formula.
    """

    lemma: str
    phase: str
    sub: int | None = None


@dataclass(frozen=True)
class SceneRecord:
    """A scene as stored: forms, packed vector and gist (``d/8`` bytes each; see
    :func:`~scenecodec.algebra.compress.gist`) and parts in order, anchor last."""

    id: int | None
    formula: str
    name: str
    glyph: str
    vector: bytes
    gist: bytes
    parts: tuple[PartRecord, ...]

    def concepts(self) -> list[str]:
        """The lemmas of the parts that are not the anchor."""
        return [p.lemma for p in self.parts if p.phase != "anchor"]

    def part_rows(self, code: int, concept: Mapping[str, int]) -> list[tuple[Any, ...]]:
        """The ``parts`` rows of this scene stored under ``code``: ``(scene, position,
        phase index, concept id or None, sub-scene id or None)``; ``concept``: the ids of
        its lemmas.

        >>> parts = (PartRecord("a", "entry"), PartRecord("b", "anchor"))
        >>> SceneRecord(None, "a → b", "ab", "", b"", b"", parts).part_rows(7, {"a": 1, "b": 2})
        [(7, 0, 0, 1, None), (7, 1, 3, 2, None)]
        """
        return [
            (code, i, PHASES.index(p.phase), None if p.sub is not None else concept[p.lemma], p.sub)
            for i, p in enumerate(self.parts)
        ]

    @property
    def anchor(self) -> str | None:
        """The anchor's lemma (or sub-formula), if the scene has one."""
        return next((p.lemma for p in self.parts if p.phase == "anchor"), None)


def one_column(name: str | None, glyph: str | None, formula: str | None) -> tuple[str, str]:
    """The column and value of a :meth:`Store.find` (exactly one of the three given).

    >>> one_column(None, "🜂⟁", None)
    ('glyph', '🜂⟁')
    """
    given = [
        (k, v) for k, v in (("name", name), ("glyph", glyph), ("formula", formula)) if v is not None
    ]
    if len(given) != 1:
        raise ValueError("find takes exactly one of name, glyph, formula")
    return given[0]


def sense_rows(rows: Sequence[tuple[int, bytes]]) -> tuple[np.ndarray, np.ndarray]:
    """Ids ``(n,)`` int64 and senses ``(n, s)`` int8 of ``(scene id, sense bytes)`` rows
    (:meth:`Store.senses_since`).

    >>> ids, senses = sense_rows([(3, bytes([1, 255])), (5, bytes([2, 0]))])
    >>> ids.tolist(), senses.tolist()
    ([3, 5], [[1, -1], [2, 0]])
    """
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    flat = np.frombuffer(b"".join(bytes(r[1]) for r in rows), dtype=np.int8)
    return ids, flat.reshape(len(rows), -1 if rows else 0)


class Index(Protocol):
    """What recall searches: the scenes' vectors (or gists) of one store."""

    def refresh(self, store: Store) -> None:
        """Take in what was stored (or forgotten) since the last search, by any process."""
        ...

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Scene ids ``(Q, k')`` and cosines ``(Q, k')`` of the nearest scenes to bipolar
        queries ``(Q, d)``, best first."""
        ...


class Store(Protocol):
    """A durable memory of scenes. Writes happen inside :meth:`transaction`."""

    settings: Settings

    def transaction(self) -> AbstractContextManager[None]:
        """All writes inside commit together or not at all."""
        ...

    def atoms(self, lemmas: Sequence[str]) -> dict[str, bytes]:
        """The stored packed atoms of those ``lemmas`` that have one."""
        ...

    def put_atoms(self, atoms: dict[str, tuple[bytes, bytes]]) -> None:
        """Store ``{lemma: (packed atom, float32 embedding)}`` of new lemmas (existing
        ones are kept as they are)."""
        ...

    def embeddings_since(self, after: int) -> tuple[list[int], list[str], np.ndarray]:
        """Concepts with row id > ``after``: ids, lemmas, embeddings ``(n, e)`` float32."""
        ...

    def atoms_since(self, after: int) -> tuple[list[int], list[str], np.ndarray]:
        """Concepts with row id > ``after``: ids, lemmas, packed atoms ``(n, d/8)``."""
        ...

    def add_scenes(
        self, records: Sequence[SceneRecord], *, parts_of_another: bool = False
    ) -> list[int]:
        """Store scenes (their ``id`` is ignored; their concepts must have atoms) and return
        their ids in order; a formula already stored keeps its id. ``parts_of_another``
        marks sub-scenes, which decoding then knows as items."""
        ...

    def put_senses(self, senses: Mapping[int, bytes]) -> None:
        """Keep ``{scene id: sense}``, the int8 sense of the text each scene was
        compressed from (inside :meth:`transaction`); a scene's first sense stays."""
        ...

    def senses_since(self, after: int) -> tuple[np.ndarray, np.ndarray]:
        """Scene ids ``(n,)`` int64 > ``after`` that have a kept sense, and the senses
        ``(n, s)`` int8, by id."""
        ...

    def get(self, scene_id: int) -> SceneRecord | None:
        """The scene with that id, if any."""
        ...

    def find(
        self, *, name: str | None = None, glyph: str | None = None, formula: str | None = None
    ) -> list[SceneRecord]:
        """Scenes with that fused name, glyph or formula, by id."""
        ...

    def scenes(self, offset: int = 0, limit: int | None = None) -> list[SceneRecord]:
        """Scenes in id order."""
        ...

    def iter_scenes(self, offset: int = 0, limit: int | None = None) -> Iterator[SceneRecord]:
        """:meth:`scenes` read a chunk at a time: memory does not grow with their number."""
        ...

    def sharing(
        self, lemmas: Sequence[str], limit: int, holding: str | None = None
    ) -> list[tuple[int, int]]:
        """``(scene id, how many of lemmas it holds)`` for up to ``limit`` scenes holding
        at least one of ``lemmas`` as a concept (and the concept ``holding``, when
        given), most shared first, then newest first."""
        ...

    def fan(self, lemmas: Sequence[str]) -> dict[str, int]:
        """How many stored scenes hold each of ``lemmas`` as a concept (absent: 0)."""
        ...

    def add_links(self, scene_id: int, sources: Sequence[int], kind: str) -> None:
        """Record that scene ``scene_id`` was made from ``sources`` (``kind``: how)."""
        ...

    def links(self, scene_id: int) -> list[tuple[int, str]]:
        """``(source id, kind)`` of every scene ``scene_id`` was made from."""
        ...

    def put_pulse(self, name: str, state: str) -> None:
        """Keep a pulse's ``state`` (JSON) under ``name``, replacing any before."""
        ...

    def get_pulse(self, name: str) -> str | None:
        """The state kept under ``name``, or ``None``."""
        ...

    def forget(self, ids: Sequence[int]) -> None:
        """Remove the scenes ``ids`` (all or none: a missing one is a
        :class:`~scenecodec.errors.NotFoundError`); their codes are never given again."""
        ...

    def forgotten(self) -> int:
        """How many scenes were ever forgotten: an index that saw another number rebuilds."""
        ...

    def count(self) -> int:
        """How many scenes are stored."""
        ...

    def vectors_since(self, after: int, column: str = "vector") -> tuple[np.ndarray, np.ndarray]:
        """Scene ids ``(n,)`` int64 > ``after`` and their packed ``column`` (``vector``
        or ``gist``) ``(n, d/8)`` uint8."""
        ...

    def part_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """Ids and packed vectors of every scene used as a part of another scene."""
        ...

    def iter_records(self, ids: Sequence[int]) -> Iterator[SceneRecord]:
        """The records of ``ids`` in the given order (missing ones skipped)."""
        ...

    def index(self, column: str = "vector") -> Index:
        """A recall index over the scenes' ``column`` (``vector`` or ``gist``)."""
        ...

    def close(self) -> None:
        """Release the file or the connection."""
        ...
