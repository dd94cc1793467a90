"""Speak an expansion's registers through the model voices: write, check, keep the best.

:func:`speak` takes an :class:`~scenecodec.expansion.expand.Expansion` (its plan says
what every voice must carry, its bridge which voice speaks each register) and, for
every active register, samples ``samples`` texts from the language model through the
LoRA adapter of that register's voice — all registers and samples in one batch, each
row through its own adapter (peft's mixed batch) — then :func:`~.verify.check`\\ s each,
and the lexical voices' own text with them, and keeps the best by
:attr:`~.verify.Checks.score`: a model text is kept only where it carries the scene at
least as well as the lexical text, by the same checks.

``voice`` names an installed model voice (a user's own, from ``train-voice``) to speak
every register; otherwise each register's voice is the bridge's route, and where that
voice has no adapter, the installed voice trained on that register speaks it.

>>> import tempfile, pathlib
>>> from scenecodec import Codec
>>> from scenecodec.expansion.expand import expand
>>> from scenecodec.voices.model import Model, save, tiny
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "tiny"
>>> save(*tiny(), folder)
>>> with Codec.open(pathlib.Path(tempfile.mkdtemp()) / "m.sqlite") as codec:
...     e = expand(codec, "тишина + жар → вход", registers=["poetic"])
...     spoken = speak(codec, e, samples=2, model=voiced(folder, ()))
>>> len(spoken.candidates["poetic"]), spoken.realiser["poetic"] in ("model", "lexical")
(3, True)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from scenecodec.codec import Codec
from scenecodec.errors import InputError
from scenecodec.expansion.expand import Expansion
from scenecodec.voices.installed import InstalledVoice, installed
from scenecodec.voices.model import Model, Unavailable, loaded
from scenecodec.voices.verify import Checks, check_many

__all__ = ["BASE", "LEXICAL", "MAX_SAMPLES", "Candidate", "Spoken", "Voiced", "speak", "voiced"]

MAX_SAMPLES = 8
"""Most candidates per register."""
BASE = "__base__"
"""peft's name for the model without an adapter."""
LEXICAL = "lexical"
"""The voice of a candidate the lexical voices wrote."""
Streamed = Callable[[str, int, str], None]
"""Called as ``(register, sample, text so far)`` while the texts are written."""


@dataclass(frozen=True)
class Voiced:
    """The language ``model`` with the adapters of the installed ``voices`` loaded."""

    model: Model
    voices: tuple[InstalledVoice, ...]

    def adapter(self, register: str, voice: str) -> str:
        """The adapter that speaks ``register`` for ``voice``: that voice's own, else the
        first voice trained on ``register``, else the bare model (``__base__``)."""
        if voice in {v.name for v in self.voices}:
            return voice
        return next((v.name for v in self.voices if register in v.registers), BASE)


@cache
def voiced(folder: Path | None = None, voices: tuple[InstalledVoice, ...] | None = None) -> Voiced:
    """The model of ``folder`` (default: the prepared Gemma) with the adapters of
    ``voices`` (default: every installed voice), loaded once per process."""
    model = loaded(folder)  # names torch or transformers first, when they are missing
    try:
        from peft import PeftModel
    except ImportError:
        raise Unavailable("the model voices need peft: pip install 'scenecodec[voices]'") from None
    voices = tuple(installed()) if voices is None else voices
    if not voices:
        return Voiced(model, ())
    peft = None
    for v in voices:
        try:
            if peft is None:
                peft = PeftModel.from_pretrained(model.torch, v.adapter, adapter_name=v.name)
            else:
                peft.load_adapter(v.adapter, adapter_name=v.name)
        except (RuntimeError, ValueError, OSError) as error:
            raise InputError(
                f"the voice {v.name!r} ({v.adapter}) does not fit the model it was loaded on "
                f"(it was trained on {v.model}): {type(error).__name__}"
            ) from None
    assert peft is not None
    peft.eval()
    return Voiced(dataclasses.replace(model, torch=peft), voices)


@dataclass(frozen=True)
class Candidate:
    """One sampled ``text``, the ``voice`` that wrote it and its :class:`~.verify.Checks`."""

    text: str
    voice: str
    checks: Checks

    def to_dict(self) -> dict:
        """``{"text", "voice", **checks}`` (the checks with their ``score``)."""
        return {"text": self.text, "voice": self.voice, **self.checks.to_dict()}


