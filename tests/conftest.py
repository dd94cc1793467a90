"""Shared fixtures: codecs on fresh temporary memories."""

from __future__ import annotations

import pytest

from scenecodec import Codec


@pytest.fixture
def memory_path(tmp_path):
    """A path for a new memory file."""
    return tmp_path / "memory.sqlite"


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
