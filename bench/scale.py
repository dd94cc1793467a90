"""Beyond one machine (issue 18): recall on PostgreSQL at scale, bytes, migration, ingest.

Parts (``--part``, all by default):

* **recall** — ``--scenes`` scenes (1,000,000) made as scenes are (a Zipf-drawn few of
  20,000 random atoms, each in its slot, bundled by majority) are written straight into a
  PostgreSQL memory's ``scenes`` table (binary COPY), its HNSW index built after; then
  ``--queries`` cues (new scenes of the same make) are searched k = 10 by the memory's own
  index (:class:`~scenecodec.memory.postgres.PostgresIndex`, one query a call, as recall
  asks) and by the in-process FAISS index (:class:`~scenecodec.memory.SceneIndex`) in
  the same run. Reported: p50 and p95 latency of each, and recall@10 of each against
  exact search (FAISS ``IndexBinaryFlat`` over all vectors; a result counts when its
  distance is within the exact 10th's, so ties do not count against it), the build
  time and the sizes of table and index.
* **bytes** — a real memory of ``--real`` scenes (e5, random nouns), migrated from SQLite
  with ``scenecodec migrate``: its seconds and scenes/s, and bytes per scene on
  PostgreSQL (every table and index) beside the SQLite file's.
* **ingest** — ``--documents`` short documents (3–6 sentences of
  ``bench/data/passages-ru-en.tsv``, seeded) read by ``scenecodec ingest --ray local``
  with 1 and then 2 workers into fresh memories: documents/s and the ratio; then a third
  run whose driver is killed (SIGKILL) once half the documents are stored, and run again:
  every document marked once, no formula twice, the same scenes as the uninterrupted run.

    python bench/scale.py [--url postgresql://…/postgres] [--part recall --scenes 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np
import psycopg

from common import machine, nouns, postgres, table
from scenecodec import Codec
from scenecodec.algebra import hv
from scenecodec.memory import PostgresStore, SceneIndex, Settings
from scenecodec.memory.pgdriver import Bits, connect

HERE = Path(__file__).parent
DIM = 1024


def scene_bits(rng: np.random.Generator, atoms: np.ndarray, n: int) -> np.ndarray:
    """``n`` packed scene vectors ``(n, DIM/8)``: 3–5 Zipf-drawn bipolar ``atoms``, atom
    ``j`` rolled by ``j`` (its slot), bundled by majority (an even count's tie goes to
    the first atom)."""
    sizes = rng.integers(3, 6, size=n)
    out = np.empty((n, DIM // 8), np.uint8)
    for size in (3, 4, 5):
        rows = np.flatnonzero(sizes == size)
        picks = np.minimum(rng.zipf(1.3, size=(len(rows), size)) - 1, len(atoms) - 1)
        total = np.zeros((len(rows), DIM), np.int16)
        for j in range(size):
            total += np.roll(atoms[picks[:, j]], j, axis=1)
        if size % 2 == 0:
            total += atoms[picks[:, 0]]
        out[rows] = np.packbits(total > 0, axis=1)
    return out


def load(url: str, packed: np.ndarray) -> float:
    """Write ``packed`` as the scenes of the memory at ``url`` (its HNSW indexes dropped
    first and built after, as a bulk load should); seconds the index build took."""
    store = PostgresStore.open(url, Settings(DIM, 0, 0.7, "hash"))
    store.close()
    with connect(url) as db:  # the store's own connection: autocommit, bit in binary
        db.execute("DROP INDEX scenes_vector; DROP INDEX scenes_gist")
        with db.cursor().copy(
            "COPY scenes (id, formula, name, glyph, vector, gist, created)"
            " FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types(["int8", "text", "text", "text", "bit", "bit", "float8"])
            for i, row in enumerate(packed, 1):
                bits = Bits(row.tobytes())
                copy.write_row((i, f"f{i}", f"n{i}", "", bits, bits, 0.0))
        db.execute("UPDATE settings SET value = %s WHERE key = 'last_code'", (str(len(packed)),))
        db.execute("SET maintenance_work_mem = '3GB'")
        db.execute("SET max_parallel_maintenance_workers = 1")
        start = time.perf_counter()
        db.execute("CREATE INDEX scenes_vector ON scenes USING hnsw (vector bit_hamming_ops)")
        seconds = time.perf_counter() - start
        db.execute("VACUUM ANALYZE scenes")
    return seconds


def recall_part(database, scenes: int, queries: int) -> None:
    rng = np.random.default_rng(0)
    atoms = rng.choice(np.array([-1, 1], np.int8), size=(20_000, DIM))
    print(f"making {scenes:,} scenes…", flush=True)
    packed = np.concatenate(
        [scene_bits(rng, atoms, min(100_000, scenes - i)) for i in range(0, scenes, 100_000)]
    )
    cues = scene_bits(rng, atoms, queries)
    url = database("scale_recall")
    t = time.perf_counter()
    build = load(url, packed)
    print(f"loaded in {time.perf_counter() - t:.0f} s (index build {build:.0f} s)", flush=True)
    exact = faiss.IndexBinaryFlat(DIM)
    exact.add(packed)
    truth, _ = exact.search(cues, 10)
    index = SceneIndex(DIM)
    index.add(np.arange(1, scenes + 1), packed)
    store = PostgresStore.open(url, Settings(DIM, 0, 0.7, "hash"))
    pg = store.index()
    bipolar = hv.unpack(cues, DIM)
    rows = []
    for name, search in (
        ("PostgreSQL HNSW (pgvector)", pg.search),
        ("in-process FAISS", index.search),
    ):
        search(bipolar[:1], 10)  # warm
        times, hits = [], 0
        for q in range(queries):
            t = time.perf_counter()
            ids, _ = search(bipolar[q : q + 1], 10)
            times.append(time.perf_counter() - t)
            worst = np.bitwise_count(packed[truth[q, -1]] ^ cues[q]).sum()
            found = np.bitwise_count(packed[ids[0] - 1] ^ cues[q]).sum(axis=1)
            hits += int((found <= worst).sum())
        rows.append(
            [
                name,
                f"{np.percentile(times, 50) * 1000:.2f}",
                f"{np.percentile(times, 95) * 1000:.2f}",
                f"{hits / (10 * queries):.3f}",
            ]
        )
    sizes = store._rows(
        "SELECT pg_size_pretty(pg_table_size('scenes')),"
        " pg_size_pretty(pg_relation_size('scenes_vector'))"
    )[0]
    store.close()
    print(f"\n{machine()}; {scenes:,} scenes, {queries:,} cues, k 10, ef_search 200\n")
    print(table(["index", "p50 ms", "p95 ms", "recall@10"], rows))
    print(f"\nHNSW build {build:.0f} s; table {sizes[0]}, vector index {sizes[1]}")


def bytes_part(database, real: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.sqlite"
        rng = np.random.default_rng(0)
        vocab = nouns("ru", 3000) + nouns("en", 3000)
        with Codec.open(path) as codec:
            codec.compress_many(
                [
                    " + ".join(rng.choice(vocab, size=rng.integers(3, 7), replace=False))
                    for _ in range(real)
                ]
            )
            count = codec.count()
        url = database("scale_bytes")
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "scenecodec", "migrate", "--from", str(path), "--to", url],
            check=True,
        )
        seconds = time.perf_counter() - t
        file_bytes = path.stat().st_size
    with psycopg.connect(url) as db:
        total = db.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n"
            " ON n.oid = c.relnamespace WHERE n.nspname = 'scenecodec' AND c.relkind = 'r'"
        ).fetchone()[0]
    print(f"\n{machine()}; a real memory of {count:,} scenes (e5)\n")
    print(
        table(
            ["", "value"],
            [
                ["migrate SQLite → PostgreSQL (s, whole command)", f"{seconds:.1f}"],
                ["scenes/s", f"{count / seconds:,.0f}"],
                ["bytes/scene on PostgreSQL (tables + indexes)", f"{int(total) / count:,.0f}"],
                ["bytes/scene in the SQLite file", f"{file_bytes / count:,.0f}"],
            ],
        )
    )


def corpus(folder: Path, documents: int) -> None:
    rows = (HERE / "data" / "passages-ru-en.tsv").read_text(encoding="utf-8").splitlines()
    passages = [r.split("\t")[2] for r in rows if r and not r.startswith("#")]
    sentences = [s.strip() + "." for p in passages for s in p.split(".") if len(s.split()) > 2]
    rng = random.Random(0)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(documents):
        text = " ".join(rng.sample(sentences, rng.randint(3, 6)))
        (folder / f"d{i:05}.txt").write_text(text, encoding="utf-8")


def ingesting(folder: Path, url: str, workers: int) -> list[str]:
    """The command line of ``scenecodec ingest`` over a local Ray of ``workers`` CPUs."""
    return [
        *(sys.executable, "-m", "scenecodec", "ingest", str(folder), "--memory", url),
        *("--ray", "local", "--workers", str(workers)),
    ]


def ingest(folder: Path, url: str, workers: int) -> tuple[float, dict]:
    t = time.perf_counter()
    done = subprocess.run(
        [*ingesting(folder, url, workers), "--json"], check=True, capture_output=True, text=True
    )
    return time.perf_counter() - t, json.loads(done.stdout)


def marks(url: str) -> int:
    with psycopg.connect(url, options="-c search_path=scenecodec") as db:
        try:
            return db.execute(
                "SELECT count(*) FROM pulses WHERE name LIKE 'document %'"
            ).fetchone()[0]
        except psycopg.errors.UndefinedTable:
            return 0


def ingest_part(database, documents: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        corpus(folder, documents)
        rows, formulas = [], {}
        for workers in (1, 2):
            url = database(f"scale_ingest{workers}")
            seconds, said = ingest(folder, url, workers)
            rows.append(
                [workers, f"{seconds:.0f}", f"{said['documents'] / seconds:.2f}", said["scenes"]]
            )
            print(f"{workers} worker(s): {seconds:.0f} s, {said}"[:300], flush=True)
            with Codec.open(url) as codec:
                formulas[workers] = sorted(s.formula for s in codec.scenes())
        url = database("scale_ingest_killed")
        driver = subprocess.Popen(
            ingesting(folder, url, 2),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while marks(url) < documents // 2:
            time.sleep(0.5)
        os.kill(driver.pid, signal.SIGKILL)
        driver.wait()
        at_kill = marks(url)
        ray = Path(sys.executable).with_name("ray")  # the killed driver's cluster, stopped
        subprocess.run([str(ray), "stop", "--force"], capture_output=True)
        seconds, said = ingest(folder, url, 2)
        with Codec.open(url) as codec:
            after = sorted(s.formula for s in codec.scenes())
    ratio = float(rows[1][2]) / float(rows[0][2])
    print(f"\n{machine()}; {documents:,} documents of 3–6 sentences, Ray local\n")
    print(table(["workers", "seconds", "documents/s", "scenes read"], rows))
    same = formulas[1] == formulas[2]
    print(f"\nscaling 2 workers / 1: {ratio:.2f}×; the same scenes either way: {same}")
    print(
        f"driver killed at {at_kill:,} documents marked; the run again skipped "
        f"{said['skipped']:,}, read {said['documents']:,} ({seconds:.0f} s); marked in all "
        f"{marks(url):,}; formulas twice: {len(after) - len(set(after))}; the same scenes as "
        f"an uninterrupted run: {after == formulas[2]}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a PostgreSQL server's maintenance database [embedded]")
    parser.add_argument("--part", choices=["recall", "bytes", "ingest"], action="append")
    parser.add_argument("--scenes", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--real", type=int, default=10_000)
    parser.add_argument("--documents", type=int, default=10_000)
    args = parser.parse_args()
    parts = args.part or ["recall", "bytes", "ingest"]
    with postgres(args.url) as database:
        if "recall" in parts:
            recall_part(database, args.scenes, args.queries)
        if "bytes" in parts:
            bytes_part(database, args.real)
        if "ingest" in parts:
            ingest_part(database, args.documents)


if __name__ == "__main__":
    main()
