"""Centring for model embedders: each language's own mean removed, the spread evened.

Raw e5 or USE vectors of unrelated words have cosine 0.8 or more: the space is
anisotropic, and each language sits in its own corner of it. :class:`Centre` subtracts
the mean of the word's own language and divides by the per-dimension standard
deviation within languages, both taken over the reference vocabulary shipped in
``scenecodec/data/reference-vocabulary.txt``; :class:`Centred` is the base of the
model-backed embedders (:mod:`scenecodec.language.embed`): it centres their raw
vectors with statistics shipped as ``data/centre-<name>.npz`` and remembers them.

>>> len(reference_vocabulary())
8000
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

import numpy as np

from scenecodec.language.morph import language

__all__ = ["Centre", "Centred", "Table", "reference_vocabulary", "unit", "vocabulary_table"]


def unit(x: np.ndarray) -> np.ndarray:
    """Rows of ``x`` ``(n, e)`` scaled to unit length, float32."""
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.asarray((x / np.maximum(norms, 1e-12)).astype(np.float32))


def reference_vocabulary() -> list[str]:
    """The shipped reference vocabulary (one word a line) used for centring statistics."""
    text = (
        resources.files("scenecodec.data")
        .joinpath("reference-vocabulary.txt")
        .read_text(encoding="utf-8")
    )
    return [w for w in text.split("\n") if w]


class Centre:
    """Centring statistics: a mean per language (``ru``, ``en``; ``""`` for the rest,
    the mean of all) and the per-dimension standard deviation within languages.

    Removing each language's own mean takes away the direction that says "this is
    Russian" or "this is English", so a word and its translation meet.

    >>> c = Centre.fit(["жар", "heat"], np.array([[1.0, 2.0], [3.0, 2.0]]))
    >>> c.apply(["тишина", "quiet", "42"], np.array([[1.0, 2.0], [3.0, 2.0], [2.0, 2.0]]))
    array([[0., 0.],
           [0., 0.],
           [0., 0.]])
    """

    def __init__(self, means: dict[str, np.ndarray], std: np.ndarray):
        self.means = means
        self.std = std

    @classmethod
    def fit(cls, words: Sequence[str], raw: np.ndarray) -> Centre:
        """Statistics of ``raw`` ``(n, e)`` rows for ``words`` (rows with NaN are skipped)."""
        keep = ~np.isnan(raw[:, 0])
        words = [w for w, k in zip(words, keep, strict=True) if k]
        raw = raw[keep].astype(np.float64)
        langs = np.array([language(w) for w in words])
        means = {"": raw.mean(0)}
        spread = np.zeros_like(means[""])
        for lang in ("ru", "en"):
            rows = raw[langs == lang]
            if len(rows):
                means[lang] = rows.mean(0)
                spread += ((rows - means[lang]) ** 2).sum(0)
        others = raw[(langs != "ru") & (langs != "en")]
        spread += ((others - means[""]) ** 2).sum(0)
        std = np.sqrt(spread / len(raw)) + 1e-6
        return cls({k: v.astype(np.float32) for k, v in means.items()}, std.astype(np.float32))

    @classmethod
    def load(cls, stats: np.lib.npyio.NpzFile) -> Centre:
        """From an ``.npz`` written by :meth:`save`."""
        means = {k.removeprefix("mean-"): stats[k] for k in stats.files if k.startswith("mean-")}
        return cls({"": stats["mean"], **means}, stats["std"])

    @classmethod
    def read(cls, path: Path) -> Centre:
        """From the ``.npz`` file at ``path``."""
        with np.load(path) as stats:
            return cls.load(stats)

    def save(self, path: Path, **extra: str) -> None:
        """Write to ``path`` (``.npz``)."""
        means = {f"mean-{k}": v for k, v in self.means.items() if k}
        # numpy's stub matches the **kwargs against savez's allow_pickle: bool too
        np.savez(path, mean=self.means[""], std=self.std, **means, **extra)  # type: ignore[arg-type]

    def apply(self, texts: Sequence[str], raw: np.ndarray) -> np.ndarray:
        """``(raw − mean of each text's language) / std``, ``(n, e)``."""
        if not len(texts):
            return raw
        means = np.stack([self.means.get(language(t), self.means[""]) for t in texts])
        return np.asarray((raw - means) / self.std)


Table = tuple[dict[str, int], np.ndarray, np.ndarray]
"""A vocabulary table: ``{word: row}``, int8 codes ``(n, dim)``, a scale per row ``(n,)``."""


@cache
def vocabulary_table(name: str) -> Table:
    """The vocabulary table shipped as ``data/table-<name>.npz`` (written by
    ``tools/vocabulary_table.py``), read once a process; empty where none ships.

    >>> rows, codes, scales = vocabulary_table("hash")
    >>> len(rows), codes.shape
    (0, (0, 0))
    """
    path = resources.files("scenecodec.data").joinpath(f"table-{name}.npz")
    if not path.is_file():
        return {}, np.zeros((0, 0), dtype=np.int8), np.zeros(0, dtype=np.float32)
    with path.open("rb") as fh, np.load(fh) as table:
        words = [str(w) for w in table["words"]]
        return {w: i for i, w in enumerate(words)}, table["codes"], table["scales"]


class Centred:
    """A model-backed embedder: subclasses give ``raw`` (through :meth:`_remembered`);
    ``embed`` centres it with the ``(mean, std)`` shipped as ``data/centre-<name>.npz``
    (or ``_centre`` overridden)."""

    name: str

    def raw(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError

    @cached_property
    def _centre(self) -> Centre:
        path = resources.files("scenecodec.data").joinpath(f"centre-{self.name}.npz")
        with path.open("rb") as fh, np.load(fh) as stats:
            return Centre.load(stats)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Centred, unit-norm embeddings ``(n, dim)``."""
        return unit(self._centre.apply(texts, self.raw(texts)))

    @property
    def _table(self) -> Table:
        """The shipped vocabulary table of this embedder (:func:`vocabulary_table`)."""
        return vocabulary_table(self.name)

    cache_size = 100_000
    """How many texts' raw vectors a model-backed embedder remembers (then it forgets all)."""

    @cached_property
    def _cache(self) -> dict[str, np.ndarray]:
        return {}

    def _remembered(
        self, texts: Sequence[str], make: Callable[[list[str]], np.ndarray], dim: int
    ) -> np.ndarray:
        """Raw vectors ``(n, dim)`` of ``texts``: remembered ones as they were, words of
        the shipped vocabulary table (:attr:`_table`) from it, the rest made by ``make``
        (each text once); the last :attr:`cache_size` kept."""
        known = {t: self._cache[t] for t in texts if t in self._cache}
        rows, codes, scales = self._table
        tabled = [t for t in dict.fromkeys(texts) if t not in known and t in rows]
        if tabled:
            picked = np.array([rows[t] for t in tabled])
            vectors = codes[picked].astype(np.float32) * scales[picked, None]
            known.update(zip(tabled, vectors, strict=True))
        todo = list(dict.fromkeys(t for t in texts if t not in known))
        if todo:
            made = np.asarray(make(todo), dtype=np.float32).reshape(len(todo), -1)
            known.update(zip(todo, made, strict=True))
            if len(self._cache) + len(todo) > self.cache_size:
                self._cache.clear()
            self._cache.update(zip(todo, made, strict=True))
        if not len(texts):
            return np.zeros((0, dim), dtype=np.float32)
        return np.stack([known[t] for t in texts])
