"""A text as a stream of scenes: cut where the meaning shifts, then refine the cuts.

The text is split into sentences (``razdel``). A sentence's vector is the mean
embedding of its content words' lemmas (the memory's embedder, centred). On
``bench/segmentation.py`` (γ = 0) that scores Pk 0.241; the whole sentence's embedding
scores 0.293, and the two summed 0.220 — but embedding every sentence as well doubles
the time (``bench/stream.py``: 44 s for 10,000 words, against the 30 s target), while the
lemmas are embedded anyway to compress each part.

Reading in order, a sentence's **surprise** is 1 − its cosine to the running scene:
the mean of the sentences since the last cut. A cut falls before sentence ``i`` when
its surprise exceeds ``μ + γ·σ`` of the surprises seen in the last
:data:`WINDOW` sentences (γ = :data:`GAMMA`) — EM-LLM's event boundary rule
(Fountas et al. 2025, "Human-inspired Episodic Memory for Infinite Context LLMs"), with
embedding surprise in place of a language model's. Each cut is then moved, between its
neighbours, to where the **modularity** of the sentences' similarity graph is highest
(EM-LLM's graph-theoretic refinement; Newman 2006): a partition whose parts are dense
inside and sparse between.

This is written here: EM-LLM's code works on a language model's tokens and attention,
and no library segments an embedded sentence stream this way.

>>> import numpy as np
>>> v = np.repeat(np.eye(3, 8), 4, axis=0) + 0.01
>>> segment(v / np.linalg.norm(v, axis=1, keepdims=True))
[0, 4, 8]
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from scenecodec.codec import Codec
from scenecodec.dynamics.pulse import Pulse
from scenecodec.dynamics.timeline import Timeline
from scenecodec.errors import InputError
from scenecodec.language.concepts import MAX_TEXT_CHARS
from scenecodec.language.embed import Embedder
from scenecodec.language.forms import readable
from scenecodec.language.morph import tokenize
from scenecodec.progress import Progress

__all__ = [
    "CHUNK",
    "GAMMA",
    "MIN_SENTENCES",
    "WINDOW",
    "Sentence",
    "boundaries",
    "modularity",
    "refine",
    "segment",
    "sentences",
    "stream",
    "vectors",
]

GAMMA = 0.0
"""How many standard deviations above the recent mean surprise a cut needs: a sentence
more surprising than the recent ones on average opens a scene. ``bench/segmentation.py``
(Pk, lower is better): 0.241 over all documents at 0, 0.237 at −0.25 (chosen on the
even-numbered documents: 0.265 there against 0.276 at 0; on the odd ones 0.209 against
0.206), 0.340 at 1. The difference is within the noise of 100 documents; 0 cuts less
readily, which texts with longer scenes than the benchmark's 2–4 sentences want."""
WINDOW = 12
"""Sentences whose surprises set the mean and deviation a new one is judged against."""
MIN_SENTENCES = 2
"""Fewest sentences of a segment."""
CHUNK = 256
"""Lemmas embedded between two progress reports (and time-budget checks) of :func:`vectors`."""


@dataclass(frozen=True)
class Sentence:
    """A sentence's ``text`` and its character span ``start``–``end`` in the source."""

    text: str
    start: int
    end: int


def sentences(text: str) -> list[Sentence]:
    """The text's sentences (``razdel.sentenize``; it handles English punctuation too).

    >>> [s.text for s in sentences("Шёл дождь. It rained.")]
    ['Шёл дождь.', 'It rained.']
    """
    from razdel import sentenize

    return [Sentence(s.text, s.start, s.stop) for s in sentenize(text) if s.text.strip()]


def vectors(
    embedder: Embedder, found: Sequence[Sentence], progress: Progress | None = None
) -> np.ndarray:
    """Unit vectors ``(n, e)`` of sentences: the mean embedding of each one's content-word
    lemmas (a sentence without one: its own embedding). ``progress("reading", lemmas
    embedded, lemmas)`` after every :data:`CHUNK`."""
    lemmas = [[t.lemma for t in tokenize(s.text) if t.content] for s in found]
    distinct = sorted({w for ws in lemmas for w in ws})
    table: dict[str, np.ndarray] = {}
    for start in range(0, len(distinct), CHUNK):
        chunk = distinct[start : start + CHUNK]
        table.update(zip(chunk, embedder.embed(chunk), strict=True))
        if progress is not None:
            progress("reading", start + len(chunk), len(distinct))
    bare = [i for i, ws in enumerate(lemmas) if not ws]
    alone = dict(zip(bare, embedder.embed([found[i].text for i in bare]), strict=True))
    out = np.stack(
        [np.mean([table[w] for w in ws], axis=0) if ws else alone[i] for i, ws in enumerate(lemmas)]
    ).astype(np.float64)
    return (out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)).astype(np.float32)


