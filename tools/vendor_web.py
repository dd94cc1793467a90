"""Vendor the page's two front-end libraries into ``src/scenecodec/interfaces/web/vendor/``.

The page (``scenecodec serve``, then open ``/``) draws the scene cloud with Cytoscape.js
and the pulse timeline with uPlot, both MIT. They are committed, not fetched at run time:
this script is how they got there. It runs ``npm pack`` for the pinned versions, checks
each tarball against the registry's sha512 integrity, and copies the built files and the
licence.

Run: ``python tools/vendor_web.py`` (needs ``npm`` and the npm registry).
"""

from __future__ import annotations

import base64
import hashlib
import subprocess
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parents[1] / "src/scenecodec/interfaces/web/vendor"
PACKAGES = {
    "cytoscape@3.35.0": (
        "sha512-sMvBIXiGMnhkCaWz2R06FwF/27MNlS+Tqvi17foO9UhnUg3XGZccKjxsvEqQFAQYMSSZmN5SxYzUYlQ0DOJJ3g==",
        {"dist/cytoscape.min.js": "cytoscape.min.js", "LICENSE": "cytoscape.LICENSE"},
    ),
    "uplot@1.6.32": (
        "sha512-KIMVnG68zvu5XXUbC4LQEPnhwOxBuLyW1AHtpm6IKTXImkbLgkMy+jabjLgSLMasNuGGzQm/ep3tOkyTxpiQIw==",
        {
            "dist/uPlot.iife.min.js": "uPlot.iife.min.js",
            "dist/uPlot.min.css": "uPlot.min.css",
            "LICENSE": "uPlot.LICENSE",
        },
    ),
}


def integrity(path: Path) -> str:
    """npm's ``sha512-<base64>`` integrity string of a file."""
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def main() -> None:
    VENDOR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for spec, (expected, files) in PACKAGES.items():
            packed = subprocess.run(
                ["npm", "pack", spec, "--silent"], cwd=tmp, check=True, capture_output=True
            )
            name = packed.stdout.decode().split()[-1]
            tarball = Path(tmp) / name
            if integrity(tarball) != expected:
                raise SystemExit(f"{spec}: integrity mismatch")
            with tarfile.open(tarball) as tar:
                for inner, outer in files.items():
                    data = tar.extractfile(f"package/{inner}")
                    assert data is not None, inner
                    (VENDOR / outer).write_bytes(data.read())
            print(f"{spec}: {', '.join(files.values())}")


if __name__ == "__main__":
    main()
