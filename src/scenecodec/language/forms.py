"""The four human forms of a scene: fused name, Δ-code, glyph and formula.

* **formula**: ``part (+ part)* (→ anchor)?``; ``->`` is read as ``→``; a part is a
  concept or a parenthesised sub-formula; whitespace around symbols does not
  matter. Parsed into a :class:`Formula` tree and rendered back canonically.
* **name**: the lemmas of the formula fused in order, anchor last
  (``жар + страх + тишина → вход`` → ``жарстрахтишинавход``).
* **code**: ``Δ<n>``, the scene's number in its memory (``∆`` and ``Δ`` both read).
* **glyph**: a locality-sensitive hash of the vector: one symbol of the
  Alchemical Symbols block (U+1F700–U+1F773) chosen as the best of 116 seeded
  random directions, then one of 12 geometric signs chosen the same way.
  Scenes whose vectors are close tend to pick the same directions, so similar
  scenes share glyph symbols.

>>> f = parse_formula("жар+страх + тишина -> вход")
>>> f.render(), f.name()
('жар + страх + тишина → вход', 'жарстрахтишинавход')
>>> format_code(41), parse_code("Δ41")
('Δ41', 41)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal, Union

import numpy as np

from scenecodec.algebra import hv
from scenecodec.algebra.slots import MAX_CONCEPTS
from scenecodec.errors import InputError

__all__ = [
    "ALCHEMICAL",
    "GEOMETRIC",
    "MAX_CODE",
    "MAX_DEPTH",
    "MAX_LEMMA_CHARS",
    "Formula",
    "Part",
    "classify",
    "format_code",
    "glyphs",
    "normalize_lemma",
    "parse_code",
    "parse_formula",
    "read_formula",
    "readable",
]

ALCHEMICAL: tuple[str, ...] = tuple(chr(c) for c in range(0x1F700, 0x1F774))
GEOMETRIC: tuple[str, ...] = tuple("⟁△▽◇○◎⬡⟡⊙⌬⧖⟐")
_GLYPH_CHARS = frozenset(ALCHEMICAL + GEOMETRIC)
_VARIATION_SELECTORS = "\ufe0e\ufe0f"
MAX_LEMMA_CHARS = 64
MAX_DEPTH = 4
"""Deepest nesting of sub-formulas."""
MAX_CODE = 2**63 - 1
"""The largest Δ-code: SQLite's (and PostgreSQL's) largest integer row id."""
_SYNTAX = re.compile(r"\s*(->|→|\+|\(|\))\s*")
_PROSE = re.compile(r"[,.;:!?]")
_CODE = re.compile(r"^[Δ∆]\s*(\d+)$")

Part = Union[str, "Formula"]
Kind = Literal["code", "glyph", "formula", "concepts", "name"]


def readable(text: str) -> str:
    """``text``, or :class:`InputError` where it is not UTF-8 text: a lone surrogate (an
    undecodable byte of a command line, a ``\\udcff`` escape in JSON) is refused here,
    before any model or store sees it.

    >>> readable("calm\\udcff")
    Traceback (most recent call last):
    ...
    scenecodec.errors.InputError: the text is not UTF-8: a lone surrogate U+DCFF at character 4
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise InputError(
            f"the text is not UTF-8: a lone surrogate U+{ord(text[e.start]):04X} "
            f"at character {e.start}"
        ) from None
    return text


def normalize_lemma(text: str) -> str:
    """Canonical form of one concept: NFC, lower case, single spaces; or :class:`InputError`.

    >>> normalize_lemma("  Тишина ")
    'тишина'
    """
    if not "".join(text.split()).isprintable():
        raise InputError(f"concept {text!r} contains control or undecodable characters")
    lemma = " ".join(unicodedata.normalize("NFC", text).lower().split())
    if not lemma:
        raise InputError("empty concept")
    if len(lemma) > MAX_LEMMA_CHARS:
        raise InputError(f"concept {lemma[:20]!r}… is longer than {MAX_LEMMA_CHARS} characters")
    if not any(ch.isalpha() for ch in lemma):
        raise InputError(f"concept {lemma!r} has no letters")
    if _SYNTAX.search(lemma) or not _GLYPH_CHARS.isdisjoint(lemma):
        raise InputError(f"concept {lemma!r} contains formula or glyph symbols")
    return lemma


