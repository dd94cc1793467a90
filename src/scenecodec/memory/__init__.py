"""Durable memory of scenes: the store protocol, the embedded SQLite store, the shared
PostgreSQL store, the recall index.

The memory is chosen by ``--memory PATH`` (a file) or ``--memory postgresql://…`` (a
database, :mod:`.postgres`), else ``$SCENECODEC_MEMORY`` (either), else
``memory.sqlite`` in the user data directory (:func:`default_path`); :func:`open_store`
opens it with the settings a caller asks for.

>>> str(default_path({"SCENECODEC_MEMORY": "/tmp/m.sqlite"}))
'/tmp/m.sqlite'
>>> default_path({"SCENECODEC_MEMORY": "postgresql://me@db/scenes"})
'postgresql://me@db/scenes'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TypedDict, Unpack

import platformdirs

from scenecodec.errors import InputError, StoreError
from scenecodec.language.atoms import DEFAULT_ALPHA
from scenecodec.language.embed import DEFAULT_EMBEDDER, check_embedder
from scenecodec.memory.index import SceneIndex
from scenecodec.memory.pgdriver import Absent, is_url, shown
from scenecodec.memory.postgres import PostgresStore
from scenecodec.memory.sqlite import Missing, SQLiteStore
from scenecodec.memory.store import Index, PartRecord, SceneRecord, Settings, Store

__all__ = [
    "Index",
    "Missing",
    "PartRecord",
    "PostgresStore",
    "Requested",
    "SQLiteStore",
    "SceneIndex",
    "SceneRecord",
    "Settings",
    "Store",
    "default_path",
    "is_url",
    "open_store",
    "shown",
]


def default_path(environ: Mapping[str, str] = os.environ) -> Path | str:
    """``$SCENECODEC_MEMORY`` if set (a path, or a ``postgresql://`` URL kept as text),
    else ``<user data dir>/scenecodec/memory.sqlite``."""
    given = environ.get("SCENECODEC_MEMORY")
    if given:
        return given if is_url(given) else Path(given).expanduser()
    return platformdirs.user_data_path("scenecodec") / "memory.sqlite"


class Requested(TypedDict, total=False):
    """What a caller asks of a memory's settings (:func:`open_store`); ``None`` or left
    out: not asked."""

    dim: int | None
    seed: int | None
    alpha: float | None
    embedder: str | None


def open_store(
    path: str | Path | None = None, *, missing: Missing = "create", **requested: Unpack[Requested]
) -> Store:
    """The memory at ``path`` — a file, or a ``postgresql://`` URL (:mod:`.postgres`;
    read as empty where the database holds none and ``missing="empty"``) — (default
    :func:`default_path`, whose directory is made when it is the user data directory),
    made if it is new (``missing``: see
    :data:`~scenecodec.memory.sqlite.Missing`) with
    ``dim`` (default 1024, a multiple of 64), ``seed`` (0), ``alpha``
    (:data:`~scenecodec.language.atoms.DEFAULT_ALPHA`) and ``embedder`` (``"e5"``); an
    existing one keeps its own settings, and any of these given must match them or
    :class:`~scenecodec.errors.StoreError` is raised. Bad values: :class:`InputError`.

    >>> import tempfile, pathlib
    >>> store = open_store(pathlib.Path(tempfile.mkdtemp()) / "m.sqlite", dim=512)
    >>> store.settings.describe()
    'dim=512, seed=0, alpha=0.7, embedder=e5'
    >>> open_store(dim=100)
    Traceback (most recent call last):
    ...
    scenecodec.errors.InputError: dim must be a multiple of 64 between 64 and 65536, got 100
    >>> open_store(dimension=512)
    Traceback (most recent call last):
    ...
    TypeError: unexpected settings ['dimension']; a memory has ['dim', 'seed', 'alpha', 'embedder']
    """
    unknown = sorted(set(requested) - set(Requested.__annotations__))
    if unknown:
        raise TypeError(
            f"unexpected settings {unknown}; a memory has {list(Requested.__annotations__)}"
        )
    dim, seed = requested.get("dim"), requested.get("seed")
    alpha, embedder = requested.get("alpha"), requested.get("embedder")
    if dim is not None and (dim < 64 or dim > 65536 or dim % 64):
        raise InputError(f"dim must be a multiple of 64 between 64 and 65536, got {dim}")
    if seed is not None and seed < 0:
        raise InputError(f"seed must be 0 or more, got {seed}")
    if alpha is not None and not 0.0 <= alpha <= 1.0:
        raise InputError(f"alpha must lie in [0, 1], got {alpha}")
    if embedder is not None:
        check_embedder(embedder)
    given = {"dim": dim, "seed": seed, "alpha": alpha, "embedder": embedder}
    settings = Settings(
        dim=1024 if dim is None else dim,
        seed=0 if seed is None else seed,
        alpha=DEFAULT_ALPHA if alpha is None else float(alpha),
        embedder=DEFAULT_EMBEDDER if embedder is None else embedder,
    )
    required = frozenset(k for k, v in given.items() if v is not None)
    if path is None:
        path = default_path()
        if missing == "create" and not os.environ.get("SCENECODEC_MEMORY"):
            assert isinstance(path, Path)  # the user data directory's file
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise StoreError(f"cannot make the directory {path.parent}: {e.strerror}") from None
    if is_url(path):
        assert isinstance(path, str)
        try:
            return PostgresStore.open(path, settings, required, missing)
        except Absent:
            if missing != "empty":
                raise
            return SQLiteStore.open(":memory:", settings, required)  # nothing made on the server
    return SQLiteStore.open(path, settings, required, missing)
