"""Affect axes: do valence and arousal read single words the right way round?

``bench/data/affect-signs-ru-en.tsv`` signs 52 words (26 Russian, 26 English) by hand:
pleasant or not, aroused or calm. The score is the share of signed words whose
z-score on the axis (:func:`scenecodec.expansion.registers.reading.affect_scale`) has the
right sign. Baseline in the same run: valence and arousal read off the eight
Plutchik emotion facets through Russell's circumplex (each emotion's positive z
times its place: joy +1/+0.5, trust +1/−0.5, fear −1/+1, surprise 0/+1, sadness
−1/−1, disgust −1/0, anger −1/+1, anticipation +0.5/+0.5).

    python bench/affect.py
"""

from __future__ import annotations

import numpy as np

from common import HERE, machine, table
from scenecodec.expansion import facets
from scenecodec.expansion.registers.reading import affect_scale
from scenecodec.language.embed import E5Embedder

CIRCUMPLEX = {
    "joy": (1.0, 0.5),
    "trust": (1.0, -0.5),
    "fear": (-1.0, 1.0),
    "surprise": (0.0, 1.0),
    "sadness": (-1.0, -1.0),
    "disgust": (-1.0, 0.0),
    "anger": (-1.0, 1.0),
    "anticipation": (0.5, 0.5),
}


def main() -> None:
    text = (HERE / "data" / "affect-signs-ru-en.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    words = [r[0] for r in rows]
    gold = np.array([[int(r[1]), int(r[2])] for r in rows])
    embedder = E5Embedder()
    vectors = embedder.embed(words)
    axes = affect_scale(embedder).z(vectors)[:, :2]
    z = facets.scores(embedder, vectors)
    ids = [f.id for f in facets.FACETS]
    place = np.array([CIRCUMPLEX[e] for e in facets.EMOTIONS])
    emotions = np.maximum(np.stack([z[:, ids.index(e)] for e in facets.EMOTIONS], 1), 0)
    circumplex = emotions @ place
    out = []
    for name, pred in (
        ("affect axes (data/axes.tsv)", axes),
        ("Plutchik facets → circumplex", circumplex),
    ):
        cells = [name]
        for col in (0, 1):
            signed = gold[:, col] != 0
            cells.append(f"{np.mean(np.sign(pred[signed, col]) == gold[signed, col]):.3f}")
        out.append(cells)
    n_v, n_a = int((gold[:, 0] != 0).sum()), int((gold[:, 1] != 0).sum())
    print(f"\n{machine()}; {len(words)} words ({n_v} valence-signed, {n_a} arousal-signed)\n")
    print(table(["reading", "valence sign right", "arousal sign right"], out))


if __name__ == "__main__":
    main()
