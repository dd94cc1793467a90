"""The commands of the model voices: ``voices`` lists them, ``train-voice`` makes one.

Thin shells over :mod:`scenecodec.voices.installed` and :mod:`scenecodec.voices.train`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from rich.markup import escape

from scenecodec.codec import Codec
from scenecodec.errors import InputError
from scenecodec.expansion.bridge import NATIVE
from scenecodec.interfaces.cli.app import app, emit, out, progress_bar
from scenecodec.interfaces.cli.options import JsonOpt, MemoryOpt, option
from scenecodec.voices.installed import installed, voice_dir
from scenecodec.voices.model import GEMMA, Unavailable
from scenecodec.voices.train import corpus_pairs, train

__all__ = ["train_voice", "voices"]


@app.command()
def voices(as_json: JsonOpt = False) -> None:
    """List the installed model voices: name, the registers each was trained on, the
    model it adapts, its adapter's size and where it is, its licence, how it was
    trained. The four of the seed ship with the package; `train-voice` adds your own.

    Examples:

      scenecodec voices

      scenecodec voices --json
    """
    found = installed()

    def lines() -> None:
        for v in found:
            where = "shipped" if v.shipped else "yours"
            loss = v.trained.get("loss", ["?", "?"])
            out.print(
                f"[bold]{v.name:<12}[/] {', '.join(v.registers):<22} {v.size / 2**20:.1f} MB  "
                f"{where} · {v.trained.get('pairs', '?')} pairs, loss {loss[0]} → {loss[-1]}"
            )
            out.print(f"  {escape(str(v.adapter))}")
            out.print(f"  model {escape(v.model)} · {escape(v.licence)}")
        if not found:
            out.print("no model voices installed")

    emit(as_json, {"voices": [v.to_dict() for v in found]}, lines)


@app.command("train-voice")
def train_voice(
    corpus: Annotated[
        Path,
        option(
            "--corpus",
            help="A folder of your texts (*.txt, passages parted by blank lines, or *.jsonl "
            "with a \"text\" per line), or of the voices corpus (corpus/voices).",
        ),
    ],
    voice: Annotated[
        str,
        option(
            "--voice",
            help="The new voice's name (letters, digits, - and _); one of the seed's four "
            "(logician, poet, philosopher, bodily) replaces the shipped one for you.",
        ),
    ],
    epochs: Annotated[
        float, option("--epochs", min=0.01, max=20, help="Passes over the pairs.")
    ] = 2.0,
    seed: Annotated[int, option("--seed", min=0, help="Seed of the training.")] = 0,
    memory: MemoryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Train a model voice of your own: each of your texts is read into its scene, the
    scene expanded to its plan, and a LoRA adapter learns plan → your text (about a
    minute per 100 short texts on 2 cores, after the model is prepared once). Then
    `scenecodec expand SCENE --voice NAME` speaks every register in it.

    Examples:

      scenecodec train-voice --corpus my-texts/ --voice mine

      scenecodec train-voice --corpus corpus/voices --voice bodily
    """
    target = voice_dir(voice)
    with Codec.open(memory, missing="empty") as codec, progress_bar() as progress:
        pairs, registers = corpus_pairs(codec, corpus, NATIVE.get(voice, ()), progress)
        if not pairs:
            raise InputError(f"{corpus} gives no pairs for the voice {voice!r}")
        try:
            about = train(
                pairs, target, name=voice, registers=registers, epochs=epochs, seed=seed,
                progress=progress,
            )
        except Unavailable as missing:
            raise InputError(str(missing)) from None

    def lines() -> None:
        out.print(
            f"voice {voice}: {about['pairs']} pairs, {about['steps']} steps, "
            f"{about['minutes']} min, loss {about['loss'][0]} → {about['loss'][1]}; "
            f"saved to {escape(str(target))} (model {GEMMA})"
        )

    emit(as_json, {"voice": voice, "adapter": str(target)} | about, lines)
