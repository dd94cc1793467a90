"""Recall's second stage: candidates by gist and by sense, ranked by both.

A cue of concepts (free text, a fused name, concepts) finds its candidates two ways:
the :data:`CANDIDATES` stored scenes whose gists are nearest its own, and the
:data:`CANDIDATES` scenes compressed from text whose kept *sense* is nearest the cue's.
A sense is what the multilingual Universal Sentence Encoder
(:class:`~scenecodec.language.embed.USEEmbedder`, its raw sentence vectors, unit
length) reads in a text: a scene compressed from text keeps its text's sense, 512
bytes (:func:`quantise`; the text itself is not kept), and any other scene is read at
recall from its concepts as one sentence (``жар тревога тишина вход``). Each
candidate is scored ``(gist cosine + SENSE_WEIGHT × sense cosine) / (1 +
SENSE_WEIGHT)``. The gist knows which concepts a scene holds; the sentence encoder
knows that *знойное безмолвие* and *a sweltering quiet* say what *жар тишина* says, in
either language, and the kept sense knows what the text said beyond the 3–7 concepts
the scene holds. On ``bench/paraphrase.py`` (10,000 other scenes, an e5 memory) the
held-out cues found their scene first 0.52 of the time with the gist's candidates
read from their concepts alone, 0.87 with kept senses (docs/benchmarks.md, issue 16).

>>> import tempfile, pathlib
>>> from scenecodec import Codec
>>> with Codec.open(pathlib.Path(tempfile.mkdtemp()) / "m.sqlite") as codec:
...     stored = codec.compress(text="В комнате душно, все молчат и ждут, кто войдёт первым")
...     _ = codec.compress(["стол", "стул", "лампа"])
...     found = codec.recall("a stuffy silent room, everyone waiting at the door", k=1)
>>> found[0].scene.code == stored.code
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from scenecodec.algebra import hv
from scenecodec.codec.scene import Recalled, Scene
from scenecodec.language.centre import unit
from scenecodec.language.embed import USEEmbedder
from scenecodec.memory import Index
from scenecodec.memory.store import SceneRecord, Store

__all__ = [
    "CANDIDATES",
    "READ_CHARS",
    "SENSE_WEIGHT",
    "KeptSenses",
    "Query",
    "Sense",
    "quantise",
]

CANDIDATES = 100
"""How many scenes each of the two searches hands on: on a ``use`` memory the gist's
100 hold the cue's scene for every cue of the bench's paraphrase set and 0.80 of the
held-out ones (300 measured no better on an e5 memory)."""
SENSE_WEIGHT = 2.0
"""The sense cosine's weight beside the gist cosine: over one memory holding both
paraphrase sets' texts and 10,000 other scenes, 1 gave the bench set's top-1 0.883, 2
and 4 0.933, 8 0.900; the held-out set, never tuned on, agreed (0.789, 0.844, 0.833,
0.833)."""

READ_CHARS = 4_000
"""How much of a text its sense is read from: the encoder's time grows with the text
(0.45 s for 20,000 characters, 5.3 s for 200,000, on 2 cores), and a text's opening
paragraphs say what it is about."""


def quantise(senses: np.ndarray) -> list[bytes]:
    """Unit senses ``(n, s)`` as ``n`` int8 rows, each scaled so its largest entry is
    ±127 (a row's direction is all a cosine reads; measured the same top-1 and top-3
    as float32 on both paraphrase sets).

    >>> [np.frombuffer(row, np.int8).tolist() for row in quantise(np.array([[0.6, -0.8]]))]
    [[95, -127]]
    """
    top = np.maximum(np.abs(senses).max(axis=1, keepdims=True), 1e-12)
    return [row.tobytes() for row in np.round(senses * 127.0 / top).astype(np.int8)]


class KeptSenses:
    """The senses a store keeps, in process: scene ids ``(n,)`` and unit float32 rows
    ``(n, s)``, topped up by id and read again after a forget (as
    :class:`~scenecodec.memory.index.SceneIndex`). Search is an exact scan over them,
    2 KB a kept sense in process (20 MB for 10,000 texts; stored, 512 bytes)."""

    def __init__(self) -> None:
        self._forgotten = 0
        self._clear()

    def _clear(self) -> None:
        self._ids = np.zeros(0, dtype=np.int64)
        self._rows = np.zeros((0, 0), dtype=np.float32)

    def refresh(self, store: Store) -> None:
        """Take in the senses kept since the last refresh, by any process."""
        forgotten = store.forgotten()
        if forgotten != self._forgotten:
            self._clear()
            self._forgotten = forgotten
        last = int(self._ids[-1]) if len(self._ids) else 0
        ids, senses = store.senses_since(last)
        if len(ids):
            rows = unit(senses.astype(np.float32))
            self._rows = rows if not len(self._ids) else np.vstack([self._rows, rows])
            self._ids = np.concatenate([self._ids, ids])

    def search(self, queries: np.ndarray, k: int) -> np.ndarray:
        """Ids ``(Q, k')`` of the kept senses nearest unit ``queries`` ``(Q, s)``, best
        first; ``k' = min(k, kept)``."""
        k = min(k, len(self._ids))
        if k == 0:
            return np.zeros((len(queries), 0), dtype=np.int64)
        sims = queries @ self._rows.T
        best = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(sims, best, 1), axis=1, kind="stable")
        return self._ids[np.take_along_axis(best, order, 1)]

    def rows(self, ids: Sequence[int]) -> dict[int, np.ndarray]:
        """``{id: unit sense (s,)}`` of those ``ids`` that have one."""
        at = np.searchsorted(self._ids, ids)
        return {
            i: self._rows[j]
            for i, j in zip(ids, at.tolist(), strict=True)
            if j < len(self._ids) and self._ids[j] == i
        }


