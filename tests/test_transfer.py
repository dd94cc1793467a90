"""Export and import: a memory as JSON lines, carried to a new memory and back, all or nothing."""

import base64
import hashlib
import json

import numpy as np
import pytest

from conftest import cli
from scenecodec import Codec

FLAT = ["жар + страх + тишина → вход", "тишина + ночь → сон", "heat + fear → door"]
NESTED = "(жар + страх → шаг) + тишина → вход"


def fails(capsys, *args, says):
    status, _, err = cli(capsys, *args)
    assert status == 2 and err.startswith("error: ") and err.count("\n") == 1, (status, err)
    assert says in err, err
    return err


def digest(path):
    """The memory's content, however SQLite lays out its pages: an export's bytes."""
    with Codec.open(path) as codec:
        lines = [json.dumps(s.to_dict()) + s.vector.tobytes().hex() for s in codec.scenes()]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


@pytest.fixture
def source(tmp_path):
    """A memory with flat and nested scenes, a link and a kept pulse."""
    path = tmp_path / "a.sqlite"
    with Codec.open(path, embedder="hash") as codec:
        codec.compress_many(FLAT)
        codec.compress(NESTED)
        codec.store.add_links(5, [1, 2], "condensed")
        codec.store.put_pulse("pulse Δ1", json.dumps({"tick": 3}))
        with codec.store.transaction():  # as a scene compressed from text keeps its text's
            codec.store.put_senses({2: SENSE})
    return path


SENSE = bytes(range(256)) * 2
"""A kept sense: 512 int8s."""
SENSE_B64 = base64.b64encode(SENSE).decode()


def test_export_import_export_gives_the_same_bytes(source, tmp_path, capsys):
    first, again = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    status, out, _ = cli(capsys, "export", first, "--memory", source, "--json")
    assert status == 0
    assert json.loads(out) == {
        "file": str(first),
        "atoms": 10,
        "scenes": 5,
        "links": 2,
        "pulses": 1,
    }
    lines = first.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert header["settings"] == {"dim": 1024, "seed": 0, "alpha": 0.7, "embedder": "hash"}
    assert header["last_code"] == 5 and len(lines) == 1 + 10 + 5 + 2 + 1
    assert [json.loads(x).get("sense") for x in lines[11:16]] == [
        None,
        SENSE_B64,
        None,
        None,
        None,
    ]
    status, out, _ = cli(capsys, "import", first, "--memory", tmp_path / "b.sqlite", "--json")
    assert status == 0 and json.loads(out)["scenes"] == 5
    with Codec.open(tmp_path / "b.sqlite") as codec:
        ids, senses = codec.store.senses_since(0)
    assert ids.tolist() == [2] and senses.tobytes() == SENSE
    assert cli(capsys, "export", again, "--memory", tmp_path / "b.sqlite")[0] == 0
    assert again.read_bytes() == first.read_bytes()


def test_an_imported_scene_decodes_and_recalls_as_it_did(source, tmp_path, capsys):
    export = tmp_path / "a.jsonl"
    cli(capsys, "export", export, "--memory", source)
    cli(capsys, "import", export, "--memory", tmp_path / "b.sqlite")
    with Codec.open(source) as a, Codec.open(tmp_path / "b.sqlite") as b:
        assert b.settings == a.settings
        for before, after in zip(a.scenes(), b.scenes(), strict=True):
            assert after.to_dict() == before.to_dict()
            assert np.array_equal(after.vector, before.vector)
            assert b.decode(after.vector).to_dict() == a.decode(before.vector).to_dict()
            assert b.recall(after.vector, k=1)[0].scene.code == after.code
            assert b.recall(before.formula, k=1)[0].scene.code == before.code
        assert b.links("Δ5") and [s.code for s, _ in b.links("Δ5")] == ["Δ1", "Δ2"]
        assert b.store.get_pulse("pulse Δ1") == a.store.get_pulse("pulse Δ1")


