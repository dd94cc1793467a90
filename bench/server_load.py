"""The server against one long request and against idle sockets (issue 17, defect 3).

``scenecodec serve`` is started on a fresh memory (from ``--src``: this checkout's
``src`` by default, or another checkout's to compare), with its file-descriptor limit
set to 1,024 (the common Linux default). Then:

1. **long request**: a ``/pulse`` of a ~1 MB text (passages of
   ``bench/data/passages-ru-en.tsv`` in a seeded random order) is sent, and for
   ``--seconds`` seconds a client asks ``/status`` and ``/recall`` in turn, one request at
   a time, each with a ``--timeout`` second limit (the body stays under the server's
   1,000,000-byte cap); reported: p50 and p99 latency per
   endpoint (a request that timed out counts at the limit) and the failures;
2. **idle sockets**: ``--idle`` sockets (1,100, the issue's count) are opened and left
   silent, then 50 real requests (``/status``, 10 s limit) are made one after another
   (or until five have failed); reported: successes and failures.

    python bench/server_load.py [--src ../other/src] [--seconds 30]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np

from common import machine

HERE = Path(__file__).parent
JSON = {"content-type": "application/json"}


def long_text(size: int, seed: int = 0) -> str:
    """About ``size`` bytes of UTF-8 prose made of the benchmark's passages."""
    rows = (HERE / "data" / "passages-ru-en.tsv").read_text(encoding="utf-8").splitlines()
    passages = [r.split("\t")[2] for r in rows if r and not r.startswith("#")]
    rng, parts, length = random.Random(seed), [], 0
    while length < size:
        parts.append(rng.choice(passages))
        length += len(parts[-1].encode()) + 1
    return " ".join(parts)


def start(src: Path, memory: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "scenecodec", "serve", "--port", f"{port}", "--memory", memory],
        env={**os.environ, "PYTHONPATH": str(src)},
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024)),
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/status").status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the server did not start")


def timed(http: httpx.Client, method: str, path: str, timeout: float, **kw) -> tuple[float, bool]:
    t = time.perf_counter()
    try:
        ok = http.request(method, path, timeout=timeout, **kw).status_code == 200
    except httpx.HTTPError:
        ok = False
    return min(time.perf_counter() - t, timeout), ok


def while_long(url: str, seconds: float, timeout: float) -> dict:
    with httpx.Client(base_url=url) as http:
        for formula in ("жар + страх → шаг", "тишина + ночь → сон", "снег + мороз → зима"):
            http.post("/compress", json={"concepts": formula}, timeout=120).raise_for_status()
        body = json.dumps({"text": long_text(990_000)}, ensure_ascii=False).encode()
        answer: dict = {}

        def pulse() -> None:
            t = time.perf_counter()
            try:
                r = httpx.post(f"{url}/pulse", content=body, timeout=3600, headers=JSON)
                answer.update(status=r.status_code, body=r.text[:160])
            except httpx.HTTPError as e:
                answer.update(status=repr(e))
            answer["seconds"] = time.perf_counter() - t

        threading.Thread(target=pulse, daemon=True).start()
        time.sleep(1.0)  # the pulse is under way
        seen: dict[str, list[float]] = {"/status": [], "/recall": []}
        failures = {"/status": 0, "/recall": 0}
        until = time.monotonic() + seconds
        n = 0
        while time.monotonic() < until:
            path = "/status" if n % 2 == 0 else "/recall"
            method = "GET" if path == "/status" else "POST"
            extra = {"json": {"cue": "жар страх", "k": 3}} if path == "/recall" else {}
            took, ok = timed(http, method, path, timeout, **extra)
            seen[path].append(took)
            failures[path] += not ok
            n += 1
        still = (
            "still running" if not answer else f"{answer['status']} after {answer['seconds']:.0f} s"
        )
    return {"seen": seen, "failures": failures, "pulse": still, "body": answer.get("body", "")}


def idle_sockets(url: str, count: int, requests: int = 50) -> tuple[int, int, int]:
    host, port = url.rsplit("/", 1)[-1].split(":")
    idle, refused = [], 0
    for _ in range(count):
        try:
            idle.append(socket.create_connection((host, int(port)), timeout=10))
        except OSError:
            refused += 1
    ok = failed = 0
    while ok + failed < requests and failed < 5:  # five failures tell enough
        if timed(httpx.Client(base_url=url), "GET", "/status", 10)[1]:
            ok += 1
        else:
            failed += 1
    for s in idle:
        s.close()
    return ok, failed, refused


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--src", type=Path, default=HERE.parent / "src")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--timeout", type=float, default=10)
    parser.add_argument("--idle", type=int, default=1100, help="idle sockets (the issue's 1,100)")
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start(args.src.resolve(), Path(tmp) / "m.sqlite")
        try:
            long = while_long(url, args.seconds, args.timeout)
        finally:
            proc.kill()
            proc.wait()
        print(f"1 MB /pulse text: {long['pulse']} {long['body']}")
        for path, took in long["seen"].items():
            ms = np.percentile(np.asarray(took) * 1000, [50, 99])
            print(
                f"  {path:8} while it runs: {len(took)} requests, p50 {ms[0]:.0f} ms, "
                f"p99 {ms[1]:.0f} ms, failures {long['failures'][path]} "
                f"(timeout {args.timeout:g} s)"
            )
        proc, url = start(args.src.resolve(), Path(tmp) / "m.sqlite")
        try:
            ok, failed, refused = idle_sockets(url, args.idle)
        finally:
            proc.kill()
            proc.wait()
        print(
            f"{args.idle:,} idle sockets ({refused} not connected): real requests {ok} served, "
            f"{failed} failed"
        )


if __name__ == "__main__":
    main()
