"""The SQLite memory: durability, concurrency, refusal of bad files."""

import multiprocessing as mp
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from scenecodec import Codec, StoreError
from scenecodec.language.embed import HashEmbedder
from scenecodec.memory import default_path, is_url, open_store


def _writer(path, worker, count):
    with Codec.open(path, embedder="hash") as codec:
        for i in range(count):
            codec.compress([f"w{worker}x{i}", "общий"], anchor="вход")
            codec.compress("жар + страх → вход")  # the same scene from every process


def _run_writers(path, workers, count):
    """``workers`` processes of :func:`_writer` at once; each must exit cleanly."""
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, w, count)) for w in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0


def test_concurrent_writers_lose_nothing_and_never_duplicate_a_code(memory):
    Codec.open(memory, embedder="hash").close()
    _run_writers(memory, 4, 25)
    with Codec.open(memory) as codec:
        scenes = codec.scenes()
    codes = [s.code for s in scenes]
    assert len(scenes) == 4 * 25 + 1
    assert len(set(codes)) == len(codes)
    assert sorted(int(c[1:]) for c in codes) == list(range(1, len(codes) + 1))
    assert sum(s.formula == "жар + страх → вход" for s in scenes) == 1


def test_writers_on_a_brand_new_memory_all_open_and_store(memory):
    _run_writers(memory, 6, 25)
    with Codec.open(memory) as codec:
        assert codec.count() == 6 * 25 + 1


class _HeldEmbedder(HashEmbedder):
    """The hash embedder, held inside ``embed`` until ``release`` is set: a slow model."""

    def __init__(self) -> None:
        self.inside, self.release = threading.Event(), threading.Event()

    def embed(self, texts):
        self.inside.set()
        assert self.release.wait(60)
        return super().embed(texts)


def test_a_writer_embedding_new_words_does_not_hold_the_memory(memory):
    """New words are embedded outside the write transaction: while one writer waits on
    its model, another stores its scenes (before, it waited behind the lock and, past the
    30 s busy timeout, failed with 'database is locked')."""
    Codec.open(memory, embedder="hash").close()
    held = _HeldEmbedder()
    slow = Codec(open_store(memory), held)
    done: list[str] = []
    worker = threading.Thread(target=lambda: done.append(slow.compress("ночь + ветер").code))
    worker.start()
    assert held.inside.wait(30)
    with Codec.open(memory) as fast:  # behind the held writer's lock it would fail
        assert fast.compress("жар + страх → вход").code == "Δ1"
    held.release.set()
    worker.join(60)
    slow.close()
    assert done == ["Δ2"]


_KILLED_WRITER = """
import sys
from scenecodec import Codec
with Codec.open(sys.argv[1], embedder="hash") as codec:
    print("ready", flush=True)
    i = 0
    while True:
        codec.compress_many([f"a{i}_{j} + b{i}_{j} → c{i}" for j in range(50)])
        i += 1
"""


def test_writer_killed_with_sigkill_leaves_a_consistent_memory(memory):
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER, memory], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(1.5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    if not is_url(memory):
        db = sqlite3.connect(memory)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.close()
    with Codec.open(memory) as codec:
        records = codec.store.scenes()
        scenes = len(records)
        assert scenes > 0 and scenes % 50 == 0  # whole batches only
        assert sum(len(r.parts) for r in records) == 3 * scenes
        assert codec.count() == scenes
        # the killed batch took its codes back with it: none is skipped
        assert codec.compress("после + сбоя").code == f"Δ{scenes + 1}"


def test_corrupt_file_is_refused(memory_path):
    memory_path.write_bytes(os.urandom(8192))
    with pytest.raises(StoreError, match="is not a scenecodec memory"):
        Codec.open(memory_path)


def test_foreign_database_is_refused_and_untouched(memory_path):
    db = sqlite3.connect(memory_path)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    before = memory_path.read_bytes()
    with pytest.raises(StoreError, match="another program"):
        Codec.open(memory_path)
    assert memory_path.read_bytes() == before


def test_unwritable_path_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot open memory"):
        Codec.open(blocker / "memory.sqlite")


def test_failed_write_leaves_memory_as_it_was(stored_codec):
    stored_codec.compress("жар + страх → вход")
    with pytest.raises(Exception, match="malformed"):
        stored_codec.compress_many(["огонь + вода", "жар + + →"])
    assert [s.formula for s in stored_codec.scenes()] == ["жар + страх → вход"]


def test_codes_are_never_reused_after_deletion(memory_path):
    with Codec.open(memory_path, embedder="hash") as codec:
        codec.compress("a + b")
        codec.compress("c + d")
    db = sqlite3.connect(memory_path)
    db.execute("DELETE FROM parts WHERE scene = 2")
    db.execute("DELETE FROM scenes WHERE id = 2")
    db.commit()
    db.close()
    with Codec.open(memory_path) as codec:
        assert codec.compress("e + f").code == "Δ3"


def test_default_path_follows_the_environment(tmp_path):
    assert default_path({"SCENECODEC_MEMORY": str(tmp_path / "m.sqlite")}) == tmp_path / "m.sqlite"
    assert default_path({}).name == "memory.sqlite"


def test_stored_bytes_per_scene(memory_path):
    """Vectors are packed: 1024 dims take 128 bytes."""
    with Codec.open(memory_path, embedder="hash") as codec:
        codec.compress("жар + страх → вход")
    db = sqlite3.connect(memory_path)
    assert db.execute("SELECT length(vector), length(gist) FROM scenes").fetchone() == (128, 128)
    row = db.execute("SELECT length(atom), length(embedding) FROM concepts LIMIT 1").fetchone()
    assert row == (128, 4 * 384)  # the embedding (float32), for recall by meaning


def test_memory_of_an_older_schema_is_refused_with_a_clear_error(memory_path):
    with Codec.open(memory_path, embedder="hash") as codec:
        codec.compress("жар + страх → вход")
    db = sqlite3.connect(memory_path)
    db.execute("PRAGMA user_version=2")
    db.close()
    with pytest.raises(StoreError, match="schema version 2; this scenecodec reads version 3"):
        Codec.open(memory_path)
