"""The HTTP API: the command line's operations over JSON, with OpenAPI docs at ``/docs``.

``scenecodec serve`` runs it (uvicorn; ``pip install 'scenecodec[serve]'``). Every
endpoint answers with exactly the JSON object the CLI prints with ``--json``:

========================  =================================================
``POST /compress``        ``{concepts | text, anchor?}`` → a scene
``POST /expand``          ``{scene, neighbours?, depth?, breadth?, context?, registers?,
                          goal?, voice?, realiser?, samples?, seed?}`` → an expansion
``POST /expand/stream``   the same, as newline-delimited JSON: progress lines, each
                          register's text as it is written, then ``{"expansion": …}``
``POST /decode``          ``{vector: [±1 …]}`` → a decoding
``POST /recall``          ``{cue | vector, k?}`` → ``{results}``
``POST /split``           ``{name}`` → ``{parts, alternatives, …}``
``POST /concepts``        ``{text}`` → ``{formula, concepts, anchor, candidates}``
``POST /pulse``           ``{scene | text, ticks?, goal?, name?, resume?, gamma?}`` → a timeline
``POST /pulse/stream``    the same, as newline-delimited JSON: progress lines, then
                          ``{"timeline": …}``
``GET /scenes``           ``?offset&limit`` → ``{scenes, total}``
``GET /scenes/{code}``    → a scene
``GET /status``           → ``{name, docs, scenes}``
``GET /``                 the page (``web/``): the scene cloud, registers, neighbours,
                          pulse timeline
========================  =================================================

Every request first passes :class:`~scenecodec.interfaces.guard.Guard`: an allowed
``Host`` (DNS rebinding refused), the token (``--token`` or ``$SCENECODEC_TOKEN``: then
every endpoint, the page and the docs included, wants ``Authorization: Bearer <token>``
or the cookie a browser gets by opening ``/?token=<token>`` once), and a body of at most
:data:`MAX_BODY` bytes that arrives in time; every answer carries a Content-Security-Policy
and the other security headers. Every error is a JSON body ``{"error": "…"}`` with a 4xx
status (400 bad input or a foreign Host, 401 no or wrong token, 404 not found, 408 a body
too slow, 409 the memory refused, 413 too large, 422 malformed JSON or fields) or 503
(long work over its time budget, or busy); an unexpected failure is a 500 with
``{"error": "internal error"}`` and no traceback.

Reads and long work run on codecs of their own (:mod:`~scenecodec.interfaces.lanes`):
status, the stored scenes, recall, split, concepts and decode never wait behind a
compress, an expand or a pulse, which run one at a time, each within its time budget.

This module is a thin shell over :class:`~scenecodec.codec.Codec`; FastAPI does the HTTP,
and ``fastapi-offline`` serves the docs' Swagger UI from the package instead of a CDN.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager, suppress
from importlib import resources
from pathlib import Path
from typing import Any

import anyio
import anyio.from_thread
import numpy as np
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from scenecodec.codec import Codec
from scenecodec.dynamics.pulse import pulse as run_pulse
from scenecodec.dynamics.stream import stream as read_stream
from scenecodec.errors import InputError, NotFoundError, ScenecodecError
from scenecodec.interfaces.guard import (
    BODY_TIMEOUT,
    COOKIE,
    HOSTS,
    HOSTS_ENV,
    MAX_BODY,
    Guard,
    error,
)
from scenecodec.interfaces.lanes import BUDGET, Busy, Lanes, OverBudget
from scenecodec.interfaces.speech import Realiser, expand_spoken
from scenecodec.progress import Progress
from scenecodec.voices.speak import MAX_SAMPLES

__all__ = ["COOKIE", "ERRORS", "LONG", "MAX_BODY", "TOKEN_ENV", "ErrorOut", "create_app"]

TOKEN_ENV = "SCENECODEC_TOKEN"
"""The environment variable a token is read from when none is given."""
WEB = Path(str(resources.files("scenecodec.interfaces") / "web"))
"""The page and its vendored libraries."""


class CompressIn(BaseModel):
    concepts: str | list[str] | None = None
    anchor: str | None = None
    text: str | None = None


class ExpandIn(BaseModel):
    scene: str
    neighbours: int = Field(5, ge=0, le=100)
    depth: int | None = Field(1, ge=1, le=5)
    breadth: int | None = Field(None, ge=1)
    context: list[str] | None = None
    registers: list[str] | None = None
    goal: str | None = None
    voice: str | None = None
    realiser: Realiser | None = None
    samples: int = Field(3, ge=1, le=MAX_SAMPLES)
    seed: int = Field(0, ge=0)


class DecodeIn(BaseModel):
    vector: list[float]


class RecallIn(BaseModel):
    cue: str | list[str] | None = None
    vector: list[float] | None = None
    k: int = Field(10, ge=1, le=1000)


class SplitIn(BaseModel):
    name: str


class ConceptsIn(BaseModel):
    text: str


class PulseIn(BaseModel):
    scene: str | None = None
    text: str | None = None
    ticks: int = Field(20, ge=1, le=1000)
    goal: str | None = None
    name: str | None = None
    resume: bool = False
    gamma: float = 0.0


class ErrorOut(BaseModel):
    """Every error's body: one line that says what was wrong."""

    error: str


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": why}
    for status, why in {
        400: "bad input (the CLI's one-line message), or a Host this server does not serve",
        401: "no token, or a wrong one",
        404: "no such scene, pulse or path",
        408: f"the request body did not arrive within {BODY_TIMEOUT:g} s",
        409: "the memory refused (another program's file, other settings)",
        413: f"request body over {MAX_BODY:,} bytes",
        422: "malformed JSON, or a field of the wrong type or out of range",
    }.items()
}
"""The error answers every endpoint documents in the OpenAPI schema."""
LONG: dict[int | str, dict[str, Any]] = {
    503: {
        "model": ErrorOut,
        "description": "long work stopped at its time budget, or busy past it (Retry-After)",
    }
}
"""The answer long work (compress, expand, pulse) documents besides :data:`ERRORS`."""
NDJSON: dict[int | str, dict[str, Any]] = {
    **LONG,
    200: {
        "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
        "description": "progress lines (and, for an expansion, its texts as they grow), "
        "then the result",
    },
}
"""What a streaming endpoint documents."""


