"""Another CPU, simulated: every e5, USE and navec vector is nudged by ``$SCENECODEC_JITTER``.

A model's floating-point output differs in its last bits between CPUs (Intel, AMD), and
more where a model quantises its activations. Put this folder first on ``PYTHONPATH``
and run the suite: a test that passes only on the machine that wrote it — one that pins
bytes or floats the model produced — fails here too. Each vector ``v`` becomes
``v · (1 + j·u)``, ``u`` uniform in ``[−1, 1]`` drawn from a hash of the text, so the nudge
is the same in every process (the command line's subprocesses included).

    SCENECODEC_JITTER=1e-3 PYTHONPATH=tools/jitter .venv/bin/pytest
"""

import hashlib
import os

import numpy as np

import scenecodec.language.embed as embed

JITTER = float(os.environ.get("SCENECODEC_JITTER", "1e-3"))


def _nudged(raw):
    def nudged(self, texts):
        out = np.array(raw(self, texts), dtype=np.float32, copy=True)
        for row, text in zip(out, texts, strict=True):
            seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
            u = np.random.default_rng(seed).uniform(-1.0, 1.0, row.shape)
            row *= (1.0 + JITTER * u).astype(np.float32)
        return out

    return nudged


for cls in (embed.E5Embedder, embed.USEEmbedder, embed.NavecEmbedder):
    cls.raw = _nudged(cls.raw)
