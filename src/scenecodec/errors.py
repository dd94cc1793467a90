"""The exceptions scenecodec raises on purpose; each message is one line for the user.

The command line prints ``error: <message>`` on stderr and exits with status 2 for
any of these; the library raises them and never leaves memory half-written.

>>> try:
...     raise InputError("malformed formula")
... except ScenecodecError as e:
...     print(e)
malformed formula
"""

from __future__ import annotations

__all__ = ["InputError", "NotFoundError", "ScenecodecError", "StoreError"]


class ScenecodecError(Exception):
    """Base class: a failure a user can act on, described in one line."""


class InputError(ScenecodecError, ValueError):
    """The input cannot be read as a scene, concept, formula, code, glyph or vector."""


class NotFoundError(InputError, LookupError):
    """A Δ-code, glyph or name that no stored scene has."""


class StoreError(ScenecodecError):
    """The memory file is missing, unwritable, corrupt, foreign or made with other settings."""
