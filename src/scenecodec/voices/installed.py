"""The installed model voices: one LoRA adapter per voice, shipped or trained by a user.

A voice's adapter is a directory holding peft's ``adapter_config.json`` and
``adapter_model.safetensors`` and this project's ``voice.json`` (what it speaks and how
it was trained). The four voices of the seed — ``logician``, ``poet``,
``philosopher``, ``bodily`` — ship inside the package (:data:`SHIPPED`); voices a user
trains with ``scenecodec train-voice`` live in the user data directory
(:func:`user_voices`) and take precedence over a shipped one of the same name.

>>> sorted(v.name for v in installed() if v.shipped)
['bodily', 'logician', 'philosopher', 'poet']
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import platformdirs

from scenecodec.errors import InputError

__all__ = ["LICENCE", "SHIPPED", "InstalledVoice", "installed", "user_voices", "voice_dir"]

SHIPPED = Path(__file__).parent / "adapters"
"""Where the package's own adapters are."""
LICENCE = (
    "base model: Gemma 3 270M, Gemma Terms of Use (ai.google.dev/gemma/terms); "
    "adapter: trained on corpus/voices (CC0)"
)
"""The licence line of a shipped voice."""


@dataclass(frozen=True)
class InstalledVoice:
    """One model voice: its ``name``, the ``registers`` it was trained on, its
    ``adapter`` directory and byte ``size``, the ``model`` it adapts, its ``licence``,
    whether it ships with the package, and how it was ``trained`` (``voice.json``)."""

    name: str
    registers: tuple[str, ...]
    adapter: Path
    size: int
    model: str
    licence: str
    shipped: bool
    trained: dict

    def to_dict(self) -> dict:
        """``{name, registers, adapter, size, model, licence, shipped, trained}``."""
        return asdict(self) | {"registers": list(self.registers), "adapter": str(self.adapter)}


def user_voices() -> Path:
    """The directory of a user's own voices: ``<user data dir>/scenecodec/voices``."""
    return platformdirs.user_data_path("scenecodec") / "voices"


def voice_dir(name: str) -> Path:
    """Where a user's voice ``name`` is kept; a name is letters, digits, ``-`` and ``_``.

    >>> voice_dir("my-voice").name
    'my-voice'
    """
    if not name or len(name) > 40 or not all(c.isalnum() or c in "-_" for c in name):
        raise InputError(f"a voice name is 1–40 letters, digits, '-' or '_', got {name!r}")
    return user_voices() / name


def _read(folder: Path, shipped: bool) -> InstalledVoice | None:
    """The voice in ``folder``, or ``None`` where it is not a whole adapter."""
    weights = folder / "adapter_model.safetensors"
    try:
        about = json.loads((folder / "voice.json").read_text(encoding="utf-8"))
        if not (folder / "adapter_config.json").is_file() or not weights.is_file():
            return None
        return InstalledVoice(
            name=folder.name,
            registers=tuple(about["registers"]),
            adapter=folder,
            size=sum(f.stat().st_size for f in folder.iterdir() if f.is_file()),
            model=about["model"],
            licence=about["licence"],
            shipped=shipped,
            trained={k: v for k, v in about.items() if k not in ("registers", "model", "licence")},
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def installed() -> list[InstalledVoice]:
    """Every whole adapter, the user's first, by name; a user's voice hides a shipped one
    of the same name."""
    found: dict[str, InstalledVoice] = {}
    for root, shipped in ((user_voices(), False), (SHIPPED, True)):
        if root.is_dir():
            for folder in sorted(p for p in root.iterdir() if p.is_dir()):
                voice = _read(folder, shipped)
                if voice is not None and voice.name not in found:
                    found[voice.name] = voice
    return sorted(found.values(), key=lambda v: v.name)
