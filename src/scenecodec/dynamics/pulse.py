"""The pulse: ``scene → unfolding → resonance → condensation → scene``, one tick at a time.

Section 11.1.4 of the seed. A pulse starts from a scene (stored first if it is new)
and keeps a focus of :class:`~.lifecycle.Item` s. Each tick:

1. **unfolding** — the most active scene still unfolding gives its next concept (parts
   in rhythm order, then the anchor) as a micro-scene; its novelty against the focus
   drives the scene's lifecycle;
2. **resonance** — the focus's gist (each item's gist weighted by its retrieval
   probability) settles against every stored gist by the modern Hopfield update
   (:mod:`.resonance`); stored scenes that resonate are presented again, and the
   strongest one not yet in focus enters it;
3. **activation** — every item's ACT-R activation (:mod:`.activation`): base level from
   its presentations, spreading from the concepts of the items still entering or
   unfolding (fan = how many stored scenes hold each), and its cosine to the goal (or,
   without one, to the seed — in a stream, to the scene the text is on now);
4. **lifecycle** — phases move and declining items are held, fade or leave past the
   focus's capacity (:mod:`.lifecycle`);
5. **condensation** — when the settled cloud weighs enough, its most active concepts
   become a new scene (the cloud's strongest anchor as its anchor), stored with links
   to the stored scenes it came from; the new scene enters the focus and the cycle
   closes.

The whole state is kept in memory after every run (:meth:`Pulse.save`), so a pulse
stopped after n ticks and resumed gives the same timeline as one run straight through.
:func:`pulse` is the one call: start or resume, run, save, return the timeline.

This is our own construction from the cited parts; no library runs this cycle.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from scenecodec.algebra import hv
from scenecodec.algebra.packed import PackedRows
from scenecodec.codec import Codec, Scene
from scenecodec.dynamics import activation as actr
from scenecodec.dynamics.lifecycle import (
    CAPACITY,
    CLOUD,
    COMPRESS,
    NOVEL,
    RELEVANT,
    SATURATE,
    TAUT,
    Item,
)
from scenecodec.dynamics.resonance import settle
from scenecodec.dynamics.timeline import Tick, Timeline
from scenecodec.errors import InputError, NotFoundError
from scenecodec.progress import Progress

__all__ = ["COHERENT", "ENTER", "MAX_TICKS", "PARTS", "RESTATES", "Pulse", "pulse"]

ENTER = 0.2
"""Least cosine between the focus's gist and the scene that resonated most for that scene
to enter the focus: unrelated gists of 1,024 bits meet at 0 ± 0.03, a scene sharing one
concept of four with the focus at ≈ 0.25."""
COHERENT = 0.2
"""Least cosine (meaning vectors) to the most active settled scene for an item to join the
cloud being condensed: unrelated scenes (≈ 0 ± 0.1) are not condensed together; scenes
sharing a concept meet at 0.2–0.45."""
RESTATES = 0.6
"""Gist cosine to a stored scene from which a condensed scene would only restate it (a
scene sharing four of five concepts meets it at ≈ 0.6): then nothing is condensed."""
MAX_TICKS = 1000
"""Most ticks one call runs."""
PARTS = 6
"""Most parts of a condensed scene (with its anchor: seven concepts)."""


class Pulse:
    """A running pulse over one memory; make it with :meth:`start` or :meth:`resume`."""

    def __init__(self, codec: Codec, name: str, seed: Scene, goal: str | None):
        self.codec = codec
        self.name = name
        self.seed = seed
        self.goal = goal
        self.tick = 0
        self.items: list[Item] = []
        self.dormant: dict[str, list[int]] = {}
        self.ticks: list[Tick] = []
        self._vectors: dict[str, np.ndarray] = {}
        self._gists: dict[str, np.ndarray] = {}
        ids, packed = codec.store.vectors_since(0, "gist")
        self._ids = ids  # (n,) int64, and the gists: no Python object per stored scene
        self._patterns = PackedRows(packed, codec.atoms.dim)
        aim = codec.resolve(goal) if goal else seed
        self._aim = codec.meaning(aim)

    # -- making and keeping ------------------------------------------------------------

    @classmethod
    def start(cls, codec: Codec, cue: str, *, name: str | None = None, goal: str | None = None):
        """A new pulse on ``cue`` (stored first if it is not): the seed enters the focus
        at tick 0."""
        seed = codec.resolve(cue)
        if seed.code is None:
            seed = codec.compress(seed.formula)
        pulse = cls(codec, name or f"pulse {seed.code}", seed, goal)
        pulse._enter(seed, 0)
        return pulse

    @classmethod
    def resume(cls, codec: Codec, name: str) -> Pulse:
        """The pulse kept in memory under ``name``."""
        raw = codec.store.get_pulse(name)
        if raw is None:
            raise NotFoundError(f"no pulse named {name!r} in this memory")
        state = json.loads(raw)
        pulse = cls(codec, name, codec.show(state["seed"]), state["goal"])
        pulse.tick = state["tick"]
        pulse.items = [Item.from_state(s) for s in state["items"]]
        pulse.dormant = state["dormant"]
        pulse.ticks = [Tick(**{**t, **_tuples(t)}) for t in state["ticks"]]
        return pulse

    def save(self) -> None:
        """Keep the whole state in memory under the pulse's name."""
        state = {
            "seed": self.seed.code,
            "goal": self.goal,
            "tick": self.tick,
            "items": [i.to_state() for i in self.items],
            "dormant": self.dormant,
            "ticks": [t.to_dict() for t in self.ticks],
        }
        self.codec.store.put_pulse(self.name, json.dumps(state, ensure_ascii=False))

    def timeline(self) -> Timeline:
        """The timeline so far."""
        seed = {"code": self.seed.code, "formula": self.seed.formula}
        return Timeline(self.name, seed, tuple(self.ticks))

    # -- running -------------------------------------------------------------------------

    def run(self, ticks: int, progress: Progress | None = None) -> None:
        """Run ``ticks`` more ticks."""
        if not 1 <= ticks <= MAX_TICKS:
            raise InputError(f"ticks must lie in 1…{MAX_TICKS}, got {ticks}")
        for n in range(ticks):
            self.step()
            if progress is not None:
                progress("pulse", n + 1, ticks)

    def step(self, cue: Scene | None = None) -> Tick:
        """One tick: a ``cue`` scene (the next scene of a stream) enters or is presented
        again, then unfolding, resonance, activation, lifecycle, condensation."""
        self.tick += 1
        t = self.tick
        if cue is not None:
            self._enter(cue, t)
            if self.goal is None:  # a stream's relevance follows what the text is about now
                assert cue.code is not None  # a stream's scenes are stored: they have a code
                self._aim = self._vector(cue.code, cue.formula)
        unfolded = self._unfold(t)
        resonated, steps = self._resonate(t)
        self._activate(t)
        faded = self._live(t)
        condensed = self._condense(t)
        record = Tick(
            tick=t,
            focus=tuple(self._view(i) for i in self.items),
            unfolded=unfolded,
            resonated=tuple(resonated),
            steps=steps,
            condensed=condensed,
            faded=tuple(faded),
        )
        self.ticks.append(record)
        return record

    # -- the five stages -----------------------------------------------------------------

    def _unfold(self, t: int) -> dict | None:
        growing = [i for i in self.items if i.kind == "scene" and i.pending]
        for item in self.items:
            if item.kind == "scene" and not item.pending and item.phase in ("entry", "unfolding"):
                item.calm += 1
        if not growing:
            return None
        parent = max(growing, key=lambda i: (i.activation, -self.items.index(i)))
        lemma = parent.pending.pop(0)
        parent.present(t)
        if parent.phase == "entry":
            parent.phase = "unfolding"
        vector = self._vector(f"~{lemma}", lemma)
        others = [self._vector(i.key, i.label) for i in self.items if i.key != f"~{lemma}"]
        novelty = 1.0 - max((float(vector @ o) for o in others), default=0.0)
        parent.calm = parent.calm + 1 if novelty < NOVEL else 0
        micro = next((i for i in self.items if i.key == f"~{lemma}"), None)
        if micro is None:
            micro = Item(f"~{lemma}", "micro", lemma, (lemma,), None)
            self.items.append(micro)
        micro.present(t)
        return {"parent": parent.label, "lemma": lemma, "novelty": round(novelty, 4)}

    def _resonate(self, t: int) -> tuple[list[dict], int]:
        if not len(self._patterns) or not self.items:
            return [], 0
        exclude = np.isin(self._ids, [int(i.key[1:]) for i in self.items if i.key[0] == "Δ"])
        state = sum(
            (i.probability * self._gist(i).astype(np.float32) for i in self.items),
            np.zeros(self.codec.atoms.dim, np.float32),
        )
        settled = settle(self._patterns, state, exclude=exclude)
        cue = state / max(float(np.linalg.norm(state)), 1e-12)
        out: list[dict[str, Any]] = []
        for row in settled.resonated:
            code = f"Δ{self._ids[int(row)]}"
            scene = self.codec.show(code)
            near = float(self._patterns[row] @ cue)
            out.append(
                {
                    "code": code,
                    "formula": scene.formula,
                    "weight": round(float(settled.weights[row]), 4),
                    "cosine": round(near, 4),
                }
            )
        if out and out[0]["cosine"] >= ENTER:
            self._enter(self.codec.show(out[0]["code"]), t)
        return out, settled.steps

    def _activate(self, t: int, items: list[Item] | None = None) -> None:
        """ACT-R activation of ``items`` (default: the whole focus) at the end of tick ``t``."""
        sources = sorted(
            {c for i in self.items if i.phase in ("entry", "unfolding") for c in i.concepts}
        )
        fan = self.codec.store.fan(sources) if sources else {}
        for item in self.items if items is None else items:
            base = actr.base_level(item.presentations, now=t + 1)
            spread = actr.spreading(sources, set(item.concepts), fan)
            match = actr.MATCH * float(self._vector(item.key, item.label) @ self._aim)
            item.previous = item.activation
            item.activation = base + spread + match
            item.probability = actr.retrieval_probability(item.activation)

    def _live(self, t: int) -> list[dict]:
        faded = []
        for item in list(self.items):
            if item.phase == "entry" and item.kind == "scene" and not self._fresh(item, t):
                if item.activation < item.previous:  # entered, never unfolded, fading
                    item.phase = "decline"
            elif item.phase in ("entry", "unfolding"):
                done = item.calm >= SATURATE if item.kind == "scene" else t > item.presentations[0]
                if done:
                    item.phase = "saturation"
            elif item.phase == "saturation" and item.activation < item.previous:
                item.phase = "decline"
            if item.phase != "decline":
                continue
            if item.probability < 0.5:
                faded.append(self._leave(item, "fade", "below the retrieval threshold"))
            elif self._held(item):
                item.decision = "hold"
                item.present(t)
        while len(self.items) > CAPACITY:
            weakest = min(self.items, key=lambda i: (i.activation, -self.items.index(i)))
            faded.append(self._leave(weakest, "fade", "over the focus capacity"))
        return faded

    def _condense(self, t: int) -> dict | None:
        settled = [i for i in self.items if i.phase in ("saturation", "decline")]
        settled_scenes = [i for i in settled if i.kind == "scene"]
        if not settled_scenes:
            return None
        core = max(settled_scenes, key=lambda i: (i.activation, -self.items.index(i)))
        near = self._vector(core.key, core.label)
        cloud = [i for i in settled if float(self._vector(i.key, i.label) @ near) >= COHERENT]
        scenes = [i for i in cloud if i.kind == "scene"]
        if len(scenes) < CLOUD or sum(i.probability for i in cloud) < COMPRESS:
            return None
        weight: dict[str, float] = {}
        for item in cloud:
            for c in item.concepts:
                if not c.startswith("("):
                    weight[c] = weight.get(c, 0.0) + item.probability
        anchors = [i for i in cloud if i.kind == "scene" and i.label.count("→")]
        anchor = None
        if anchors:
            anchor = max(anchors, key=lambda i: i.activation).concepts[-1]
        ranked = sorted(weight, key=lambda c: (-weight[c], c))
        parts = [c for c in ranked if c != anchor][:PARTS]
        if len(set(parts) | ({anchor} if anchor else set())) < 2:
            return None
        formula = " + ".join(parts) + (f" → {anchor}" if anchor else "")
        candidate = self._pattern(self.codec.resolve(formula))
        if len(self._patterns) and float(np.max(self._patterns @ candidate)) >= RESTATES:
            return None  # it would restate a stored scene, not condense anything new
        scene = self.codec.compress(formula)
        self.learn(scene)
        sources = sorted({i.key for i in cloud if i.kind == "scene" and i.key.startswith("Δ")})
        assert scene.code is not None  # compress stores the scene, so it has a code
        number = int(scene.code[1:])
        self.codec.store.add_links(
            number, [int(s[1:]) for s in sources if s != scene.code], "condensed"
        )
        for item in cloud:
            self._leave(item, "compress", f"condensed into {scene.code}")
        if scene.code not in {i.key for i in self.items}:
            self._activate(t, [self._enter(scene, t)])
        return {"code": scene.code, "formula": scene.formula, "sources": sources}

    def learn(self, scene: Scene) -> None:
        """Add a scene stored while the pulse runs to what can resonate."""
        if scene.code is not None and not np.any(self._ids == int(scene.code[1:])):
            self._ids = np.append(self._ids, int(scene.code[1:]))
            self._patterns.append(hv.pack(self.codec.gist(scene)))

    # -- helpers ---------------------------------------------------------------------------

    def _pattern(self, scene: Scene) -> np.ndarray:
        """The scene's gist as a unit-length float32 pattern."""
        scale = np.float32(1.0 / np.sqrt(self.codec.atoms.dim))
        return self.codec.gist(scene).astype(np.float32) * scale

    @staticmethod
    def _fresh(item: Item, t: int) -> bool:
        """Whether ``item`` was presented at tick ``t``."""
        return bool(item.presentations) and item.presentations[-1] == t

    def _held(self, item: Item) -> bool:
        relevant = (
            self.goal is not None
            and float(self._vector(item.key, item.label) @ self._aim) >= RELEVANT
        )
        return relevant or (item.tension is not None and item.tension >= TAUT)

    def _enter(self, scene: Scene, t: int) -> Item:
        """``scene`` enters the focus at tick ``t`` (or, already there, is presented
        again); a scene that was in focus before keeps its earlier presentations."""
        item = next((i for i in self.items if i.key == scene.code), None)
        if item is None:
            item = self._scene_item(scene)
            item.presentations = self.dormant.pop(item.key, [])
            self.items.append(item)
        elif item.phase == "decline":  # it recurs after it had declined: a new entry
            item.phase, item.calm, item.decision = "entry", 0, None
        item.present(t)
        return item

    def _leave(self, item: Item, decision: str, reason: str) -> dict:
        item.decision = decision
        self.items.remove(item)
        if item.kind == "scene":
            self.dormant[item.key] = list(item.presentations)
        return {"key": item.key, "label": item.label, "decision": decision, "reason": reason}

    def _scene_item(self, scene: Scene) -> Item:
        lemmas = [c.lemma for c in scene.concepts] + ([scene.anchor] if scene.anchor else [])
        vectors = self.codec.embed(self.codec.leaves(scene.formula))
        tension = None
        if scene.anchor is not None and len(vectors) > 1:
            tension = (1.0 - float(np.mean(vectors[:-1] @ vectors[-1]))) / 2.0
        item = Item(scene.code or scene.formula, "scene", scene.formula, tuple(lemmas), tension)
        item.pending = list(lemmas)
        return item

    def _vector(self, key: str, label: str) -> np.ndarray:
        if key not in self._vectors:
            if key.startswith("~"):
                self._vectors[key] = self.codec.embed([label])[0]
            else:
                self._vectors[key] = self.codec.meaning(self.codec.resolve(label))
        return self._vectors[key]

    def _gist(self, item: Item) -> np.ndarray:
        if item.key not in self._gists:
            scene = self.codec.resolve(item.label if item.kind == "scene" else [item.label])
            self._gists[item.key] = self.codec.gist(scene)
        return self._gists[item.key]

    @staticmethod
    def _view(item: Item) -> dict:
        return {
            "key": item.key,
            "label": item.label,
            "kind": item.kind,
            "activation": round(item.activation, 4),
            "probability": round(item.probability, 4),
            "latency": round(actr.latency(item.activation), 4),
            "phase": item.phase,
            "decision": item.decision,
        }


