"""Files kept in the user cache directory: computed once, read back after; a cache that
cannot be written or read is no cache, never an error.

>>> import tempfile, pathlib
>>> import numpy as np
>>> blocker = pathlib.Path(tempfile.mkdtemp()) / "a-file"
>>> _ = blocker.write_text("not a directory")
>>> keep(blocker / "x.npy", lambda partial: np.save(partial, np.ones(3)))  # nothing kept
>>> load(blocker / "x.npy", np.load) is None
True
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import TypeVar

from platformdirs import user_cache_dir

__all__ = ["cache_path", "keep", "load"]

_T = TypeVar("_T")


def cache_path(name: str) -> Path:
    """Where the cache file ``name`` lives: ``<user cache dir>/scenecodec/name``."""
    return Path(user_cache_dir("scenecodec")) / name


def load(path: Path, read: Callable[[Path], _T]) -> _T | None:
    """``read(path)``, or ``None`` where the file is missing, unreadable or damaged."""
    try:
        return read(path)
    except (OSError, ValueError, EOFError, KeyError):
        return None


def keep(path: Path, write: Callable[[Path], None]) -> None:
    """Write a cache file whole or not at all: ``write`` fills a partial file beside
    ``path``, which then replaces it; where that cannot be done (a read-only home, a
    full disk) nothing is kept."""
    partial = path.with_suffix(f".partial{path.suffix}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(partial)
        partial.replace(path)
    except OSError:
        with suppress(OSError):
            partial.unlink(missing_ok=True)
