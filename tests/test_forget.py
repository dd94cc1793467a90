"""Forgetting scenes: gone with their parts and links, their codes never given again."""

import pytest

from scenecodec import Codec, NotFoundError
from test_transfer import cli, digest, fails


@pytest.fixture
def memory(memory):
    """Five scenes, one a part of another, one linked, on each store."""
    path = memory
    with Codec.open(path, embedder="hash") as codec:
        codec.compress_many(["жар + страх → вход", "тишина + ночь → сон", "heat + fear → door"])
        codec.compress("(жар + страх → шаг) + тишина → вход")  # Δ4 a part of Δ5
        codec.store.add_links(5, [1, 2], "condensed")
    return path


def test_forgetting_the_newest_scene_never_gives_its_code_again(memory, capsys):
    status, out, _ = cli(capsys, "forget", "Δ5", "--memory", memory, "--json")
    assert status == 0 and out == '{"forgotten": ["Δ5"], "total": 4}\n'
    status, out, _ = cli(capsys, "compress", "a + b", "--memory", memory, "--json")
    assert '"code": "Δ6"' in out
    with Codec.open(memory) as codec:
        assert codec.compress("(жар + страх → шаг) + тишина → вход").code == "Δ7"  # not Δ5
        assert codec.links("Δ7") == []


def test_a_missing_code_is_an_error_and_nothing_is_forgotten(memory, capsys):
    before = digest(memory)
    fails(capsys, "forget", "Δ1", "Δ9", "Δ12", "--memory", memory, says="no scene Δ9, Δ12")
    fails(capsys, "forget", "Δ1", "x", "--memory", memory, says="'x' is not a Δ-code")
    fails(capsys, "forget", f"Δ{2**70}", "--memory", memory, says="no Δ-code is past")
    assert digest(memory) == before


def test_a_part_is_forgotten_only_with_the_scene_it_is_part_of(memory, capsys):
    before = digest(memory)
    fails(capsys, "forget", "Δ4", "--memory", memory, says="Δ4 is a part of Δ5")
    assert digest(memory) == before
    assert cli(capsys, "forget", "Δ4", "Δ5", "--memory", memory)[0] == 0
    with Codec.open(memory) as codec:
        assert [s.code for s in codec.scenes()] == ["Δ1", "Δ2", "Δ3"]
        assert codec.decode(codec.show("Δ1").vector).formula == "жар + страх → вход"


def test_links_go_with_the_scene(memory):
    with Codec.open(memory) as codec:
        codec.store.forget([1])
        assert [s.code for s, _ in codec.links("Δ5")] == ["Δ2"]
        with pytest.raises(NotFoundError, match="no scene Δ1"):
            codec.show("Δ1")


def test_a_kept_sense_goes_with_its_scene(memory):
    with Codec.open(memory) as codec:
        with codec.store.transaction():
            codec.store.put_senses({1: bytes(512), 2: bytes(512)})
            codec.store.put_senses({2: bytes([1]) * 512})  # a scene keeps its first sense
        codec.store.forget([1])
        ids, senses = codec.store.senses_since(0)
        assert ids.tolist() == [2] and senses.shape == (1, 512) and not senses.any()
        assert codec.store.senses_since(2)[0].tolist() == []


def test_recall_in_another_process_stays_consistent(memory):
    with Codec.open(memory) as reader, Codec.open(memory) as writer:
        cue = reader.show("Δ1").vector
        assert reader.recall(cue, k=3)[0].scene.code == "Δ1"  # its index is built
        writer.store.forget([1])
        found = reader.recall(cue, k=3)
        assert "Δ1" not in [r.scene.code for r in found] and len(found) == 3
        writer.compress("a + b")
        assert reader.recall(writer.show("Δ6").vector, k=1)[0].scene.code == "Δ6"


def test_forget_needs_an_existing_memory(tmp_path, capsys):
    fails(capsys, "forget", "Δ1", "--memory", tmp_path / "none.sqlite", says="no memory at")
    assert not (tmp_path / "none.sqlite").exists()
