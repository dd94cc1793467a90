"""Load on the HTTP API: concurrent clients on loopback against expand and recall.

A server (``scenecodec serve``) is started on a copy of ``--memory`` (or on a fresh one
filled with ``--scenes`` random scenes); ``--clients`` clients then loop for
``--seconds`` seconds, each request an ``/expand`` of a random stored scene or a
``/recall`` of two random stored concepts, alternating. Reported: requests per second,
p50 and p99 latency per endpoint, errors (any non-200), and the server's resident memory
before, at every tenth of the run, and after (does it level off?).

    python bench/load.py --memory /tmp/m.sqlite [--clients 32 --seconds 60]

With ``--postgres`` the memory is migrated into PostgreSQL (an embedded server, or the
one at ``--url``) and served from there; ``--workers 1 2`` runs the load once with each
number of server processes (``serve --workers``), in the same run.

    python bench/load.py --scenes 2000 --postgres --workers 1 2
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

from common import machine, nouns, postgres, table
from scenecodec import Codec


def rss_mib(pid: int) -> float:
    """Resident memory of ``pid`` and its children (the workers of ``serve --workers``)."""
    total = float("nan")
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total = int(line.split()[1]) / 1024
    children = Path(f"/proc/{pid}/task/{pid}/children")
    for child in children.read_text().split() if children.exists() else []:
        total += rss_mib(int(child))
    return total


async def client(
    url: str, codes: list[str], lemmas: list[str], until: float, seed: int, out: dict
) -> None:
    rng = np.random.default_rng(seed)
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        n = 0
        while time.monotonic() < until:
            if n % 2 == 0:
                path, body = "/expand", {"scene": codes[int(rng.integers(len(codes)))]}
            else:
                pair = [lemmas[int(i)] for i in rng.choice(len(lemmas), 2, replace=False)]
                path, body = "/recall", {"cue": " ".join(pair), "k": 5}
            t = time.perf_counter()
            try:
                response = await http.post(path, json=body)
                failure = None if response.status_code == 200 else response.text[:200]
            except httpx.HTTPError as e:
                failure = repr(e)
            out[path].append(time.perf_counter() - t)
            if failure is not None:
                out["errors"].append(f"{path} {body}: {failure}")
            n += 1


async def watch(pid: int, until: float, every: float, out: dict) -> None:
    """The server's RSS every ``every`` seconds until ``until``."""
    while time.monotonic() + every <= until + 1e-3:
        await asyncio.sleep(every)
        out["rss"].append(rss_mib(pid))


async def run(
    url: str, pid: int, codes: list[str], lemmas: list[str], clients: int, seconds: float
):
    out: dict = {"/expand": [], "/recall": [], "errors": [], "rss": []}
    until = time.monotonic() + seconds
    await asyncio.gather(
        watch(pid, until, seconds / 10, out),
        *(client(url, codes, lemmas, until, i, out) for i in range(clients)),
    )
    return out


def serve(memory: str, workers: int, codes: list[str], lemmas: list[str], args) -> None:
    """``scenecodec serve --workers N`` on ``memory`` under the clients' load; printed."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = ["serve", "--port", str(port), "--memory", memory, "--workers", str(workers)]
    server = subprocess.Popen(
        [sys.executable, "-m", "scenecodec", *command], env={**os.environ, "SCENECODEC_TOKEN": ""}
    )
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                httpx.get(f"{url}/status", timeout=60)
                break
            except httpx.TransportError:
                time.sleep(0.3)
        # every worker's first answers (its model loaded): 4 at once per worker
        asyncio.run(run(url, server.pid, codes, lemmas, 4 * workers, 10.0))
        before = rss_mib(server.pid)
        t = time.perf_counter()
        out = asyncio.run(run(url, server.pid, codes, lemmas, args.clients, args.seconds))
        elapsed = time.perf_counter() - t
        after = rss_mib(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    total = len(out["/expand"]) + len(out["/recall"])
    every = [*out["/expand"], *out["/recall"]]
    where = "PostgreSQL" if memory.startswith("postgresql://") else "SQLite"
    print(f"\n{where}, {workers} worker(s): {args.clients} clients for {args.seconds:.0f} s\n")
    rows = [
        [
            path,
            f"{len(out[path]):,}",
            f"{np.percentile(out[path], 50) * 1000:.0f}",
            f"{np.percentile(out[path], 99) * 1000:.0f}",
        ]
        for path in ("/expand", "/recall")
    ]
    print(table(["endpoint", "requests", "p50 ms", "p99 ms"], rows))
    print(
        f"\n{total / elapsed:.1f} requests/s, p99 {np.percentile(every, 99) * 1000:.0f} ms; "
        f"errors {len(out['errors'])}; server memory {before:.0f} → {after:.0f} MiB"
    )
    print("server memory every tenth of the run (MiB):", ", ".join(f"{r:.0f}" for r in out["rss"]))
    for failure in out["errors"]:
        print("error:", failure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory", type=Path)
    parser.add_argument("--scenes", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, nargs="+", default=[1], help="one run each")
    parser.add_argument("--postgres", action="store_true", help="migrate it, serve that")
    parser.add_argument("--url", help="a PostgreSQL server's maintenance database [embedded]")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "m.sqlite"
        if args.memory and args.memory.exists():
            shutil.copy(args.memory, work)
        with Codec.open(work) as codec:
            if codec.count() == 0:
                rng = np.random.default_rng(0)
                vocab = nouns("ru", 4000) + nouns("en", 4000)
                codec.compress_many(
                    [
                        " + ".join(rng.choice(vocab, size=rng.integers(3, 8), replace=False))
                        for _ in range(args.scenes)
                    ]
                )
            count = codec.count()
            sample = codec.scenes(0, 2000)
        codes = [s.code for s in sample]
        lemmas = sorted({c.lemma for s in sample for c in s.concepts})
        print(f"\n{machine()}; {count:,} scenes")
        if not args.postgres:
            for workers in args.workers:
                serve(str(work), workers, codes, lemmas, args)
            return
        with postgres(args.url) as database:
            url = database("load")
            command = ["migrate", "--from", str(work), "--to", url]
            subprocess.run([sys.executable, "-m", "scenecodec", *command], check=True)
            for workers in args.workers:
                serve(url, workers, codes, lemmas, args)


if __name__ == "__main__":
    main()
