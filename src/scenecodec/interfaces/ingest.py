"""Ingest: a corpus of documents read into one memory, the work spread over Ray.

A corpus is a folder (every ``*.txt`` under it, by path; a document's name is its path
in the folder) or a JSON-lines file (one ``{"id": …, "text": …}`` a line; without an
``id`` a document is named by its line number). Each document is read by the stream
reader (:func:`~scenecodec.dynamics.stream.stream`): cut where its meaning shifts, each
part compressed from its text and stored with the text's sense, its pulse kept under
``document NAME``.

That kept pulse is the mark of a document done: an ingest run again (after a crash, or
over a corpus that grew) skips the documents whose mark is there. A document cut off by
a crash before its mark is read again; its scenes, already stored, keep their codes
(a formula is stored once), so every document is stored once.

With Ray (``pip install 'scenecodec[ray]'``) the documents go in batches to a pool of
actors, one per worker CPU, each holding its own codec on the memory (a PostgreSQL
memory for many machines; a SQLite file's writers take turns on one machine). Without
it they are read here, one after another. Ray's own actor pool (``ray.util.ActorPool``)
hands batches to free actors; this module only feeds it two batches per actor at a time,
so the corpus is read as it goes and never held in memory whole.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "a.txt").write_text("Шёл снег. Мороз трещал.", encoding="utf-8")
>>> [d.name for d in documents(folder)]
['a.txt']
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scenecodec.codec import Codec
from scenecodec.dynamics.stream import stream
from scenecodec.errors import InputError, ScenecodecError
from scenecodec.progress import Progress

__all__ = ["BATCH", "Document", "Reader", "documents", "ingest", "mark"]

BATCH = 16
"""Documents sent to an actor at a time."""


@dataclass(frozen=True)
class Document:
    """One document of a corpus: its name there and its text."""

    name: str
    text: str


def mark(name: str) -> str:
    """The pulse name that marks the document ``name`` as stored.

    >>> mark("notes/a.txt")
    'document notes/a.txt'
    """
    return f"document {name}"


def documents(corpus: Path) -> Iterator[Document]:
    """The documents of a folder (``*.txt`` by path) or a JSON-lines file, in order;
    :class:`InputError` naming a line that is not a document."""
    if corpus.is_dir():
        for path in sorted(corpus.rglob("*.txt")):
            try:
                yield Document(path.relative_to(corpus).as_posix(), path.read_text("utf-8"))
            except UnicodeDecodeError as e:
                raise InputError(f"{path}: not UTF-8 ({e.reason})") from None
        return
    if not corpus.is_file():
        raise InputError(f"no corpus at {corpus} (a folder of .txt files or a .jsonl file)")
    with corpus.open(encoding="utf-8") as lines:
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                yield Document(str(item.get("id", n)), str(item["text"]))
            except (json.JSONDecodeError, AttributeError, KeyError, TypeError):
                raise InputError(f"{corpus}:{n}: not a document ({{'id': …, 'text': …}})") from None


class Reader:
    """Reads documents into one memory (a Ray actor, or this process's own reader)."""

    def __init__(self, memory: str | None):
        self.codec = Codec.open(memory)

    def read(self, batch: Sequence[Document]) -> list[tuple[str, int, str | None]]:
        """``(name, scenes stored, error or None)`` of each document of ``batch``; a
        document already marked is skipped (0 scenes), one that cannot be read is
        reported and the others go on."""
        out: list[tuple[str, int, str | None]] = []
        for doc in batch:
            if self.codec.store.get_pulse(mark(doc.name)) is not None:
                out.append((doc.name, 0, None))
                continue
            try:
                line = stream(self.codec, doc.text, name=mark(doc.name))
            except InputError as e:  # an empty or unreadable document: said, not fatal
                out.append((doc.name, 0, str(e)))
                continue
            out.append((doc.name, len(line.segments), None))
        return out

    def close(self) -> None:
        """Close the memory."""
        self.codec.close()


def ingest(
    corpus: Path,
    memory: str | None,
    *,
    ray_address: str | None = None,
    use_ray: bool = False,
    workers: int | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Read every document of ``corpus`` into ``memory`` (module docstring); with
    ``use_ray``, over the Ray cluster at ``ray_address`` (``None``: a local one of
    ``workers`` CPUs, default all), one actor per CPU. ``progress("ingest", done,
    total)`` after each batch. Returns ``{documents, skipped, scenes, failed: [{name,
    error}], workers}``."""
    names = [d.name for d in documents(corpus)]  # a corpus that cannot be read makes nothing
    with Codec.open(memory) as codec:  # made here, once, before any worker opens it
        done = {n for n in names if codec.store.get_pulse(mark(n)) is not None}
    total, results = len(names) - len(done), list[tuple[str, int, str | None]]()
    batches = _batches(d for d in documents(corpus) if d.name not in done)  # read as sent
    if progress is not None:
        progress("ingest", 0, total)
    with _readers(memory, use_ray and total > 0, ray_address, workers) as (read, used):
        for answer in read(batches):
            results += answer
            if progress is not None:
                progress("ingest", len(results), total)
    failed = [{"name": n, "error": e} for n, _, e in results if e is not None]
    return {
        "documents": len(results) - len(failed),
        "skipped": len(done),
        "scenes": sum(n for _, n, _ in results),
        "failed": failed,
        "workers": used,
    }


def _batches(docs: Iterator[Document]) -> Iterator[list[Document]]:
    """``docs`` in lists of :data:`BATCH`, read only as each is taken."""
    batch: list[Document] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


Answers = Iterator[list[tuple[str, int, str | None]]]


@contextmanager
def _readers(
    memory: str | None, use_ray: bool, address: str | None, workers: int | None
) -> Iterator[tuple[Callable[[Iterator[list[Document]]], Answers], int]]:
    """What reads the batches (answers as they finish) and how many read at once: this
    process's reader, or a pool of Ray actors."""
    if not use_ray:
        reader = Reader(memory)
        try:
            yield (lambda batches: (reader.read(b) for b in batches)), 1
        finally:
            reader.close()
        return
    try:
        import ray
        from ray.util import ActorPool
    except ImportError:
        raise InputError("--ray needs Ray: pip install 'scenecodec[ray]'") from None
    started = not ray.is_initialized()
    if started:
        if address is None:
            ray.init(num_cpus=workers, include_dashboard=False, logging_level=logging.ERROR)
        else:
            ray.init(address=address, logging_level=logging.ERROR)
    count = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
    actors: list[Any] = [ray.remote(num_cpus=1)(Reader).remote(memory) for _ in range(count)]
    pool = ActorPool(actors)

    def read(batches: Iterator[list[Document]]) -> Answers:
        """Two batches in flight per actor, the next read from the corpus as one ends
        (``ActorPool.map_unordered`` would take the whole corpus into memory first)."""
        try:
            for batch in itertools.islice(batches, 2 * count):
                pool.submit(lambda a, b: a.read.remote(b), batch)
            while pool.has_next():
                yield pool.get_next_unordered()
                for batch in itertools.islice(batches, 1):
                    pool.submit(lambda a, b: a.read.remote(b), batch)
        except ray.exceptions.RayTaskError as e:
            said = str(e).strip().splitlines()[-1]
            ours = [
                c
                for c in type(e.as_instanceof_cause()).__mro__
                if c.__module__ == "scenecodec.errors"
            ]
            if ours:  # the worker's own one-line error, as it said it
                raise ours[0](said.split(": ", 1)[-1]) from None
            raise ScenecodecError(f"a Ray worker failed: {said}") from None

    try:
        yield read, count
    finally:
        for a in actors:
            ray.kill(a)
        if started:
            ray.shutdown()