@dataclass(frozen=True)
class Formula:
    """A parsed formula: ordered ``parts`` (concepts or sub-formulas) and an optional ``anchor``.

    >>> Formula(("жар", "страх"), "вход").render()
    'жар + страх → вход'
    """

    parts: tuple[Part, ...]
    anchor: Part | None = None

    def render(self) -> str:
        """The canonical text: ``a + b + (c + d) → e``."""
        text = " + ".join(_render_part(p) for p in self.parts)
        return text if self.anchor is None else f"{text} → {_render_part(self.anchor)}"

    def name(self) -> str:
        """The fused name: every lemma in order, anchor last, spaces removed."""
        return "".join(_leaf_name(p) for p in self.all_parts())

    def all_parts(self) -> tuple[Part, ...]:
        """The parts followed by the anchor, if any."""
        return self.parts if self.anchor is None else (*self.parts, self.anchor)

    def leaves(self) -> list[str]:
        """Every concept, sub-formulas opened, in order, anchor last.

        >>> parse_formula("(жар + страх → шаг) + тишина → вход").leaves()
        ['жар', 'страх', 'шаг', 'тишина', 'вход']
        """
        out: list[str] = []
        for p in self.all_parts():
            out.extend([p] if isinstance(p, str) else p.leaves())
        return out


def _render_part(part: Part) -> str:
    return part if isinstance(part, str) else f"({part.render()})"


def _leaf_name(part: Part) -> str:
    return part.replace(" ", "") if isinstance(part, str) else part.name()


class _Parser:
    """Recursive descent over the tokens of a formula."""

    def __init__(self, text: str):
        self.text = text
        pieces = [p for p in _SYNTAX.split(text) if p is not None]
        self.tokens = [("→" if p == "->" else p) for p in (s.strip() for s in pieces) if p]
        self.pos = 0
        self.depth = 0

    def fail(self, expected: str) -> InputError:
        found = repr(self.tokens[self.pos]) if self.pos < len(self.tokens) else "the end"
        return InputError(
            f"malformed formula {self.text.strip()!r}: expected {expected}, found {found}"
        )

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def formula(self) -> Formula:
        parts = [self.part()]
        while self.peek() == "+":
            self.pos += 1
            parts.append(self.part())
        anchor = None
        if self.peek() == "→":
            self.pos += 1
            anchor = self.part()
        return Formula(tuple(parts), anchor)

    def part(self) -> Part:
        token = self.peek()
        if token == "(":
            self.depth += 1
            if self.depth >= MAX_DEPTH:  # refused before recursing: a stack never overflows
                raise InputError(f"sub-formulas nest at most {MAX_DEPTH} deep")
            self.pos += 1
            inner = self.formula()
            self.depth -= 1
            if self.peek() != ")":
                raise self.fail("')'")
            self.pos += 1
            return inner
        if token is None or token in "+→)":
            raise self.fail("a concept")
        self.pos += 1
        return normalize_lemma(token)


def parse_formula(text: str) -> Formula:
    """Parse a formula (see module doc) or raise :class:`InputError` naming what went wrong.

    >>> parse_formula("(жар + страх → шаг) + тишина → вход").render()
    '(жар + страх → шаг) + тишина → вход'
    >>> parse_formula("жар + + →")
    Traceback (most recent call last):
    ...
    scenecodec.errors.InputError: malformed formula 'жар + + →': expected a concept, found '+'
    """
    parser = _Parser(text)
    if not parser.tokens:
        raise InputError("empty formula")
    formula = parser.formula()
    if parser.peek() is not None:
        raise parser.fail("'+', '→' or the end")
    return formula


def read_formula(concepts: str | Sequence[str] | Formula, anchor: str | None = None) -> Formula:
    """Read concepts — a formula string, a list of concepts (each may be a sub-formula)
    or a :class:`Formula` — and an optional anchor into a validated :class:`Formula`:
    at most :data:`~scenecodec.algebra.slots.MAX_CONCEPTS` parts a level, sub-formulas at
    most :data:`MAX_DEPTH` deep, no part twice; else :class:`InputError`.

    >>> read_formula(["Жар", "страх + шаг"], anchor="вход").render()
    'жар + (страх + шаг) → вход'
    >>> read_formula("жар + жар")
    Traceback (most recent call last):
    ...
    scenecodec.errors.InputError: 'жар' appears twice in one scene
    """
    if isinstance(concepts, Formula):
        formula = concepts
    elif isinstance(concepts, str):
        formula = parse_formula(concepts)
    else:
        items = list(concepts)
        if not items:
            raise InputError("a scene needs at least one concept")
        if len(items) > MAX_CONCEPTS:
            raise InputError(f"a scene holds at most {MAX_CONCEPTS} concepts; got {len(items)}")
        formula = Formula(tuple(_read_part(c) for c in items))
    if anchor is not None:
        if formula.anchor is not None:
            raise InputError("the anchor is given twice (in the formula and as --anchor)")
        formula = Formula(formula.parts, _read_part(anchor))
    _validate(formula, depth=1)
    return formula


