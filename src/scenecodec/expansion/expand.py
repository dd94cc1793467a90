"""Expand a scene: decode it, unfold it into micro-scenes, find its neighbours, speak it.

:func:`expand` is the expansion layer's one call. It takes a
:class:`~scenecodec.codec.Codec` (the layer below) and a cue naming a scene, and
returns an :class:`Expansion`: the scene, what its vector decodes to, its nearest
stored scenes, its micro-scenes (:mod:`scenecodec.expansion.unfold`), its tension
and archetype, its plan — what every voice must say of it
(:mod:`scenecodec.expansion.plan`) — and the text of each register the HyperBridge
activates (:mod:`scenecodec.expansion.bridge`).

>>> import tempfile, pathlib
>>> from scenecodec import Codec
>>> with Codec.open(pathlib.Path(tempfile.mkdtemp()) / "m.sqlite") as codec:
...     e = expand(codec, "тишина + жар → вход", registers=["poetic"], voice="poet")
>>> list(e.registers), e.bridge.route("poetic").voice, e.plan.formula
(['poetic'], 'poet', 'тишина + жар → вход')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from scenecodec.codec import Codec, Cue, Decoded, Recalled, Scene
from scenecodec.errors import InputError
from scenecodec.expansion.archetype import Assignment
from scenecodec.expansion.bridge import Decision, route, speak
from scenecodec.expansion.plan import Plan, plan
from scenecodec.expansion.registers.reading import read as read_scene
from scenecodec.expansion.unfold import MicroScene, concept_vectors, tension, unfold
from scenecodec.language.embed import meaning
from scenecodec.language.forms import Formula
from scenecodec.language.morph import language
from scenecodec.progress import Progress

__all__ = ["MAX_UNFOLD", "Expansion", "context_vector", "expand"]

MAX_UNFOLD = 5
"""Deepest ``expand(depth=...)``: the tree grows as breadth**depth."""


@dataclass(frozen=True)
class Expansion:
    """An expanded scene: the ``scene``, what its vector ``decoded`` to, its nearest
    stored scenes, its micro-scenes (:class:`~scenecodec.expansion.unfold.MicroScene`), the
    anchor's ``tension``, the whole scene's ``archetype``, the text of each active
    register (``registers``: register → text, strongest first), the HyperBridge's
    decision (``bridge``: weights, pace, voices and reasons) and the scene's ``plan``
    (:class:`~scenecodec.expansion.plan.Plan`)."""

    scene: Scene
    decoded: Decoded
    neighbours: tuple[Recalled, ...]
    microscenes: tuple[MicroScene, ...] = ()
    tension: float | None = None
    archetype: Assignment | None = None
    registers: dict[str, str] = field(default_factory=dict)
    bridge: Decision | None = None
    plan: Plan | None = None

    @property
    def language(self) -> str:
        """The scene's language: ``ru`` when most of its letters are Cyrillic, else ``en``."""
        return language(self.scene.formula) or "en"

    @property
    def residual(self) -> float:
        """The fraction of the scene vector's energy its decoded parts leave unexplained."""
        return self.decoded.residual

    @property
    def levels(self) -> list[tuple[int, int, float]]:
        """``(depth, scenes, mean residual)`` per level of the unfolding tree: level 1 is
        the scene itself, level n the scenes its micro-scenes unfold into n − 1 steps down."""
        out = [(1, 1, self.residual)]
        layer = list(self.microscenes)
        while True:
            residuals = [m.unfolding.residual for m in layer if m.unfolding is not None]
            if not residuals:
                return out
            out.append((len(out) + 1, len(residuals), sum(residuals) / len(residuals)))
            layer = [c for m in layer if m.unfolding is not None for c in m.unfolding.microscenes]

    def to_dict(self) -> dict:
        """The CLI JSON shape of ``expand``."""
        return {
            "scene": self.scene.to_dict(),
            "microscenes": [m.to_dict() for m in self.microscenes],
            "levels": [
                {"depth": d, "scenes": n, "residual": round(r, 4)} for d, n, r in self.levels
            ],
            "registers": dict(self.registers),
            "bridge": None if self.bridge is None else self.bridge.to_dict(),
            "plan": None if self.plan is None else self.plan.to_dict(),
            "residual": round(self.residual, 4),
            "tension": None if self.tension is None else round(self.tension, 4),
            "archetype": None if self.archetype is None else self.archetype.to_dict(self.language),
            "neighbours": [n.to_dict() for n in self.neighbours],
            "decoded": self.decoded.to_dict(),
        }


