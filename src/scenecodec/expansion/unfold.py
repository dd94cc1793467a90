"""Unfolding: a scene becomes 3–7 micro-scenes, each with its reading, and each unfolds again.

For every concept of a scene (its parts in rhythm order, then the anchor) a
:class:`MicroScene` carries:

* ``phase`` — its place in the rhythm (``entry``, ``peak``, ``decline``) or ``anchor``;
* ``gloss`` — its two strongest facets (:mod:`scenecodec.expansion.facets`: background, pause,
  tension, body, transition, an emotion of Plutchik's…) in the concept's language,
  with the facet z-scores as ``features``;
* ``archetype`` — from the bilingual tables (:mod:`scenecodec.expansion.archetype`), or ``None``;
* ``pull`` — the centred embedding cosine between the concept and the anchor: how
  strongly it is drawn toward the point of action (``None`` for the anchor itself);
* ``context`` — the stored concepts nearest in meaning, and the stored scenes whose
  gists are nearest to the concept ("related to memory");
* ``templates`` — stored scenes that hold this concept, most shared with the scene
  first: ways this part has been unfolded before (``Δ41 → [жар, страх, шаг]``);
* ``unfolding`` — with ``depth`` > 1, its own scene: the concept as anchor, with up
  to six concepts drawn from its templates and its nearest stored concepts, none of
  them already on the branch, unfolded in turn; a sub-scene part (``(жар + страх →
  шаг)``) unfolds into that very scene.

The scene's **tension** is ``(1 − mean pull) / 2`` ∈ [0, 1]: the distance in meaning
the parts still have to travel to their anchor. Parts that already mean the anchor
(synonyms) give a slack scene near 0; parts far from it give a taut one near 0.5
and above. A scene without an anchor has no tension (``None``).

A **context** (a text, a scene, or a list of them) changes the reading: each facet
gains the context's own leaning toward it (so glosses shift), and the micro-scenes
are ordered by their cosine to the context instead of by rhythm.

This is our own construction; no library unfolds hypervector scenes this way.

>>> import tempfile, pathlib
>>> from scenecodec import Codec, expand
>>> with Codec.open(pathlib.Path(tempfile.mkdtemp()) / "m.sqlite", embedder="hash") as codec:
...     _ = codec.compress("жар + страх + шаг")
...     e = expand(codec, "тишина + жар → вход", depth=2)
>>> [m.lemma for m in e.microscenes], e.microscenes[1].templates[0].concepts
(['тишина', 'жар', 'вход'], ('жар', 'страх', 'шаг'))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from scenecodec.codec import Codec, Scene
from scenecodec.expansion import archetype, facets
from scenecodec.expansion.archetype import Assignment
from scenecodec.language.embed import meaning
from scenecodec.language.forms import Formula
from scenecodec.language.morph import language

__all__ = [
    "CONTEXT_CONCEPTS",
    "CONTEXT_SCENES",
    "TEMPLATES",
    "MicroScene",
    "Template",
    "Unfolding",
    "concept_vectors",
    "tension",
    "unfold",
]

CONTEXT_CONCEPTS = 3
"""Stored concepts listed as a micro-scene's context."""
CONTEXT_SCENES = 3
"""Stored scenes listed as a micro-scene's context."""
TEMPLATES = 3
"""Templates listed per micro-scene."""
CHILD_CONCEPTS = 6
"""Most concepts joined to a micro-scene in its own scene (with it as anchor: 7)."""


@dataclass(frozen=True)
class Template:
    """A stored scene holding the micro-scene's concept: its ``code``, ``concepts`` in
    order (anchor last) and how many it ``shared`` with the unfolded scene."""

    code: str
    concepts: tuple[str, ...]
    shared: int

    def to_dict(self) -> dict:
        """``{"code", "concepts", "shared"}``."""
        return {"code": self.code, "concepts": list(self.concepts), "shared": self.shared}


@dataclass(frozen=True)
class MicroScene:
    """One part of an unfolded scene (see the module docstring for each field)."""

    lemma: str
    phase: str
    gloss: tuple[str, ...]
    features: dict[str, float]
    archetype: Assignment | None
    pull: float | None
    context: tuple[tuple[str, float], ...]
    scenes: tuple[tuple[str, str, float], ...]
    templates: tuple[Template, ...]
    unfolding: Unfolding | None = None

    def to_dict(self) -> dict:
        """The JSON shape of a micro-scene; numbers to 4 decimals."""
        lang = language(self.lemma) or "en"
        return {
            "lemma": self.lemma,
            "phase": self.phase,
            "gloss": list(self.gloss),
            "features": {k: round(v, 4) for k, v in self.features.items()},
            "archetype": None if self.archetype is None else self.archetype.to_dict(lang),
            "pull": None if self.pull is None else round(self.pull, 4),
            "context": {
                "concepts": [{"lemma": w, "score": round(s, 4)} for w, s in self.context],
                "scenes": [
                    {"code": c, "formula": f, "score": round(s, 4)} for c, f, s in self.scenes
                ],
            },
            "templates": [t.to_dict() for t in self.templates],
            "unfolding": None if self.unfolding is None else self.unfolding.to_dict(),
        }


