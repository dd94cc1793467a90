"""Voices: who speaks a register. A voice takes a scene's reading, a register and the
pace, and returns text.

:class:`Voice` is the protocol every voice keeps — the lexical voices here, and a
language model with one LoRA adapter per voice later: ``speak(reading, register,
pace) -> str``. The four lexical voices share the registers' writers and differ in
manner, as the seed's decoders do (poet, logician, philosopher, bodily agent):

* ``logician`` — present tense, with the measured numbers (z-scores, cosines, tension);
* ``poet`` — past tense, narrated, no numbers;
* ``philosopher`` — present tense, and every register framed by the scene's archetype;
* ``bodily`` — present tense, no numbers: what is felt now.

>>> sorted(VOICES)
['bodily', 'logician', 'philosopher', 'poet']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from scenecodec.expansion.registers import archetypal, bodily, emotional, logical, poetic
from scenecodec.expansion.registers.reading import Reading
from scenecodec.language.embed import Embedder

__all__ = ["VOICES", "LexicalVoice", "Pace", "Voice"]


@dataclass(frozen=True)
class Pace:
    """How fast to unfold and tell: ``depth`` of unfolding, ``breadth`` (micro-scenes
    unfolded further per level), ``length`` (sentences of the poetic text) and why."""

    depth: int
    breadth: int
    length: int
    reason: str

    def to_dict(self) -> dict:
        """``{"depth", "breadth", "length", "reason"}``."""
        return dict(vars(self))


class Voice(Protocol):
    """What a voice is: a ``name`` and ``speak``."""

    name: str

    def speak(self, reading: Reading, register: str, pace: Pace) -> str:
        """The text of ``register`` for ``reading`` at ``pace``, in the reading's language."""
        ...


@dataclass(frozen=True)
class LexicalVoice:
    """A voice built from the shipped vocabularies: its ``tense``, whether it is
    ``measured`` (adds numbers) and whether it ``frames`` every register by the scene's
    archetype. ``embedder`` is the memory's, for the imagery and the body."""

    name: str
    tense: str
    measured: bool
    frames: bool
    embedder: Embedder | None = None

    def speak(self, reading: Reading, register: str, pace: Pace) -> str:
        """The text of ``register`` for ``reading`` at ``pace``.

        >>> from scenecodec.language.embed import HashEmbedder
        >>> from scenecodec.expansion.registers.reading import read
        >>> e = HashEmbedder()
        >>> r = read(e, ["heat", "door"], ["entry", "anchor"], e.embed(["heat", "door"]), 0.3)
        >>> VOICES["logician"].bound(e).speak(r, "emotional", Pace(1, 2, 1, ""))[:7]
        'Heat — '
        """
        if register == "logical":
            text = logical.write(reading, measured=self.measured)
        elif register == "emotional":
            text = emotional.write(reading, measured=self.measured)
        elif register == "archetypal":
            text = archetypal.write(reading, measured=self.measured)
        elif register == "bodily":
            text = bodily.write(self._embedder(), reading, tense=self.tense)
        elif register == "poetic":
            text = poetic.write(self._embedder(), reading, length=pace.length, tense=self.tense)
        else:
            raise ValueError(f"unknown register {register!r}")
        if self.frames and register != "archetypal":
            name = reading.archetype.archetype.name(reading.lang)
            frame = (
                f"В свете архетипа «{name}»" if reading.lang == "ru" else f"In the light of {name}"
            )
            text = f"{frame}: {text[0].lower()}{text[1:]}"
        return text

    def bound(self, embedder: Embedder) -> LexicalVoice:
        """This voice speaking with ``embedder``'s vectors."""
        return LexicalVoice(self.name, self.tense, self.measured, self.frames, embedder)

    def _embedder(self) -> Embedder:
        if self.embedder is None:
            raise ValueError(f"voice {self.name!r} needs an embedder: use .bound(embedder)")
        return self.embedder


VOICES: dict[str, LexicalVoice] = {
    "logician": LexicalVoice("logician", "pres", measured=True, frames=False),
    "poet": LexicalVoice("poet", "past", measured=False, frames=False),
    "philosopher": LexicalVoice("philosopher", "pres", measured=False, frames=True),
    "bodily": LexicalVoice("bodily", "pres", measured=False, frames=False),
}
"""The lexical voices by name."""
