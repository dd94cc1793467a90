"""Train the shipped voices' adapters on the voices corpus, as they ship.

For each voice named (default all four), :func:`scenecodec.voices.train.train` on the
pairs :func:`~scenecodec.voices.train.written_pairs` makes of ``corpus/voices`` (the
voice's native registers, :data:`~scenecodec.expansion.bridge.NATIVE`; half the
prompts from the codec's own plans), written into ``src/scenecodec/voices/adapters/``.
About 6 min per register on 2 idle cores; ``--sample N`` then prints the voice's greedy
text for N held-out scenes.

    python tools/train_voices.py logician philosopher --sample 4
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from scenecodec import Codec
from scenecodec.expansion.bridge import NATIVE
from scenecodec.voices.installed import SHIPPED
from scenecodec.voices.model import Model, prepared
from scenecodec.voices.train import train, written_pairs

ROOT = Path(__file__).resolve().parents[1]


def progress(stage: str, done: int, total: int) -> None:
    if done % 10 == 0 or done == total:
        print(f"{stage}: {done}/{total}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("voices", nargs="*", choices=sorted(NATIVE), default=[])
    parser.add_argument("--epochs", type=float, default=2.0)
    parser.add_argument("--sample", type=int, default=0, help="held-out scenes to write")
    args = parser.parse_args()
    corpus = ROOT / "corpus" / "voices"
    with tempfile.TemporaryDirectory() as folder, Codec.open(
        Path(folder) / "plans.sqlite", missing="empty"
    ) as codec:
        for voice in args.voices or sorted(NATIVE):
            registers = NATIVE[voice]
            pairs = written_pairs(codec, corpus, registers)
            about = train(
                pairs, SHIPPED / voice, name=voice, registers=registers, epochs=args.epochs,
                progress=progress,
            )
            print(voice, about)
            if args.sample:
                sample(codec, corpus, voice, args.sample)


def sample(codec: Codec, corpus: Path, voice: str, count: int) -> None:
    """Greedy texts of ``count`` held-out scenes in ``voice``'s first register."""
    from peft import PeftModel

    model = Model.load(prepared())
    held = written_pairs(codec, corpus, NATIVE[voice][:1], split="heldout")
    chosen = held[:: max(1, len(held) // count)][:count]
    lora = PeftModel.from_pretrained(model.torch, SHIPPED / voice)
    voiced = Model(lora, model.tokenizer, model.vocabulary)
    texts = voiced.generate([p for p, _ in chosen], sample=False)
    for (prompt, _), text in zip(chosen, texts, strict=True):
        print(f"\n{prompt.strip()}\n→ {text}")


if __name__ == "__main__":
    main()
