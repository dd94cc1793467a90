"""What every request of the HTTP API passes before an endpoint sees it, and what every
answer carries.

:class:`Guard` (ASGI middleware), in this order:

1. the ``Host`` header must name an allowed host (default the bound address,
   ``localhost``, ``127.0.0.1`` and ``[::1]``; ``serve --allow-host`` or
   ``$SCENECODEC_ALLOW_HOSTS`` add more, ``*`` any): a page on another site that rebinds
   its own name to 127.0.0.1 (DNS rebinding) sends its own name and is refused with 400;
2. the token, when there is one (``Authorization: Bearer …``, the :data:`COOKIE`, or a
   ``?token=`` query, which also sets the cookie: HTTP-only, same-site strict);
3. the body: at most :data:`MAX_BODY` bytes (by its declared length, and counted as it
   streams in), whole within :data:`BODY_TIMEOUT` seconds (else 408).

Every answer, errors included, carries :data:`SECURITY_HEADERS`: a Content-Security-Policy
that lets the page and the docs load only their own files (the Swagger UI's one inline
script is allowed on ``/docs`` alone), ``nosniff``, no referrer, and no framing.

>>> allowed("127.0.0.1:8765", {"127.0.0.1"}), allowed("evil.example", {"127.0.0.1"})
(True, False)
>>> allowed("[::1]:80", {"[::1]"}), allowed("a.lan", {"*"})
(True, True)
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

import anyio
from fastapi.responses import JSONResponse
from starlette.requests import cookie_parser

__all__ = [
    "BODY_TIMEOUT",
    "COOKIE",
    "HOSTS",
    "HOSTS_ENV",
    "MAX_BODY",
    "SECURITY_HEADERS",
    "Guard",
    "allowed",
    "error",
]

MAX_BODY = 1_000_000
"""Largest request body in bytes: a 1 MB text is the largest the language layer is
measured on."""
BODY_TIMEOUT = 30.0
"""Seconds a request body may take to arrive whole (a 1 MB body at 33 kB/s)."""
COOKIE = "scenecodec_token"
"""The cookie that keeps a browser let in (a hash of the token, never the token itself)."""
HOSTS = ("localhost", "127.0.0.1", "[::1]")
"""Hosts always allowed in the ``Host`` header, beside the address the server is bound to."""
HOSTS_ENV = "SCENECODEC_ALLOW_HOSTS"
"""The environment variable more allowed hosts are read from (space-separated)."""
CSP = (
    "default-src 'self'; script-src 'self'{inline}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP.format(inline=""),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}
"""Headers on every answer. Styles may be inline: the page and its graph library set
element styles, ReDoc has a ``<style>``; scripts come only from the server."""
INLINE_SCRIPT = ("/docs",)
"""Paths whose page runs one inline script (the Swagger UI's set-up, from FastAPI)."""


def error(status: int, message: str) -> JSONResponse:
    """The JSON error answer ``{"error": message}`` (whitespace folded to one line)."""
    return JSONResponse({"error": " ".join(str(message).split())}, status_code=status)


def allowed(host: str, hosts: Iterable[str]) -> bool:
    """Whether a ``Host`` header value (port ignored) names one of ``hosts`` (``*``: any)."""
    name = host.strip().lower()
    name = name[: name.index("]") + 1] if name.startswith("[") else name.rsplit(":", 1)[0]
    return any(h == "*" or h.lower() == name for h in hosts)


class Guard:
    """ASGI middleware: the host, the token and the body (see the module); the security
    headers on every answer."""

    def __init__(self, app: Any, secret: str | None, hosts: Iterable[str]):
        self.app = app
        self.secret = secret
        self.hosts = frozenset(hosts)
        self.cookie = hashlib.sha256(f"scenecodec:{secret}".encode()).hexdigest()

    def admitted(self, headers: dict[bytes, bytes], query_string: bytes) -> tuple[bool, bool]:
        """(let in, by the query)."""
        if self.secret is None:
            return True, False
        cookies = cookie_parser(headers.get(b"cookie", b"").decode("latin-1"))
        query = parse_qs(query_string.decode("ascii", "replace"))
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
        headers = dict(scope.get("headers", ()))
        inline = " 'unsafe-inline'" if scope["path"] in INLINE_SCRIPT else ""
        secured = {**SECURITY_HEADERS, "content-security-policy": CSP.format(inline=inline)}
        by_query = False

        async def answer(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                extra = [(k.encode(), v.encode()) for k, v in secured.items()]
                if by_query:
                    cookie = f"{COOKIE}={self.cookie}; HttpOnly; SameSite=Strict; Path=/"
                    extra.append((b"set-cookie", cookie.encode()))
                message = {**message, "headers": [*message["headers"], *extra]}
            await send(message)

        host = headers.get(b"host", b"").decode("latin-1")
        if not allowed(host, self.hosts):
            refused = f"the Host header {host!r} is not one this server answers to"
            await error(400, f"{refused} (serve --allow-host adds one)")(scope, receive, answer)
            return
        admitted, by_query = self.admitted(headers, scope.get("query_string", b""))
        if not admitted:
            await error(401, "a token is required (Authorization: Bearer …, or open /?token=…)")(
                scope, receive, answer
            )
            return
        body = await self._body(headers, receive)
        if isinstance(body, JSONResponse):
            await body(scope, receive, answer)
            return
        replayed = False

        async def replay() -> dict:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, answer)

    @staticmethod
    async def _body(headers: dict[bytes, bytes], receive: Callable) -> bytearray | JSONResponse:
        """The whole body (at most :data:`MAX_BODY` bytes, within :data:`BODY_TIMEOUT`
        seconds), or the error answer."""
        length = headers.get(b"content-length", b"0")
        too_large = error(413, f"request body over {MAX_BODY:,} bytes")
        if not length.isdigit() or int(length) > MAX_BODY:
            return too_large
        body = bytearray()
        with anyio.move_on_after(BODY_TIMEOUT) as waited:
            more = True
            while more:
                message = await receive()
                if message["type"] != "http.request":
                    break
                body += message.get("body", b"")
                more = message.get("more_body", False)
                if len(body) > MAX_BODY:
                    return too_large
        if waited.cancelled_caught:
            return error(408, f"the request body did not arrive within {BODY_TIMEOUT:g} s")
        return body