def expand(
    codec: Codec,
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
    """Resolve ``x`` to a scene of ``codec``'s memory, decode its vector, unfold it into
    micro-scenes (:mod:`scenecodec.expansion.unfold`), find its ``neighbours`` nearest
    stored scenes, and speak its registers as the HyperBridge routes them
    (:mod:`scenecodec.expansion.bridge`).

    ``context`` — a cue (text, formula, code, scene…) or a list of them — changes the
    reading: glosses lean toward it and micro-scenes are ordered by it. ``depth``
    levels of unfolding (1: the scene's own micro-scenes; ``None``: the bridge's
    pace decides depth and breadth), ``breadth`` micro-scenes unfolded further per
    level (all when ``None``). ``registers`` names the registers to speak (else the
    bridge activates them); ``goal`` (a text or any cue) and ``voice`` (``logician``,
    ``poet``, ``philosopher``, ``bodily``) steer the bridge; a goal given as text is
    also the plan's goal. ``progress`` is called as
    ``("unfolding", micro-scenes done, 0)`` (the total is not known in advance).
    """
    if depth is not None and not 1 <= depth <= MAX_UNFOLD:
        raise InputError(f"depth must lie in 1…{MAX_UNFOLD}, got {depth}")
    if breadth is not None and breadth < 1:
        raise InputError(f"breadth must be at least 1, got {breadth}")
    if neighbours < 0:
        raise InputError(f"neighbours must be 0 or more, got {neighbours}")
    scene, decoded = codec.read(x)
    near = [r for r in codec.recall(scene.vector, neighbours + 1) if r.scene.code != scene.code]
    where = None if context is None else context_vector(codec, context)
    lemmas = [c.lemma for c in scene.concepts] + ([scene.anchor] if scene.anchor else [])
    phases = [c.phase for c in scene.concepts] + (["anchor"] if scene.anchor else [])
    vectors = concept_vectors(codec, lemmas)
    embedder = codec.atoms.embedder
    reading = read_scene(
        embedder, lemmas, phases, vectors, tension(vectors, scene.anchor is not None), where
    )
    aim = None if goal is None else context_vector(codec, goal)
    decision = route(embedder, reading, goal=aim, voice=voice, registers=registers)
    if depth is None:
        depth, breadth = decision.pace.depth, breadth or decision.pace.breadth
    micro, taut, kind = unfold(
        codec,
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
        neighbours=tuple(near[:neighbours]),
        microscenes=micro,
        tension=taut,
        archetype=kind,
        registers=speak(embedder, reading, decision),
        bridge=decision,
        plan=plan(embedder, reading, goal=goal if isinstance(goal, str) else None),
    )


def context_vector(codec: Codec, context: Cue | Sequence[Cue]) -> np.ndarray:
    """The unit meaning vector ``(e,)`` of a context: one cue or a list of cues, each
    resolved by ``codec`` and read as its :meth:`~scenecodec.codec.Codec.meaning`."""
    cues = [context] if isinstance(context, str | Scene | Formula | np.ndarray) else context
    if not cues:
        raise InputError("empty context")
    rows = [codec.meaning(codec.resolve(cue)) for cue in cues]
    return meaning(np.stack(rows), anchor=False)
