"""The commands that build on a memory: expand, pulse (and a text read as a stream),
roles, and serve (the HTTP API and page).

Each calls one function of the expansion or time layer with a codec
(:func:`scenecodec.expand`, :func:`scenecodec.pulse`, :func:`scenecodec.stream`,
:func:`scenecodec.roles`) or starts the server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scenecodec.codec import Codec
from scenecodec.dynamics.plot import formats as plot_formats
from scenecodec.dynamics.plot import plot as draw
from scenecodec.dynamics.pulse import pulse as run_pulse
from scenecodec.dynamics.roles import roles as scene_roles
from scenecodec.dynamics.stream import stream as read_stream
from scenecodec.errors import InputError
from scenecodec.interfaces.cli.app import (
    app,
    emit,
    file_formulas,
    output_path,
    progress_bar,
    read_text,
)
from scenecodec.interfaces.cli.options import JsonOpt, MemoryOpt, Words, argument, option
from scenecodec.interfaces.cli.render import pulse_lines, roles_table
from scenecodec.interfaces.cli.speaking import live_texts, spoken_lines
from scenecodec.interfaces.limits import BUDGET
from scenecodec.interfaces.speech import REALISER_ENV, expand_spoken
from scenecodec.memory import open_store
from scenecodec.voices.speak import MAX_SAMPLES

__all__ = ["expand", "pulse", "roles", "serve"]


@app.command()
def expand(
    scene: Annotated[
        list[str],
        argument("A fused name, Δ-code, glyph, formula, concepts or free text."),
    ],
    memory: MemoryOpt = None,
    neighbours: Annotated[
        int, typer.Option("--neighbours", "-n", min=0, help="How many nearest stored scenes.")
    ] = 5,
    depth: Annotated[
        int | None,
        option(
            "--depth",
            "-d",
            min=1,
            max=5,
            help="Levels of unfolding: 1 = the micro-scenes only [default: the HyperBridge's "
            "pace, 1, or 2 for a calm scene].",
        ),
    ] = None,
    breadth: Annotated[
        int | None,
        typer.Option(
            "--breadth", "-b", min=1, help="Micro-scenes unfolded further per level (default all)."
        ),
    ] = None,
    context: Annotated[
        Words,
        option(
            "--context",
            "-c",
            help="A scene or text to read this one in (repeat for several); changes the "
            "glosses and the order of micro-scenes.",
        ),
    ] = None,
    registers: Annotated[
        str | None,
        option(
            "--registers",
            "-r",
            help="Registers to speak, comma-separated: logical, poetic, emotional, "
            "archetypal, bodily [default: those the HyperBridge activates].",
        ),
    ] = None,
    goal: Annotated[
        str | None,
        option(
            "--goal", "-g", help="What the reader wants (any text); steers the registers' weights."
        ),
    ] = None,
    voice: Annotated[
        str | None,
        option(
            "--voice",
            "-v",
            help="Who speaks every register: poet, logician, philosopher, bodily, or a "
            "model voice of your own (scenecodec voices) [default: each register's own voice].",
        ),
    ] = None,
    realiser: Annotated[
        str,
        option(
            "--realiser",
            envvar=REALISER_ENV,
            help="Who writes the texts: model (the voices' language model), lexical (the "
            "vocabularies, fast), or auto: the model where it is installed.",
        ),
    ] = "auto",
    samples: Annotated[
        int | None,
        option(
            "--samples",
            "-s",
            min=1,
            max=MAX_SAMPLES,
            help="Candidates the model writes per register; the best by the codec's checks "
            "is kept, and giving this option prints them all with their scores [default: 3].",
        ),
    ] = None,
    seed: Annotated[
        int, option("--seed", min=0, help="Seed of the model's sampling: same seed, same text.")
    ] = 0,
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
    with (
        Codec.open(memory, missing="empty") as codec,
        progress_bar() as progress,
        live_texts(enabled=not as_json) as streamed,
    ):
        spoken = expand_spoken(
            codec,
            " ".join(scene),
            realiser=realiser,
            samples=samples or 3,
            seed=seed,
            streamed=streamed,
            neighbours=neighbours,
            context=context,
            depth=depth,
            breadth=breadth,
            registers=None if registers is None else [r.strip() for r in registers.split(",")],
            goal=goal,
            voice=voice,
            progress=progress,
        )
    emit(as_json, spoken.to_dict(), lambda: spoken_lines(spoken, alternatives=bool(samples)))


@app.command()
def pulse(
    scene: Annotated[
        Words, argument("The scene to start from: fused name, Δ-code, glyph, formula or text.")
    ] = None,
    ticks: Annotated[
        int, typer.Option("--ticks", "-t", min=1, max=1000, help="How many ticks to run.")
    ] = 20,
    goal: Annotated[
        str | None,
        option("--goal", "-g", help="What relevance is measured against [default: the scene]."),
    ] = None,
    name: Annotated[
        str | None,
        option("--name", help='The pulse\'s name in memory [default: "pulse Δn"].'),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue the pulse kept under its name.")
    ] = False,
    text: Annotated[
        Path | None,
        option(
            "--text",
            help="Read FILE as a stream: cut it where the meaning shifts, store a scene per "
            "part and run the pulse across them (- reads stdin; at most 64 MiB).",
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
        option(
            "--plot",
            help="Draw activation per scene over the ticks, phases marked, to FILE "
            "(.png, .svg, .pdf or another format matplotlib writes; needs pip install "
            "'scenecodec[plot]').",
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
    if plot is not None:
        output_path(plot, plot_formats())
    with Codec.open(memory) as codec, progress_bar() as progress:
        if text is not None:
            if scene:
                raise InputError("give a scene or --text, not both")
            line = read_stream(codec, read_text(text), gamma=gamma, name=name, progress=progress)
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
        draw(line, plot)
    emit(as_json, line.to_dict(), lambda: pulse_lines(line))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8765,
    token: Annotated[
        str | None,
        option(
            help="Require 'Authorization: Bearer TOKEN' on every request (a browser: open "
            "/?token=TOKEN once) [default: $SCENECODEC_TOKEN, else open]."
        ),
    ] = None,
    allow_host: Annotated[
        list[str] | None,
        option(
            "--allow-host",
            envvar="SCENECODEC_ALLOW_HOSTS",
            help="Also answer requests whose Host header names HOST (repeat for several; "
            "'*': any): the name or address others reach this server by [always: the "
            "--host address, localhost, 127.0.0.1, [::1]; $SCENECODEC_ALLOW_HOSTS adds "
            "more, space-separated]. Other Hosts are refused, so that no web page can "
            "reach this server by rebinding its own name to this address.",
        ),
    ] = None,
    budget: Annotated[
        float,
        typer.Option(
            min=1,
            help="Seconds a long request (compress, expand, pulse) may take, its wait "
            "included; past it the work stops with a 503.",
        ),
    ] = BUDGET,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Server processes on the one port, each with its own codec: for a "
            "PostgreSQL memory, which they share (a SQLite file's writers take turns).",
        ),
    ] = 1,
    memory: MemoryOpt = None,
) -> None:
    """Serve the HTTP API (FastAPI; pip install 'scenecodec[serve]'): compress, expand,
    decode, recall, split, concepts, pulse, and the stored scenes, with the same JSON as
    --json here; OpenAPI docs at /docs. Errors are JSON with a 4xx status. The root URL
    is a page: type a scene, click through its cloud, read its five registers, run a
    pulse or read a text with live progress. Reads never wait behind long work; slow or
    idle connections are timed out and capped.

    Examples:

      scenecodec serve                    # then open http://127.0.0.1:8765/

      SCENECODEC_TOKEN=secret scenecodec serve --port 9000

      scenecodec serve --host 0.0.0.0 --allow-host my-laptop.lan --token secret

      scenecodec serve --workers 4 --memory postgresql://scenes@db.lan/scenes

      curl -s localhost:8765/expand -d '{"scene": "тишинажарвход"}'
    """
    try:
        from scenecodec.interfaces.serving import serve as run
    except ImportError:
        raise InputError("serving needs FastAPI: pip install 'scenecodec[serve]'") from None
    bound = f"[{host}]" if ":" in host else host
    open_store(memory, missing="empty").close()  # an unreachable memory: one line, here
    hosts = [bound, *(allow_host or [])]
    run({"memory": memory, "token": token, "hosts": hosts, "budget": budget}, host, port, workers)


@app.command()
def roles(
    scenes: Annotated[
        Words,
        argument(
            "Scenes in order (codes, formulas in quotes, fused names); default: the "
            "memory's history."
        ),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", "-f", help="Read the sequence from FILE (one formula a line; ≤ 64 MiB)."
        ),
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
    with Codec.open(memory, missing="empty" if scenes or file else "error") as codec:
        if scenes and file is not None:
            raise InputError("give scenes or --file, not both")
        cues = file_formulas(file) if file is not None else scenes or None
        found = scene_roles(codec, cues, last=last)
        emit(as_json, {"roles": [r.to_dict() for r in found]}, lambda: roles_table(found))
