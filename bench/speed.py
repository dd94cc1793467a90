"""Speed on this machine: compress, decode, recall, and bytes on disk per scene.

* **compress**: scenes of 3–7 concepts plus an anchor whose atoms are known,
  encoded in one batch (``compress_batch``); and end to end through
  ``Codec.compress_many`` (forms, glyphs, SQLite) into a memory.
* **decode**: the same kind of scenes decoded from their vectors alone against
  codebooks of 10,000 and 100,000 grounded e5 atoms (batched).
* **recall**: single-query latency (p50, p95) of ``Codec.recall`` with a vector
  cue over memories of 100,000 and 1,000,000 stored scenes, and of the bare
  index; exact FAISS binary search is compared with a numpy scan at 100,000, and
  at 1,000,000 the two-stage search (sketch + re-rank) is compared with exact
  search: how often each puts a noisy cue's source scene first.
* **bytes on disk** per scene of those memories (after closing, which folds the
  write-ahead log into the file).

    python bench/vocab.py --size 100000   # once, ~10 minutes, cached
    python bench/speed.py                 # ~10 minutes on 2 cores
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from common import grounded_atoms, item_memory, machine, table
from scenecodec import Codec
from scenecodec.algebra import hv
from scenecodec.algebra.compress import compress_batch
from scenecodec.algebra.decode import decode_batch
from scenecodec.algebra.slots import Slots
from scenecodec.language.atoms import DEFAULT_ALPHA
from scenecodec.memory.index import EXACT_LIMIT
from vocab import load


def random_scenes(rng: np.random.Generator, n_scenes: int, n_atoms: int):
    """Index arrays for scenes of 3–7 concepts plus an anchor, all distinct."""
    ks = rng.integers(3, 8, n_scenes)
    parts = np.full((n_scenes, 7), -1, dtype=np.int64)
    anchors = np.empty(n_scenes, dtype=np.int64)
    picks = np.argsort(rng.random((n_scenes, 64)), axis=1)[:, :8]  # 8 distinct of 64
    base = rng.integers(0, n_atoms - 64, n_scenes)[:, None]
    chosen = base + picks
    for k in range(3, 8):
        rows = ks == k
        parts[rows, :k] = chosen[rows, :k]
        anchors[rows] = chosen[rows, k]
    return parts, anchors


def percentiles(samples: list[float]) -> tuple[float, float]:
    ms = np.array(samples) * 1e3
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 95))


def build_memory(path: Path, n: int, words: list[str], rng) -> tuple[Codec, float]:
    """A memory of ``n`` scenes over ``words`` (hash atoms: storage speed is what counts),
    and the rate at which it was stored, new concepts' atoms included."""
    codec = Codec.open(path, embedder="hash")
    parts, anchors = random_scenes(rng, n, len(words))
    step = 50_000
    start = time.perf_counter()
    for i in range(0, n, step):
        formulas = []
        for p, a in zip(parts[i : i + step], anchors[i : i + step], strict=True):
            formulas.append(" + ".join(words[j] for j in p if j >= 0) + " → " + words[a])
        codec.compress_many(formulas)
    rate = n / (time.perf_counter() - start)
    return codec, rate


