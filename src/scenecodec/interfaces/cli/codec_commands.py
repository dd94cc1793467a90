"""The commands over one memory: compress, decode, recall, concepts, split, list, show.

Each is a thin shell over one :class:`~scenecodec.codec.Codec` method; ``scenecodec
COMMAND --help`` shows its options and examples, ``tests/test_cli.py`` runs them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.table import Table

from scenecodec.algebra import hv
from scenecodec.codec import Codec, Scene
from scenecodec.errors import InputError
from scenecodec.interfaces.cli.app import (
    app,
    emit,
    file_formulas,
    out,
    output_path,
    progress_bar,
)
from scenecodec.interfaces.cli.options import JsonOpt, MemoryOpt, Words, argument, option
from scenecodec.interfaces.cli.render import decoded_table, recalled_table, scene_lines
from scenecodec.interfaces.cli.stream import emit_items

__all__ = ["compress", "concepts", "decode", "list_scenes", "recall", "show", "split"]


@app.command()
def compress(
    concepts: Annotated[Words, argument("Concepts (жар страх тишина) or one formula.")] = None,
    anchor: Annotated[
        str | None, option("--anchor", "-a", help="The anchor: the scene's point of action.")
    ] = None,
    text: Annotated[
        str | None,
        typer.Option(
            "--text", "-t", help="Free text (Russian or English): its 3–7 concepts and anchor."
        ),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            "-f",
            help="Compress every formula in FILE (one a line, # comments; at most 64 MiB).",
        ),
    ] = None,
    memory: MemoryOpt = None,
    dim: Annotated[int | None, option(help="Dimension of a new memory [1024].")] = None,
    seed: Annotated[int | None, option(help="Seed of a new memory [0].")] = None,
    alpha: Annotated[
        float | None, option(help="Grounding weight α of a new memory's atoms [0.7].")
    ] = None,
    embedder: Annotated[
        str | None,
        typer.Option(help="Embedder of a new memory: e5, use, navec, hash or st:MODEL [e5]."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Compress concepts into a scene and store it; print its code, glyph, formula and name.

    Examples:

      scenecodec compress жар страх тишина --anchor вход

      scenecodec compress "(жар + страх → шаг) + тишина → вход"

      scenecodec compress --text "жаркая тревожная тишина перед тем, как войти"

      scenecodec compress --file scenes.txt
    """
    with Codec.open(memory, dim=dim, seed=seed, alpha=alpha, embedder=embedder) as codec:
        if sum((bool(concepts), text is not None, file is not None)) > 1:
            raise InputError("give one of concepts, --text or --file")
        if text is not None:
            scene = codec.compress(text=text, anchor=anchor)
            emit(as_json, scene.to_dict(), lambda: scene_lines(scene))
            return
        if file is not None:
            if anchor:
                raise InputError("--anchor does not go with --file; write anchors in the formulas")
            scenes = _compress_file(codec, file)
            emit(
                as_json,
                {"scenes": [s.to_dict() for s in scenes]},
                lambda: out.print(f"stored {len(scenes)} scenes; memory holds {codec.count()}"),
            )
            return
        if not concepts:
            raise InputError("give concepts (жар страх тишина), a formula, or --file")
        target = concepts[0] if len(concepts) == 1 and anchor is None else concepts
        scene = codec.compress(target, anchor)
        emit(as_json, scene.to_dict(), lambda: scene_lines(scene))


def _compress_file(codec: Codec, file: Path) -> list[Scene]:
    formulas = file_formulas(file)
    with progress_bar() as progress:
        return codec.compress_many(formulas, progress=progress)


