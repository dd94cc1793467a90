"""Hypervector algebra on numpy: MAP bipolar vectors.

A hypervector is an ``int8`` array of ``+1``/``-1`` with shape ``(d,)`` (or ``(n, d)``
for a batch). Binding is elementwise multiplication, bundling is the sign of the
sum, permutation is a cyclic shift. For storage and for Hamming search a vector
is packed to ``d / 8`` bytes with bit ``1`` standing for ``-1``, so that binding
two vectors is the XOR of their packed bits.

Random vectors are drawn from SHAKE-256 keyed by a string, not from a numpy
generator: the bit stream of a hash is fixed by its standard, so the same key
gives the same vector on every machine and every numpy version (the
determinism contract of DESIGN.md).

>>> a, b = random_bipolar("a", 1024), random_bipolar("b", 1024)
>>> bool(np.array_equal(bind(bind(a, b), b), a))
True
>>> unpack(pack(a), 1024).tolist() == a.tolist()
True
"""

from __future__ import annotations

import hashlib

import numpy as np

from scenecodec.errors import InputError

__all__ = [
    "bind",
    "bipolar",
    "bundle",
    "pack",
    "permute",
    "random_bipolar",
    "random_bits",
    "random_gaussian",
    "similarity",
    "unpack",
]


def random_bits(key: str, nbits: int) -> np.ndarray:
    """``nbits`` pseudo-random bits (``uint8`` 0/1, shape ``(nbits,)``) keyed by ``key``.

    >>> random_bits("x", 8).tolist() == random_bits("x", 8).tolist()
    True
    """
    nbytes = (nbits + 7) // 8
    raw = np.frombuffer(hashlib.shake_256(key.encode("utf-8")).digest(nbytes), dtype=np.uint8)
    return np.unpackbits(raw)[:nbits]


def random_gaussian(key: str, n: int) -> np.ndarray:
    """``n`` standard normal values ``(n,)`` float64 keyed by ``key`` (Box–Muller on
    SHAKE-256 words), the same everywhere up to the last bit of ``log`` and ``cos``.

    >>> v = random_gaussian("x", 100_000)
    >>> bool(abs(v.mean()) < 0.01), round(float(v.std()), 2)
    (True, 1.0)
    """
    words = np.frombuffer(hashlib.shake_256(key.encode("utf-8")).digest(8 * n), dtype="<u4")
    u1 = (words[0::2].astype(np.float64) + 0.5) / 2.0**32
    u2 = (words[1::2].astype(np.float64) + 0.5) / 2.0**32
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


def random_bipolar(key: str, dim: int) -> np.ndarray:
    """A random bipolar vector ``(dim,)`` int8, the same for the same key everywhere.

    >>> v = random_bipolar("role/entry", 1024)
    >>> v.shape, v.dtype.name, sorted(set(v.tolist()))
    ((1024,), 'int8', [-1, 1])
    """
    return (1 - 2 * random_bits(key, dim).astype(np.int8)).astype(np.int8)


