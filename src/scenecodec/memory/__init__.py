"""Durable memory of scenes: the store protocol, the embedded SQLite store, the recall index.

The memory file is chosen by ``--memory PATH``, else ``$SCENECODEC_MEMORY``, else
``memory.sqlite`` in the user data directory (:func:`default_path`).

>>> str(default_path({"SCENECODEC_MEMORY": "/tmp/m.sqlite"}))
'/tmp/m.sqlite'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

from scenecodec.memory.index import SceneIndex
from scenecodec.memory.sqlite import SQLiteStore
from scenecodec.memory.store import PartRecord, SceneRecord, Settings, Store

__all__ = [
    "PartRecord",
    "SQLiteStore",
    "SceneIndex",
    "SceneRecord",
    "Settings",
    "Store",
    "default_path",
]


def default_path(environ: Mapping[str, str] = os.environ) -> Path:
    """``$SCENECODEC_MEMORY`` if set, else ``<user data dir>/scenecodec/memory.sqlite``."""
    if environ.get("SCENECODEC_MEMORY"):
        return Path(environ["SCENECODEC_MEMORY"]).expanduser()
    return platformdirs.user_data_path("scenecodec") / "memory.sqlite"
