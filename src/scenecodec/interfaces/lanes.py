"""Which codec a request of the HTTP API runs on, and for how long.

Two lanes over one memory file, each codec its own SQLite connection (WAL: readers see
every committed write and never wait for a writer) and its own in-memory indexes, used by
one thread at a time:

* **reads** (status, the stored scenes, recall, split, concepts, decode) take one of
  :data:`READERS` codecs of their own, so they never wait behind long work;
* **work** (compress, expand, pulse) takes the one work codec, one request at a time.
  A request waits for it at most its time budget (:data:`BUDGET`, ``serve --budget``) and
  then runs within what is left of it: the work's progress callback checks the deadline
  at each step (a pulse tick, a micro-scene, a segment of a text) and stops the work with
  :class:`OverBudget`. What was stored before the stop (each scene whole, in its own
  transaction) stays stored; a pulse stopped midway keeps no state.

Waiting happens on the event loop, not in a thread, so any number of queued requests
cost no threads.

>>> import anyio, tempfile, pathlib
>>> lanes = Lanes(pathlib.Path(tempfile.mkdtemp()) / "m.sqlite", budget=10)
>>> anyio.run(lanes.read, lambda codec: codec.count())
0
>>> lanes.close()
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import anyio
import anyio.to_thread

from scenecodec.codec import Codec
from scenecodec.errors import ScenecodecError
from scenecodec.interfaces.limits import BUDGET
from scenecodec.progress import Progress

__all__ = ["BUDGET", "READERS", "Busy", "Lanes", "OverBudget"]

READERS = 2
"""Codecs that answer reads, so that one slow read (a long text's concepts) leaves the
others served."""

T = TypeVar("T")


class OverBudget(ScenecodecError):
    """Long work ran past its time budget and was stopped."""


class Busy(ScenecodecError):
    """Long work waited its whole time budget for the work codec."""


class Lanes:
    """The read codecs and the work codec over the memory at ``memory`` (see the module)."""

    def __init__(
        self, memory: str | Path | None = None, *, readers: int = READERS, budget: float = BUDGET
    ):
        self.budget = budget
        self.worker = Codec.open(memory)  # opened first: a new memory is made once
        self._readers = [Codec.open(memory) for _ in range(readers)]
        self._free = list(self._readers)
        self._reading = anyio.Semaphore(readers)
        self._working = anyio.Semaphore(1)

    async def read(self, job: Callable[[Codec], T]) -> T:
        """``job(codec)`` on a free read codec, in a thread."""
        async with self._reading:
            codec = self._free.pop()  # the event loop is one thread: no race
            try:
                return await anyio.to_thread.run_sync(job, codec)
            finally:
                self._free.append(codec)

    async def work(self, job: Callable[[Codec, Progress], T], report: Progress | None = None) -> T:
        """``job(codec, progress)`` on the work codec, in a thread, within the budget:
        :class:`Busy` if the codec is not free in time, :class:`OverBudget` (raised by
        ``progress``) once the budget is spent; ``report`` gets every step before that."""
        deadline = time.monotonic() + self.budget
        acquired = False
        with anyio.move_on_after(self.budget):
            await self._working.acquire()
            acquired = True
        if not acquired:
            raise Busy(
                "busy: long requests (compress, expand, pulse) run one at a time, and this "
                f"one waited its whole time budget of {self.budget:g} s; retry later"
            )
        try:
            return await anyio.to_thread.run_sync(job, self.worker, self._watch(deadline, report))
        finally:
            self._working.release()

    def _watch(self, deadline: float, report: Progress | None) -> Progress:
        budget = self.budget

        def step(stage: str, done: int, total: int) -> None:
            if time.monotonic() >= deadline:
                raise OverBudget(
                    f"stopped after the server's time budget of {budget:g} s "
                    f"({stage} {done}{f' of {total}' if total else ''} done; what was "
                    "stored before stays stored); ask for less (a shorter text, fewer "
                    "ticks, a smaller depth) or start the server with a larger --budget"
                )
            if report is not None:
                report(stage, done, total)

        return step

    def close(self) -> None:
        """Close every codec's memory connection."""
        for codec in (self.worker, *self._readers):
            codec.close()
