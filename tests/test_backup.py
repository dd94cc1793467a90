"""Backups: SQLite's online backup, with what sits in the write-ahead log, while writers write."""

import multiprocessing as mp
import shutil
import sqlite3
from pathlib import Path

import pytest

from scenecodec import Codec
from test_memory import _writer
from test_transfer import cli, digest, fails


def scenes_in(path):
    db = sqlite3.connect(path)
    try:
        return dict(db.execute("SELECT id, formula FROM scenes"))
    finally:
        db.close()


def test_a_backup_holds_what_sits_in_the_log_and_a_file_copy_does_not(tmp_path, capsys):
    memory = tmp_path / "m.sqlite"
    Codec.open(memory, embedder="hash").close()  # made and closed: the tables are in the file
    with Codec.open(memory) as codec:  # open: the log is not folded into the file
        codec.compress_many([f"a{i} + b{i} → c" for i in range(20)])
        assert (tmp_path / "m.sqlite-wal").stat().st_size > 0
        shutil.copy(memory, tmp_path / "copied.sqlite")
        status, out, _ = cli(capsys, "backup", tmp_path / "b.sqlite", "--memory", memory, "--json")
        assert status == 0 and out == f'{{"backup": "{tmp_path / "b.sqlite"}", "scenes": 20}}\n'
    assert len(scenes_in(tmp_path / "copied.sqlite")) < 20  # the bug: acknowledged, not copied
    assert digest(tmp_path / "b.sqlite") == digest(memory)
    assert not list(tmp_path.glob(".b.sqlite*"))


def test_backups_while_writers_write_are_consistent_snapshots(tmp_path, capsys):
    memory = tmp_path / "m.sqlite"
    Codec.open(memory, embedder="hash").close()
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(memory, w, 60)) for w in range(3)]
    for p in procs:
        p.start()
    copies = []
    while any(p.is_alive() for p in procs) or not copies:
        dest = tmp_path / f"b{len(copies)}.sqlite"
        assert cli(capsys, "backup", dest, "--memory", memory)[0] == 0
        copies.append(dest)
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    final = scenes_in(memory)
    assert len(final) == 3 * 60 + 1
    sizes = []
    for copy in copies:
        db = sqlite3.connect(copy)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.close()
        held = scenes_in(copy)
        assert all(final[i] == f for i, f in held.items())  # every scene as it is in the end
        sizes.append(len(held))
    assert sizes == sorted(sizes)


def test_backup_destinations(tmp_path, capsys):
    memory = tmp_path / "m.sqlite"
    with Codec.open(memory, embedder="hash") as codec:
        codec.compress("a + b")
    taken = tmp_path / "taken.sqlite"
    taken.write_text("keep me")
    fails(capsys, "backup", taken, "--memory", memory, says="exists; give --force")
    assert taken.read_text() == "keep me"
    assert cli(capsys, "backup", taken, "--memory", memory, "--force")[0] == 0
    assert digest(taken) == digest(memory)
    folder = tmp_path / "backups"
    folder.mkdir()
    status, out, _ = cli(capsys, "backup", folder, "--memory", memory)
    assert status == 0 and (folder / "m.sqlite").is_file() and str(folder / "m.sqlite") in out
    fails(capsys, "backup", folder, "--memory", memory, says="exists; give --force")
    fails(capsys, "backup", memory, "--memory", memory, "--force", says="is the memory itself")
    fails(capsys, "backup", tmp_path / "no" / "b.sqlite", "--memory", memory, says="no directory")
    fails(
        capsys,
        "backup",
        tmp_path / "c.sqlite",
        "--memory",
        tmp_path / "none.sqlite",
        says="no memory at",
    )
    assert not (tmp_path / "none.sqlite").exists() and not (tmp_path / "no").exists()


@pytest.mark.parametrize("command", ["backup", "export"])
def test_a_copy_is_never_renamed_onto_a_device_even_with_force(tmp_path, capsys, command):
    memory = tmp_path / "m.sqlite"
    with Codec.open(memory, embedder="hash") as codec:
        codec.compress("a + b → c")
    fails(capsys, command, "/dev/null", "--force", "--memory", memory, says="not a regular file")
    assert Path("/dev/null").is_char_device()
    assert not list(Path("/dev").glob(".null.partial*"))


def test_a_directory_named_with_a_slash_must_exist(tmp_path, capsys):
    memory = tmp_path / "m.sqlite"
    with Codec.open(memory, embedder="hash") as codec:
        codec.compress("a + b → c")
    fails(capsys, "backup", f"{tmp_path}/backups/", "--memory", memory, says="no directory")
    assert not (tmp_path / "backups").exists()  # not a file named backups either
    (tmp_path / "backups").mkdir()
    status, _, _ = cli(capsys, "backup", f"{tmp_path}/backups/", "--memory", memory)
    assert status == 0 and (tmp_path / "backups" / "m.sqlite").is_file()
