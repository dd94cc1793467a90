"""Recall's second stage: the scenes nearest a cue's gist, re-ranked by what they say.

A cue of concepts (free text, a fused name, concepts) first finds the
:data:`CANDIDATES` stored scenes whose gists are nearest its own. Each is then
scored ``(gist cosine + SENSE_WEIGHT × sense cosine) / (1 + SENSE_WEIGHT)``, where the
sense cosine compares the cue as typed with the scene's concepts read as one
sentence (``жар тревога тишина вход``), both embedded by the multilingual Universal
Sentence Encoder (:class:`~scenecodec.language.embed.USEEmbedder`, its raw sentence
vectors: the centring the codec gives words is fitted on words, and measured worse on
sentences). The gist knows which concepts a scene holds; the sentence encoder knows
that *знойное безмолвие* and *a sweltering quiet* say what *жар тишина* says, in
either language. On ``bench/paraphrase.py`` (60 cues, 10,060 scenes, an e5 memory) it
took top-1 from 0.683 to 0.867 and top-3 from 0.867 to 0.950 (docs/benchmarks.md,
issue 16).

>>> from scenecodec.codec.scene import Recalled, Scene
>>> def hit(code, formula, score):
...     return Recalled(Scene(None, code, "", formula, "", (), None), score)
>>> hits = [hit("Δ1", "стол + стул", 0.30), hit("Δ2", "жар + тишина", 0.28)]
>>> [r.scene.code for r in Sense().rerank("знойное безмолвие", hits, [["стол", "стул"],
...     ["жар", "тишина"]], k=2)]
['Δ2', 'Δ1']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from scenecodec.codec.scene import Recalled
from scenecodec.language.centre import unit
from scenecodec.language.embed import USEEmbedder
from scenecodec.memory import Index

__all__ = ["CANDIDATES", "SENSE_WEIGHT", "Query", "Sense"]

CANDIDATES = 100
"""How many of the gist's nearest scenes are re-ranked: on a ``use`` memory they hold
the cue's scene for every cue of the bench's paraphrase set and 0.80 of the held-out
ones (300 measured no better on an e5 memory)."""
SENSE_WEIGHT = 1.0
"""The sense cosine's weight beside the gist cosine (1 and 2 measured alike; 4 lost
Russian cues to their English twins)."""


@dataclass(frozen=True)
class Query:
    """What a recall cue searches: its ``vector`` ``(d,)`` in one ``index`` (scene
    vectors or gists) and, for a cue of concepts, the text its ``sense`` is read from."""

    vector: np.ndarray
    index: Index
    sense: str | None = None


@dataclass
class Sense:
    """Re-ranks gist hits by the sentence encoder's reading of cue and scenes."""

    encoder: USEEmbedder = field(default_factory=USEEmbedder)

    def rerank(
        self, cue: str, hits: Sequence[Recalled], leaves: Sequence[Sequence[str]], k: int
    ) -> list[Recalled]:
        """The best ``k`` of ``hits`` (gist order, each scene's concepts in ``leaves``)
        for ``cue``, scored as the module says; ties keep the gist's order."""
        if not hits:
            return []
        vectors = unit(self.encoder.raw([cue, *(" ".join(words) for words in leaves)]))
        sense = vectors[1:] @ vectors[0]
        gist = np.array([h.score for h in hits])
        score = (gist + SENSE_WEIGHT * sense) / (1.0 + SENSE_WEIGHT)
        order = np.argsort(-score, kind="stable")[:k]
        return [Recalled(hits[i].scene, float(score[i])) for i in order]
