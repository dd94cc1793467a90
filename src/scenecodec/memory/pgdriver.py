"""PostgreSQL through psycopg 3: URLs, the connection, ``bit`` in binary, errors named.

psycopg is imported on first use (:func:`driver`): it takes 0.2 s, which no command on a
file should pay, and only a PostgreSQL memory needs it (``pip install
'scenecodec[postgres]'``). A connection (:func:`connect`) is in autocommit — the store's
transactions are explicit — finds the tables in the memory's schema, and reads and
writes packed vectors as ``bit`` in PostgreSQL's binary form (:class:`Bits`); every
failure of the driver becomes one line naming the memory without its password
(:func:`refusal`).

>>> shown("postgresql://me:secret@db.example/scenes"), is_url("memory.sqlite")
('postgresql://me@db.example/scenes', False)
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Sequence
from typing import Any

from scenecodec.errors import StoreError
from scenecodec.memory.pgschema import NAMESPACE

__all__ = [
    "LOCK",
    "SCHEMES",
    "Absent",
    "Bits",
    "Reading",
    "connect",
    "driver",
    "is_driver_error",
    "is_url",
    "refusal",
    "shown",
]

SCHEMES = ("postgresql://", "postgres://")
"""What a memory URL starts with."""

LOCK = 0x5343454E
"""The advisory lock every write takes ("SCEN")."""
_BIT = 1560  # PostgreSQL's oid of the type bit (fixed in its catalogue)


def is_url(location: object) -> bool:
    """Whether ``location`` names a PostgreSQL memory rather than a file.

    >>> is_url("postgresql://me@db.example/scenes"), is_url("memory.sqlite")
    (True, False)
    """
    return isinstance(location, str) and location.startswith(SCHEMES)


def shown(url: str) -> str:
    """``url`` without its password, as errors and listings name it.

    >>> shown("postgresql://me:secret@db.example:5433/scenes?sslmode=require")
    'postgresql://me@db.example:5433/scenes'
    """
    scheme, _, rest = url.partition("://")
    where, _, _ = rest.partition("?")
    user, at, host = where.rpartition("@")
    return f"{scheme}://{user.split(':')[0]}{at}{host}"


class Absent(StoreError):
    """The database holds no memory, and the open was not asked to make one."""


class Bits(bytes):
    """Packed bits sent as PostgreSQL's ``bit`` (its binary form: the bit count, then the bytes)."""


@functools.cache
def driver() -> Any:
    """psycopg, with the binary dumper and loader of ``bit`` made (imported on first use:
    it takes 0.2 s, which no command on a file should pay)."""
    try:
        import psycopg
        from psycopg.adapt import Dumper, Loader
        from psycopg.pq import Format
    except ImportError:
        return None

    class BitsDumper(Dumper):
        format = Format.BINARY
        oid = _BIT

        def dump(self, obj: Bits) -> bytes:
            return (8 * len(obj)).to_bytes(4, "big") + obj

    class BitsLoader(Loader):
        format = Format.BINARY

        def load(self, data: Any) -> bytes:
            return bytes(data[4:])

    _ADAPTERS.extend([BitsDumper, BitsLoader])
    return psycopg


_ADAPTERS: list[Any] = []
"""The dumper and loader of ``bit``, once :func:`driver` has made them."""


def is_driver_error(e: Exception) -> bool:
    """Whether ``e`` is psycopg's (none can be before it is imported)."""
    psycopg = sys.modules.get("psycopg")
    return psycopg is not None and isinstance(e, psycopg.Error)


def refusal(where: str, e: Exception) -> StoreError:
    """The one-line :class:`StoreError` that the driver's failure ``e`` on the memory
    ``where`` means, naming the cause a user can act on."""
    psycopg, message = driver(), _first_line(e)
    if isinstance(e, psycopg.errors.DiskFull):
        return StoreError(f"the disk of the server holding {where} is full; nothing was stored")
    if isinstance(e, psycopg.errors.InsufficientPrivilege | psycopg.errors.ReadOnlySqlTransaction):
        return StoreError(f"the memory {where} is read-only for this user ({message})")
    if isinstance(e, psycopg.OperationalError):
        return StoreError(f"cannot reach the memory {where}: {message}; nothing was stored")
    return StoreError(f"cannot use the memory {where}: {message}")


def _first_line(e: Exception) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def connect(url: str) -> Any:
    """A connection in autocommit (transactions are explicit), tables found in the
    memory's schema, vectors read and written in binary."""
    psycopg = driver()
    if psycopg is None:
        raise StoreError(
            f"{shown(url)} is a PostgreSQL memory: pip install 'scenecodec[postgres]' (psycopg)"
        )
    try:
        db = psycopg.connect(
            url, autocommit=True, options=f"-c search_path={NAMESPACE},public", connect_timeout=10
        )
    except psycopg.Error as e:
        reason = str(e).strip().splitlines()[-1:] or [type(e).__name__]
        raise StoreError(f"cannot reach the memory {shown(url)}: {reason[0]}") from None
    dumper, loader = _ADAPTERS
    db.adapters.register_dumper(Bits, dumper)  # this connection's, not all of psycopg's
    db.adapters.register_loader(_BIT, loader)
    return db


class Reading:
    """A connection as :mod:`.transfer` reads it: each query on a server-side cursor of
    its own (rows come 2,000 at a time, not all at once), vectors read as bytes."""

    def __init__(self, db: Any):
        self._db, self._made = db, 0

    def execute(self, sql: str, args: Sequence[Any] = ()) -> Any:
        """The cursor of ``sql``, its rows still on the server."""
        self._made += 1
        cursor = self._db.cursor(name=f"reading{self._made}", binary=True)
        cursor.itersize = 2000
        return cursor.execute(sql, args)
