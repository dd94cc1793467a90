"""The ``scenecodec`` command line: a thin shell over :class:`scenecodec.Codec`.

Every command takes ``--json`` (one JSON object on stdout, the shapes of
DESIGN.md) and ``--memory PATH`` (else ``$SCENECODEC_MEMORY``, else the user
data directory). Bad input prints one line, ``error: …``, on stderr and exits
with status 2, leaving the memory as it was.

    scenecodec compress жар страх тишина --anchor вход
    scenecodec expand тишинажарвход
    scenecodec recall жар страх
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from scenecodec.codec import Codec, Decoded, Recalled, Scene
from scenecodec.dynamics.pulse import pulse as run_pulse
from scenecodec.dynamics.roles import Role
from scenecodec.dynamics.roles import roles as scene_roles
from scenecodec.dynamics.stream import stream as read_stream
from scenecodec.dynamics.timeline import Timeline
from scenecodec.errors import InputError, ScenecodecError
from scenecodec.expansion.expand import Expansion
from scenecodec.expansion.expand import expand as expand_scene
from scenecodec.expansion.unfold import MicroScene
from scenecodec.language.forms import Formula, read_formula
from scenecodec.language.morph import language

__all__ = ["app", "main"]

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

MemoryOpt = Annotated[
    Path | None,
    typer.Option(
        "--memory",
        "-m",
        help="Memory file (default: $SCENECODEC_MEMORY or the user data directory).",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]


def _emit(as_json: bool, payload: dict, render: Callable[[], None]) -> None:
    if as_json:
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
    else:
        render()


def _scene_lines(scene: Scene) -> None:
    code = scene.code or "(not stored)"
    out.print(f"[bold]{code}[/]  {scene.glyph}  {scene.formula}")
    out.print(f"  name      {scene.name}")
    parts = " · ".join(f"{c.lemma} ({c.phase})" for c in scene.concepts)
    out.print(f"  concepts  {parts}")
    out.print(f"  anchor    {scene.anchor or '—'}")


def _decoded_table(decoded: Decoded) -> None:
    table = Table(title="decoded from the vector alone", title_justify="left", box=None)
    for column in ("slot", "concept", "confidence", "similarity"):
        table.add_column(column)
    rows = [*decoded.concepts, *([decoded.anchor] if decoded.anchor else [])]
    for c in rows:
        table.add_row(c.phase, c.lemma, f"{c.confidence:.3f}", f"{c.similarity:.3f}")
    out.print(table)
    out.print(
        f"  residual  {decoded.residual:.3f}  (energy the parts leave unexplained; "
        f"≈0.3 for a clean scene)"
    )


def _recalled_table(results: list[Recalled], title: str) -> None:
    if not results:
        out.print(f"{title}: none")
        return
    table = Table(title=title, title_justify="left", box=None)
    for column in ("code", "glyph", "score", "formula"):
        table.add_column(column)
    for r in results:
        table.add_row(r.scene.code or "", r.scene.glyph, f"{r.score:.3f}", r.scene.formula)
    out.print(table)


@app.command()
def compress(
    concepts: Annotated[
        list[str] | None,
        typer.Argument(
            help="Concepts in order (жар страх тишина), or one formula ('жар + страх → вход').",
            show_default=False,
        ),
    ] = None,
    anchor: Annotated[
        str | None, typer.Option("--anchor", "-a", help="The anchor: the scene's point of action.")
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
            "--file", "-f", help="Compress every formula in FILE (one a line, # comments)."
        ),
    ] = None,
    memory: MemoryOpt = None,
    dim: Annotated[int | None, typer.Option(help="Dimension of a new memory [1024].")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of a new memory [0].")] = None,
    alpha: Annotated[
        float | None, typer.Option(help="Grounding weight α of a new memory's atoms [0.7].")
    ] = None,
    embedder: Annotated[
        str | None,
        typer.Option(help="Embedder of a new memory: e5, navec, hash or st:MODEL [e5]."),
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
            _emit(as_json, scene.to_dict(), lambda: _scene_lines(scene))
            return
        if file is not None:
            if anchor:
                raise InputError("--anchor does not go with --file; write anchors in the formulas")
            scenes = _compress_file(codec, file)
            _emit(
                as_json,
                {"scenes": [s.to_dict() for s in scenes]},
                lambda: out.print(f"stored {len(scenes)} scenes; memory holds {codec.count()}"),
            )
            return
        if not concepts:
            raise InputError("give concepts (жар страх тишина), a formula, or --file")
        target = concepts[0] if len(concepts) == 1 and anchor is None else concepts
        scene = codec.compress(target, anchor)
        _emit(as_json, scene.to_dict(), lambda: _scene_lines(scene))


def _read_text(file: Path) -> str:
    """A UTF-8 file's text (``-``: standard input)."""
    try:
        if str(file) == "-":
            return sys.stdin.buffer.read().decode("utf-8")
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"{file} is not UTF-8 text ({e.reason} at byte {e.start})") from None


