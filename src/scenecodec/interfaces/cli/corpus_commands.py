"""The command over a whole corpus: ingest, a shell over :mod:`~scenecodec.interfaces.ingest`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scenecodec.errors import InputError
from scenecodec.interfaces.cli.app import app, emit, out, progress_bar
from scenecodec.interfaces.cli.options import JsonOpt, MemoryOpt, argument, option
from scenecodec.interfaces.ingest import ingest as ingest_corpus

__all__ = ["ingest"]


@app.command()
def ingest(
    corpus: Annotated[
        Path, argument("A folder of .txt documents, or a JSON-lines file of {id, text}.")
    ],
    ray: Annotated[
        str | None,
        option(
            "--ray",
            help="Spread the work over Ray: 'local' starts a cluster on this machine, an "
            "ADDRESS (ray://head:10001, or auto) joins a running one.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Ray actors, one CPU each [every CPU of the cluster]."),
    ] = None,
    memory: MemoryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Read every document of a corpus into the memory: each is cut where its meaning
    shifts, its parts compressed and stored (the stream reader), its pulse kept under
    'document NAME'. Run again, it skips the documents stored already: a crash loses no
    more than the documents being read. With --ray, one actor per CPU reads batches of
    documents, each with its own codec on the memory — a PostgreSQL memory for a
    cluster (pip install 'scenecodec[ray]').

    Examples:

      scenecodec ingest books/ --memory postgresql://scenes@db.lan/scenes --ray local

      scenecodec ingest corpus.jsonl --ray auto --memory "$SCENECODEC_MEMORY" --json
    """
    if workers is not None and ray is None:
        raise InputError("--workers counts Ray actors: give --ray local (or a cluster's address)")
    with progress_bar() as progress:
        said = ingest_corpus(
            corpus,
            memory,
            use_ray=ray is not None,
            ray_address=None if ray in (None, "local") else ray,
            workers=workers,
            progress=progress,
        )
    emit(
        as_json,
        said,
        lambda: out.print(
            f"read {said['documents']} documents into {said['scenes']} scenes "
            f"({said['skipped']} stored before, {len(said['failed'])} unreadable; "
            f"{said['workers']} workers)"
        ),
    )
