"""Plain inputs an unlucky user or a careful attacker gives the command line: numbers past
SQLite's integers, formulas nested a thousand deep, a .npy header claiming terabytes, a
damaged, read-only or full memory, a terminal that cannot print UTF-8, paths that are
directories, endless files. Each is one ``error:`` line and exit status 2, before any
work is done, with the memory as it was (issue 17, defects 4–6)."""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import sqlite3
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from scenecodec import Codec
from scenecodec.errors import InputError, StoreError
from scenecodec.language.forms import parse_formula

BIG = str(2**63)  # one past SQLite's largest integer
HUGE = "9" * 30


def run(memory, *args, env=None, unprivileged=False, stdin=None):
    """The CLI as a user runs it; ``unprivileged``: without root's right to write files
    whatever their mode (the tests run as root in some containers)."""
    environ = {**os.environ, "SCENECODEC_MEMORY": str(memory), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "scenecodec", *args],
        capture_output=True,
        env=environ,
        timeout=120,
        preexec_fn=_drop_privileges if unprivileged else None,
        stdin=stdin,
    )


def _drop_privileges() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2, 3):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
        libc.prctl(24, capability, 0, 0, 0)  # PR_CAPBSET_DROP: gone after exec


def fails(proc, says: str) -> str:
    """The one ``error:`` line of a failed run, checked: exit 2, no traceback."""
    err = proc.stderr.decode("utf-8", "backslashreplace")
    assert proc.returncode == 2, (proc.returncode, err[-2000:])
    assert err.startswith("error: ") and err.count("\n") == 1, err[-2000:]
    assert says in err, err
    return err


