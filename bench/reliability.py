"""Fault injection: what the memory keeps and what the user is told when things go wrong.

Five faults, each over several trials, on memories with the hash embedder (the faults
are in the storage, not the model):

* ``kill``: a writer (one scene a call, or batches through ``compress_many``) killed with
  SIGKILL at a random moment; then every scene it acknowledged must be there under the
  code it was given, no code twice, ``PRAGMA integrity_check`` ok.
* ``writers``: 8 processes writing one brand-new memory at once (``bench/writers.py``
  runs the same with the model embedder and more scenes).
* ``full``: the memory on a small tmpfs that fills up (root only; skipped elsewhere):
  the write that does not fit is refused with exit 2 and an error naming the full disk,
  everything acknowledged before stays, the file stays sound.
* ``readonly``: the memory file, then its directory, made read-only (as an unprivileged
  user, since root ignores permissions): writes are refused with an error that says
  read-only; reads still answer.
* ``corrupt``: one page of a copy of a memory overwritten with random bytes: every
  command answers 0 or 2 with an error naming the damage, never a traceback.

    python bench/reliability.py                 # all faults, default trials
    python bench/reliability.py --kill 30 --only kill
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from common import machine, table

HERE = Path(__file__).resolve().parent
NOBODY = 65534


def formula(writer: int, i: int) -> str:
    """The ``i``-th scene of ``writer``: new words every time, so atoms are written too."""
    return f"слово{writer}и{i} + word{writer}x{i} + тон{i % 40} → цель{i % 7}"


def writer(path: str, worker: int, bulk: int) -> None:
    """Write scenes until killed, printing ``code<TAB>formula`` for each acknowledged one
    (``bulk`` > 1: batches through ``compress_many``)."""
    from scenecodec import Codec

    with Codec.open(path, embedder="hash") as codec:
        for i in range(0, 10**9, bulk):
            batch = [formula(worker, i + j) for j in range(bulk)]
            scenes = codec.compress_many(batch) if bulk > 1 else [codec.compress(batch[0])]
            for scene in scenes:
                sys.stdout.write(f"{scene.code}\t{scene.formula}\n")
            sys.stdout.flush()


def check(path: Path, acked: dict[str, str]) -> tuple[int, int, str]:
    """(lost acknowledged scenes, duplicate codes, integrity check) of the memory."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        stored = dict(db.execute("SELECT 'Δ' || id, formula FROM scenes").fetchall())
        codes = db.execute("SELECT count(*) - count(DISTINCT id) FROM scenes").fetchone()[0]
    lost = sum(1 for code, f in acked.items() if stored.get(code) != f)
    return lost, codes, integrity


def trial_kill(tmp: Path, rng: random.Random, n: int) -> tuple[bool, str]:
    """One SIGKILL trial; odd trials on a memory that already holds scenes."""
    path = tmp / f"kill{n}.sqlite"
    if n % 2:
        shutil.copy(tmp / "seeded.sqlite", path)
    bulk = 1 if n % 3 else 20
    proc = subprocess.Popen(
        [sys.executable, __file__, "--writer", str(path), str(n), str(bulk)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=HERE,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout or []), daemon=True)
    reader.start()
    time.sleep(rng.uniform(1.5, 4.0))  # the interpreter and the codec take ~1 s to start
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    reader.join()
    acked = dict(line.rstrip("\n").split("\t") for line in lines if "\t" in line)
    lost, dup, integrity = check(path, acked)
    ok = lost == 0 and dup == 0 and integrity == "ok" and bool(acked)
    return ok, f"{len(acked)} acked, {lost} lost, {dup} dup, {integrity}"


