"""Printing many items as they are read: one JSON object written piece by piece.

A command over every stored scene (``list --limit 0``) must not hold them all, so its
``--json`` object is written around the items as they come: the same bytes
``json.dumps`` gives for the whole object (DESIGN.md: one JSON object on stdout),
with memory that does not grow with the number of items.

>>> import io, json
>>> buffer = io.StringIO()
>>> emit_items(buffer, "scenes", iter([{"code": "Δ1"}, {"code": "Δ2"}]), {"total": 2})
2
>>> buffer.getvalue() == json.dumps({"scenes": [{"code": "Δ1"}, {"code": "Δ2"}], "total": 2},
...                                 ensure_ascii=False) + "\\n"
True
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

__all__ = ["ascii_only", "emit_items"]


def ascii_only(out: TextIO) -> bool:
    """Whether JSON written to ``out`` needs ``\\u`` escapes: its encoding is not UTF-8
    (``PYTHONIOENCODING=ascii``, a C locale) and would mangle what it cannot encode."""
    return (getattr(out, "encoding", None) or "utf-8").lower().replace("-", "") != "utf8"


def emit_items(out: TextIO, key: str, items: Iterable[dict[str, Any]], rest: dict[str, Any]) -> int:
    """Write ``{key: [items…], **rest}`` as one JSON line to ``out``, each item as it
    comes (escaped as :func:`ascii_only` says); the number of items written."""
    escape = ascii_only(out)
    out.write("{" + json.dumps(key) + ": [")
    count = 0
    for item in items:
        out.write((", " if count else "") + json.dumps(item, ensure_ascii=escape))
        count += 1
    tail = json.dumps(rest, ensure_ascii=escape)[1:]  # '"total": 5}' after the items
    out.write("]" + (", " + tail if rest else "}") + "\n")
    return count
