"""Build ``src/scenecodec/data/compounds-en.txt``: English two-word nouns from WordNet.

Reads Princeton WordNet 3.0 as Debian's ``wordnet-base`` installs it
(``apt-get install wordnet-base``; ``/usr/share/wordnet/data.noun``) and keeps the
noun lemmas of exactly two lower-case words (``old man``, ``railway station``,
``full moon``; names such as ``Otto Wagner`` are written capitalised there and are
left out) whose words are both at least Zipf 3 in wordfreq's English list, so that
the phrase can turn up in ordinary text. The file carries WordNet's licence
notice, which permits copying with it. Run once when WordNet or the filter
changes (a few seconds):

    python tools/compounds_en.py
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from wordfreq import zipf_frequency

OUT = Path(__file__).resolve().parents[1] / "src" / "scenecodec" / "data" / "compounds-en.txt"
NOTICE = """\
# English two-word nouns, from Princeton WordNet 3.0 (data.noun), by tools/compounds_en.py.
# WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved.
# THIS SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO
# REPRESENTATIONS OR WARRANTIES, EXPRESS OR IMPLIED. Permission to use, copy, modify and
# distribute this database for any purpose and without fee or royalty is granted,
# provided this notice appears on all copies; the name of Princeton University may not be
# used in advertising or publicity pertaining to distribution of the database.
"""
_WORD = re.compile(r"[a-z]{2,}")


def compounds(data_noun: Path, min_zipf: float) -> list[str]:
    """The sorted two-word lower-case noun lemmas of WordNet's ``data.noun``."""
    found: set[str] = set()
    for line in data_noun.read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):
            continue  # the licence header
        fields = line.split(" ")
        for i in range(int(fields[3], 16)):
            parts = fields[4 + 2 * i].split("_")
            shaped = len(parts) == 2 and all(_WORD.fullmatch(p) for p in parts)
            if shaped and min(zipf_frequency(p, "en") for p in parts) >= min_zipf:
                found.add(" ".join(parts))
    return sorted(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet/data.noun"))
    parser.add_argument("--min-zipf", type=float, default=3.0)
    args = parser.parse_args()
    if not args.wordnet.exists():
        raise SystemExit(f"{args.wordnet} not found: apt-get install wordnet-base")
    rows = compounds(args.wordnet, args.min_zipf)
    OUT.write_text(NOTICE + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    print(f"{len(rows):,} compounds → {OUT}")


if __name__ == "__main__":
    main()
