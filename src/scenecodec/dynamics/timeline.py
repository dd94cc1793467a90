"""What a pulse leaves behind: one :class:`Tick` per cycle, gathered in a :class:`Timeline`.

Both are plain records with ``to_dict()`` giving the JSON shape of ``scenecodec pulse
--json`` (and of the stream, with its ``segments``).

>>> line = Timeline("pulse Δ1", {"code": "Δ1", "formula": "жар → вход"}, ())
>>> line.to_dict()
{'name': 'pulse Δ1', 'seed': {'code': 'Δ1', 'formula': 'жар → вход'}, 'ticks': [], 'segments': []}
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Tick", "Timeline"]


@dataclass(frozen=True)
class Tick:
    """What one tick did: the ``focus`` after it (key, label, kind, activation, retrieval
    probability, retrieval latency in seconds, phase, decision), the micro-scene
    ``unfolded`` (parent, lemma, novelty), what ``resonated`` (code, formula, weight,
    cosine) in how many ``steps``, what was ``condensed`` (the new scene's code and
    formula, and its sources) and what ``faded``."""

    tick: int
    focus: tuple[dict, ...]
    unfolded: dict | None
    resonated: tuple[dict, ...]
    steps: int
    condensed: dict | None
    faded: tuple[dict, ...]

    def to_dict(self) -> dict:
        """The JSON shape of a tick: its fields, tuples as lists."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in vars(self).items()}


@dataclass(frozen=True)
class Timeline:
    """A pulse's ``name``, its ``seed`` scene's code and formula, its ``ticks`` and, for
    a text read as a stream, its ``segments`` (sentences, span, scene, the tick it
    entered)."""

    name: str
    seed: dict
    ticks: tuple[Tick, ...]
    segments: tuple[dict, ...] = ()

    def to_dict(self) -> dict:
        """``{"name", "seed", "ticks": [...], "segments": [...]}``."""
        return {
            "name": self.name,
            "seed": self.seed,
            "ticks": [t.to_dict() for t in self.ticks],
            "segments": list(self.segments),
        }
