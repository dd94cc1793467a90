"""A seeded corpus of bad input over every command and endpoint, and what each case did.

Every case runs against one small memory (hash embedder, a few stored scenes): command-line
cases in-process through ``scenecodec.interfaces.cli.main`` (a handful, the ones about the
terminal's encoding, as real processes), HTTP cases through Starlette's test client on
``create_app``. A case passes when it answers the way the contract says bad input is
answered:

* the command line exits 0 or 2; on 2 it writes exactly one line ``error: …`` to stderr
  and no traceback;
* HTTP answers below 500, an error as a JSON object ``{"error": …}``;
* a case that fails leaves the memory as it was (scenes, atoms, settings, pulses and the
  code counter compared before and after);
* each case takes at most ``--slow`` seconds (reported, not asserted in tests).

    python bench/bad_inputs.py --cases 600            # the table for docs/benchmarks.md
    python bench/bad_inputs.py --cases 600 --show 20  # and the first 20 failures

``tests/test_bad_inputs.py`` runs the same generator with fewer cases.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = ["Case", "Outcome", "corpus", "fingerprint", "prepare", "run"]

SCENES = ("тишина + жар → вход", "snow + lamp → home", "море + ветер + парус → свобода")

HUGE = [
    "9223372036854775808",
    "18446744073709551616",
    "1" + "0" * 40,
    "-1",
    "-9223372036854775809",
    "0",
    "1e9",
    "abc",
    "",
    " ",
    "nan",
    "inf",
    "٣",
    "１",
]
CODES = ["Δ" + n for n in HUGE] + ["Δ", "ΔΔ1", "d1", "Δ1 ", "Δ999999", "δ1", "Δ1Δ2"]
TEXTS = [
    "",
    " ",
    "\t\n",
    "\x00",
    "a\x00b",
    "\udc80",
    "жар\ud800",
    "a\u0301",
    "🜂⟁",
    "\u202eпорог",
    "x" * 65,
    "x" * 5000,
    "жар " * 2000,
    "(" * 1000 + "a" + ")" * 1000,
    "a + + b",
    "→",
    "a → b → c",
    "+",
    "a + b →",
    "[[[[",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%s%n{0}",
    "{}",
    "null",
    "a\nb",
    "тишинажарвход",
    "жар + страх",
]
NUMBERS = [*HUGE, "5", "1", "1001", "100000"]
FLOATS = ["nan", "inf", "-inf", "-1", "1e308", "abc", "0.5", ""]


@dataclass(frozen=True)
class Case:
    """One bad input: ``kind`` ``cli`` (``argv``, optional ``env``) or ``http``
    (``method``, ``path``, ``body`` bytes and ``content_type``)."""

    kind: str
    argv: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    method: str = "GET"
    path: str = "/"
    body: bytes = b""
    content_type: str = "application/json"

    def label(self) -> str:
        """A short printable description."""
        if self.kind == "http":
            return f"{self.method} {self.path} {self.body[:60]!r}"
        env = " ".join(f"{k}={v}" for k, v in self.env)
        return (
            (env + " " + " ".join(a[:40] for a in self.argv))
            .strip()
            .encode("ascii", "backslashreplace")
            .decode()
        )


@dataclass
class Outcome:
    """What one case did: ``status`` (exit code or HTTP status), ``problems`` (empty: it
    passed), ``seconds``."""

    case: Case
    status: int
    seconds: float
    problems: list[str] = field(default_factory=list)


def files(tmp: Path) -> list[str]:
    """Paths that are bad to read or write: missing, a directory, endless, wrong
    contents, a lying ``.npy`` header, an unknown extension."""
    bad_npy = tmp / "huge.npy"
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (500000000000,), }"
    bad_npy.write_bytes(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode())
    wrong = tmp / "wrong.npy"
    np.save(wrong, np.ones((3, 7)))
    (tmp / "latin1.txt").write_bytes("жар + страх".encode("cp1251"))
    (tmp / "random.npy").write_bytes(random.Random(0).randbytes(300))
    (tmp / "dir.npy").mkdir(exist_ok=True)
    return [
        str(tmp / "missing" / "x.npy"),
        str(tmp),
        str(tmp / "dir.npy"),
        "/dev/zero",
        "/dev/null",
        str(bad_npy),
        str(wrong),
        str(tmp / "random.npy"),
        str(tmp / "latin1.txt"),
        str(tmp / "out.xyz"),
        str(tmp / "missing" / "out.png"),
        "",
    ]


def corpus(count: int, tmp: Path, seed: int = 0) -> list[Case]:
    """``count`` cases, about two thirds command line and one third HTTP, the same for
    the same ``seed``; ``tmp`` receives the bad files some of them name."""
    rng = random.Random(seed)
    paths = files(tmp)
    pick = rng.choice

    def cli(*argv: str) -> Case:
        return Case("cli", tuple(argv))

    commands: list[Callable[[], Case]] = [
        lambda: cli("compress", pick(TEXTS), pick(TEXTS)),
        lambda: cli("compress", pick(SCENES), "--anchor", pick(TEXTS)),
        lambda: cli("compress", "--text", pick(TEXTS)),
        lambda: cli("compress", "--file", pick(paths)),
        lambda: cli("compress", pick(SCENES), "--dim", pick(NUMBERS), "--seed", pick(NUMBERS)),
        lambda: cli("compress", pick(SCENES), "--alpha", pick(FLOATS), "--embedder", pick(TEXTS)),
        lambda: cli("decode", "--vector", pick(paths)),
        lambda: cli("recall", pick(TEXTS), "--top", pick(NUMBERS)),
        lambda: cli("recall", "--vector", pick(paths)),
        lambda: cli("concepts", pick(TEXTS)),
        lambda: cli("split", pick(TEXTS)),
        lambda: cli("list", "--limit", pick(NUMBERS), "--offset", pick(NUMBERS)),
        lambda: cli("show", pick(CODES)),
        lambda: cli("show", "Δ1", "--save-vector", pick(paths)),
        lambda: cli("expand", pick(CODES + TEXTS)),
        lambda: cli("expand", pick(SCENES), "--depth", pick(NUMBERS), "--breadth", pick(NUMBERS)),
        lambda: cli("expand", pick(SCENES), "--neighbours", pick(NUMBERS), "--goal", pick(TEXTS)),
        lambda: cli("expand", pick(SCENES), "--registers", pick(TEXTS), "--voice", pick(TEXTS)),
        lambda: cli("expand", pick(SCENES), "--context", pick(CODES + TEXTS)),
        lambda: cli("pulse", pick(CODES + TEXTS), "--ticks", pick(NUMBERS)),
        lambda: cli("pulse", "--text", pick(paths), "--gamma", pick(FLOATS)),
        lambda: cli("pulse", pick(SCENES), "--goal", pick(TEXTS), "--name", pick(TEXTS)),
        lambda: cli("pulse", pick(SCENES), "--plot", pick(paths)),
        lambda: cli("pulse", "--resume", "--name", pick(TEXTS)),
        lambda: cli("roles", pick(CODES + TEXTS), pick(SCENES)),
        lambda: cli("roles", "--file", pick(paths)),
        lambda: cli("roles", "--last", pick(NUMBERS)),
        lambda: cli("export", pick(paths)),
        lambda: cli("import", pick(paths)),
        lambda: cli("backup", pick(paths)),
        lambda: cli("forget", pick(CODES), pick(CODES)),
        lambda: cli(pick(["compress", "expand", "show", "list"]), "--memory", pick(paths)),
        lambda: cli(pick(["nonsense", "--nonsense", "-", "--", "Δ1"])),
    ]

    def http(method: str, path: str, payload: object = None, raw: bytes | None = None) -> Case:
        body = raw if raw is not None else b"" if payload is None else json.dumps(payload).encode()
        return Case("http", method=method, path=path, body=body)

    def value() -> object:
        return pick(
            [pick(TEXTS), int(pick(HUGE[:3])), -1, 0, 1.5, None, [], {}, [pick(TEXTS)] * 3, True]
        )

    deep = b"[" * 5000 + b"]" * 5000
    endpoints: list[Callable[[], Case]] = [
        lambda: http("POST", "/compress", {"concepts": value(), "anchor": value()}),
        lambda: http("POST", "/compress", {"text": value()}),
        lambda: http("POST", "/expand", {"scene": value(), "depth": value(), "breadth": value()}),
        lambda: http(
            "POST",
            "/expand",
            {
                "scene": pick(SCENES),
                "context": value(),
                "registers": value(),
                "goal": value(),
                "voice": value(),
            },
        ),
        lambda: http("POST", "/decode", {"vector": pick([[1.0] * 3, [], [1e308] * 1024, value()])}),
        lambda: http("POST", "/recall", {"cue": value(), "k": value()}),
        lambda: http("POST", "/recall", {"vector": pick([[1] * 1024, [2] * 10, value()])}),
        lambda: http("POST", "/split", {"name": value()}),
        lambda: http("POST", "/concepts", {"text": value()}),
        lambda: http("POST", "/pulse", {"scene": value(), "ticks": value(), "gamma": value()}),
        lambda: http("POST", "/pulse/stream", {"text": value(), "name": value()}),
        lambda: http("GET", f"/scenes?offset={pick(HUGE)}&limit={pick(HUGE)}"),
        lambda: http("GET", "/scenes/" + pick(CODES).replace(" ", "%20")),
        lambda: http(
            "POST",
            pick(["/compress", "/expand", "/recall", "/pulse"]),
            raw=pick([b"", b"{", b"\xff\xfe", b"[]", b"null", b'"x"', deep]),
        ),
        lambda: http(pick(["PUT", "DELETE", "PATCH"]), pick(["/compress", "/scenes", "/status"])),
    ]
    encodings = [
        lambda: Case("cli", ("compress", pick(SCENES)), (("PYTHONIOENCODING", "ascii"),)),
        lambda: Case("cli", ("expand", pick(SCENES)), (("PYTHONIOENCODING", "latin-1"),)),
        lambda: Case("cli", ("show", "Δ1"), (("LC_ALL", "C"), ("PYTHONUTF8", "0"))),
        lambda: Case("cli", ("list", "--json"), (("PYTHONIOENCODING", "ascii"),)),
    ]
    cases = []
    for i in range(count):
        if i % 50 == 49:
            cases.append(pick(encodings)())
        elif i % 3 == 2:
            cases.append(pick(endpoints)())
        else:
            cases.append(pick(commands)())
    return cases


def prepare(tmp: Path) -> Path:
    """A memory of :data:`SCENES` with the hash embedder, under ``tmp``."""
    from scenecodec import Codec

    path = tmp / "memory.sqlite"
    with Codec.open(path, embedder="hash") as codec:
        for formula in SCENES:
            codec.compress(formula)
    return path


def fingerprint(memory: Path) -> str:
    """A digest of what the memory holds: scenes, atoms, settings, pulses, links and
    the next code (``''`` when there is no memory)."""
    if not memory.exists():
        return ""
    digest = hashlib.sha256()
    with contextlib.closing(sqlite3.connect(f"file:{memory}?mode=ro", uri=True)) as db:
        for query in (
            "SELECT id, formula FROM scenes ORDER BY id",
            "SELECT lemma, atom FROM concepts ORDER BY id",
            "SELECT key, value FROM settings ORDER BY key",
            "SELECT name, state FROM pulses ORDER BY name",
            "SELECT count(*) FROM links",
            "SELECT seq FROM sqlite_sequence",
        ):
            digest.update(repr(db.execute(query).fetchall()).encode())
    return digest.hexdigest()


def _in_process(argv: list[str]) -> tuple[int, str, str]:
    from scenecodec.interfaces.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            main(argv)
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
        except BaseException as e:  # an escaping exception is what this corpus hunts
            code = 1
            stderr.write(f"Traceback: {type(e).__name__}: {e}\n")
    return code, stdout.getvalue(), stderr.getvalue()


def _process(argv: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "scenecodec", *argv],
        capture_output=True,
        env={**os.environ, **env},
        timeout=120,
    )
    decode = lambda b: b.decode("utf-8", "backslashreplace")  # noqa: E731
    return proc.returncode, decode(proc.stdout), decode(proc.stderr)


def _cli(case: Case, memory: Path) -> tuple[int, list[str]]:
    argv = list(case.argv)
    if "--memory" not in argv:
        argv += ["--memory", str(memory)]
    if case.env:
        code, _, err = _process(argv, dict(case.env))
    else:
        code, _, err = _in_process(argv)
    problems = []
    if code not in (0, 2):
        problems.append(f"exit {code}: {err.strip()[-200:]}")
    if "Traceback" in err:
        problems.append("traceback")
    if code == 2 and (not err.startswith("error: ") or err.count("\n") != 1):
        problems.append(f"error is not one line: {err[:200]!r}")
    return code, problems


@contextlib.contextmanager
def _client(memory: Path) -> Iterator[object]:
    from fastapi.testclient import TestClient

    from scenecodec.interfaces.server import create_app

    app = create_app(memory, hosts=["testserver"])  # the test client's Host
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _http(case: Case, client: object) -> tuple[int, list[str]]:
    headers = {"content-type": case.content_type}
    response = client.request(case.method, case.path, content=case.body, headers=headers)  # type: ignore[attr-defined]
    problems = []
    if response.status_code >= 500:
        problems.append(f"HTTP {response.status_code}: {response.text[:200]}")
    if response.status_code >= 400 and not case.path.startswith("/pulse/stream"):
        try:
            if "error" not in response.json():
                problems.append("error body without 'error'")
        except ValueError:
            problems.append(f"error body is not JSON: {response.text[:100]!r}")
    return response.status_code, problems


def run(cases: list[Case], memory: Path, slow: float = 5.0) -> list[Outcome]:
    """Run ``cases`` against ``memory`` in order; each outcome's problems name what broke
    the contract (``slow`` seconds: the most a case may take)."""
    outcomes = []
    with contextlib.chdir(memory.parent), _client(memory) as client:  # "" and "." stay in tmp
        for case in cases:
            before = fingerprint(memory)
            start = time.perf_counter()
            if case.kind == "cli":
                status, problems = _cli(case, memory)
                failed = status != 0
            else:
                status, problems = _http(case, client)
                failed = status >= 400
            seconds = time.perf_counter() - start
            if failed and fingerprint(memory) != before:
                problems.append("the memory changed although the request failed")
            if seconds > slow:
                problems.append(f"took {seconds:.1f} s")
            outcomes.append(Outcome(case, status, seconds, problems))
    return outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=600)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--slow", type=float, default=5.0, help="seconds a case may take")
    parser.add_argument("--show", type=int, default=10, help="failures to print")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cases = corpus(args.cases, Path(tmp), args.seed)
        outcomes = run(cases, prepare(Path(tmp)), args.slow)
    from common import machine, table

    kinds = Counter(o.case.kind for o in outcomes)
    bad = [o for o in outcomes if o.problems]
    reasons = Counter(p.split(":")[0] for o in bad for p in o.problems)
    print(f"{machine()}; {len(outcomes)} cases (seed {args.seed}): {dict(kinds)}")
    rows = [
        ["cases", len(outcomes)],
        ["failures", len(bad)],
        *[[f"  {reason}", n] for reason, n in reasons.most_common()],
        ["statuses", dict(sorted(Counter(o.status for o in outcomes).items()))],
        ["slowest case, s", f"{max(o.seconds for o in outcomes):.2f}"],
    ]
    print(table(["measure", "value"], rows))
    for o in bad[: args.show]:
        print(f"- {o.case.label()[:160]} → {o.status}: {'; '.join(o.problems)[:300]}")


if __name__ == "__main__":
    main()
