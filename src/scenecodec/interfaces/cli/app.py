"""The Typer app, its shared options, progress bars and the one-line error handling.

>>> from typer.testing import CliRunner
>>> from scenecodec.interfaces.cli import app
>>> CliRunner().invoke(app, ["--version"]).output.startswith("scenecodec ")
True
"""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from pathlib import Path
from typing import Annotated, Any, BinaryIO

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from scenecodec.errors import InputError, ScenecodecError
from scenecodec.interfaces.cli.stream import ascii_only
from scenecodec.language.forms import Formula, read_formula

__all__ = [
    "MAX_FILE_BYTES",
    "app",
    "emit",
    "err",
    "file_formulas",
    "input_bytes",
    "main",
    "out",
    "output_path",
    "progress_bar",
    "read_text",
]

MAX_FILE_BYTES = 64 * 2**20
"""The most a file given to ``--file`` or ``--text`` (or standard input) may hold: 64 MiB,
a million formulas; more is refused after reading one byte past it."""

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
    """Print ``payload`` as one JSON object (ASCII escapes where stdout is not UTF-8),
    else call ``render``."""
    if as_json:
        sys.stdout.write(json.dumps(payload, ensure_ascii=ascii_only(sys.stdout)) + "\n")
    else:
        render()


def input_bytes(file: Path) -> AbstractContextManager[BinaryIO]:
    """``file`` opened to read bytes; ``-``: standard input (left open after)."""
    return nullcontext(sys.stdin.buffer) if str(file) == "-" else file.open("rb")


def read_text(file: Path) -> str:
    """A UTF-8 file's text (``-``: standard input), at most :data:`MAX_FILE_BYTES`."""
    with input_bytes(file) as stream:
        data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"{file} is longer than {MAX_FILE_BYTES:,} bytes, the most read")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"{file} is not UTF-8 text ({e.reason} at byte {e.start})") from None


def output_path(path: Path, suffixes: Collection[str]) -> Path:
    """``path`` checked before any work is done: a file (not a directory) whose name
    ends in one of ``suffixes`` (``"npy"``, ``"png"``, …), in a directory that exists
    and can be written; else :class:`InputError`.

    >>> output_path(Path("v.txt"), ["npy"])
    Traceback (most recent call last):
    ...
    scenecodec.errors.InputError: v.txt: the file name must end in .npy
    """
    endings = ", ".join(f".{s}" for s in sorted(suffixes))
    if path.is_dir():
        raise InputError(f"{path} is a directory; give a file name ending in {endings}")
    if path.suffix.lower().lstrip(".") not in suffixes:
        raise InputError(f"{path}: the file name must end in {endings}")
    parent = path.parent
    if not parent.is_dir():
        raise InputError(f"cannot write {path}: its directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise InputError(f"cannot write {path}: its directory {parent} is read-only")
    return path


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
    """Entry point: run the app; turn known failures into one line on stderr and exit 2.
    What the terminal cannot show is printed as backslash escapes."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    try:
        _check_utf8(sys.argv[1:] if argv is None else argv)
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


def _check_utf8(args: Sequence[str]) -> None:
    """:class:`InputError` for an argument that is not UTF-8 text (the bytes Python could
    not decode arrive as lone surrogates): nothing is stored from it."""
    for n, arg in enumerate(args, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "backslashreplace").decode()
            with suppress(UnicodeEncodeError):  # undecodable bytes shown as they were given
                shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            shown = shown if len(shown) <= 60 else f"{shown[:60]}…"
            raise InputError(f"argument {n} is not UTF-8 text: {shown}") from None


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