def _read_part(text: str) -> Part:
    """One concept, or a sub-formula when the text has formula syntax."""
    if not isinstance(text, str):
        raise InputError(f"a concept must be text, got {type(text).__name__}")
    if classify(text) == "formula":
        inner = parse_formula(text)
        return inner.parts[0] if len(inner.parts) == 1 and inner.anchor is None else inner
    return normalize_lemma(text)


def _validate(formula: Formula, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise InputError(f"sub-formulas nest at most {MAX_DEPTH} deep")
    if len(formula.parts) > MAX_CONCEPTS:
        raise InputError(f"a scene holds at most {MAX_CONCEPTS} concepts; got {len(formula.parts)}")
    seen: set[str] = set()
    for p in formula.all_parts():
        if isinstance(p, str):
            normalize_lemma(p)  # a Formula built in code meets the limits a parsed one does
        key = p if isinstance(p, str) else p.render()
        if key in seen:
            raise InputError(f"{key!r} appears twice in one scene")
        seen.add(key)
        if isinstance(p, Formula):
            _validate(p, depth + 1)


def format_code(number: int) -> str:
    """``41`` → ``'Δ41'``."""
    return f"Δ{number}"


def parse_code(text: str) -> int | None:
    """``'Δ41'`` (or ``'∆41'``) → ``41``; ``None`` when the text is not a code;
    :class:`InputError` for a code past :data:`MAX_CODE`.

    >>> parse_code("Δ9223372036854775808")
    Traceback (most recent call last):
    ...
    scenecodec.errors.InputError: no Δ-code is past Δ9223372036854775807, got Δ9223372036854775808
    """
    m = _CODE.match(text.strip())
    if not m:
        return None
    digits = m.group(1).lstrip("0") or "0"
    if len(digits) > len(str(MAX_CODE)) or int(digits) > MAX_CODE:
        shown = digits if len(digits) <= 40 else f"{digits[:20]}…"
        raise InputError(f"no Δ-code is past Δ{MAX_CODE}, got Δ{shown}")
    return int(digits)


def _strip_glyph(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and ch not in _VARIATION_SELECTORS)


def classify(text: str) -> Kind:
    """Which form a piece of user text is: code, glyph, formula, concepts or name.
    Text with formula signs and sentence punctuation (``,.;:!?``, which no formula
    holds) is prose — concepts to extract — not a malformed formula.

    >>> [classify(t) for t in ("Δ1", "🜂⟁", "жар + страх", "жар страх", "тишинажарвход")]
    ['code', 'glyph', 'formula', 'concepts', 'name']
    >>> classify("поле: тревога (предвкушение + страх).")
    'concepts'
    """
    stripped = readable(text).strip()
    if parse_code(stripped) is not None:
        return "code"
    bare = _strip_glyph(stripped)
    if bare and all(ch in _GLYPH_CHARS for ch in bare):
        return "glyph"
    if _SYNTAX.search(stripped) and not _PROSE.search(stripped):
        return "formula"
    return "concepts" if len(stripped.split()) > 1 else "name"


def normalize_glyph(text: str) -> str:
    """A glyph without spaces and emoji variation selectors."""
    return _strip_glyph(text)


@cache
def _directions(dim: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    alch = np.stack(
        [hv.random_bipolar(f"{seed}/glyph/alchemical/{i}", dim) for i in range(len(ALCHEMICAL))]
    )
    geo = np.stack(
        [hv.random_bipolar(f"{seed}/glyph/geometric/{i}", dim) for i in range(len(GEOMETRIC))]
    )
    return alch.astype(np.float32), geo.astype(np.float32)


def glyphs(vectors: np.ndarray, seed: int) -> list[str]:
    """Glyphs of bipolar scene vectors ``(n, d)`` (or one ``(d,)``): two symbols each.

    >>> g = glyphs(hv.random_bipolar("scene", 1024), seed=0)
    >>> len(g), len(g[0]), g[0][0] in ALCHEMICAL, g[0][1] in GEOMETRIC
    (1, 2, True, True)
    """
    v = np.atleast_2d(vectors).astype(np.float32)
    alch, geo = _directions(v.shape[1], seed)
    a = np.argmax(v @ alch.T, axis=1)
    g = np.argmax(v @ geo.T, axis=1)
    return [ALCHEMICAL[i] + GEOMETRIC[j] for i, j in zip(a.tolist(), g.tolist(), strict=True)]