def state(path: Path) -> str:
    """A digest of every scene, concept and pulse kept in the memory at ``path``."""
    with Codec.open(path) as codec:
        db = codec.store._db  # type: ignore[attr-defined]
        rows = [
            db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("scenes", "concepts", "parts", "pulses", "links")
        ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A memory with two scenes (hash embedder), made once; tests copy it."""
    path = tmp_path_factory.mktemp("stored") / "m.sqlite"
    with Codec.open(path, embedder="hash") as codec:
        codec.compress("жар + страх + тишина → вход")
        codec.compress(["огонь", "вода"], anchor="пар")
    return path


@pytest.fixture
def memory(stored, tmp_path):
    path = tmp_path / "m.sqlite"
    path.write_bytes(stored.read_bytes())
    return path


# ── numbers past SQLite's integers (OverflowError before) ───────────────────


@pytest.mark.parametrize(
    "args",
    [
        ["show", f"Δ{BIG}"],
        ["expand", f"Δ{HUGE}"],
        ["pulse", f"Δ{BIG}", "--ticks", "1"],
        ["recall", f"Δ{BIG}"],
        ["roles", "Δ1", f"Δ{BIG}"],
        ["list", "--offset", BIG],
        ["list", "--limit", HUGE],
    ],
)
def test_numbers_past_the_largest_code_are_refused_naming_the_bound(memory, args):
    before = state(memory)
    fails(run(memory, *args), "9223372036854775807")
    assert state(memory) == before


def test_roles_last_beyond_every_scene_reads_them_all(memory):
    proc = run(memory, "roles", "--last", HUGE, "--json")
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)["roles"]) == 2


# ── formulas, vectors ───────────────────────────────────────────────────────


@pytest.mark.parametrize("deep", [5, 1000, 30_000])
def test_deep_formulas_are_refused_before_the_parser_recurses(memory, deep):
    formula = "(" * deep + "жар + страх" + ")" * deep
    fails(run(memory, "compress", formula), "nest at most 4 deep")
    with pytest.raises(InputError, match="nest at most 4 deep"):
        parse_formula("(" * 10 * deep + "жар")


def _npy_header(path: Path, shape: tuple[int, ...], descr: str = "<f8") -> None:
    header = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}"
    header = header.ljust(117) + "\n"
    path.write_bytes(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())


@pytest.mark.parametrize(
    ("shape", "descr", "says"),
    [
        ((450_000_000_000,), "<f8", "got shape (450000000000,)"),
        ((1024, 1024), "<f4", "got shape (1024, 1024)"),
        ((1024,), "|O", "numeric"),
        ((1024,), "<f8", "not a .npy array"),  # the header is right, the data is missing
    ],
)
@pytest.mark.parametrize("command", ["decode", "recall"])
def test_npy_headers_are_checked_before_anything_is_read(
    memory, tmp_path, shape, descr, says, command
):
    vector = tmp_path / "v.npy"
    _npy_header(vector, shape, descr)
    fails(run(memory, command, "--vector", str(vector)), says)


# ── a damaged memory (DatabaseError before) ─────────────────────────────────


def _damage(path: Path, first_page: int) -> None:
    """Overwrite every page from ``first_page`` on (1-based) with garbage."""
    data = bytearray(path.read_bytes())
    size = struct.unpack(">H", data[16:18])[0] or 65536
    for start in range((first_page - 1) * size, len(data), size):
        data[start : start + size] = bytes([0xA5]) * size
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["show", "Δ1"],
        ["expand", "Δ1"],
        ["recall", "жар", "страх"],
        ["compress", "снег + мороз"],
        ["pulse", "Δ1", "--ticks", "2"],
        ["roles"],
        ["split", "тишинажарвход"],
    ],
)
@pytest.mark.parametrize("first_page", [2, 3])
def test_a_damaged_memory_is_named_and_left_alone(memory, args, first_page):
    _damage(memory, first_page)
    damaged = memory.read_bytes()
    fails(run(memory, *args), f"the memory {memory} is damaged")
    assert memory.read_bytes() == damaged


# ── read-only memory, read-only directory ───────────────────────────────────


@pytest.fixture
def unprivileged():
    """Skip where root's override of file modes cannot be dropped."""
    probe = subprocess.run(
        [sys.executable, "-c", "open('/proc/self/status').read()"], preexec_fn=_drop_privileges
    )
    if probe.returncode:
        pytest.skip("cannot drop root's file-mode override here")


def made_before_senses(memory):
    """The memory as a file made before scenes kept senses: no ``text_senses`` table."""
    db = sqlite3.connect(memory)
    db.execute("DROP TABLE text_senses")
    db.commit()
    db.close()


@pytest.mark.parametrize("older", [False, True], ids=["today", "made-before-senses"])
def test_a_read_only_memory_reads_and_refuses_writes_by_name(memory, unprivileged, older):
    if older:
        made_before_senses(memory)
    before = state(memory)
    memory.chmod(0o444)
    try:
        listed = run(memory, "list", "--json", unprivileged=True)
        assert listed.returncode == 0, listed.stderr
        assert json.loads(listed.stdout)["total"] == 2
        fails(run(memory, "compress", "снег + мороз", unprivileged=True), "is read-only")
        fails(run(memory, "pulse", "Δ1", "--ticks", "2", unprivileged=True), "is read-only")
    finally:
        memory.chmod(0o644)
    assert state(memory) == before


@pytest.mark.parametrize("older", [False, True], ids=["today", "made-before-senses"])
def test_a_read_only_directory_reads_and_refuses_writes_by_name(memory, unprivileged, older):
    if older:
        made_before_senses(memory)
    before = state(memory)
    memory.parent.chmod(0o555)
    try:
        listed = run(memory, "list", "--json", unprivileged=True)
        assert listed.returncode == 0, listed.stderr
        assert json.loads(listed.stdout)["total"] == 2
        shown = run(memory, "show", "Δ1", unprivileged=True)
        assert shown.returncode == 0, shown.stderr
        err = fails(run(memory, "compress", "снег + мороз", unprivileged=True), "read-only")
        assert "not a scenecodec memory" not in err and str(memory.parent) in err
    finally:
        memory.parent.chmod(0o755)
    assert state(memory) == before


# ── a full disk (cannot rollback before) ────────────────────────────────────


def test_a_full_disk_stores_nothing_and_says_so(memory):
    before = state(memory)
    with Codec.open(memory) as codec:
        db = codec.store._db  # type: ignore[attr-defined]
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count={pages}")
        words = [f"слово{i}" for i in range(2000)]
        full = f"the disk holding {memory} is full; nothing was stored"
        with pytest.raises(StoreError, match=full):
            codec.compress_many([f"{w} + мороз" for w in words])
        with pytest.raises(StoreError, match="is full"):
            codec.compress(words[:20])
        assert codec.count() == 2
    assert state(memory) == before


# ── reads create nothing; outputs are checked first ─────────────────────────


@pytest.mark.parametrize("args", [["list"], ["show", "Δ1"], ["recall", "жар"], ["roles"]])
def test_reads_never_make_a_memory(tmp_path, args):
    missing = tmp_path / "nowhere" / "m.sqlite"
    fails(run(missing, *args), f"no memory at {missing}")
    fails(run(tmp_path / "m.sqlite", *args), "no memory at")
    assert list(tmp_path.iterdir()) == []


def test_expand_of_a_missing_memory_makes_nothing(tmp_path):
    proc = run(tmp_path / "m.sqlite", "expand", "жар + страх", "--json")
    assert proc.returncode == 0, proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_write_into_a_missing_directory_names_it(tmp_path):
    missing = tmp_path / "nowhere" / "m.sqlite"
    fails(run(missing, "compress", "жар + страх"), f"its directory {missing.parent} does not exist")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["pulse", "Δ1", "--ticks", "2", "--plot", "{tmp}/x.xyz"], "xyz"),
        (["pulse", "Δ1", "--ticks", "2", "--plot", "{tmp}/nowhere/x.png"], "does not exist"),
        (["pulse", "Δ1", "--ticks", "2", "--plot", "{tmp}"], "is a directory"),
        (["show", "Δ1", "--save-vector", "{tmp}"], "is a directory"),
        (["show", "Δ1", "--save-vector", "{tmp}/v.txt"], ".npy"),
        (["show", "Δ1", "--save-vector", "{tmp}/nowhere/v.npy"], "does not exist"),
    ],
)
def test_output_paths_are_checked_before_the_work(memory, tmp_path, args, says):
    out = tmp_path / "out"
    out.mkdir()
    before = state(memory)
    fails(run(memory, *(a.format(tmp=out) for a in args)), says)
    assert state(memory) == before
    assert list(out.iterdir()) == [] and not Path(f"{out}.npy").exists()