def test_export_to_stdout_and_import_from_stdin(source, tmp_path, capsys, monkeypatch):
    import io
    import sys

    status, out, _ = cli(capsys, "export", "-", "--memory", source)
    assert status == 0 and out.count("\n") == 1 + 10 + 5 + 2 + 1
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(out.encode("utf-8"))))
    assert cli(capsys, "import", "-", "--memory", tmp_path / "b.sqlite")[0] == 0
    assert digest(tmp_path / "b.sqlite") == digest(source)
    fails(capsys, "export", "-", "--memory", source, "--json", says="give a FILE")


def test_importing_the_same_export_again_skips_what_is_there(source, tmp_path, capsys):
    export = tmp_path / "a.jsonl"
    cli(capsys, "export", export, "--memory", source)
    # an older copy of the same memory catches up: what both hold is skipped
    older = tmp_path / "older.sqlite"
    with Codec.open(older, embedder="hash") as codec:
        codec.compress_many(FLAT)
    assert cli(capsys, "import", export, "--memory", older)[0] == 0
    assert cli(capsys, "import", export, "--memory", older)[0] == 0
    assert digest(older) == digest(source)
    with Codec.open(older) as codec:
        assert codec.count() == 5 and codec.compress("a + b").code == "Δ6"


def test_a_memory_with_other_settings_is_refused_and_untouched(source, tmp_path, capsys):
    export = tmp_path / "a.jsonl"
    cli(capsys, "export", export, "--memory", source)
    other = tmp_path / "other.sqlite"
    with Codec.open(other, embedder="hash", seed=7) as codec:
        codec.compress("a + b")
    before = other.read_bytes()
    fails(capsys, "import", export, "--memory", other, says="seed 7 here, 0 in the export")
    assert other.read_bytes() == before
    empty = tmp_path / "empty.sqlite"
    Codec.open(empty, dim=512, embedder="e5").close()  # holds nothing: takes the export's
    assert cli(capsys, "import", export, "--memory", empty)[0] == 0
    assert digest(empty) == digest(source)


def test_another_scene_under_a_code_is_refused_and_nothing_imported(source, tmp_path, capsys):
    export = tmp_path / "a.jsonl"
    cli(capsys, "export", export, "--memory", source)
    target = tmp_path / "t.sqlite"
    with Codec.open(target, embedder="hash") as codec:
        codec.compress("огонь + вода")
    before = digest(target)
    fails(capsys, "import", export, "--memory", target, says="Δ1 is 'огонь + вода' here")
    assert digest(target) == before


def test_a_formula_stored_under_another_code_is_refused(source, tmp_path, capsys):
    older = tmp_path / "older.sqlite"
    with Codec.open(older, embedder="hash") as codec:
        codec.compress_many(FLAT)  # a copy taken before Δ1 was forgotten and made again
    with Codec.open(source) as codec:
        codec.store.forget([1])
        assert codec.compress(FLAT[0]).code == "Δ6"
    export = tmp_path / "a.jsonl"
    cli(capsys, "export", export, "--memory", source)
    before = digest(older)
    fails(capsys, "import", export, "--memory", older, says="is Δ1 here, Δ6 in the export")
    assert digest(older) == before


def test_a_code_this_memory_forgot_is_not_imported_again(source, tmp_path, capsys):
    export = tmp_path / "a.jsonl"
    cli(capsys, "export", export, "--memory", source)
    target = tmp_path / "t.sqlite"
    with Codec.open(target, embedder="hash") as codec:
        codec.compress_many(FLAT[:1])
        codec.compress("x + y")
        codec.store.forget([2])
    fails(capsys, "import", export, "--memory", target, says="Δ2 was forgotten here")


def test_an_atom_made_otherwise_is_refused(source, tmp_path, capsys):
    export = tmp_path / "a.jsonl"
    cli(capsys, "export", export, "--memory", source)
    lemma = json.loads(export.read_text(encoding="utf-8").splitlines()[1])["atom"]
    target = tmp_path / "t.sqlite"
    with Codec.open(target, embedder="hash") as codec, codec.store.transaction():
        codec.store.put_atoms({lemma: (bytes(128), bytes(1536))})  # as another machine made it
    fails(capsys, "import", export, "--memory", target, says=f"the atom of {lemma!r} differs")