@dataclass(frozen=True)
class Unfolding:
    """A micro-scene's own scene: its ``formula``, decoded ``residual``, ``tension`` and
    ``microscenes``."""

    formula: str
    residual: float
    tension: float | None
    microscenes: tuple[MicroScene, ...]

    def to_dict(self) -> dict:
        """``{"formula", "residual", "tension", "microscenes"}``."""
        return {
            "formula": self.formula,
            "residual": round(self.residual, 4),
            "tension": None if self.tension is None else round(self.tension, 4),
            "microscenes": [m.to_dict() for m in self.microscenes],
        }


def _top(row: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest values of ``row``, largest first (ties: lower index)."""
    if len(row) > k:
        part = np.argpartition(-row, k - 1)[:k]
        return part[np.lexsort((part, -row[part]))]
    return np.argsort(-row, kind="stable")


def _tension(pulls: list[float]) -> float | None:
    return (1.0 - float(np.mean(pulls))) / 2.0 if pulls else None


def tension(vectors: np.ndarray, anchored: bool) -> float | None:
    """A scene's tension from its concepts' centred unit vectors ``(k, e)``, anchor last.

    >>> tension(np.eye(3), anchored=True), tension(np.eye(3), anchored=False)
    (0.5, None)
    """
    return _tension([float(v @ vectors[-1]) for v in vectors[:-1]] if anchored else [])


def concept_vectors(codec: Codec, lemmas: Sequence[str]) -> np.ndarray:
    """Centred unit embeddings ``(k, e)`` of a scene's concepts; a sub-scene part
    (``(жар + страх)``) is its leaves' meaning vector."""
    plain = [w for w in lemmas if not w.startswith("(")]
    embedded = dict(zip(plain, codec.embed(plain), strict=True)) if plain else {}
    rows = [
        meaning(codec.embed(codec.leaves(w[1:-1])), anchor=False)
        if w.startswith("(")
        else embedded[w]
        for w in lemmas
    ]
    return np.stack(rows).astype(np.float32)


class _Unfolder:
    """Holds what one expansion shares across its tree: the codec, the context, the limits."""

    def __init__(
        self,
        codec: Codec,
        context: np.ndarray | None,
        depth: int,
        breadth: int | None,
        progress: Callable[[str, int, int], None] | None,
    ):
        self.codec = codec
        self.context = context
        self.depth = depth
        self.breadth = breadth
        self.embedder = codec.atoms.embedder
        self.progress = progress
        self.done = 0

    def microscenes(
        self,
        lemmas: list[str],
        phases: list[str],
        has_anchor: bool,
        scene_code: str | None,
        branch: frozenset[str],
        level: int,
        vectors: np.ndarray,
    ) -> tuple[tuple[MicroScene, ...], float | None]:
        z = facets.scores(self.embedder, vectors, self.context)
        kinds = archetype.assign(self.embedder, vectors)
        pulls = [float(v @ vectors[-1]) for v in vectors[:-1]] if has_anchor else []
        stored, senses = self.codec.senses()
        near = vectors @ senses.T
        order = list(range(len(lemmas)))
        if self.context is not None:
            order.sort(key=lambda i: -float(vectors[i] @ self.context))
        unfold_these = set(order if self.breadth is None else order[: self.breadth])
        cues = [self.codec.leaves(w[1:-1]) if w.startswith("(") else [w] for w in lemmas]
        own = set(lemmas) | branch | {leaf for cue in cues for leaf in cue}
        recalled = self.codec.recall_many(cues, k=CONTEXT_SCENES + 1)
        out = []
        for i in order:
            lemma = lemmas[i]
            context = [
                (stored[j], float(near[i, j]))
                for j in _top(near[i], CONTEXT_CONCEPTS + len(own))
                if stored[j] not in own
            ][:CONTEXT_CONCEPTS]
            near_scenes: list[tuple[str, str, float]] = []
            for r in recalled[i]:
                assert r.scene.code is not None  # recalled scenes are stored: they have a code
                if r.scene.code != scene_code:
                    near_scenes.append((r.scene.code, r.scene.formula, r.score))
            scenes = tuple(near_scenes)[:CONTEXT_SCENES]
            templates = self.templates(lemma, lemmas, scene_code)
            child = None
            if level < self.depth and i in unfold_these and lemma not in branch:
                below = branch | set(lemmas)
                if lemma.startswith("("):
                    child = self.part(lemma[1:-1], below, level)
                else:
                    child = self.child(lemma, templates, context, below, level)
            lang = language(lemma) or "en"
            out.append(
                MicroScene(
                    lemma=lemma,
                    phase=phases[i],
                    gloss=tuple(facets.gloss(z[i], lang)),
                    features=facets.features(z[i]),
                    archetype=kinds[i],
                    pull=pulls[i] if i < len(pulls) else None,
                    context=tuple(context),
                    scenes=scenes,
                    templates=templates,
                    unfolding=child,
                )
            )
            self.done += 1
            if self.progress is not None:
                self.progress("unfolding", self.done, 0)
        return tuple(out), _tension(pulls)

    def templates(
        self, lemma: str, lemmas: list[str], scene_code: str | None
    ) -> tuple[Template, ...]:
        """Stored scenes holding ``lemma``, most concepts shared with ``lemmas`` first."""
        if lemma.startswith("("):
            return ()
        shared = dict(self.codec.store.sharing(lemmas, TEMPLATES + 1, holding=lemma))
        out = []
        for r in self.codec.store.iter_records(list(shared)):
            assert r.id is not None  # a record read back from the store has its id
            if f"Δ{r.id}" != scene_code:
                out.append(Template(f"Δ{r.id}", tuple(p.lemma for p in r.parts), shared[r.id]))
        return tuple(out[:TEMPLATES])

    def child(
        self,
        lemma: str,
        templates: tuple[Template, ...],
        context: list[tuple[str, float]],
        branch: frozenset[str],
        level: int,
    ) -> Unfolding | None:
        candidates = [w for t in templates for w in t.concepts if not w.startswith("(")]
        candidates += [w for w, _ in context]
        chosen = [w for w in dict.fromkeys(candidates) if w not in branch and w != lemma]
        chosen = chosen[:CHILD_CONCEPTS]
        if len(chosen) < 2:
            return None
        return self.part(Formula(tuple(chosen), lemma), branch | {lemma}, level)

    def part(self, formula: str | Formula, branch: frozenset[str], level: int) -> Unfolding:
        """The unfolding of a scene given by ``formula`` one level below ``level``: a
        micro-scene's own scene, or a sub-scene part of its parent."""
        scene, decoded = self.codec.read(formula)
        phases = [c.phase for c in scene.concepts]
        lemmas = [c.lemma for c in scene.concepts]
        if scene.anchor is not None:
            phases.append("anchor")
            lemmas.append(scene.anchor)
        micro, tension = self.microscenes(
            lemmas,
            phases,
            scene.anchor is not None,
            scene.code,
            branch,
            level + 1,
            concept_vectors(self.codec, lemmas),
        )
        return Unfolding(scene.formula, decoded.residual, tension, micro)


def unfold(
    codec: Codec,
    scene: Scene,
    *,
    context: np.ndarray | None = None,
    depth: int = 1,
    breadth: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    vectors: np.ndarray | None = None,
) -> tuple[tuple[MicroScene, ...], float | None, Assignment | None]:
    """The micro-scenes of ``scene``, its tension and its archetype as a whole.

    ``vectors`` are the scene's :func:`concept_vectors` when the caller has them already.
    ``context`` is a unit vector ``(e,)`` (see :func:`~scenecodec.expansion.expand.expand`);
    ``depth`` ≥ 1 levels (1: the scene's own micro-scenes only); ``breadth``: how many micro-scenes
    of each level unfold further (all when ``None``), nearest to the context first;
    ``progress(stage, done, 0)`` after each micro-scene.
    """
    unfolder = _Unfolder(codec, context, depth, breadth, progress)
    lemmas = [c.lemma for c in scene.concepts]
    phases = [c.phase for c in scene.concepts]
    if scene.anchor is not None:
        lemmas.append(scene.anchor)
        phases.append("anchor")
    if vectors is None:
        vectors = concept_vectors(codec, lemmas)
    micro, tension = unfolder.microscenes(
        lemmas, phases, scene.anchor is not None, scene.code, frozenset(), 1, vectors
    )
    whole = meaning(vectors, scene.anchor is not None)
    return micro, tension, archetype.assign(unfolder.embedder, whole[None, :])[0]