@app.command()
def decode(
    vector: Annotated[
        Path,
        option("--vector", "-v", help="A .npy file: (d,) of ±1 or (d/8,) packed uint8."),
    ],
    memory: MemoryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Decode a vector alone into concepts, anchor and rhythm, with confidences and residual.

    Example:

      scenecodec show Δ1 --save-vector v.npy && scenecodec decode --vector v.npy
    """
    with Codec.open(memory, missing="error") as codec:
        decoded = codec.decode(_load_vector(vector, codec.settings.dim))

        def render() -> None:
            out.print(decoded.formula)
            decoded_table(decoded)

        emit(as_json, decoded.to_dict(), render)


_HEADERS = {
    (1, 0): np.lib.format.read_array_header_1_0,
    (2, 0): np.lib.format.read_array_header_2_0,
    (3, 0): np.lib.format.read_array_header_2_0,  # 3.0 differs only in allowing UTF-8
}


def _load_vector(path: Path, dim: int) -> np.ndarray:
    """The vector in a .npy file, its header checked (shape, type) before its data is read:
    a header claiming terabytes is refused, not allocated."""
    try:
        with path.open("rb") as fh:
            version = np.lib.format.read_magic(fh)
            if version not in _HEADERS:
                raise ValueError(f"format version {version[0]}.{version[1]} is not known")
            shape, _, dtype = _HEADERS[version](fh)
            hv.check_vector(shape, dtype, dim)
            fh.seek(0)
            return np.lib.format.read_array(fh, allow_pickle=False)
    except InputError as e:
        raise InputError(f"{path}: {e}") from None
    except (ValueError, EOFError) as e:
        raise InputError(f"{path} is not a .npy array ({e})") from None


@app.command()
def recall(
    cue: Annotated[Words, argument("Concepts, text, fused name, formula, Δ-code or glyph.")] = None,
    top: Annotated[int, typer.Option("--top", "-k", min=1, help="How many scenes.")] = 10,
    vector: Annotated[
        Path | None, option("--vector", "-v", help="Use a .npy vector as the cue.")
    ] = None,
    memory: MemoryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Recall the stored scenes nearest to a cue, with cosine scores.

    Examples:

      scenecodec recall жар страх

      scenecodec recall "жар + страх → вход" --top 3
    """
    if (vector is None) == (not cue):
        raise InputError("give a cue or --vector, one of the two")
    with Codec.open(memory, missing="error") as codec:
        if vector:
            query: np.ndarray | str = _load_vector(vector, codec.settings.dim)
        else:
            assert cue is not None  # checked above: a cue when there is no --vector
            query = " ".join(cue)
        results = codec.recall(query, k=top)
        emit(
            as_json,
            {"results": [r.to_dict() for r in results]},
            lambda: recalled_table(results, "recalled"),
        )


@app.command()
def concepts(
    text: Annotated[list[str], typer.Argument(help="Free text, Russian or English.")],
    memory: MemoryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show the concepts free text compresses to: lemma, part of speech, salience and
    why (rarity, centrality), and the anchor. Nothing is stored.

    Examples:

      scenecodec concepts "жаркая тревожная тишина перед тем, как войти"

      scenecodec concepts "the smell of rain on hot asphalt" --json
    """
    with Codec.open(memory, missing="empty") as codec:
        chosen = codec.concepts(" ".join(text))

        def render() -> None:
            out.print(f"  formula  {chosen.formula.render()}")
            table = Table(box=None)
            for column in ("", "concept", "from", "pos", "salience", "rarity", "centrality"):
                table.add_column(column)
            picked = {c.lemma for c in chosen.parts} | (
                {chosen.anchor.lemma} if chosen.anchor else set()
            )
            for c in chosen.candidates:
                mark = (
                    "→"
                    if chosen.anchor and c.lemma == chosen.anchor.lemma
                    else ("•" if c.lemma in picked else "")
                )
                table.add_row(
                    mark,
                    c.lemma,
                    " ".join(c.words),
                    c.pos,
                    f"{c.salience:.3f}",
                    f"{c.rarity:.3f}",
                    f"{c.centrality:.3f}",
                )
            out.print(table)

        emit(as_json, chosen.to_dict(), render)


@app.command()
def split(
    name: Annotated[str, argument("A fused name such as тишинажарвход.")],
    memory: MemoryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Split a fused name into words, with the cost of each reading and the alternatives.

    Example:

      scenecodec split тишинажарвход
    """
    with Codec.open(memory, missing="empty") as codec:
        result = codec.split(name)

        def render() -> None:
            out.print(" | ".join(result.parts) + f"   (cost {result.best.cost:.1f})")
            for alt in result.alternatives:
                out.print(f"  or {' | '.join(alt.parts)}   (cost {alt.cost:.1f})")

        emit(as_json, result.to_dict(), render)


@app.command("list")
def list_scenes(
    limit: Annotated[int, typer.Option("--limit", min=0, help="At most this many (0: all).")] = 50,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Skip this many.")] = 0,
    memory: MemoryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List stored scenes in code order, each printed as it is read (memory does not
    grow with --limit 0 over a large memory)."""
    with Codec.open(memory, missing="error") as codec:
        total = codec.count()
        scenes = codec.iter_scenes(offset, limit or None)
        if as_json:
            emit_items(sys.stdout, "scenes", (s.to_dict() for s in scenes), {"total": total})
            return
        shown = 0
        for s in scenes:
            out.print(f"{s.code:>6}  {s.glyph}  {s.formula}")
            shown += 1
        out.print(f"{shown} of {total} scenes")


@app.command()
def show(
    code: Annotated[str, argument("A Δ-code such as Δ1.")],
    save_vector: Annotated[
        Path | None,
        typer.Option("--save-vector", help="Also write the scene's vector to this .npy file."),
    ] = None,
    memory: MemoryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show one stored scene by its Δ-code."""
    if save_vector is not None:
        output_path(save_vector, ["npy"])
    with Codec.open(memory, missing="error") as codec:
        scene = codec.show(code)
        if save_vector is not None:
            np.save(save_vector, scene.vector)
        emit(as_json, scene.to_dict(), lambda: scene_lines(scene))