def recall_rows(codec: Codec, n: int, rng, count: int) -> list[list[str]]:
    """Latency of recall over ``n`` stored scenes (cue: a stored scene's vector with 30% of
    its bits flipped, cosine 0.4) and, above the exact limit, how often the two-stage
    search and the exact one put the cue's source scene first."""
    scenes = [codec.show(f"Δ{i}") for i in rng.integers(1, n + 1, count)]
    noisy = [np.where(rng.random(1024) < 0.3, -s.vector, s.vector) for s in scenes]
    codec.recall(noisy[0], k=10)  # builds the index from the file
    rows = []
    for label, call in (
        ("Codec.recall", lambda q: codec.recall(q, k=10)),
        ("index only", lambda q: codec._index.search(q[None, :], 10)),
    ):
        times = []
        for q in noisy:
            start = time.perf_counter()
            call(q)
            times.append(time.perf_counter() - start)
        p50, p95 = percentiles(times)
        rows.append([f"recall k=10, {label}, {n:,} scenes", f"p50 {p50:.2f} ms, p95 {p95:.2f} ms"])
    index = codec._index
    if n > EXACT_LIMIT:
        ids = np.array([int(sc.code[1:]) for sc in scenes])
        for cosine in (0.4, 0.3, 0.2):
            flips = rng.random((len(scenes), 1024)) < (1 - cosine) / 2
            cues = np.where(
                flips,
                -np.stack([sc.vector for sc in scenes]),
                np.stack([sc.vector for sc in scenes]),
            )
            fast, _ = index.search(cues, 1)
            _, exact = index._full.search(hv.pack(cues), 1)
            rows.append(
                [
                    f"source scene found first, cue at cosine {cosine}, {n:,} scenes",
                    f"sketch + re-rank {np.mean(fast[:, 0] == ids):.3f}, exact "
                    f"{np.mean(index._ids[exact[:, 0]] == ids):.3f}",
                ]
            )
    else:
        packed = np.ascontiguousarray(hv.pack(np.stack(noisy))).view(np.uint64)
        stored = np.ascontiguousarray(index._full.reconstruct_n(0, len(index))).view(np.uint64)
        times = []
        for q in packed[:50]:
            start = time.perf_counter()
            dist = np.bitwise_count(stored ^ q).sum(axis=1)
            np.argpartition(dist, 10)[:10]
            times.append(time.perf_counter() - start)
        p50, p95 = percentiles(times)
        rows.append(
            [
                f"recall k=10, numpy popcount scan, {n:,} scenes",
                f"p50 {p50:.2f} ms, p95 {p95:.2f} ms",
            ]
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--large", type=int, default=1_000_000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    words, emb = load(100_000)
    half = len(words) // 2
    slots = Slots.get(1024, 0)
    rows: list[list[object]] = []

    codebook = grounded_atoms(emb, alpha=DEFAULT_ALPHA, words=words)
    parts, anchors = random_scenes(rng, 200_000, len(words))
    compress_batch(slots, codebook, parts[:1000], anchors[:1000])
    start = time.perf_counter()
    compress_batch(slots, codebook, parts, anchors)
    rate = len(parts) / (time.perf_counter() - start)
    rows.append(["compress, batched, atoms known (200,000 scenes)", f"{rate:,.0f} scenes/s"])
    print(rows[-1], flush=True)

    for n in (10_000, 100_000):
        pick = np.r_[0 : n // 2, half : half + n // 2]
        memory = item_memory([words[i] for i in pick], codebook[pick])
        p, a = random_scenes(rng, 2000, n)
        vectors = hv.unpack(compress_batch(slots, codebook[pick], p, a), slots.dim)
        decode_batch(slots, memory, vectors[:50])
        start = time.perf_counter()
        decode_batch(slots, memory, vectors)
        rate = len(vectors) / (time.perf_counter() - start)
        rows.append([f"decode, batched, N = {n:,} atoms (2,000 scenes)", f"{rate:,.0f} scenes/s"])
        print(rows[-1], flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        for n in (100_000, args.large):
            path = Path(tmp) / f"m{n}.sqlite"
            codec, store_rate = build_memory(path, n, words[:20_000], rng)
            rows.append(
                [
                    f"compress_many into a memory ({n:,} scenes over 20,000 concepts)",
                    f"{store_rate:,.0f} scenes/s",
                ]
            )
            rows += recall_rows(codec, n, rng, args.queries)
            codec.close()  # checkpoints the write-ahead log into the file
            rows.append(
                [f"bytes on disk per scene ({n:,} scenes)", f"{path.stat().st_size / n:.0f}"]
            )
            for r in rows[-6:]:
                print(r, flush=True)
    print(f"\n{machine()}; α = {DEFAULT_ALPHA}\n")
    print(table(["measure", "result"], rows))


if __name__ == "__main__":
    main()
