"""A scene's role in a sequence (seed 11.1.1): opening, closure, foreshadowing, false loop.

One and the same scene can be the beginning of a transition, the end of a cycle, a
premonition or a false loop; which one depends on the scenes around it. Given an
ordered list of scenes, their meaning vectors (:func:`scenecodec.language.embed.meaning`)
give a cosine matrix ``S``; a pair of scenes is *alike* when its cosine reaches
:data:`ALIKE` and *apart* when it is below :data:`APART`. Then, in this order of
precedence:

* ``false-loop`` — scene ``i`` is alike the scene before it and the scene after it:
  it repeats and nothing changes after it. Evidence: ``i−1``.
* ``closure`` — scene ``i`` is alike an earlier scene ``j < i−1`` that was part of a
  run (not an isolated glimpse, see below), and some scene between them is apart
  from ``j``: the sequence left ``j`` and came back, a cycle ends. Evidence: ``j``.
* ``foreshadowing`` — scene ``i`` is alike a later scene ``j > i+1`` and apart from
  the scenes on either side of it: an isolated glimpse of what comes, a premonition.
  Evidence: ``j``.
* ``opening`` — scene ``i`` is apart from the scene before it (or is the first) and
  alike the scene after it: a new run begins here. Evidence: ``i+1``.
* ``none`` otherwise.

Thresholds are absolute cosines of centred e5 meaning vectors, set from the
constructed stories of ``bench/roles.py`` (alike ≥ 0.4, apart < 0.35): scenes of one run
score 0.86–1.0 there, a return sharing half its concepts 0.43–0.50, unrelated
scenes −0.07–0.32. This is our
own construction; we know of no library that labels narrative roles this way.

>>> import numpy as np
>>> a, b = np.eye(4)[0], np.eye(4)[1]
>>> [r.role for r in roles_of(np.stack([a, a * 0.9 + b * 0.1, b, a]))]
['opening', 'none', 'none', 'closure']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from scenecodec.codec import Codec, Cue, Scene
from scenecodec.errors import InputError

__all__ = ["ALIKE", "APART", "ROLES", "Role", "roles", "roles_of"]

ALIKE = 0.4
"""Least cosine of two scenes' meaning vectors for them to count as alike."""
APART = 0.35
"""Cosine under which two scenes count as apart."""
ROLES = ("opening", "closure", "foreshadowing", "false-loop", "none")


@dataclass(frozen=True)
class Role:
    """Scene ``index``'s ``role`` and the ``evidence``: the indices of the scenes it
    rests on; ``scene`` is filled in by :func:`roles`."""

    index: int
    role: str
    evidence: tuple[int, ...]
    scene: Scene | None = None

    def to_dict(self) -> dict:
        """``{"index", "role", "evidence"}``, plus ``"scene"`` when known."""
        out: dict = {"index": self.index, "role": self.role, "evidence": list(self.evidence)}
        if self.scene is not None:
            out["scene"] = self.scene.to_dict()
        return out


def roles_of(vectors: np.ndarray) -> list[Role]:
    """The role of each scene of an ordered sequence of meaning vectors ``(n, e)``."""
    v = np.asarray(vectors, dtype=np.float64)
    v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    s = v @ v.T
    n = len(v)
    alike, apart = s >= ALIKE, s < APART

    def opening(i: int) -> bool:
        return (i == 0 or apart[i, i - 1]) and i + 1 < n and alike[i, i + 1]

    def isolated(i: int) -> bool:
        return (i == 0 or apart[i, i - 1]) and i + 1 < n and apart[i, i + 1]

    out = []
    for i in range(n):
        if 0 < i < n - 1 and alike[i, i - 1] and alike[i, i + 1]:
            out.append(Role(i, "false-loop", (i - 1,)))
            continue
        back = [
            j for j in range(i - 1) if alike[i, j] and apart[j, j + 1 : i].any() and not isolated(j)
        ]
        if back:
            out.append(Role(i, "closure", (max(back, key=lambda j: s[i, j]),)))
            continue
        ahead = [j for j in range(i + 2, n) if alike[i, j]]
        if ahead and isolated(i):
            out.append(Role(i, "foreshadowing", (max(ahead, key=lambda j: s[i, j]),)))
            continue
        if opening(i):
            out.append(Role(i, "opening", (i + 1,)))
            continue
        out.append(Role(i, "none", ()))
    return out


def roles(codec: Codec, cues: Sequence[Cue] | None = None, *, last: int = 200) -> list[Role]:
    """The role of each scene in a sequence (:func:`roles_of` on their meaning vectors):
    of ``cues`` in order, each resolved by ``codec``, or, when ``None``, of the memory's
    ``last`` stored scenes in the order they were stored. Each :class:`Role` holds its
    ``scene``."""
    if cues is None:
        stored = codec.count()
        scenes = codec.scenes(max(0, stored - last), min(last, stored))
    else:
        scenes = [codec.resolve(c) for c in cues]
    if not scenes:
        raise InputError("no scenes to give roles to")
    vectors = np.stack([codec.meaning(s) for s in scenes])
    return [replace(r, scene=s) for r, s in zip(roles_of(vectors), scenes, strict=True)]
