"""Forgetting scenes: their rows go, their Δ-codes are never given again.

Codes are ``AUTOINCREMENT`` row ids (:mod:`.sqlite`): SQLite keeps the highest id
ever handed out in ``sqlite_sequence``, so after the newest scene is forgotten the
next one still gets a new code. A forgotten scene's parts, links and sense go with it; its
concepts and their atoms stay (other scenes may hold them, and a memory keeps every
atom it made). A scene that is a part of another scene is forgotten only together
with it. The count of scenes ever forgotten is kept in ``settings`` under
``forgotten``: a recall index that saw another count rebuilds itself
(:meth:`~scenecodec.memory.index.SceneIndex.refresh`), in this process or any other.

>>> import tempfile, pathlib
>>> from scenecodec.memory import open_store
>>> store = open_store(pathlib.Path(tempfile.mkdtemp()) / "m.sqlite", embedder="hash")
>>> forget(store.connection, [1])
Traceback (most recent call last):
...
scenecodec.errors.NotFoundError: no scene Δ1 in this memory; nothing was forgotten
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scenecodec.errors import InputError, NotFoundError

__all__ = ["forget", "forgotten"]


def forget(db: Any, ids: Sequence[int], mark: str = "?") -> None:
    """Delete the scenes ``ids`` with their parts, links and senses, inside the caller's write
    transaction; :class:`NotFoundError` naming every missing id, or :class:`InputError`
    naming a scene that is a part of another one not forgotten with it, before
    anything is deleted. ``db`` is a SQLite connection, or a psycopg one with
    ``mark="%s"`` (:mod:`.postgres`): the statements are the same on both."""
    wanted = sorted(set(ids))
    marks = ",".join([mark] * len(wanted))
    storable = [i if i < 2**63 else -1 for i in wanted]  # no row id is that large
    found = {i for (i,) in db.execute(f"SELECT id FROM scenes WHERE id IN ({marks})", storable)}
    missing = [f"Δ{i}" for i in wanted if i not in found]
    if missing:
        raise NotFoundError(f"no scene {', '.join(missing)} in this memory; nothing was forgotten")
    held = db.execute(
        f"SELECT sub, scene FROM parts WHERE sub IN ({marks}) AND scene NOT IN ({marks})"
        " ORDER BY sub, scene LIMIT 1",
        [*wanted, *wanted],
    ).fetchone()
    if held is not None:
        raise InputError(
            f"Δ{held[0]} is a part of Δ{held[1]}: forget Δ{held[1]} with it; nothing was forgotten"
        )
    db.execute(f"DELETE FROM links WHERE scene IN ({marks}) OR source IN ({marks})", wanted * 2)
    db.execute(f"DELETE FROM parts WHERE scene IN ({marks})", wanted)
    db.execute(f"DELETE FROM text_senses WHERE scene IN ({marks})", wanted)
    db.execute(f"DELETE FROM scenes WHERE id IN ({marks})", wanted)
    db.execute(
        f"INSERT INTO settings VALUES ('forgotten', {mark}) ON CONFLICT (key) DO UPDATE"
        f" SET value = CAST(CAST(settings.value AS BIGINT) + {mark} AS TEXT)",
        (str(len(wanted)), len(wanted)),
    )


def forgotten(db: Any) -> int:
    """How many scenes were ever forgotten in this memory."""
    row = db.execute("SELECT value FROM settings WHERE key = 'forgotten'").fetchone()
    return 0 if row is None else int(row[0])