def _tuples(tick: dict) -> dict:
    return {k: tuple(tick[k]) for k in ("focus", "resonated", "faded")}


def pulse(
    codec: Codec,
    x: str | None = None,
    *,
    ticks: int = 20,
    goal: str | None = None,
    name: str | None = None,
    resume: bool = False,
    progress: Progress | None = None,
) -> Timeline:
    """Run the pulse ``scene → unfolding → resonance → condensation → scene`` over
    ``codec``'s memory for ``ticks`` ticks and return its whole :class:`Timeline`.

    A new pulse starts from the scene ``x`` names (stored first if it is new), under
    ``name`` (default ``"pulse Δn"``); ``resume=True`` continues the pulse kept under
    ``name`` (or under the default name of ``x``) where it stopped. ``goal`` (text or
    any cue) is what relevance is measured against (default: the seed). The state is
    kept in memory after the run; condensed scenes are stored with links to their
    sources (:meth:`~scenecodec.codec.Codec.links`).

    >>> import tempfile, pathlib
    >>> with Codec.open(pathlib.Path(tempfile.mkdtemp()) / "m.sqlite") as codec:
    ...     line = pulse(codec, "тишина + жар → вход", ticks=3)
    >>> [t.unfolded["lemma"] for t in line.ticks]
    ['тишина', 'жар', 'вход']
    """
    if resume:
        if name is None:
            if x is None:
                raise InputError("resume needs the pulse's name or its scene")
            code = codec.resolve(x).code
            if code is None:
                raise NotFoundError(f"{x!r} is not a stored scene, so no pulse started from it")
            name = f"pulse {code}"
        running = Pulse.resume(codec, name)
    else:
        if x is None:
            raise InputError("a pulse needs a scene to start from")
        running = Pulse.start(codec, x, name=name, goal=goal)
    running.run(ticks, progress)
    running.save()
    return running.timeline()
