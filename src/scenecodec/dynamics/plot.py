"""Draw a pulse's timeline: activation per scene over ticks, the lifecycle phases marked.

Needs matplotlib (``pip install 'scenecodec[plot]'``); nothing else in scenecodec does.

>>> from scenecodec.dynamics.timeline import Tick, Timeline
>>> focus = ({"key": "Δ1", "label": "жар → вход", "kind": "scene", "activation": 1.0,
...           "probability": 0.98, "phase": "entry", "decision": None},)
>>> line = Timeline("p", {"code": "Δ1", "formula": "жар → вход"},
...                 (Tick(1, focus, None, (), 0, None, ()),))
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "t.png"
>>> plot(line, path) == path and path.stat().st_size > 1000
True
"""

from __future__ import annotations

from pathlib import Path

from scenecodec.dynamics.lifecycle import PHASES
from scenecodec.dynamics.timeline import Timeline
from scenecodec.errors import InputError

__all__ = ["MARKERS", "formats", "plot"]

MARKERS = {"entry": "o", "unfolding": "^", "saturation": "s", "decline": "v"}
"""The marker of each lifecycle phase."""


def formats() -> list[str]:
    """The file name endings a plot can be saved as (``png``, ``svg``, ``pdf``, …);
    :class:`InputError` where matplotlib is not installed.

    >>> "png" in formats()
    True
    """
    try:
        from matplotlib.backend_bases import FigureCanvasBase
    except ImportError:
        raise InputError("plotting needs matplotlib: pip install 'scenecodec[plot]'") from None
    return sorted(FigureCanvasBase.get_supported_filetypes())


def plot(line: Timeline, path: str | Path, *, most: int = 12) -> Path:
    """Save a PNG (or any of the :func:`formats`, by the suffix) of the ``most`` scenes
    that reached the highest activation: one line each, markers by phase, a cross where
    a scene faded and a star where one was condensed; stream parts shaded."""
    formats()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series: dict[str, list[tuple[int, float, str]]] = {}
    labels: dict[str, str] = {}
    for tick in line.ticks:
        for f in tick.focus:
            if f["kind"] == "scene":
                series.setdefault(f["key"], []).append((tick.tick, f["activation"], f["phase"]))
                labels[f["key"]] = f["label"]
    shown = sorted(series, key=lambda k: -max(a for _, a, _ in series[k]))[:most]
    fig, ax = plt.subplots(figsize=(10, 5))
    for n, segment in enumerate(line.segments):
        if n % 2:
            end = line.segments[n + 1]["tick"] if n + 1 < len(line.segments) else None
            ax.axvspan(segment["tick"], end or len(line.ticks), color="0.93", zorder=0)
    for key in shown:
        points = series[key]
        (drawn,) = ax.plot(
            [t for t, _, _ in points],
            [a for _, a, _ in points],
            lw=1.2,
            label=f"{key} {labels[key]}"[:48],
        )
        for phase in PHASES:
            at = [(t, a) for t, a, p in points if p == phase]
            if at:
                ticks, activations = zip(*at, strict=True)
                ax.scatter(ticks, activations, marker=MARKERS[phase], color=drawn.get_color(), s=22)
    for tick in line.ticks:
        for f in tick.faded:
            before = [a for t, a, _ in series.get(f["key"], []) if t < tick.tick]
            if f["key"] in shown and before:
                ax.scatter([tick.tick], [before[-1]], marker="x", color="k", s=30)
        if tick.condensed:
            ax.axvline(tick.tick, color="0.6", ls=":", lw=1)
            ax.text(tick.tick, ax.get_ylim()[1], f" {tick.condensed['code']}", va="top", fontsize=8)
    handles = [
        plt.Line2D([], [], ls="", marker=m, color="0.3", label=p) for p, m in MARKERS.items()
    ]
    legend = ax.legend(handles=handles, loc="upper right", fontsize=8, title="phase")
    ax.add_artist(legend)
    ax.legend(loc="upper left", fontsize=7, title="scene")
    ax.set_xlabel("tick")
    ax.set_ylabel("ACT-R activation")
    ax.set_title(f"{line.name}: {line.seed['formula']}"[:90], fontsize=10)
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out