def boundaries(vectors: np.ndarray, gamma: float = GAMMA) -> list[int]:
    """Indices of the sentences that open a segment (0 first), by the surprise rule."""
    n = len(vectors)
    if n == 0:
        return []
    cuts = [0]
    running = vectors[0].astype(np.float64).copy()
    count = 1
    seen: list[float] = []
    for i in range(1, n):
        mean = running / count
        surprise = 1.0 - float(vectors[i] @ mean) / max(float(np.linalg.norm(mean)), 1e-12)
        recent = seen[-WINDOW:]
        if (
            len(recent) >= 2
            and i - cuts[-1] >= MIN_SENTENCES
            and surprise > np.mean(recent) + gamma * np.std(recent)
        ):
            cuts.append(i)
            running = vectors[i].astype(np.float64).copy()
            count = 1
        else:
            running += vectors[i]
            count += 1
        seen.append(surprise)
    return cuts


def modularity(adjacency: np.ndarray, cuts: list[int]) -> float:
    """Newman's modularity of the partition of ``adjacency`` ``(n, n)`` into the
    contiguous segments that start at ``cuts``."""
    degree = adjacency.sum(1)
    total = float(degree.sum())
    if total <= 0:
        return 0.0
    edges = [*cuts, len(adjacency)]
    q = 0.0
    for a, b in itertools.pairwise(edges):
        q += float(adjacency[a:b, a:b].sum()) - float(degree[a:b].sum()) ** 2 / total
    return q / total


def refine(vectors: np.ndarray, cuts: list[int], progress: Progress | None = None) -> list[int]:
    """Cuts refined on the sentences' similarity graph (cosines, negatives as 0): each
    moved, between its neighbours, to where the graph's modularity is highest; a cut with
    no room for :data:`MIN_SENTENCES` on either side is dropped. (Also removing cuts that
    lower the modularity was tried: modularity favours few long parts, and Pk on
    ``bench/segmentation.py`` went from 0.220 to 0.314.) ``progress("segmenting", cut,
    cuts)`` after each cut."""
    adjacency = np.clip(vectors @ vectors.T, 0.0, None).astype(np.float64)
    np.fill_diagonal(adjacency, 0.0)
    out = list(cuts)
    k = 1
    while k < len(out):
        low = out[k - 1] + MIN_SENTENCES
        high = (out[k + 1] if k + 1 < len(out) else len(vectors)) - MIN_SENTENCES
        if high < low:
            del out[k]
            continue
        out[k] = max(
            range(low, high + 1),
            key=lambda p: (modularity(adjacency, [*out[:k], p, *out[k + 1 :]]), -abs(p - out[k])),
        )
        k += 1
        if progress is not None:
            progress("segmenting", k - 1, len(out) - 1)
    return out


def segment(
    vectors: np.ndarray, gamma: float = GAMMA, progress: Progress | None = None
) -> list[int]:
    """The refined cuts of unit sentence ``vectors`` ``(n, e)``: indices opening segments
    (``progress`` as :func:`refine` calls it)."""
    return refine(vectors, boundaries(vectors, gamma), progress)


def stream(
    codec: Codec,
    text: str,
    *,
    gamma: float = GAMMA,
    name: str | None = None,
    progress: Progress | None = None,
) -> Timeline:
    """Read ``text`` as a stream of scenes into ``codec``'s memory: cut it where the
    meaning shifts (:func:`segment`; ``gamma``: how readily), compress and store each
    part from its text (so that its scene keeps the text's sense, and a paraphrase
    recalls it: :mod:`~scenecodec.codec.rerank`), and run the pulse across them, one
    tick a sentence — each sentence presents its part's scene — so that the lifecycle
    decides what recurs, holds, fades or condenses. Returns the pulse's
    :class:`~scenecodec.dynamics.timeline.Timeline` with ``segments``; the state is
    kept under ``name`` (default ``"stream Δn"``, the first scene's code). ``progress``
    is called as ``("reading", lemmas embedded, lemmas)``,
    ``("segmenting", cuts placed, cuts)``, then ``("stream", parts done, parts)``.

    >>> import tempfile, pathlib
    >>> text = "Шёл снег. Мороз трещал. Дети катались на санках. " * 2 + (
    ...     "Банк поднял ставку. Семья отложила покупку квартиры. Отец считал расходы.")
    >>> with Codec.open(pathlib.Path(tempfile.mkdtemp()) / "m.sqlite") as codec:
    ...     line = stream(codec, text)
    >>> [len(s["sentences"]) for s in line.segments]
    [6, 3]
    """
    if len(readable(text)) > MAX_TEXT_CHARS:  # the whole text checked before a part is stored
        raise InputError(f"text of {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}")
    if not text.strip():
        raise InputError("empty text")
    found = sentences(text)
    if not found:
        raise InputError("no sentences in the text")
    cuts = segment(vectors(codec.atoms.embedder, found, progress), gamma, progress)
    parts = [found[a:b] for a, b in itertools.pairwise([*cuts, len(found)])]
    # every part read before one is stored: a part that cannot be read stores nothing;
    # each is stored from its text, so its scene keeps the text's sense (recall by it)
    texts = [" ".join(s.text for s in part) for part in parts]
    for said in texts:
        codec.concepts(said)
    scenes = [codec.compress(text=texts[0])]
    first = str(scenes[0].code)
    running = Pulse.start(codec, first, name=name or f"stream {first}")
    for n in range(len(parts)):
        if n:
            scenes.append(codec.compress(text=texts[n]))
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
