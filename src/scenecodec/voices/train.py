"""Train a voice's LoRA adapter on (plan → text) pairs.

A pair is what a voice is given — a scene's plan as :meth:`~scenecodec.expansion.plan.Plan.prompt`
words it for one register — and the text it should write; the loss counts the text's
tokens only. Pairs come from a corpus folder (:func:`corpus_pairs`) in one of two kinds:

* **the voices corpus** (``corpus/voices/*.jsonl``: writers' plans and five register
  texts per scene): the registers the voice speaks natively
  (:data:`~scenecodec.expansion.bridge.NATIVE`), every other pair prompted by the plan
  the codec itself computes for the scene instead of the writer's, so that the voice
  learns to speak from the plans it is given at run time;
* **a user's own texts** (``*.txt`` files, passages parted by blank lines, or
  ``*.jsonl`` with a ``"text"`` per line): self-supervised — each passage is read into
  its scene (:meth:`~scenecodec.codec.Codec.resolve`), the scene expanded to its plan, and
  the passage's register is the one its words are nearest to (:func:`.verify.check`).

:func:`train` runs peft's LoRA (rank 8 on the attention projections) over the cut model
(:mod:`.model`) and saves the adapter with its ``voice.json``. Written here because no
library trains a LoRA on plans it does not know; the training itself is peft's.

>>> import tempfile, pathlib
>>> from scenecodec.voices.model import save, tiny
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> save(*tiny(), root / "tiny")
>>> about = train([("poetic · снег → дом\\n", "Снег идёт.")], root / "v", name="v",
...               registers=("poetic",), folder=root / "tiny", epochs=1)
>>> about["pairs"], sorted(p.name for p in (root / "v").iterdir())
(1, ['adapter_config.json', 'adapter_model.safetensors', 'voice.json'])
"""

from __future__ import annotations

import json
import random
import re
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from scenecodec.codec import Codec
from scenecodec.errors import InputError
from scenecodec.expansion.bridge import REGISTERS
from scenecodec.expansion.expand import expand
from scenecodec.expansion.plan import Plan
from scenecodec.progress import Progress
from scenecodec.voices.installed import LICENCE
from scenecodec.voices.model import GEMMA, Model, prepared
from scenecodec.voices.verify import check

__all__ = ["MAX_TOKENS", "corpus_pairs", "train", "written_pairs"]

MAX_TOKENS = 192
"""Longest pair, prompt and text together, in tokens."""
Pair = tuple[str, str]


