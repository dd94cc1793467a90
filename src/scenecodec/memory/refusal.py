"""SQLite's failures on a memory as one-line errors that name the cause.

A damaged page, a full disk, a read-only file or directory: :func:`refusal` turns the
``sqlite3.Error`` into the :class:`~scenecodec.errors.StoreError` a user can act on, and
:func:`refused` wraps every public method of a store class so that none escapes
(:func:`refused_by` does the same for another driver's errors: :mod:`.postgres`).

>>> import sqlite3
>>> e = sqlite3.DatabaseError("database disk image is malformed")
>>> e.sqlite_errorcode = sqlite3.SQLITE_CORRUPT
>>> print(refusal(Path("m.sqlite"), e))
the memory m.sqlite is damaged (database disk image is malformed); restore it from a backup
"""

from __future__ import annotations

import functools
import inspect
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar, cast

from scenecodec.errors import StoreError

__all__ = ["refusal", "refused", "refused_by", "rollback"]

_T = TypeVar("_T")
Errors = Callable[[Exception], bool]
"""Whether an exception is one of a database driver's own."""
Why = Callable[[Any, Exception], StoreError]


def refusal(path: Path, e: sqlite3.Error) -> StoreError:
    """The one-line :class:`StoreError` that SQLite's failure ``e`` on the memory at
    ``path`` means, naming the cause a user can act on.

    >>> e = sqlite3.OperationalError("database or disk is full")
    >>> e.sqlite_errorcode = sqlite3.SQLITE_FULL
    >>> print(refusal(Path("m.sqlite"), e))
    the disk holding m.sqlite is full; nothing was stored
    """
    code = getattr(e, "sqlite_errorcode", 0) & 0xFF
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return StoreError(f"the memory {path} is damaged ({e}); restore it from a backup")
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return StoreError(
            f"the memory {path} is busy: another writer held it past the 30 s wait; "
            "nothing was stored, try again"
        )
    if code == sqlite3.SQLITE_FULL:
        return StoreError(f"the disk holding {path} is full; nothing was stored")
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM):
        if not os.access(path.parent, os.W_OK):
            return StoreError(
                f"the memory {path} is read-only: its directory {path.parent} cannot be "
                "written (SQLite keeps the -wal and -shm files beside it)"
            )
        if path.exists() and not os.access(path, os.W_OK):
            return StoreError(f"the memory {path} is read-only")
    return StoreError(f"cannot use the memory {path}: {e}")


def _refusing(method: Callable[..., Any], errors: Errors, why: Why) -> Callable[..., Any]:
    """``method`` with ``errors`` (also those of the generator it returns) raised as
    ``why(store, error)``."""

    @functools.wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            out = method(self, *args, **kwargs)
        except Exception as e:
            if not errors(e):
                raise
            raise why(self, e) from None
        return _refusing_each(self, out, errors, why) if inspect.isgenerator(out) else out

    return call


def _refusing_each(store: Any, items: Iterator[_T], errors: Errors, why: Why) -> Iterator[_T]:
    try:
        yield from items
    except Exception as e:
        if not errors(e):
            raise
        raise why(store, e) from None


def refused_by(errors: Errors, why: Why) -> Callable[[type[_T]], type[_T]]:
    """A class decorator: every public method of the class raises the exceptions that
    ``errors`` accepts (a database driver's) as ``why(store, error)``, a one-line
    :class:`StoreError`."""

    def decorate(cls: type[_T]) -> type[_T]:
        for name, member in list(vars(cls).items()):
            if not name.startswith("_") and inspect.isfunction(member):
                setattr(cls, name, _refusing(member, errors, why))
        return cls

    return decorate


refused = refused_by(
    lambda e: isinstance(e, sqlite3.Error),
    lambda store, e: refusal(store.path, cast(sqlite3.Error, e)),
)
"""Every public method of a SQLite store class raising SQLite's failures as :func:`refusal`."""


def rollback(db: sqlite3.Connection) -> None:
    """Roll back the open transaction, if SQLite has not already (it does on a full disk)."""
    if db.in_transaction:
        db.execute("ROLLBACK")
