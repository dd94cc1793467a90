"""Running the HTTP API with uvicorn, bounded against slow and idle clients.

uvicorn (0.54, its h11 protocol) times out only an idle keep-alive connection, after a
response: a connection that never sends a whole request head stays open for good, and
``limit_concurrency`` counts such connections too, so a thousand idle sockets would turn
every real request away (or, past the file-descriptor limit, leave it unanswered).
:class:`Protocol` is uvicorn's h11 protocol with two bounds of its own:

* a connection must send each request's head (request line and headers, at most h11's
  16 KiB) within :data:`HEAD_TIMEOUT` seconds of opening, or of its previous answer, or it
  is closed; the body has its own time-out (:data:`~scenecodec.interfaces.guard.BODY_TIMEOUT`);
* at most :func:`connections` are open at once: a new one past that closes the oldest
  connection still waiting for its request head, so idle sockets give way to real requests.

Keep-alive connections are closed after :data:`KEEP_ALIVE` idle seconds (uvicorn's
``timeout_keep_alive``); the listen queue (uvicorn's ``backlog``) is as long as the cap,
since asyncio accepts that many at once, each taking a descriptor before any gives way.

:func:`serve` runs one server process, or several on one port, each listening on a
socket of its own (``SO_REUSEPORT``: the kernel spreads connections over them; a worker
that dies is started again): each worker makes its own app with :func:`served` from
what the parent put in ``$SCENECODEC_SERVED``, so N workers over one PostgreSQL memory
answer N requests at once. uvicorn's own supervisor shares one socket, and there the
first worker to accept took every keep-alive connection. Each worker's model and
numpy get the machine's cores divided by N (``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``,
unless set): N processes each spinning a thread per core ran slower than one.

>>> connections() >= 1
True
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import multiprocessing.connection
import os
import resource
import signal
import socket
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from scenecodec.errors import InputError

__all__ = [
    "CONNECTIONS",
    "HEAD_TIMEOUT",
    "KEEP_ALIVE",
    "SERVED",
    "Protocol",
    "config",
    "connections",
    "serve",
    "served",
]

SERVED = "SCENECODEC_SERVED"
"""The environment variable that hands a worker its app's arguments (JSON)."""

HEAD_TIMEOUT = 10.0
"""Seconds a connection has to send a whole request head."""
KEEP_ALIVE = 5
"""Seconds an idle keep-alive connection is kept open after an answer."""
CONNECTIONS = 256
"""Most connections open at once (fewer where the file-descriptor limit is low)."""


def connections() -> int:
    """The cap on open connections: :data:`CONNECTIONS`, or a quarter of the process's
    file-descriptor limit where that is lower: beside the open ones, asyncio may accept as
    many again (the listen queue, :func:`config`'s ``backlog``) before the oldest give way,
    and the memory, the model and the log need descriptors too."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return CONNECTIONS if soft == resource.RLIM_INFINITY else max(1, min(CONNECTIONS, soft // 4))


class Protocol(H11Protocol):
    """uvicorn's h11 protocol with a request-head deadline and a cap on open connections."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.opened = self.loop.time()
        self._head: asyncio.TimerHandle | None = None
        self._expect_head()
        if len(self.connections) > connections():
            waiting = [c for c in self.connections if isinstance(c, Protocol) and _waiting(c)]
            if waiting := [c for c in waiting if c is not self]:
                min(waiting, key=lambda c: c.opened).transport.close()
            else:
                transport.close()  # every other connection is busy with a request

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head is not None:
            self._head.cancel()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._expect_head()

    def _expect_head(self) -> None:
        if self._head is not None:
            self._head.cancel()
        self._head = self.loop.call_later(HEAD_TIMEOUT, self._head_overdue)

    def _head_overdue(self) -> None:
        if _waiting(self) and not self.transport.is_closing():
            self.transport.close()


def _waiting(protocol: Protocol) -> bool:
    """Whether a connection is still waiting for (the rest of) a request head."""
    return protocol.conn.their_state is h11.IDLE and (
        protocol.cycle is None or protocol.cycle.response_complete
    )


def config(app: Any, host: str, port: int) -> uvicorn.Config:
    """uvicorn's configuration for serving ``app`` on ``host:port`` with :class:`Protocol`.

    >>> config(None, "127.0.0.1", 8765).timeout_keep_alive
    5
    """
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=Protocol,
        timeout_keep_alive=KEEP_ALIVE,
        backlog=connections(),  # asyncio accepts up to this many sockets at a time
        log_level="warning",
    )


def served() -> Any:
    """The app a worker serves: :func:`~scenecodec.interfaces.server.create_app` of the
    arguments in ``$SCENECODEC_SERVED`` (uvicorn calls it in each worker process)."""
    from scenecodec.interfaces.server import create_app

    return create_app(**json.loads(os.environ[SERVED]))


def serve(arguments: dict[str, Any], host: str, port: int, workers: int = 1) -> None:
    """Serve :func:`~scenecodec.interfaces.server.create_app` of ``arguments`` (JSON
    values: memory, token, hosts, budget) on ``host:port`` in ``workers`` processes; a
    port that cannot be listened on is an :class:`~scenecodec.errors.InputError`."""
    if workers == 1:
        from scenecodec.interfaces.server import create_app

        uvicorn.Server(config(create_app(**arguments), host, port)).run()
        return
    os.environ[SERVED] = json.dumps(arguments)
    share = str(max(1, (os.cpu_count() or 1) // workers))
    for threads in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):  # the model's, and numpy's
        os.environ.setdefault(threads, share)  # N workers' threads spinning on fewer cores
    spawn = multiprocessing.get_context("spawn")
    sockets = [_listening(host, port) for _ in range(workers)]
    running = [spawn.Process(target=_work, args=(s, host, port)) for s in sockets]
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True
        for process in running:
            process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for process in running:
        process.start()
    while not stopping:  # a worker that died is started again on its socket
        multiprocessing.connection.wait([p.sentinel for p in running])
        for n, process in enumerate(running):
            if not process.is_alive() and not stopping:
                running[n] = spawn.Process(target=_work, args=(sockets[n], host, port))
                running[n].start()
    for process in running:
        process.join(30)


def _listening(host: str, port: int) -> socket.socket:
    """A socket listening on ``host:port`` with ``SO_REUSEPORT``: one for each worker, so
    that the kernel spreads new connections over the workers evenly (on one shared socket
    the first worker to accept took all 32 keep-alive clients of ``bench/load.py``)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as e:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {e.strerror}") from None
    sock.listen(connections())
    return sock


def _work(sock: socket.socket, host: str, port: int) -> None:
    """One worker process: the app of :func:`served` on its own socket."""
    settings = config(f"{__name__}:served", host, port)
    settings.factory = True
    uvicorn.Server(settings).run(sockets=[sock])