def _records(folder: Path) -> Iterator[dict]:
    for path in sorted(folder.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError:
                    raise InputError(f"{path.name}:{number} is not JSON") from None


def _plan(codec: Codec, cue: str) -> Plan:
    plan = expand(codec, cue, neighbours=0, registers=["logical"]).plan
    assert plan is not None
    return plan


def written_pairs(
    codec: Codec, folder: Path, registers: Sequence[str], split: str = "train"
) -> list[Pair]:
    """The voices corpus's pairs of ``split`` for ``registers`` (see the module
    docstring), the odd ones prompted by the plan ``codec`` computes."""
    out: list[Pair] = []
    for record in _records(folder):
        if record.get("split") != split:
            continue
        written = Plan.from_dict(record)
        for register in registers:
            plan = _plan(codec, record["formula"]) if len(out) % 2 else written
            out.append((plan.prompt(register), record["texts"][register]))
    return out


def _passages(folder: Path) -> Iterator[str]:
    for path in sorted(folder.glob("*.txt")):
        for passage in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            if passage.strip():
                yield " ".join(passage.split())
    for record in _records(folder):
        if isinstance(record.get("text"), str) and record["text"].strip():
            yield record["text"].strip()


def corpus_pairs(
    codec: Codec, folder: Path, registers: Sequence[str], progress: Progress | None = None
) -> tuple[list[Pair], tuple[str, ...]]:
    """(pairs, registers they are in) of a corpus folder of either kind (see the module
    docstring); ``registers`` are the voice's, for the voices corpus."""
    if not folder.is_dir():
        raise InputError(f"no corpus folder {folder}")
    if any("texts" in r for r in _records(folder)):
        return written_pairs(codec, folder, registers), tuple(registers)
    passages = list(_passages(folder))
    if not passages:
        raise InputError(f"{folder} holds no texts (*.txt, or *.jsonl with a \"text\" each)")
    embedder = codec.atoms.embedder
    out: list[Pair] = []
    spoken: set[str] = set()
    for done, text in enumerate(passages, 1):
        scene = codec.resolve(text)
        plan = _plan(codec, scene.formula)
        lemmas = {c.lemma for c in scene.concepts}
        nearest = check(embedder, text, REGISTERS[0], lemmas, codec.meaning(scene), plan.lang)
        out.append((plan.prompt(nearest.register), text))
        spoken.add(nearest.register)
        if progress is not None:
            progress("reading the texts into scenes", done, len(passages))
    return out, tuple(r for r in REGISTERS if r in spoken)


def _examples(model: Model, pairs: Sequence[Pair]) -> list[dict[str, Any]]:
    """Each pair's ids in the cut vocabulary, labels -100 over the prompt."""
    import torch

    eos = model.tokenizer.eos_token
    heads = model.ids([p for p, _ in pairs])
    wholes = model.ids([p + t + eos for p, t in pairs])
    out = []
    for head, whole in zip(heads, wholes, strict=True):
        ids = torch.tensor(whole[:MAX_TOKENS])
        labels = ids.clone()
        labels[: len(head)] = -100
        out.append({"input_ids": ids, "labels": labels})
    return out


def _batches(examples: list[dict[str, Any]], size: int, pad: int, rng: random.Random) -> list:
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


def train(
    pairs: Sequence[Pair],
    out: Path,
    *,
    name: str,
    registers: Sequence[str],
    folder: Path | None = None,
    epochs: float = 2.0,
    batch: int = 8,
    rank: int = 8,
    lr: float = 3e-4,
    seed: int = 0,
    progress: Progress | None = None,
) -> dict:
    """Train a rank-``rank`` LoRA on ``pairs`` over the model of ``folder`` (default the
    prepared Gemma) for ``epochs`` and save it to ``out`` (written beside it, renamed
    into place) with ``voice.json``; returns what ``voice.json`` says."""
    if not pairs:
        raise InputError("no pairs to train on")
    import torch
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(seed)
    rng = random.Random(seed)
    model = Model.load(folder or prepared(progress))
    lora = get_peft_model(
        model.torch,
        LoraConfig(
            r=rank,
            lora_alpha=2 * rank,
            lora_dropout=0.05,
            task_type="CAUSAL_LM",
            target_modules=["q_proj", "k_proj", "v_proj", "o_proj"],
        ),
    )
    examples = _examples(model, pairs)
    optimiser = torch.optim.AdamW([p for p in lora.parameters() if p.requires_grad], lr=lr)
    steps = max(1, int(epochs * ((len(examples) + batch - 1) // batch)))
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda s: 1 - s / steps)
    lora.train()
    losses: list[float] = []
    begun = time.perf_counter()
    while len(losses) < steps:
        for chunk in _batches(examples, batch, model.eos, rng)[: steps - len(losses)]:
            loss = lora(**chunk).loss
            loss.backward()
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            losses.append(float(loss.item()))
            if progress is not None:
                progress(f"training {name} (loss {losses[-1]:.2f})", len(losses), steps)
    about = {
        "voice": name,
        "registers": list(registers),
        "model": GEMMA if folder is None else str(folder),
        "licence": LICENCE,
        "pairs": len(examples),
        "epochs": epochs,
        "steps": steps,
        "rank": rank,
        "minutes": round((time.perf_counter() - begun) / 60, 1),
        "loss": [round(losses[0], 3), round(sum(losses[-10:]) / len(losses[-10:]), 3)],
        "seed": seed,
    }
    _save(lora, about, out)
    return about


def _save(lora: Any, about: dict, out: Path) -> None:
    """peft's two files and ``voice.json`` into ``out``, replacing what was there."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(dir=out.parent, prefix=out.name + "."))
    try:
        lora.save_pretrained(partial)
        (partial / "README.md").unlink(missing_ok=True)
        config = json.loads((partial / "adapter_config.json").read_text())
        config["base_model_name_or_path"] = about["model"]
        (partial / "adapter_config.json").write_text(json.dumps(config, indent=2) + "\n")
        (partial / "voice.json").write_text(
            json.dumps(about, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        shutil.rmtree(out, ignore_errors=True)
        partial.rename(out)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
