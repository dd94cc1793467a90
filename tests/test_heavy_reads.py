"""Reads over a whole memory stream: memory that does not grow with the number of scenes.

Peak memory is measured with tracemalloc (every allocation Python and numpy make is
counted, so the figures are the same on every run): what a read holds at its peak
over 4,000 scenes, less what it holds over 1,000, is what 3,000 more scenes cost it.
"""

import json
import tracemalloc

import numpy as np
import pytest

from scenecodec import Codec
from scenecodec.algebra import hv
from scenecodec.algebra.packed import PackedRows
from scenecodec.dynamics.pulse import Pulse
from scenecodec.dynamics.resonance import settle
from scenecodec.interfaces.cli import main


def scenes(n, offset=0):
    """``n`` distinct flat scenes of four concepts and an anchor over 400 words."""
    rng = np.random.default_rng(offset)
    words = [f"w{i}" for i in range(400)]
    out = set()
    while len(out) < n:
        picked = rng.choice(400, 5, replace=False)
        out.add(" + ".join(words[j] for j in picked[:4]) + " → " + words[picked[4]])
    return sorted(out)


@pytest.fixture(scope="module")
def memories(tmp_path_factory):
    """Memories of 1,000 and 4,000 scenes (hash atoms)."""
    paths = {}
    for n in (1000, 4000):
        paths[n] = tmp_path_factory.mktemp("heavy") / f"m{n}.sqlite"
        with Codec.open(paths[n], embedder="hash") as codec:
            codec.compress_many(scenes(n))
    return paths


def peak(work):
    """Bytes ``work()`` holds at its peak beyond what was held before it."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        work()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def listed(path, capsys):
    capsys.readouterr()
    main(["list", "--limit", "0", "--json", "--memory", str(path)])
    return capsys.readouterr().out


def test_list_json_is_one_object_written_as_the_scenes_are_read(memories, capsys):
    out = listed(memories[1000], capsys)
    with Codec.open(memories[1000]) as codec:
        whole = {"scenes": [s.to_dict() for s in codec.scenes()], "total": 1000}
    assert out == json.dumps(whole, ensure_ascii=False) + "\n"  # the same bytes as before
    # capsys keeps what was printed, so measure the reading alone: Codec.iter_scenes
    costs = {}
    for n, path in memories.items():
        with Codec.open(path) as codec:
            costs[n] = peak(lambda c=codec: sum(1 for _ in c.iter_scenes()))
    assert costs[4000] - costs[1000] < 3000 * 100  # under 100 bytes a scene (was ~3 KiB)


def test_a_pulse_holds_no_float_pattern_per_stored_scene(memories):
    costs = {}
    for n, path in memories.items():
        with Codec.open(path) as codec:
            seed = codec.show("Δ1")
            costs[n] = peak(lambda c=codec, s=seed: Pulse(c, "p", s, None))
    assert costs[4000] - costs[1000] < 3000 * 1024  # a gist kept packed: 128 B (was 5 KiB)


def test_a_pulse_over_packed_gists_is_the_same_as_over_floats(memories):
    with Codec.open(memories[1000]) as codec:
        _, packed = codec.store.vectors_since(0, "gist")
        rows = PackedRows(packed, 1024)
        dense = hv.unpack(packed, 1024).astype(np.float32) / 32.0
        state = dense[:5].sum(axis=0) * np.float32(3.0)
        assert np.allclose(rows @ state, dense @ state, atol=1e-4)
        assert np.array_equal(rows[np.array([3, 9])], dense[[3, 9]])
        a, b = settle(rows, state), settle(dense, state)
        assert a.resonated.tolist() == b.resonated.tolist() and a.steps == b.steps
        assert np.allclose(a.weights, b.weights, atol=1e-5)
        rows.append(packed[:2])
        assert len(rows) == 1002 and np.array_equal(rows[1001], dense[1])
