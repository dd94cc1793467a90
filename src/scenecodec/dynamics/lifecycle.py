"""A scene's life in time: entry → unfolding → saturation → decline, then hold, fade or compress.

Section 11.1.3 of the seed: a scene has duration, and the system holds it open, lets
it fade or compresses it by the inner dynamics of its meaning. Each thing in focus (a
scene, or one of its micro-scenes) is an :class:`Item` whose phase moves by measured
signals, never by a clock alone:

* **entry** — when it is cued, unfolded out of a scene, resonates in memory, or is
  condensed; a declining scene cued again (it recurs in a stream) enters anew, its
  earlier presentations kept;
* **unfolding** — while its micro-scenes add **novelty**: 1 − the largest cosine
  between a new micro-scene and what is already in focus (centred embeddings);
* **saturation** — novelty under :data:`NOVEL` for :data:`SATURATE` ticks in a row (a
  micro-scene, which does not unfold further here, saturates the tick after it enters);
* **decline** — once saturated, when its activation falls; a scene that entered and
  was neither unfolded nor presented again declines as soon as its activation falls.

A declining item is then **held** (kept open and rehearsed) when it is relevant to the
goal (cosine ≥ :data:`RELEVANT`) or its anchor's tension is unresolved (≥ :data:`TAUT`);
it **fades** when its retrieval probability drops under one half (its activation under
ACT-R's threshold): it leaves the focus, dormant, still in memory and recallable. The
focus holds :data:`CAPACITY` items; past that the least active leaves first. When the
retrieval probabilities of the saturated, declining and held items sum to
:data:`COMPRESS` and the cloud holds at least :data:`CLOUD` scenes, it is
**compressed** into a higher-level scene (see :mod:`.pulse`).

>>> item = Item("Δ1", "scene", "жар + страх → вход", ("жар", "страх", "вход"), 0.5)
>>> item.phase, item.present(3), item.presentations
('entry', None, [3])
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

__all__ = [
    "CAPACITY",
    "CLOUD",
    "COMPRESS",
    "NOVEL",
    "PHASES",
    "RELEVANT",
    "SATURATE",
    "TAUT",
    "Item",
]

NOVEL = 0.5
"""Novelty under which a new micro-scene adds nothing: its cosine to something in focus
is above 0.5 — the range of near-synonyms and translations (e5, centred)."""
SATURATE = 2
"""Ticks of novelty under :data:`NOVEL` (or of nothing left to unfold) that saturate."""
RELEVANT = 0.3
"""Cosine to the goal from which a declining item is held."""
TAUT = 0.55
"""Anchor tension from which a declining scene is held: parts that lean away from their
anchor (tension 0.5 is parts unrelated to it)."""
CAPACITY = 7
"""Items the focus holds."""
COMPRESS = 4.0
"""Summed retrieval probability of the saturated, declining and held items that
compresses them into a new scene."""
CLOUD = 3
"""Least scenes among them for a compression: a higher-level scene gathers several."""
PHASES = ("entry", "unfolding", "saturation", "decline")


@dataclass
class Item:
    """One thing in focus: ``key`` (Δ-code, formula, or ``~lemma`` for a micro-scene),
    ``kind`` (``scene`` or ``micro``), ``label`` (formula or lemma), its ``concepts``,
    its anchor ``tension``, and its state in time."""

    key: str
    kind: str
    label: str
    concepts: tuple[str, ...]
    tension: float | None
    phase: str = "entry"
    decision: str | None = None
    presentations: list[int] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    calm: int = 0
    activation: float = 0.0
    previous: float = 0.0
    probability: float = 1.0

    def present(self, tick: int) -> None:
        """Record a presentation at ``tick`` (once per tick)."""
        if not self.presentations or self.presentations[-1] != tick:
            self.presentations.append(tick)

    def to_state(self) -> dict:
        """Everything needed to resume, as JSON-ready values."""
        out = asdict(self)
        out["concepts"] = list(self.concepts)
        return out

    @classmethod
    def from_state(cls, state: dict) -> Item:
        """The item :meth:`to_state` wrote."""
        return cls(**{**state, "concepts": tuple(state["concepts"])})