def test_the_last_code_travels_so_a_forgotten_code_stays_unused(source, tmp_path, capsys):
    with Codec.open(source) as codec:
        codec.store.forget([5])  # the newest
    export = tmp_path / "a.jsonl"
    cli(capsys, "export", export, "--memory", source)
    cli(capsys, "import", export, "--memory", tmp_path / "b.sqlite")
    with Codec.open(tmp_path / "b.sqlite") as codec:
        assert codec.count() == 4 and codec.compress("a + b").code == "Δ6"


def _broken(lines):
    head = json.loads(lines[0])
    return {
        "cut short": lines[:-2],
        "not JSON": [lines[0], "{", *lines[1:]],
        "not base64": [lines[0], lines[1].replace('"bits": "', '"bits": "*'), *lines[2:]],
        "has 127 bytes": [
            lines[0],
            json.dumps({**json.loads(lines[1]), "bits": base64.b64encode(bytes(127)).decode()}),
            *lines[2:],
        ],
        "not a scenecodec export": ["{}", *lines[1:]],
        "format 9": [json.dumps({**head, "version": 9}), *lines[1:]],
        "in order": [lines[0], lines[-1], *lines[1:-1]],
        "no atom line": [lines[0], *[x for x in lines[1:] if '"atom": "жар"' not in x]],
        "sense has 2 bytes": [*lines[:12], lines[12].replace(SENSE_B64, "AAA="), *lines[13:]],
        "sense is not base64": [
            *lines[:12],
            json.dumps({**json.loads(lines[12]), "sense": None}, ensure_ascii=False),
            *lines[13:],
        ],
    }


@pytest.mark.parametrize(
    "case",
    [
        "cut short",
        "not JSON",
        "not base64",
        "has 127 bytes",
        "not a scenecodec export",
        "format 9",
        "in order",
        "no atom line",
        "sense has 2 bytes",
        "sense is not base64",
    ],
)
def test_a_broken_export_is_one_line_and_leaves_no_memory(source, tmp_path, capsys, case):
    export = tmp_path / "a.jsonl"
    cli(capsys, "export", export, "--memory", source)
    broken = tmp_path / "broken.jsonl"
    lines = export.read_text(encoding="utf-8").splitlines()
    broken.write_text("\n".join(_broken(lines)[case]) + "\n", encoding="utf-8")
    target = tmp_path / "new" / "b.sqlite"
    target.parent.mkdir()
    fails(capsys, "import", broken, "--memory", target, says=case)
    assert list(target.parent.iterdir()) == []  # no memory, no leftover
    existing = tmp_path / "t.sqlite"
    Codec.open(existing, embedder="hash").close()
    before = existing.read_bytes()
    fails(capsys, "import", broken, "--memory", existing, says=case)
    assert existing.read_bytes() == before


def test_export_errors(source, tmp_path, capsys):
    taken = tmp_path / "taken.jsonl"
    taken.write_text("keep me")
    fails(capsys, "export", taken, "--memory", source, says="give --force")
    assert taken.read_text() == "keep me"
    assert cli(capsys, "export", taken, "--memory", source, "--force")[0] == 0
    fails(
        capsys,
        "export",
        tmp_path / "x.jsonl",
        "--memory",
        tmp_path / "none.sqlite",
        says="no memory at",
    )
    assert not (tmp_path / "none.sqlite").exists() and not (tmp_path / "x.jsonl").exists()
    fails(
        capsys,
        "import",
        tmp_path / "missing.jsonl",
        "--memory",
        tmp_path / "b.sqlite",
        says="No such file",
    )
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe\n")
    fails(capsys, "import", binary, "--memory", tmp_path / "b.sqlite", says="not UTF-8")
