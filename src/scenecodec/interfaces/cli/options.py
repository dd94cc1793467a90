"""The options every command shares, and the two helpers the commands declare theirs with.

>>> option("--goal", "-g", help="What the reader wants.").show_default
False
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

__all__ = ["JsonOpt", "MemoryOpt", "Words", "argument", "option"]


def option(*names: str, help: str, **kwargs: Any) -> Any:
    """A Typer option whose default is left out of ``--help`` (the help says it)."""
    return typer.Option(*names, help=help, show_default=False, **kwargs)


def argument(help: str) -> Any:
    """A Typer argument whose default is left out of ``--help``."""
    return typer.Argument(help=help, show_default=False)


Words = list[str] | None
"""Words given on the command line, joined by spaces where one text is meant."""

MemoryOpt = Annotated[
    str | None,
    option(
        "--memory",
        "-m",
        help="Memory: a file, or a PostgreSQL database postgresql://USER@HOST/DB (default: "
        "$SCENECODEC_MEMORY or the user data directory); only a write (compress, pulse) "
        "makes a missing one, a file in a directory that exists.",
    ),
]


JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]
