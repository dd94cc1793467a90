"""What ``expand`` shows while the model voices write, and once they have.

:func:`live_texts` draws each register's first candidate on the terminal as it is
written (rich's ``Live``, gone when the writing ends); :func:`spoken_lines` prints the
expansion with who wrote each register, the one-line notice when the lexical voices
spoke instead of the model, and, when asked for, every candidate with its score.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.live import Live
from rich.markup import escape
from rich.text import Text

from scenecodec.interfaces.cli.app import err, out
from scenecodec.interfaces.cli.render import expansion_lines
from scenecodec.voices.speak import Spoken, Streamed

__all__ = ["live_texts", "spoken_lines"]


@contextmanager
def live_texts(enabled: bool = True) -> Iterator[Streamed | None]:
    """A ``(register, sample, text)`` callback that shows sample 0 of each register as
    it grows, on stdout when it is a terminal (else ``None``: nothing to show)."""
    if not enabled or not out.is_terminal:
        yield None
        return
    texts: dict[str, str] = {}
    live = Live(Text(""), console=out, transient=True, auto_refresh=False)

    def streamed(register: str, sample: int, text: str) -> None:
        if sample:
            return
        if not texts:
            live.start()
        texts[register] = text
        live.update(Text("\n".join(f"  {r:<10} {t}" for r, t in texts.items())), refresh=True)

    try:
        yield streamed
    finally:
        if texts:
            live.stop()


def spoken_lines(spoken: Spoken, alternatives: bool = False) -> None:
    """Print ``spoken``'s expansion, its notice (on stderr) and, with ``alternatives``,
    every candidate of every register with its score, best first."""
    if spoken.notice:
        err.print(escape(spoken.notice))
    model = "model" in spoken.realiser.values()
    expansion_lines(spoken.expansion, spoken.realiser if model else None)
    if not alternatives or not spoken.candidates:
        return
    out.print()
    out.print(f"  [bold]candidates[/]  seed {spoken.seed} · score = closeness + checks")
    for register, found in spoken.candidates.items():
        for n, c in enumerate(found, 1):
            out.print(
                f"  {register:<10} {n} {c.checks.score:+.3f} {c.voice:<11} {escape(c.text)}"
            )
