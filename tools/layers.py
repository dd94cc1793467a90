"""The package's import graph, measured: cycles, imports that climb a layer, module sizes.

Reads the graph with grimp (the engine under import-linter, whose contracts in
``pyproject.toml`` keep the layers) and prints the numbers ``docs/architecture.md``
quotes: the circles of modules that import each other (strongly connected
components of more than one module), the imports from a lower layer to a higher
one, the lines of ``codec/codec.py`` and the largest module. ``--json`` prints
them as one object. Exit status 1 when there is a cycle or an upward import.

    python tools/layers.py
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import grimp

LAYERS = ("algebra", "language", "memory", "codec", "expansion|dynamics", "voices", "interfaces")
"""Bottom to top; ``|`` joins layers that stand side by side and may not import each other."""
BASE = ("errors", "progress", "data")
"""Modules every layer may import: they import nothing of the package."""
SRC = Path(__file__).resolve().parents[1] / "src"


def layer_of(module: str) -> tuple[int, str] | None:
    """``(height, name)`` of a module's layer; ``None`` for the base and the root."""
    parts = module.split(".")
    if len(parts) < 2 or parts[1] in BASE or parts[1] == "__main__":
        return None
    for height, names in enumerate(LAYERS):
        if parts[1] in names.split("|"):
            return height, parts[1]
    raise SystemExit(f"{module} is in no layer: add it to LAYERS")


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        top = stack.pop()
                        on_stack.discard(top)
                        component.append(top)
                        if top == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def upward(graph: grimp.ImportGraph) -> list[tuple[str, str]]:
    """Imports from a module to one of a higher layer, or across side-by-side layers."""
    out = []
    for importer in sorted(graph.modules):
        a = layer_of(importer)
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            b = layer_of(imported)
            if a and b and (b[0] > a[0] or (b[0] == a[0] and b[1] != a[1])):
                out.append((importer, imported))
    return out


def sizes() -> dict[str, int]:
    """Lines of every module of the package, largest first."""
    files = sorted((SRC / "scenecodec").rglob("*.py"))
    counts = {str(f.relative_to(SRC)): len(f.read_text("utf-8").splitlines()) for f in files}
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    graph = grimp.build_graph("scenecodec")
    lines = sizes()
    largest = next(iter(lines.items()))
    report = {
        "modules": len(graph.modules),
        "imports": sum(len(graph.find_modules_directly_imported_by(m)) for m in graph.modules),
        "cycles": cycles(graph),
        "upward": upward(graph),
        "codec_lines": lines["scenecodec/codec/codec.py"],
        "largest": {"module": largest[0], "lines": largest[1]},
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"modules {report['modules']}, imports {report['imports']}")
        print(f"cycles {len(report['cycles'])}: {report['cycles']}")
        print(f"upward imports {len(report['upward'])}: {report['upward']}")
        print(f"codec/codec.py {report['codec_lines']} lines")
        print(f"largest module {largest[0]} ({largest[1]} lines)")
    return 1 if report["cycles"] or report["upward"] else 0


if __name__ == "__main__":
    sys.exit(main())