@dataclass(frozen=True)
class Spoken:
    """An ``expansion`` whose registers hold the texts kept; per register, which
    ``realiser`` wrote the kept text (``model`` or ``lexical``), the model's
    ``candidates`` best first, the lexical voices' own text (``lexical``), the ``seed``
    and a one-line ``notice`` when the model did not speak."""

    expansion: Expansion
    realiser: dict[str, str]
    candidates: dict[str, tuple[Candidate, ...]]
    lexical: dict[str, str]
    seed: int | None = None
    notice: str | None = None

    @classmethod
    def unvoiced(cls, expansion: Expansion, notice: str | None) -> Spoken:
        """The lexical voices' expansion as it is, with ``notice`` saying why."""
        lexical = dict(expansion.registers)
        return cls(expansion, {r: "lexical" for r in lexical}, {}, lexical, notice=notice)

    def to_dict(self) -> dict:
        """The expansion's JSON with ``"speech": {realiser, seed, notice, candidates,
        lexical}``."""
        return self.expansion.to_dict() | {
            "speech": {
                "realiser": self.realiser,
                "seed": self.seed,
                "notice": self.notice,
                "candidates": {
                    r: [c.to_dict() for c in found] for r, found in self.candidates.items()
                },
                "lexical": self.lexical,
            }
        }


def speak(
    codec: Codec,
    expansion: Expansion,
    *,
    samples: int = 3,
    seed: int = 0,
    voice: str | None = None,
    model: Voiced | None = None,
    streamed: Streamed | None = None,
) -> Spoken:
    """The registers of ``expansion`` written by the model voices (see the module
    docstring): ``samples`` candidates each, sampled with ``seed``; ``voice`` an
    installed model voice to speak them all; ``model`` the voiced model (default
    :func:`voiced`); ``streamed`` is called as the texts grow."""
    if not 1 <= samples <= MAX_SAMPLES:
        raise InputError(f"samples must lie in 1…{MAX_SAMPLES}, got {samples}")
    voices = model or voiced()
    if voice is not None and voice not in {v.name for v in voices.voices}:
        known = ", ".join(v.name for v in voices.voices) or "none"
        raise InputError(
            f"unknown voice {voice!r}: no model voice of that name (installed: {known})"
        )
    plan, bridge = expansion.plan, expansion.bridge
    assert plan is not None and bridge is not None
    rows: list[tuple[str, str]] = []
    for register in expansion.registers:
        rows += [(register, voices.adapter(register, voice or bridge.route(register).voice))] * (
            samples
        )
    texts = voices.model.generate(
        [plan.prompt(r) for r, _ in rows],
        adapters=[a for _, a in rows] if voices.voices else None,
        seed=seed,
        streamed=None if streamed is None else _by_register(rows, samples, streamed),
    )
    scene = expansion.scene
    lemmas = {c.lemma for c in scene.concepts} | ({scene.anchor} if scene.anchor else set())
    meaning = codec.meaning(scene)
    embedder = codec.atoms.embedder
    every = [(r, LEXICAL, t) for r, t in expansion.registers.items()]
    every += [(r, a, t) for (r, a), t in zip(rows, texts, strict=True)]
    checked = check_many(embedder, [(t, r) for r, _, t in every], lemmas, meaning, plan.lang)
    found: dict[str, list[Candidate]] = {}
    for (register, adapter, text), checks in zip(every, checked, strict=True):
        found.setdefault(register, []).append(Candidate(text, adapter, checks))
    ranked = {r: tuple(sorted(c, key=lambda x: -x.checks.score)) for r, c in found.items()}
    return Spoken(
        dataclasses.replace(expansion, registers={r: c[0].text for r, c in ranked.items()}),
        {r: "lexical" if c[0].voice == LEXICAL else "model" for r, c in ranked.items()},
        ranked,
        dict(expansion.registers),
        seed=seed,
    )


def _by_register(
    rows: list[tuple[str, str]], samples: int, streamed: Streamed
) -> Callable[[int, str], None]:
    """The model's ``(row, text)`` callback as ``(register, sample, text)``."""

    def report(row: int, text: str) -> None:
        streamed(rows[row][0], row % samples, text)

    return report