@dataclass(frozen=True)
class Query:
    """What a recall cue searches: its ``vector`` ``(d,)`` in one ``index`` (scene
    vectors or gists) and, for a cue of concepts, the text its ``sense`` is read from."""

    vector: np.ndarray
    index: Index
    sense: str | None = None


@dataclass
class Sense:
    """Keeps the senses of one ``store``'s texts and ranks its recall candidates by them.

    ``scene`` makes a :class:`Scene` of a record; ``leaves`` gives a formula's concepts.
    """

    store: Store
    scene: Callable[[SceneRecord], Scene]
    leaves: Callable[[str], list[str]]
    encoder: USEEmbedder = field(default_factory=USEEmbedder)
    kept: KeptSenses = field(default_factory=KeptSenses)

    def read(self, texts: Sequence[str]) -> np.ndarray:
        """Unit senses ``(n, 512)`` float32 of ``texts``, each read from its first
        :data:`READ_CHARS` characters."""
        return unit(self.encoder.raw([t[:READ_CHARS] for t in texts]))

    def told(self, text: str) -> bytes:
        """The sense of ``text`` to keep with its scene (512 int8s,
        :data:`~scenecodec.memory.schema.SENSE_BYTES`), read before the store's write
        transaction: the model runs while other writers go on."""
        return quantise(self.read([text]))[0]

    def recall(
        self, cues: Sequence[str], gists: np.ndarray, ids: np.ndarray, sims: np.ndarray, k: int
    ) -> list[list[Recalled]]:
        """The best ``k`` scenes for each cue: ``cues`` as typed, their gist queries
        ``(Q, d)`` and the gist index's ids and cosines ``(Q, C)`` for them; scored as
        the module says, ties in the gist's order."""
        senses = self.read(cues)
        self.kept.refresh(self.store)
        near = self.kept.search(senses, CANDIDATES)
        wanted = np.unique(np.concatenate([ids.ravel(), near.ravel()])).tolist()
        records = {r.id: r for r in self.store.iter_records(wanted) if r.id is not None}
        out = []
        for n, sense in enumerate(senses):
            gist = {i: s for i, s in zip(ids[n].tolist(), sims[n].tolist(), strict=True)}
            extra = [i for i in near[n].tolist() if i not in gist and i in records]
            if extra:
                packed = np.frombuffer(b"".join(records[i].gist for i in extra), np.uint8)
                gist.update(zip(extra, _cosines(gists[n], packed).tolist(), strict=True))
            found = [i for i in gist if i in records]
            out.append(self._ranked(sense, found, gist, records, k))
        return out

    def _ranked(
        self,
        sense: np.ndarray,
        found: list[int],
        gist: dict[int, float],
        records: dict[int, SceneRecord],
        k: int,
    ) -> list[Recalled]:
        kept = self.kept.rows(found)
        unkept = [i for i in found if i not in kept]
        if unkept:
            read = self.read([" ".join(self.leaves(records[i].formula)) for i in unkept])
            kept.update(zip(unkept, read, strict=True))
        both = [(gist[i], float(kept[i] @ sense)) for i in found]
        score = np.array([(g + SENSE_WEIGHT * s) / (1.0 + SENSE_WEIGHT) for g, s in both])
        order = np.argsort(-score, kind="stable")[:k]
        return [Recalled(self.scene(records[found[j]]), float(score[j])) for j in order]


def _cosines(query: np.ndarray, packed: np.ndarray) -> np.ndarray:
    """Cosines ``(n,)`` of a bipolar ``query`` ``(d,)`` with packed bipolar rows (flat
    ``n·d/8`` bytes), as the gist index measures them."""
    rows = packed.reshape(-1, len(query) // 8)
    distance = np.bitwise_count(rows ^ hv.pack(query[None])[0]).sum(axis=1)
    return np.asarray(1.0 - 2.0 * distance / len(query), dtype=np.float64)