def _status(e: ScenecodecError) -> int:
    """The status one of our errors is answered with: 404 not found, 400 other bad input,
    503 over the time budget or busy, 409 the memory refused."""
    if isinstance(e, OverBudget | Busy):
        return 503
    return 404 if isinstance(e, NotFoundError) else 400 if isinstance(e, InputError) else 409


def create_app(
    memory: str | Path | None = None,
    token: str | None = None,
    *,
    hosts: Iterable[str] = (),
    budget: float = BUDGET,
) -> FastAPI:
    """The API over the memory at ``memory`` (default: as the CLI finds it), guarded by
    ``token`` (default ``$SCENECODEC_TOKEN``; none: open), answering to the ``Host``
    names :data:`~scenecodec.interfaces.guard.HOSTS`, ``hosts`` and
    ``$SCENECODEC_ALLOW_HOSTS``; long work stops after ``budget`` seconds.

    >>> import tempfile, pathlib
    >>> app = create_app(pathlib.Path(tempfile.mkdtemp()) / "m.sqlite", token="t")
    >>> sorted(r.path for r in app.routes if "POST" in getattr(r, "methods", ()))[:3]
    ['/compress', '/concepts', '/decode']
    """
    secret = token if token is not None else os.environ.get(TOKEN_ENV) or None
    lanes = Lanes(memory, budget=budget)
    streams: set[asyncio.Task] = set()  # pulses streaming their progress, kept alive

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        lanes.close()

    app = FastAPIOffline(  # the docs' Swagger UI and ReDoc served from the package, no CDN
        title="scenecodec",
        summary="Compress meaning into hypervector scenes and expand it back.",
        version="0.1.0",
        lifespan=lifespan,
        responses=ERRORS,
    )
    everyone = [*HOSTS, *hosts, *os.environ.get(HOSTS_ENV, "").split()]
    app.add_middleware(Guard, secret=secret, hosts=everyone)

    @app.exception_handler(Exception)
    async def internal(_: Request, e: Exception) -> JSONResponse:
        return error(500, "internal error")

    @app.exception_handler(ScenecodecError)
    async def ours(_: Request, e: ScenecodecError) -> JSONResponse:
        answer = error(_status(e), str(e))
        if isinstance(e, Busy):
            answer.headers["retry-after"] = f"{budget:.0f}"
        return answer

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, e: RequestValidationError) -> JSONResponse:
        first = e.errors()[0] if e.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return error(422, f"{where or 'body'}: {first.get('msg', 'invalid request')}")

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, e: HTTPException) -> JSONResponse:
        answer = error(e.status_code, e.detail)
        answer.headers.update(e.headers or {})  # 405 keeps its Allow
        return answer

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        """The page: type a scene, see its cloud, registers, neighbours and pulse."""
        return FileResponse(WEB / "index.html", media_type="text/html")

    app.mount("/web", StaticFiles(directory=WEB), name="web")

    @app.get("/status")
    async def status() -> dict:
        """Where to look: the OpenAPI docs and the scene count."""
        return {"name": "scenecodec", "docs": "/docs", "scenes": await lanes.read(Codec.count)}

    @app.post("/compress", responses=LONG)
    async def compress(body: CompressIn) -> dict:
        """Compress concepts (a formula string or a list) or free text; store the scene."""
        return await lanes.work(
            lambda c, _: c.compress(body.concepts, body.anchor, text=body.text).to_dict()
        )

    @app.post("/expand", responses=LONG)
    async def expand(body: ExpandIn) -> dict:
        """Expand a scene: micro-scenes, registers with the HyperBridge's decision, decoding
        and nearest scenes (``depth`` null: the bridge's pace)."""
        return await lanes.work(lambda c, step: expand_of(c, body, step))

    def expand_of(codec: Codec, body: ExpandIn, progress: Progress, streamed: Any = None) -> dict:
        options = body.model_dump(exclude={"scene"})
        return expand_spoken(
            codec, body.scene, progress=progress, streamed=streamed, **options
        ).to_dict()

    @app.post("/expand/stream", response_model=None, response_class=StreamingResponse,
              responses=NDJSON)
    async def expand_stream(body: ExpandIn) -> StreamingResponse | JSONResponse:
        """The expansion as it is written: newline-delimited JSON, progress lines
        ``{"stage", "done", "total"}``, then ``{"register", "sample", "text"}`` each time a
        model voice's text grows (the text so far), then ``{"expansion": …}`` with the texts
        kept (or ``{"error": …}`` if it fails midway)."""

        def work(codec: Codec, step: Progress, say: Callable[[dict], None]) -> dict:
            def streamed(register: str, sample: int, text: str) -> None:
                say({"register": register, "sample": sample, "text": text})

            return expand_of(codec, body, step, streamed)

        return await ndjson(work, "expansion")

    @app.post("/decode")
    async def decode(body: DecodeIn) -> dict:
        """Decode a vector alone (``dim`` numbers; the sign of each is used)."""
        vector = np.asarray(body.vector, dtype=np.float64)
        return await lanes.read(lambda c: c.decode(vector).to_dict())

    @app.post("/recall")
    async def recall(body: RecallIn) -> dict:
        """The stored scenes nearest to a cue (concepts, text, name, formula, code, glyph)
        or to a vector."""
        if (body.cue is None) == (body.vector is None):
            raise InputError("give a cue or a vector, one of the two")
        cue = np.asarray(body.vector, dtype=np.float64) if body.vector is not None else body.cue
        assert cue is not None  # one of the two, checked above
        return await lanes.read(
            lambda c: {"results": [r.to_dict() for r in c.recall(cue, k=body.k)]}
        )

    @app.post("/split")
    async def split(body: SplitIn) -> dict:
        """Split a fused name into words, with alternatives."""
        return await lanes.read(lambda c: c.split(body.name).to_dict())

    @app.post("/concepts")
    async def concepts(body: ConceptsIn) -> dict:
        """The concepts and anchor free text compresses to, and why."""
        return await lanes.read(lambda c: c.concepts(body.text).to_dict())

    def pulse_of(codec: Codec, body: PulseIn, progress: Progress) -> dict:
        if body.text is not None:
            if body.scene is not None:
                raise InputError("give a scene or a text, not both")
            return read_stream(
                codec, body.text, gamma=body.gamma, name=body.name, progress=progress
            ).to_dict()
        options = body.model_dump(include={"ticks", "goal", "name", "resume"})
        return run_pulse(codec, body.scene, progress=progress, **options).to_dict()

    @app.post("/pulse", responses=LONG)
    async def pulse(body: PulseIn) -> dict:
        """Run the pulse on a scene, or read a text as a stream of scenes."""
        return await lanes.work(lambda c, step: pulse_of(c, body, step))

    @app.post(
        "/pulse/stream", response_model=None, response_class=StreamingResponse, responses=NDJSON
    )
    async def pulse_stream(body: PulseIn) -> StreamingResponse | JSONResponse:
        """The pulse as it runs: newline-delimited JSON, one ``{"stage", "done", "total"}``
        line per step, then ``{"timeline": …}`` (or ``{"error": …}`` if it fails midway).
        Bad input found before the first step is a JSON 4xx like everywhere else."""
        return await ndjson(lambda c, step, _: pulse_of(c, body, step), "timeline")

    async def ndjson(
        work: Callable[[Codec, Progress, Callable[[dict], None]], dict], key: str
    ) -> StreamingResponse | JSONResponse:
        """Long ``work(codec, progress, say)`` as newline-delimited JSON: its progress
        steps and what it ``say``\\ s as lines, then ``{key: result}``."""
        send, receive = anyio.create_memory_object_stream[dict](max_buffer_size=math.inf)

        def say(event: dict) -> None:  # in the work's thread
            anyio.from_thread.run_sync(send.send_nowait, event)

        def step(stage: str, done: int, total: int) -> None:
            say({"stage": stage, "done": done, "total": total})

        async def produce() -> None:
            event: dict[str, Any]
            with send:
                try:
                    event = {key: await lanes.work(lambda c, p: work(c, p, say), step)}
                except ScenecodecError as e:
                    event = {"error": " ".join(str(e).split()), "status": _status(e)}
                except Exception:
                    event = {"error": "internal error", "status": 500}
                with suppress(anyio.BrokenResourceError):  # the client has gone
                    send.send_nowait(event)

        task = asyncio.create_task(produce())
        streams.add(task)
        task.add_done_callback(streams.discard)
        first = await receive.receive()
        if "status" in first:
            return error(first["status"], first["error"])

        def line(event: dict) -> str:
            return json.dumps({k: v for k, v in event.items() if k != "status"}, ensure_ascii=False)

        async def lines() -> AsyncIterator[str]:
            with receive:  # closed when the client goes: the next step stops the work
                yield line(first) + "\n"
                async for event in receive:
                    yield line(event) + "\n"

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    @app.get("/scenes")
    async def scenes(offset: int = 0, limit: int = 100) -> dict:
        """Stored scenes in code order."""
        if offset < 0 or not 1 <= limit <= 10_000:
            raise InputError("offset must be ≥ 0 and limit in 1…10,000")
        return await lanes.read(
            lambda c: {"scenes": [s.to_dict() for s in c.scenes(offset, limit)], "total": c.count()}
        )

    @app.get("/scenes/{code}")
    async def show(code: str) -> dict:
        """One stored scene by its Δ-code."""
        return await lanes.read(lambda c: c.show(code).to_dict())

    app.state.lanes = lanes
    return app
