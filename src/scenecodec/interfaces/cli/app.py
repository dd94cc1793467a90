"""The Typer app, its shared options, progress bars and the one-line error handling.

>>> from typer.testing import CliRunner
>>> from scenecodec.interfaces.cli import app
>>> CliRunner().invoke(app, ["--version"]).output.startswith("scenecodec ")
True
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from scenecodec.errors import InputError, ScenecodecError
from scenecodec.language.forms import Formula, read_formula

__all__ = [
    "app",
    "emit",
    "err",
    "file_formulas",
    "main",
    "out",
    "progress_bar",
    "read_text",
]

app = typer.Typer(
    name="scenecodec",
    help=(
        "Compress meaning into scenes and expand it back.\n\n"
        "A scene is a few concepts with an optional anchor, e.g. "
        "'жар + страх + тишина → вход'. It is stored as one hypervector with four "
        "forms: fused name (жарстрахтишинавход), Δ-code (Δ1), glyph and formula."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from scenecodec import __version__

        print(f"scenecodec {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Compress meaning into scenes and expand it back."""


out = Console(highlight=False, soft_wrap=True)


err = Console(stderr=True, highlight=False)


def emit(as_json: bool, payload: dict, render: Callable[[], None]) -> None:
    if as_json:
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
    else:
        render()


def read_text(file: Path) -> str:
    """A UTF-8 file's text (``-``: standard input)."""
    try:
        if str(file) == "-":
            return sys.stdin.buffer.read().decode("utf-8")
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"{file} is not UTF-8 text ({e.reason} at byte {e.start})") from None


def file_formulas(file: Path) -> list[Formula]:
    """The formulas of a UTF-8 file, one a line, ``#`` comments and blank lines skipped."""
    text = read_text(file)
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1)]
    lines = [(n, line) for n, line in lines if line and not line.startswith("#")]
    formulas = []
    for n, line in lines:
        try:
            formulas.append(read_formula(line))
        except InputError as e:
            raise InputError(f"{file}:{n}: {e}") from None
    return formulas


@contextmanager
def progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    """A transient progress display on stderr; yields a ``(stage, done, total)``
    callback (``total`` 0: not known in advance)."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    bar = Progress(*columns, console=err, transient=True, disable=not err.is_terminal)
    tasks: dict[str, Any] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if not tasks:
            bar.start()  # only once there is something to show: errors stay one line
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total or None)
        bar.update(tasks[stage], completed=done, total=total or None)

    try:
        yield progress
    finally:
        if tasks:
            bar.stop()


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app; turn known failures into one line on stderr and exit 2."""
    try:
        status = app(args=argv, prog_name="scenecodec", standalone_mode=False)
    except typer.Abort:
        _fail("aborted", 1)
    except ScenecodecError as e:
        _fail(f"error: {e}", 2)
    except OSError as e:
        _fail(f"error: {e.strerror or e}: {e.filename or ''}".rstrip(": "), 2)
    except Exception as e:
        if hasattr(e, "format_message") and hasattr(e, "exit_code"):  # typer's usage errors
            _usage(e)
        if os.environ.get("SCENECODEC_DEBUG"):
            raise
        _fail(
            "internal error (please report; SCENECODEC_DEBUG=1 shows the traceback): "
            f"{type(e).__name__}: {e}",
            1,
        )
    if isinstance(status, int) and status:
        sys.exit(status)


def _usage(e: Any) -> None:
    """A command-line usage error as one line (help itself, asked for by giving no
    arguments, is printed whole)."""
    ctx = getattr(e, "ctx", None)
    if type(e).__name__ == "NoArgsIsHelpError" and ctx is not None:
        sys.stdout.write(ctx.get_help() + "\n")
        sys.exit(e.exit_code)
    where = f"{ctx.command_path} --help" if ctx is not None else "scenecodec --help"
    _fail(f"error: {e.format_message()} (see {where})", e.exit_code)


def _fail(message: str, status: int) -> None:
    sys.stderr.write(" ".join(message.split()) + "\n")
    sys.exit(status)