def bind(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Bind two bipolar vectors (or batches ``(n, d)``): elementwise product; self-inverse.

    >>> a = random_bipolar("a", 64); bool((bind(a, a) == 1).all())
    True
    """
    out: np.ndarray = np.multiply(a, b, dtype=np.int8)
    return out


def bundle(vectors: np.ndarray, tiebreak: np.ndarray | None = None) -> np.ndarray:
    """Bundle ``(n, d)`` bipolar vectors into one ``(d,)``: the sign of their sum.

    With an even ``n`` the sum can be zero; ``tiebreak`` (a bipolar ``(d,)``) is then
    added as one more vector, so the result is always bipolar. Without it, zeros
    become ``+1``.

    >>> v = np.array([[1, 1, -1], [1, -1, -1], [-1, 1, -1]], dtype=np.int8)
    >>> bundle(v).tolist()
    [1, 1, -1]
    """
    total = vectors.sum(axis=0, dtype=np.int32)
    if tiebreak is not None and len(vectors) % 2 == 0:
        total += tiebreak
    return np.where(total >= 0, 1, -1).astype(np.int8)


def permute(v: np.ndarray, shift: int = 1) -> np.ndarray:
    """Cyclic shift along the last axis (the MAP permutation).

    >>> permute(np.array([1, -1, -1], dtype=np.int8)).tolist()
    [-1, 1, -1]
    """
    return np.roll(v, shift, axis=-1)


def similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray | float:
    """Cosine similarity of bipolar vectors: ``a · b / d``.

    ``a`` is ``(d,)`` or ``(n, d)``, ``b`` is ``(d,)`` or ``(m, d)``; the result is a float,
    ``(n,)``, ``(m,)`` or ``(n, m)``.

    >>> a = random_bipolar("a", 1024)
    >>> similarity(a, a)
    1.0
    """
    d = a.shape[-1]
    out = np.asarray(a, dtype=np.float32) @ np.asarray(b, dtype=np.float32).T / d
    return float(out) if out.ndim == 0 else out


def pack(v: np.ndarray) -> np.ndarray:
    """Pack bipolar ``(..., d)`` into bits ``(..., d/8)`` uint8; bit 1 stands for -1.

    >>> pack(np.array([-1, 1, 1, 1, 1, 1, 1, -1], dtype=np.int8)).tolist()
    [129]
    """
    return np.packbits(np.asarray(v) < 0, axis=-1)


def unpack(bits: np.ndarray, dim: int) -> np.ndarray:
    """Unpack ``(..., d/8)`` uint8 bits into bipolar ``(..., d)`` int8.

    >>> unpack(np.array([129], dtype=np.uint8), 8).tolist()
    [-1, 1, 1, 1, 1, 1, 1, -1]
    """
    b = np.unpackbits(np.asarray(bits, dtype=np.uint8), axis=-1, count=dim)
    return (1 - 2 * b.astype(np.int8)).astype(np.int8)


def check_vector(shape: tuple[int, ...], dtype: np.dtype, dim: int) -> None:
    """:class:`~scenecodec.errors.InputError` unless an array of ``shape`` and ``dtype``
    is a vector :func:`bipolar` reads: ``(dim,)`` numbers or ``(dim / 8,)`` uint8 (say,
    from a file's header, before its data is read).

    >>> check_vector((1 << 40,), np.dtype("f8"), 64)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    scenecodec.errors.InputError: a scene vector has 64 values ...; got shape (1099511627776,)
    """
    if dtype == np.uint8 and shape == (dim // 8,):
        return
    if dtype.kind not in "biuf":
        raise InputError(f"a scene vector must be numeric, got {dtype}")
    if shape != (dim,):
        raise InputError(
            f"a scene vector has {dim} values in this memory "
            f"(or {dim // 8} packed bytes); got shape {shape}"
        )


def bipolar(vector: object, dim: int) -> np.ndarray:
    """A vector given by a user as bipolar ``(dim,)`` int8: ``(dim,)`` numbers (the sign
    is taken, 0 counting as +1) or ``(dim / 8,)`` uint8 packed bits; else
    :class:`~scenecodec.errors.InputError` naming what is wrong.

    >>> bipolar(np.array([0.5, -2.0] * 32), 64)[:3].tolist()
    [1, -1, 1]
    >>> bipolar(np.zeros(3), 64)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    scenecodec.errors.InputError: a scene vector has 64 values in this memory ...; got shape (3,)
    """
    v = np.asarray(vector)
    check_vector(v.shape, v.dtype, dim)
    if v.dtype == np.uint8 and v.shape == (dim // 8,):
        return unpack(v, dim)
    if v.dtype.kind == "f" and not np.isfinite(v).all():
        raise InputError("the vector contains NaN or infinite values")
    return np.where(v >= 0, 1, -1).astype(np.int8)
