"""The ``scenecodec`` command line: a thin shell over the public API.

Every command takes ``--json`` (one JSON object on stdout, the shapes of
DESIGN.md) and ``--memory PATH`` (else ``$SCENECODEC_MEMORY``, else the user
data directory). Bad input prints one line, ``error: …``, on stderr and exits
with status 2, leaving the memory as it was.

    scenecodec compress жар страх тишина --anchor вход
    scenecodec expand тишинажарвход
    scenecodec recall жар страх

The app, its shared options and its error handling are in :mod:`.app`, what it
prints in :mod:`.render`, the commands over one memory in :mod:`.codec_commands` and
the ones that build on it (expand, pulse, roles, serve) in :mod:`.scene_commands`, and
the ones over the memory as a whole (export, import, backup, forget, migrate) in
:mod:`.memory_commands`, the one over a corpus (ingest) in :mod:`.corpus_commands`,
the model voices' (voices, train-voice) in :mod:`.voice_commands`
and what expand shows while they write in :mod:`.speaking`.
"""

from scenecodec.interfaces.cli import (
    codec_commands,
    corpus_commands,
    memory_commands,
    scene_commands,
    voice_commands,
)
from scenecodec.interfaces.cli.app import app, main

__all__ = [
    "app",
    "codec_commands",
    "corpus_commands",
    "main",
    "memory_commands",
    "scene_commands",
    "voice_commands",
]
