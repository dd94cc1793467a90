"""Expand a scene and speak it: the expansion layer's texts, then the model voices'.

The command line and the server both call :func:`expand_spoken`: it expands the scene
(:func:`scenecodec.expand`) and, by ``realiser``, has the model voices rewrite its
registers (:func:`scenecodec.voices.speak.speak`):

* ``auto`` (the default) — the model voices where their packages are installed, else
  the lexical voices, with a one-line ``notice`` saying so and how to install them;
* ``model`` — the model voices or an error naming what is missing;
* ``lexical`` — the lexical voices only (fast, no model).

Where none is asked for, ``$SCENECODEC_REALISER`` decides (:func:`default_realiser`),
else ``auto``.

A ``voice`` that is one of the lexical voices steers the HyperBridge as before; a
model voice of the user's own (``scenecodec train-voice``) speaks every register, the
bridge routing as if none were asked for.

>>> import tempfile, pathlib
>>> from scenecodec import Codec
>>> with Codec.open(pathlib.Path(tempfile.mkdtemp()) / "m.sqlite") as codec:
...     s = expand_spoken(codec, "жар → вход", realiser="lexical", registers=["poetic"])
>>> s.realiser, s.notice
({'poetic': 'lexical'}, None)
"""

from __future__ import annotations

import os
from typing import Any, Literal

from scenecodec.codec import Codec, Cue
from scenecodec.errors import InputError
from scenecodec.expansion.expand import expand
from scenecodec.expansion.registers.voice import VOICES
from scenecodec.voices.model import Unavailable
from scenecodec.voices.speak import Spoken, Streamed, speak

__all__ = ["REALISERS", "REALISER_ENV", "Realiser", "default_realiser", "expand_spoken"]

Realiser = Literal["auto", "model", "lexical"]
REALISERS: tuple[Realiser, ...] = ("auto", "model", "lexical")
"""Who writes the registers' texts (see the module docstring)."""
REALISER_ENV = "SCENECODEC_REALISER"
"""The environment variable naming the default realiser."""


def default_realiser() -> str:
    """``$SCENECODEC_REALISER``, else ``auto``."""
    return os.environ.get(REALISER_ENV) or "auto"


def expand_spoken(
    codec: Codec,
    cue: Cue,
    *,
    realiser: str | None = None,
    samples: int = 3,
    seed: int = 0,
    voice: str | None = None,
    streamed: Streamed | None = None,
    **options: Any,
) -> Spoken:
    """:func:`scenecodec.expand` of ``cue`` with ``options``, its registers spoken by
    ``realiser`` (``samples`` candidates each, sampled with ``seed``; ``streamed`` is
    called as they are written); ``realiser`` ``None`` is :func:`default_realiser`."""
    realiser = realiser or default_realiser()
    if realiser not in REALISERS:
        raise InputError(f"realiser must be one of {', '.join(REALISERS)}, got {realiser!r}")
    lexical = voice is None or voice in VOICES
    if not lexical and realiser == "lexical":
        raise InputError(
            f"unknown voice {voice!r} for the lexical voices; choose from {', '.join(VOICES)}"
        )
    expansion = expand(codec, cue, voice=voice if lexical else None, **options)
    if realiser == "lexical":
        return Spoken.unvoiced(expansion, None)
    try:
        return speak(
            codec,
            expansion,
            samples=samples,
            seed=seed,
            voice=None if lexical else voice,
            streamed=streamed,
        )
    except Unavailable as missing:
        if realiser == "model" or not lexical:
            raise InputError(str(missing)) from None
        return Spoken.unvoiced(expansion, f"lexical voices: {missing}")