def _file_formulas(codec: Codec, file: Path) -> list[Formula]:
    """The formulas of a UTF-8 file, one a line, ``#`` comments and blank lines skipped."""
    text = _read_text(file)
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
def _progress_bar() -> Iterator[Callable[[str, int, int], None]]:
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


def _compress_file(codec: Codec, file: Path) -> list[Scene]:
    formulas = _file_formulas(codec, file)
    with _progress_bar() as progress:
        return codec.compress_many(formulas, progress=progress)


@app.command()
def expand(
    scene: Annotated[
        list[str],
        typer.Argument(
            help="A fused name, Δ-code, glyph, formula, concepts or free text.",
            show_default=False,
        ),
    ],
    memory: MemoryOpt = None,
    neighbours: Annotated[
        int, typer.Option("--neighbours", "-n", min=0, help="How many nearest stored scenes.")
    ] = 5,
    depth: Annotated[
        int | None,
        typer.Option(
            "--depth",
            "-d",
            min=1,
            max=5,
            help="Levels of unfolding: 1 = the micro-scenes only [default: the HyperBridge's "
            "pace, 1, or 2 for a calm scene].",
            show_default=False,
        ),
    ] = None,
    breadth: Annotated[
        int | None,
        typer.Option(
            "--breadth", "-b", min=1, help="Micro-scenes unfolded further per level (default all)."
        ),
    ] = None,
    context: Annotated[
        list[str] | None,
        typer.Option(
            "--context",
            "-c",
            help="A scene or text to read this one in (repeat for several); changes the "
            "glosses and the order of micro-scenes.",
            show_default=False,
        ),
    ] = None,
    registers: Annotated[
        str | None,
        typer.Option(
            "--registers",
            "-r",
            help="Registers to speak, comma-separated: logical, poetic, emotional, "
            "archetypal, bodily [default: those the HyperBridge activates].",
            show_default=False,
        ),
    ] = None,
    goal: Annotated[
        str | None,
        typer.Option(
            "--goal",
            "-g",
            help="What the reader wants (any text); steers the registers' weights.",
            show_default=False,
        ),
    ] = None,
    voice: Annotated[
        str | None,
        typer.Option(
            "--voice",
            "-v",
            help="Who speaks every register: poet, logician, philosopher or bodily "
            "[default: each register's own voice].",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Expand a scene: its micro-scenes (gloss, phase, archetype, tension, memory context,
    templates; unfolded recursively with --depth) and its five registers — logical,
    poetic, emotional, archetypal, bodily — as the HyperBridge weighs them, paces them
    and routes them to voices; plus the decoded vector and the nearest stored scenes.
    --json adds the bridge's weights, pace and the reason for each choice.

    Examples:

      scenecodec expand тишинажарвход

      scenecodec expand Δ1 --depth 2 --breadth 2 --json

      scenecodec expand "жар + страх + тишина → вход" --context "прощание на вокзале"

      scenecodec expand тишинажарвход --registers poetic,bodily --voice poet

      scenecodec expand "heat + fear + silence → entrance" --goal "calm my body down"

      scenecodec expand "hot anxious silence before stepping inside"
    """
    with Codec.open(memory) as codec, _progress_bar() as progress:
        expansion = expand_scene(
            codec,
            " ".join(scene),
            neighbours=neighbours,
            context=context,
            depth=depth,
            breadth=breadth,
            registers=None if registers is None else [r.strip() for r in registers.split(",")],
            goal=goal,
            voice=voice,
            progress=progress,
        )
    _emit(as_json, expansion.to_dict(), lambda: _render_expansion(expansion))


def _render_expansion(expansion: Expansion) -> None:
    _scene_lines(expansion.scene)
    tension = "—" if expansion.tension is None else f"{expansion.tension:.3f}"
    kind = expansion.archetype
    out.print(f"  tension   {tension}  (how far the parts stand from the anchor, 0…1)")
    name = "none" if kind is None else kind.archetype.name(expansion.language)
    out.print(f"  archetype {name}")
    out.print()
    _microscene_lines(expansion.microscenes, "")
    if len(expansion.levels) > 1:
        shown = " · ".join(f"depth {d}: {r:.3f} ({n})" for d, n, r in expansion.levels)
        out.print(f"  residual by level  {shown}")
    out.print()
    _register_lines(expansion)
    out.print()
    _decoded_table(expansion.decoded)
    out.print()
    _recalled_table(list(expansion.neighbours), "nearest stored scenes")


def _register_lines(expansion: Expansion) -> None:
    if expansion.bridge is None:
        return
    pace = expansion.bridge.pace
    out.print(
        f"  [bold]registers[/]  pace: depth {pace.depth} · breadth {pace.breadth} · "
        f"length {pace.length} ({escape(pace.reason)})"
    )
    for route in expansion.bridge.active:
        out.print(
            f"  {route.register:<10} {route.weight:.2f} {route.voice:<11} "
            f"{escape(expansion.registers[route.register])}"
        )


def _microscene_lines(microscenes: tuple[MicroScene, ...], indent: str) -> None:
    for m in microscenes:
        lang = language(m.lemma) or "en"
        kind = "" if m.archetype is None else f" · {m.archetype.archetype.name(lang)}"
        pull = "" if m.pull is None else f" · pull {m.pull:+.2f}"
        out.print(f"{indent}[bold]{m.lemma}[/] ({', '.join(m.gloss)}) {m.phase}{kind}{pull}")
        if m.context:
            out.print(f"{indent}    near      {', '.join(w for w, _ in m.context)}")
        if m.templates:
            shown = "; ".join(f"{t.code} → [{', '.join(t.concepts)}]" for t in m.templates)
            out.print(f"{indent}    templates {escape(shown)}")
        if m.unfolding is not None:
            u = m.unfolding
            out.print(f"{indent}    unfolds   {u.formula}  (residual {u.residual:.3f})")
            _microscene_lines(u.microscenes, indent + "      ")


@app.command()
def pulse(
    scene: Annotated[
        list[str] | None,
        typer.Argument(
            help="The scene to start from: fused name, Δ-code, glyph, formula or text.",
            show_default=False,
        ),
    ] = None,
    ticks: Annotated[
        int, typer.Option("--ticks", "-t", min=1, max=1000, help="How many ticks to run.")
    ] = 20,
    goal: Annotated[
        str | None,
        typer.Option(
            "--goal",
            "-g",
            help="What relevance is measured against [default: the scene].",
            show_default=False,
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            help='The pulse\'s name in memory [default: "pulse Δn"].',
            show_default=False,
        ),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue the pulse kept under its name.")
    ] = False,
    text: Annotated[
        Path | None,
        typer.Option(
            "--text",
            help="Read FILE as a stream: cut it where the meaning shifts, store a scene per "
            "part and run the pulse across them (- reads stdin).",
            show_default=False,
        ),
    ] = None,
    gamma: Annotated[
        float,
        typer.Option(
            "--gamma", help="With --text: how surprising a sentence must be to open a scene."
        ),
    ] = 0.0,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot",
            help="Draw activation per scene over the ticks, phases marked, to FILE "
            "(PNG; needs pip install 'scenecodec[plot]').",
            show_default=False,
        ),
    ] = None,
    memory: MemoryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Run the cycle scene → unfolding → resonance → condensation → scene, tick by tick:
    the focus's scenes and micro-scenes with their ACT-R activation and lifecycle phase
    (entry, unfolding, saturation, decline), what resonated in memory (modern Hopfield),
    what was condensed into a new scene (stored, with links to its sources) and what
    faded. The state is kept in memory: --resume continues where the pulse stopped.

    Examples:

      scenecodec pulse тишинажарвход --ticks 20

      scenecodec pulse "жар + страх + тишина → вход" --goal "решиться войти" --json

      scenecodec pulse тишинажарвход --ticks 10 --resume

      scenecodec pulse --text story.txt --json --plot timeline.png
    """
    with Codec.open(memory) as codec, _progress_bar() as progress:
        if text is not None:
            if scene:
                raise InputError("give a scene or --text, not both")
            line = read_stream(codec, _read_text(text), gamma=gamma, name=name, progress=progress)
        else:
            line = run_pulse(
                codec,
                None if scene is None else " ".join(scene),
                ticks=ticks,
                goal=goal,
                name=name,
                resume=resume,
                progress=progress,
            )
    if plot is not None:
        from scenecodec.dynamics.plot import plot as draw

        draw(line, plot)
    _emit(as_json, line.to_dict(), lambda: _render_pulse(line))


def _render_pulse(line: Timeline) -> None:
    out.print(f"[bold]{escape(line.name)}[/]  seed {line.seed['code']}  {line.seed['formula']}")
    for s in line.segments:
        first = s["sentences"][0]
        shown = first if len(first) <= 60 else first[:59] + "…"
        out.print(
            f"  part {s['tick']:>3}  {s['scene']['code']}  {escape(s['scene']['formula'])}  "
            f"({len(s['sentences'])} sentences: {escape(shown)})"
        )
    for t in line.ticks:
        events = []
        if t.unfolded:
            u = t.unfolded
            events.append(f"unfolds {u['lemma']} (novelty {u['novelty']:.2f})")
        if t.resonated:
            r = t.resonated[0]
            events.append(
                f"resonates {r['code']} {r['formula']} ({r['cosine']:.2f}, {t.steps} steps)"
            )
        if t.condensed:
            c = t.condensed
            events.append(f"condenses {c['code']} {c['formula']} from {', '.join(c['sources'])}")
        if t.faded:
            events.append("fades " + ", ".join(f["label"] for f in t.faded))
        out.print(f"tick {t.tick:>3}  " + escape(" · ".join(events) or "—"))
        for f in t.focus:
            mark = f" · {f['decision']}" if f["decision"] else ""
            out.print(
                f"          {f['activation']:+.2f}  p {f['probability']:.2f}  "
                f"{f['phase']:<10}{mark}  {escape(f['label'])}"
            )


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8765,
    token: Annotated[
        str | None,
        typer.Option(
            help="Require 'Authorization: Bearer TOKEN' on every request (a browser: open "
            "/?token=TOKEN once) [default: $SCENECODEC_TOKEN, else open].",
            show_default=False,
        ),
    ] = None,
    memory: MemoryOpt = None,
) -> None:
    """Serve the HTTP API (FastAPI; pip install 'scenecodec[serve]'): compress, expand,
    decode, recall, split, concepts, pulse, and the stored scenes, with the same JSON as
    --json here; OpenAPI docs at /docs. Errors are JSON with a 4xx status. The root URL
    is a page: type a scene, click through its cloud, read its five registers, run a
    pulse or read a text with live progress.

    Examples:

      scenecodec serve                    # then open http://127.0.0.1:8765/

      SCENECODEC_TOKEN=secret scenecodec serve --port 9000

      curl -s localhost:8765/expand -d '{"scene": "тишинажарвход"}'
    """
    try:
        import uvicorn

        from scenecodec.interfaces.server import create_app
    except ImportError:
        raise InputError("serving needs FastAPI: pip install 'scenecodec[serve]'") from None
    uvicorn.run(create_app(memory, token), host=host, port=port, log_level="warning")


@app.command()
def roles(
    scenes: Annotated[
        list[str] | None,
        typer.Argument(
            help="Scenes in order (codes, formulas in quotes, fused names); default: the "
            "memory's history.",
            show_default=False,
        ),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", "-f", help="Read the sequence from FILE (one formula a line)."),
    ] = None,
    last: Annotated[
        int, typer.Option("--last", min=1, help="With no scenes given: the last N stored.")
    ] = 200,
    memory: MemoryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Label each scene of a sequence by its role: opening (a transition begins), closure
    (a cycle ends: it returns to an earlier scene), foreshadowing (it resembles a later
    scene), false-loop (it repeats and nothing changes) or none, with the scenes it rests on.

    Examples:

      scenecodec roles --file story.txt

      scenecodec roles Δ1 Δ2 Δ3 Δ1

      scenecodec roles --last 50 --json
    """
    with Codec.open(memory) as codec:
        if scenes and file is not None:
            raise InputError("give scenes or --file, not both")
        cues = _file_formulas(codec, file) if file is not None else scenes or None
        found = scene_roles(codec, cues, last=last)
        _emit(as_json, {"roles": [r.to_dict() for r in found]}, lambda: _roles_table(found))


def _roles_table(found: list[Role]) -> None:
    table = Table(box=None)
    for column in ("#", "code", "formula", "role", "evidence"):
        table.add_column(column)
    for r in found:
        scene = r.scene
        evidence = ", ".join(f"#{i}" for i in r.evidence)
        table.add_row(f"#{r.index}", scene.code or "", scene.formula, r.role, evidence)
    out.print(table)


@app.command()
def decode(
    vector: Annotated[
        Path,
        typer.Option(
            "--vector",
            "-v",
            help="A .npy file: (d,) of ±1 or (d/8,) packed uint8.",
            show_default=False,
        ),
    ],
    memory: MemoryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Decode a vector alone into concepts, anchor and rhythm, with confidences and residual.

    Example:

      scenecodec show Δ1 --save-vector v.npy && scenecodec decode --vector v.npy
    """
    with Codec.open(memory) as codec:
        decoded = codec.decode(_load_vector(vector))
        _emit(
            as_json,
            decoded.to_dict(),
            lambda: (out.print(decoded.formula), _decoded_table(decoded)),
        )


def _load_vector(path: Path) -> np.ndarray:
    try:
        return np.load(path, allow_pickle=False)
    except (ValueError, EOFError) as e:
        raise InputError(f"{path} is not a .npy array ({e})") from None


@app.command()
def recall(
    cue: Annotated[
        list[str] | None,
        typer.Argument(
            help="Concepts, free text, a fused name, formula, Δ-code or glyph.",
            show_default=False,
        ),
    ] = None,
    vector: Annotated[
        Path | None, typer.Option("--vector", "-v", help="Use a .npy vector as the cue.")
    ] = None,
    top: Annotated[int, typer.Option("--top", "-k", min=1, help="How many scenes.")] = 10,
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
    with Codec.open(memory) as codec:
        results = codec.recall(_load_vector(vector) if vector else " ".join(cue), k=top)
        _emit(
            as_json,
            {"results": [r.to_dict() for r in results]},
            lambda: _recalled_table(results, "recalled"),
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
    with Codec.open(memory) as codec:
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

        _emit(as_json, chosen.to_dict(), render)


@app.command()
def split(
    name: Annotated[
        str, typer.Argument(help="A fused name such as тишинажарвход.", show_default=False)
    ],
    memory: MemoryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Split a fused name into words, with the cost of each reading and the alternatives.

    Example:

      scenecodec split тишинажарвход
    """
    with Codec.open(memory) as codec:
        result = codec.split(name)

        def render() -> None:
            out.print(" | ".join(result.parts) + f"   (cost {result.best.cost:.1f})")
            for alt in result.alternatives:
                out.print(f"  or {' | '.join(alt.parts)}   (cost {alt.cost:.1f})")

        _emit(as_json, result.to_dict(), render)


@app.command("list")
def list_scenes(
    limit: Annotated[int, typer.Option("--limit", min=0, help="At most this many (0: all).")] = 50,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Skip this many.")] = 0,
    memory: MemoryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List stored scenes in code order."""
    with Codec.open(memory) as codec:
        scenes = codec.scenes(offset, limit or None)
        total = codec.count()

        def render() -> None:
            for s in scenes:
                out.print(f"{s.code:>6}  {s.glyph}  {s.formula}")
            out.print(f"{len(scenes)} of {total} scenes")

        _emit(as_json, {"scenes": [s.to_dict() for s in scenes], "total": total}, render)


@app.command()
def show(
    code: Annotated[str, typer.Argument(help="A Δ-code such as Δ1.", show_default=False)],
    save_vector: Annotated[
        Path | None,
        typer.Option("--save-vector", help="Also write the scene's vector to this .npy file."),
    ] = None,
    memory: MemoryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show one stored scene by its Δ-code."""
    with Codec.open(memory) as codec:
        scene = codec.show(code)
        if save_vector is not None:
            np.save(save_vector, scene.vector)
        _emit(as_json, scene.to_dict(), lambda: _scene_lines(scene))


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