def cli(*args: str, user: int | None = None) -> subprocess.CompletedProcess[str]:
    """Run the command line (as ``user`` when given)."""
    prefix = []
    if user is not None:
        prefix = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups"]
    env = {**os.environ, "HOME": "/tmp", "XDG_CACHE_HOME": "/tmp/scenecodec-reliability"}
    return subprocess.run(
        [*prefix, sys.executable, "-m", "scenecodec", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def answered(proc: subprocess.CompletedProcess[str], *words: str) -> bool:
    """Exit 2 with one ``error:`` line naming one of ``words``."""
    err = proc.stderr
    return (
        proc.returncode == 2
        and err.startswith("error: ")
        and err.count("\n") == 1
        and any(w in err.lower() for w in words)
    )


@contextlib.contextmanager
def tmpfs(size: str) -> Iterator[Path | None]:
    """A fresh tmpfs of ``size`` (None where mounting is not allowed)."""
    where = Path(tempfile.mkdtemp(prefix="scenecodec-full-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True
    )
    try:
        yield where if mounted.returncode == 0 else None
    finally:
        if mounted.returncode == 0:
            subprocess.run(["umount", str(where)], check=False)
        where.rmdir()


def trial_full(tmp: Path, n: int) -> tuple[bool, str] | None:
    """Fill a tmpfs with scenes until a write is refused."""
    with tmpfs("600k") as where:
        if where is None:
            return None
        path = where / "memory.sqlite"
        acked: dict[str, str] = {}
        refused = None
        for i in range(400):
            batch = "\n".join(formula(n, i * 8 + j) for j in range(8))
            (tmp / "batch.txt").write_text(batch + "\n", encoding="utf-8")
            args = ["--file", str(tmp / "batch.txt")] if n % 2 else [formula(n, i)]
            proc = cli("compress", *args, "--memory", str(path), "--embedder", "hash", "--json")
            if proc.returncode != 0:
                refused = proc
                break
            import json

            for line in proc.stdout.splitlines():
                data = json.loads(line)
                for scene in data.get("scenes", [data]):
                    acked[scene["code"]] = scene["formula"]
        if refused is None:
            return False, "the disk never filled"
        lost, dup, integrity = check(path, acked)
        named = answered(refused, "full", "space")
        ok = named and lost == 0 and dup == 0 and integrity == "ok"
        reply = refused.stderr.strip()[:120]
        return ok, f"{len(acked)} acked, {lost} lost, {integrity}; said: {reply}"


def trial_readonly(tmp: Path, what: str) -> tuple[bool, str] | None:
    """Make the memory file or its directory read-only for an unprivileged user."""
    if os.geteuid() != 0 and what != "file":
        return None
    where = tmp / f"ro-{what}"
    where.mkdir()
    path = where / "memory.sqlite"
    shutil.copy(tmp / "seeded.sqlite", path)
    user = NOBODY if os.geteuid() == 0 else None
    if user is not None:
        os.chown(where, user, user)
        os.chown(path, user, user)
    (path if what == "file" else where).chmod(0o444 if what == "file" else 0o555)
    write = cli("compress", "новое + слово → цель", "--memory", str(path), user=user)
    read = cli("show", "Δ1", "--memory", str(path), user=user)
    ok = answered(write, "read-only", "read only", "permission") and read.returncode == 0
    said = write.stderr.strip()[:120]
    return ok, f"write → {write.returncode} ({said}); read → {read.returncode}"


def trial_corrupt(tmp: Path, rng: random.Random, n: int) -> tuple[bool, str]:
    """Overwrite one page of a copy of the seeded memory and run every reading command."""
    path = tmp / f"corrupt{n}.sqlite"
    shutil.copy(tmp / "seeded.sqlite", path)
    pages = path.stat().st_size // 4096
    page = 1 + n % max(1, pages - 1) if n else 0
    with path.open("r+b") as f:
        f.seek(page * 4096)
        f.write(rng.randbytes(4096))
    commands = [
        ("list",),
        ("show", "Δ2"),
        ("recall", "слово"),
        ("compress", "новое + слово → цель"),
        ("expand", "Δ1"),
        ("pulse", "Δ1", "--ticks", "2"),
    ]
    codes = []
    for command in commands:
        proc = cli(*command, "--memory", str(path))
        good = proc.returncode == 0 or answered(proc, "damaged", "corrupt", "malformed")
        codes.append(f"{command[0]} {proc.returncode}{'' if good else '!'}")
    ok = not any(c.endswith("!") for c in codes)
    return ok, f"page {page} of {pages}: " + ", ".join(codes)


def seeded(tmp: Path, count: int = 200) -> None:
    """A memory of ``count`` scenes the trials copy."""
    from scenecodec import Codec

    with Codec.open(tmp / "seeded.sqlite", embedder="hash") as codec:
        codec.compress_many([formula(99, i) for i in range(count)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kill", type=int, default=30, help="SIGKILL trials")
    parser.add_argument("--full", type=int, default=4, help="full-disk trials")
    parser.add_argument("--corrupt", type=int, default=8, help="corrupt-page trials")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--scenes", type=int, default=200, help="scenes per writer")
    parser.add_argument("--only", help="one fault: kill, writers, full, readonly, corrupt")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--writer", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.writer:
        writer(args.writer[0], int(args.writer[1]), int(args.writer[2]))
        return
    rng = random.Random(args.seed)
    rows = []
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        os.chmod(tmp, 0o755)
        seeded(tmp)
        trials: dict[str, list[tuple[bool, str] | None]] = {
            "kill": [trial_kill(tmp, rng, n) for n in range(args.kill)]
            if args.only in (None, "kill")
            else [],
            "writers": [writers(args.writers, args.scenes)]
            if args.only in (None, "writers")
            else [],
            "full": [trial_full(tmp, n) for n in range(args.full)]
            if args.only in (None, "full")
            else [],
            "readonly": [trial_readonly(tmp, w) for w in ("file", "directory")]
            if args.only in (None, "readonly")
            else [],
            "corrupt": [trial_corrupt(tmp, rng, n) for n in range(args.corrupt)]
            if args.only in (None, "corrupt")
            else [],
        }
    print(machine())
    for fault, results in trials.items():
        ran = [r for r in results if r is not None]
        if not results:
            continue
        if not ran:
            rows.append([fault, 0, "—", "not available on this machine"])
            continue
        failed = [detail for ok, detail in ran if not ok]
        example = (failed or [ran[-1][1]])[0]
        rows.append([fault, len(ran), len(failed), example.replace("|", "/")[:160]])
    print(table(["fault", "trials", "failures", "a failure (or the last trial)"], rows))


def writers(count: int, scenes: int) -> tuple[bool, str]:
    """``count`` writers of ``scenes`` each into one new memory (bench/writers.py)."""
    proc = subprocess.run(
        [
            sys.executable,
            "writers.py",
            "--writers",
            str(count),
            "--scenes",
            str(scenes),
            "--embedder",
            "hash",
        ],
        capture_output=True,
        text=True,
        cwd=HERE,
        timeout=1800,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("acknowledged")]
    summary = lines[0] if lines else proc.stderr.strip()[-200:]
    ok = proc.returncode == 0 and all(
        f"{what} 0," in summary for what in ("errors", "lost", "two formulas")
    )
    return ok, summary


if __name__ == "__main__":
    main()
