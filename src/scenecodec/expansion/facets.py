"""Measured features of a concept, and the gloss read from them.

A *facet* is one functional reading a concept can carry in a scene: a background,
a pause, tension, the body, a transition, an action, space, time, light, sound,
nature, a person, memory, thought, or one of Plutchik's eight basic emotions. Each
facet is described by a few cue words in Russian and in English (``data/facets.tsv``);
its prototype is their mean centred embedding
(:func:`~scenecodec.language.prototypes.prototypes`).

A concept's feature on a facet is the **z-score** of its cosine to the facet's
prototype against ordinary words (:class:`~scenecodec.language.prototypes.Scale`).
The **gloss** is the two strongest facets with
z ≥ :data:`GLOSS_MIN`, in the scene's language (``тишина → пауза, звук``); a context
(:func:`scores` ``context=``) adds its own leaning toward each facet, scaled by
:data:`CONTEXT_WEIGHT`, so the same concept reads differently in another scene.

>>> from scenecodec.language.embed import HashEmbedder
>>> z = scores(HashEmbedder(), HashEmbedder().embed(["жар"]))
>>> z.shape == (1, len(FACETS))
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from scenecodec.language.embed import Embedder
from scenecodec.language.prototypes import Scale, prototypes, scale

__all__ = [
    "CONTEXT_WEIGHT",
    "EMOTIONS",
    "FACETS",
    "GLOSS_MIN",
    "Facet",
    "facet_scale",
    "features",
    "gloss",
    "scores",
]

GLOSS_MIN = 1.0
"""Least z-score for a facet to enter a gloss."""
CONTEXT_WEIGHT = 0.5
"""How much a context's own leaning toward a facet (its z-score) adds to a concept's."""


@dataclass(frozen=True)
class Facet:
    """A facet: ``id``, its ``en`` and ``ru`` names, ``kind`` and cue words in both languages."""

    id: str
    en: str
    ru: str
    kind: str
    cues: tuple[str, ...]


@cache
def _table() -> tuple[Facet, ...]:
    text = resources.files("scenecodec.data").joinpath("facets.tsv").read_text("utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    return tuple(
        Facet(id, en, ru, kind, (en_cues, ru_cues)) for id, kind, en, ru, en_cues, ru_cues in rows
    )


FACETS: tuple[Facet, ...] = _table()
"""The facets, from ``data/facets.tsv``."""
EMOTIONS = tuple(f.id for f in FACETS if f.kind == "emotion")
"""Plutchik's eight basic emotions, in his wheel's order."""

_SCALES: dict[str, Scale] = {}


def facet_scale(embedder: Embedder) -> Scale:
    """The facets' :class:`~scenecodec.language.prototypes.Scale`, built once per embedder."""
    if embedder.name not in _SCALES:
        protos = prototypes(embedder, [list(f.cues) for f in FACETS])
        _SCALES[embedder.name] = scale(embedder, protos)
    return _SCALES[embedder.name]


def scores(
    embedder: Embedder, vectors: np.ndarray, context: np.ndarray | None = None
) -> np.ndarray:
    """Facet z-scores ``(n, F)`` of centred unit ``vectors`` ``(n, e)``; with a unit
    ``context`` vector ``(e,)``, plus :data:`CONTEXT_WEIGHT` × the context's own z-scores."""
    facet = facet_scale(embedder)
    z = facet.z(vectors)
    if context is not None:
        z = z + CONTEXT_WEIGHT * facet.z(context[None, :])
    return z


def gloss(z: np.ndarray, lang: str, most: int = 2) -> list[str]:
    """The names (in ``lang``) of the ``most`` strongest facets of one concept's
    z-scores ``(F,)`` with z ≥ :data:`GLOSS_MIN`; the strongest alone when none reaches it.

    >>> z = np.zeros(len(FACETS)); z[1], z[10] = 2.5, 1.5
    >>> gloss(z, "ru"), gloss(z, "en")
    (['пауза', 'звук'], ['pause', 'sound'])
    """
    order = np.argsort(-z, kind="stable")
    chosen = [i for i in order[:most] if z[i] >= GLOSS_MIN] or [int(order[0])]
    return [FACETS[i].ru if lang == "ru" else FACETS[i].en for i in chosen]


def features(z: np.ndarray) -> dict[str, float]:
    """The measured features of one concept's z-scores ``(F,)``: its strongest emotion
    (``emotion:<plutchik id>``), its bodily load (the stronger of body and sensation),
    and its leaning to space and to time.

    >>> z = np.zeros(len(FACETS)); z[17], z[5] = 3.0, 1.5
    >>> features(z)
    {'emotion:fear': 3.0, 'body': 1.5, 'space': 0.0, 'time': 0.0}
    """
    ids = [f.id for f in FACETS]
    emotions = [ids.index(e) for e in EMOTIONS]
    top = max(emotions, key=lambda i: z[i])
    return {
        f"emotion:{ids[top]}": float(z[top]),
        "body": float(max(z[ids.index("body")], z[ids.index("senses")])),
        "space": float(z[ids.index("space")]),
        "time": float(z[ids.index("time")]),
    }
