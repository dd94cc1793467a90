"""The HTTP API: the command line's operations over JSON, with OpenAPI docs at ``/docs``.

``scenecodec serve`` runs it (uvicorn; ``pip install 'scenecodec[serve]'``). Every
endpoint answers with exactly the JSON object the CLI prints with ``--json``:

========================  =================================================
``POST /compress``        ``{concepts | text, anchor?}`` → a scene
``POST /expand``          ``{scene, neighbours?, depth?, breadth?, context?, registers?,
                          goal?, voice?}`` → an expansion
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

With a token (``--token`` or ``$SCENECODEC_TOKEN``) every endpoint, the page and the docs
included, wants ``Authorization: Bearer <token>`` (or the cookie a browser gets by opening
``/?token=<token>`` once). A request body over :data:`MAX_BODY` bytes is
refused before it is read whole. Every error is a JSON body ``{"error": "…"}`` with a 4xx
status (400 bad input, 401 no or wrong token, 404 not found, 409 the memory refused,
413 too large, 422 malformed JSON or fields); an unexpected failure is a 500 with
``{"error": "internal error"}`` and no traceback. One codec serves all requests, one at a
time (SQLite and the in-memory indexes are not shared across threads).

This module is a thin shell over :class:`~scenecodec.codec.Codec`; FastAPI does the HTTP,
and ``fastapi-offline`` serves the docs' Swagger UI from the package instead of a CDN.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from importlib import resources
from itertools import chain
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import numpy as np
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.requests import cookie_parser

from scenecodec.codec import Codec
from scenecodec.dynamics.pulse import pulse as run_pulse
from scenecodec.dynamics.stream import stream as read_stream
from scenecodec.errors import InputError, NotFoundError, ScenecodecError
from scenecodec.expansion.expand import expand as expand_scene
from scenecodec.progress import Progress

__all__ = ["COOKIE", "ERRORS", "MAX_BODY", "TOKEN_ENV", "ErrorOut", "create_app"]

MAX_BODY = 1_000_000
"""Largest request body in bytes: a 1 MB text is the largest the language layer is
measured on."""
TOKEN_ENV = "SCENECODEC_TOKEN"
"""The environment variable a token is read from when none is given."""
COOKIE = "scenecodec_token"
"""The cookie that keeps a browser let in (a hash of the token, never the token itself)."""
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
        400: "bad input (the CLI's one-line message)",
        401: "no token, or a wrong one",
        404: "no such scene, pulse or path",
        409: "the memory refused (another program's file, other settings)",
        413: f"request body over {MAX_BODY:,} bytes",
        422: "malformed JSON, or a field of the wrong type or out of range",
    }.items()
}
"""The error answers every endpoint documents in the OpenAPI schema."""


def _status(e: ScenecodecError) -> int:
    """The status one of our errors is answered with: 404 not found, 400 other bad input,
    409 the memory refused."""
    return 404 if isinstance(e, NotFoundError) else 400 if isinstance(e, InputError) else 409


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": " ".join(str(message).split())}, status_code=status)


class _Guard:
    """ASGI middleware: the token, and the body cap (by its declared length, and counted as
    it streams in, so a body without a length is cut off too).

    The token is taken from ``Authorization: Bearer …``, from the :data:`COOKIE` cookie, or
    from a ``?token=`` query; a request let in by its query also gets the cookie (HTTP-only,
    same-site strict), so a browser that opened ``/?token=…`` stays let in.
    """

    def __init__(self, app: Any, secret: str | None):
        self.app = app
        self.secret = secret
        self.cookie = hashlib.sha256(f"scenecodec:{secret}".encode()).hexdigest()

    def admitted(self, scope: dict) -> tuple[bool, bool]:
        """(let in, by the query)."""
        if self.secret is None:
            return True, False
        headers = dict(scope.get("headers", ()))
        cookies = cookie_parser(headers.get(b"cookie", b"").decode("latin-1"))
        query = parse_qs(scope.get("query_string", b"").decode("ascii", "replace"))
        secret = self.secret.encode()
        cookie = cookies.get(COOKIE, "")
        if hmac.compare_digest(
            headers.get(b"authorization", b""), b"Bearer " + secret
        ) or hmac.compare_digest(cookie.encode(), self.cookie.encode()):
            return True, False
        by_query = any(hmac.compare_digest(t.encode(), secret) for t in query.get("token", []))
        return by_query, by_query

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        admitted, by_query = self.admitted(scope)
        if not admitted:
            await _error(401, "a token is required (Authorization: Bearer …, or open /?token=…)")(
                scope, receive, send
            )
            return
        headers = dict(scope.get("headers", ()))
        length = headers.get(b"content-length", b"0")
        if not length.isdigit() or int(length) > MAX_BODY:
            await _error(413, f"request body over {MAX_BODY:,} bytes")(scope, receive, send)
            return
        body = bytearray()
        more = True
        while more:  # buffer the body (at most MAX_BODY bytes), then replay it
            message = await receive()
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_BODY:
                await _error(413, f"request body over {MAX_BODY:,} bytes")(scope, receive, send)
                return
        replayed = False

        async def replay() -> dict:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        async def remember(message: dict) -> None:
            if by_query and message["type"] == "http.response.start":
                cookie = f"{COOKIE}={self.cookie}; HttpOnly; SameSite=Strict; Path=/".encode()
                message = {**message, "headers": [*message["headers"], (b"set-cookie", cookie)]}
            await send(message)

        await self.app(scope, replay, remember)


def create_app(memory: str | Path | None = None, token: str | None = None) -> FastAPI:
    """The API over the memory at ``memory`` (default: as the CLI finds it), guarded by
    ``token`` (default ``$SCENECODEC_TOKEN``; none: open).

    >>> import tempfile, pathlib
    >>> app = create_app(pathlib.Path(tempfile.mkdtemp()) / "m.sqlite", token="t")
    >>> sorted(r.path for r in app.routes if "POST" in getattr(r, "methods", ()))[:3]
    ['/compress', '/concepts', '/decode']
    """
    secret = token if token is not None else os.environ.get(TOKEN_ENV) or None
    codec = Codec.open(memory)
    lock = threading.Lock()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        with lock:
            codec.close()

    app = FastAPIOffline(  # the docs' Swagger UI and ReDoc served from the package, no CDN
        title="scenecodec",
        summary="Compress meaning into hypervector scenes and expand it back.",
        version="0.1.0",
        lifespan=lifespan,
        responses=ERRORS,
    )

    def run(work: Callable[[], Any]) -> Any:
        with lock:
            return work()

    app.add_middleware(_Guard, secret=secret)

    @app.exception_handler(Exception)
    async def internal(_: Request, e: Exception) -> JSONResponse:
        return _error(500, "internal error")

    @app.exception_handler(ScenecodecError)
    async def ours(_: Request, e: ScenecodecError) -> JSONResponse:
        return _error(_status(e), str(e))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, e: RequestValidationError) -> JSONResponse:
        first = e.errors()[0] if e.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return _error(422, f"{where or 'body'}: {first.get('msg', 'invalid request')}")

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, e: HTTPException) -> JSONResponse:
        answer = _error(e.status_code, e.detail)
        answer.headers.update(e.headers or {})  # 405 keeps its Allow
        return answer

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        """The page: type a scene, see its cloud, registers, neighbours and pulse."""
        return FileResponse(WEB / "index.html", media_type="text/html")

    app.mount("/web", StaticFiles(directory=WEB), name="web")

    @app.get("/status")
    def status() -> dict:
        """Where to look: the OpenAPI docs and the scene count."""
        return {"name": "scenecodec", "docs": "/docs", "scenes": run(codec.count)}

    @app.post("/compress")
    def compress(body: CompressIn) -> dict:
        """Compress concepts (a formula string or a list) or free text; store the scene."""
        return run(lambda: codec.compress(body.concepts, body.anchor, text=body.text).to_dict())

    @app.post("/expand")
    def expand(body: ExpandIn) -> dict:
        """Expand a scene: micro-scenes, registers with the HyperBridge's decision, decoding
        and nearest scenes (``depth`` null: the bridge's pace)."""
        options = body.model_dump(exclude={"scene"})
        return run(lambda: expand_scene(codec, body.scene, **options).to_dict())

    @app.post("/decode")
    def decode(body: DecodeIn) -> dict:
        """Decode a vector alone (``dim`` numbers; the sign of each is used)."""
        return run(lambda: codec.decode(np.asarray(body.vector, dtype=np.float32)).to_dict())

    @app.post("/recall")
    def recall(body: RecallIn) -> dict:
        """The stored scenes nearest to a cue (concepts, text, name, formula, code, glyph)
        or to a vector."""
        if (body.cue is None) == (body.vector is None):
            raise InputError("give a cue or a vector, one of the two")
        cue = np.asarray(body.vector, dtype=np.float32) if body.vector is not None else body.cue
        assert cue is not None  # one of the two, checked above
        return run(lambda: {"results": [r.to_dict() for r in codec.recall(cue, k=body.k)]})

    @app.post("/split")
    def split(body: SplitIn) -> dict:
        """Split a fused name into words, with alternatives."""
        return run(lambda: codec.split(body.name).to_dict())

    @app.post("/concepts")
    def concepts(body: ConceptsIn) -> dict:
        """The concepts and anchor free text compresses to, and why."""
        return run(lambda: codec.concepts(body.text).to_dict())

    def pulse_of(body: PulseIn, progress: Progress | None = None) -> dict:
        if body.text is not None:
            if body.scene is not None:
                raise InputError("give a scene or a text, not both")
            return read_stream(
                codec, body.text, gamma=body.gamma, name=body.name, progress=progress
            ).to_dict()
        options = body.model_dump(include={"ticks", "goal", "name", "resume"})
        return run_pulse(codec, body.scene, progress=progress, **options).to_dict()

    @app.post("/pulse")
    def pulse(body: PulseIn) -> dict:
        """Run the pulse on a scene, or read a text as a stream of scenes."""
        return run(lambda: pulse_of(body))

    @app.post(
        "/pulse/stream",
        response_model=None,
        response_class=StreamingResponse,
        responses={
            200: {
                "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
                "description": "progress lines, then the timeline",
            }
        },
    )
    def pulse_stream(body: PulseIn) -> StreamingResponse | JSONResponse:
        """The pulse as it runs: newline-delimited JSON, one ``{"stage", "done", "total"}``
        line per step, then ``{"timeline": …}`` (or ``{"error": …}`` if it fails midway).
        Bad input found before the first step is a JSON 4xx like everywhere else."""
        events: queue.Queue[dict | None] = queue.Queue()

        def work() -> None:
            try:
                events.put({"timeline": run(lambda: pulse_of(body, step))})
            except ScenecodecError as e:
                events.put({"error": " ".join(str(e).split()), "status": _status(e)})
            except Exception:
                events.put({"error": "internal error", "status": 500})
            events.put(None)

        def step(stage: str, done: int, total: int) -> None:
            events.put({"stage": stage, "done": done, "total": total})

        threading.Thread(target=work, daemon=True).start()
        first = events.get()
        assert first is not None  # work always puts an event before its closing None
        if "status" in first:
            return _error(first["status"], first["error"])

        def lines() -> Iterator[str]:
            for event in chain([first], iter(events.get, None)):
                event.pop("status", None)
                yield json.dumps(event, ensure_ascii=False) + "\n"

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    @app.get("/scenes")
    def scenes(offset: int = 0, limit: int = 100) -> dict:
        """Stored scenes in code order."""
        if offset < 0 or not 1 <= limit <= 10_000:
            raise InputError("offset must be ≥ 0 and limit in 1…10,000")
        return run(
            lambda: {
                "scenes": [s.to_dict() for s in codec.scenes(offset, limit)],
                "total": codec.count(),
            }
        )

    @app.get("/scenes/{code}")
    def show(code: str) -> dict:
        """One stored scene by its Δ-code."""
        return run(lambda: codec.show(code).to_dict())

    app.state.codec = codec
    return app