def test_a_read_only_cache_is_no_cache(memory, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o555)
    env = {"XDG_CACHE_HOME": str(cache)}
    try:
        proc = run(memory, "expand", "Δ1", "--json", env=env, unprivileged=True)
    finally:
        cache.chmod(0o755)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["scene"]["code"] == "Δ1"


# ── what the terminal cannot print; what no UTF-8 holds ─────────────────────

ASCII = {"PYTHONIOENCODING": "ascii", "LANG": "C", "LC_ALL": "C"}


@pytest.mark.parametrize(
    "args",
    [
        ["compress", "снег + мороз"],
        ["compress", "снег + мороз", "--json"],
        ["show", "Δ1"],
        ["list", "--json"],
        ["expand", "Δ1"],
        ["recall", "жар"],
        ["split", "тишинажарвход"],
    ],
)
def test_a_terminal_without_utf8_gets_the_answer_escaped(memory, args):
    proc = run(memory, *args, env=ASCII)
    assert proc.returncode == 0, proc.stderr
    proc.stdout.decode("ascii")
    if "--json" in args:
        json.loads(proc.stdout)


@pytest.mark.parametrize(
    "args",
    [
        ["expand", "Δ1", "--goal", "calm\udcff"],
        ["pulse", "Δ1", "--goal", "calm\udcff", "--ticks", "2"],
        ["compress", "--text", "тишина\udcff перед входом"],
    ],
)
def test_undecodable_arguments_are_refused_before_anything_is_stored(memory, args):
    before = state(memory)
    fails(run(memory, *args), "not UTF-8")
    assert state(memory) == before


# ── unbounded input ─────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "args",
    [
        ["compress", "--file", "/dev/zero"],
        ["roles", "--file", "/dev/zero"],
        ["pulse", "--text", "/dev/zero"],
        ["compress", "--file", "-"],
    ],
)
def test_endless_files_are_cut_off_at_the_bound(memory, args):
    before = state(memory)
    with open("/dev/zero", "rb") as zero:
        fails(run(memory, *args, stdin=zero), "longer than")
    assert state(memory) == before


@pytest.mark.parametrize(
    "args",
    [
        ["compress", "--text", "тишина " + "ж" * 60_000],
        ["compress", "a" * 100_000],
        ["expand", "a" * 100_000],
        ["split", "a" * 100_000],
        ["recall", "a" * 100_000],
    ],
)
def test_long_arguments_are_refused_before_any_model_work(memory, args):
    before = state(memory)
    fails(run(memory, *args), "longer than")
    assert state(memory) == before


@pytest.mark.parametrize(
    ("code", "says"),
    [
        (sqlite3.SQLITE_BUSY, "is busy: another writer held it"),
        (sqlite3.SQLITE_CORRUPT, "is damaged"),
        (sqlite3.SQLITE_FULL, "is full; nothing was stored"),
        (sqlite3.SQLITE_IOERR, "cannot use the memory"),
    ],
)
def test_each_sqlite_failure_is_named_by_its_cause(tmp_path, code, says):
    from scenecodec.memory.refusal import refusal

    e = sqlite3.OperationalError("what sqlite said")
    e.sqlite_errorcode = code
    message = str(refusal(tmp_path / "m.sqlite", e))
    assert says in message and "\n" not in message
