"""The HTTP API over real HTTP: a started server, its token, its size limit, and bad input
on every endpoint, each answered with a JSON error and a 4xx status; reads that never wait
behind long work, long work within its time budget, slow and idle clients timed out and
capped, foreign Host headers refused and the security headers on every answer."""

from __future__ import annotations

import contextlib
import json
import re
import resource
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
import uvicorn

from scenecodec.interfaces import guard, server, serving
from scenecodec.interfaces.lanes import BUDGET
from scenecodec.interfaces.server import COOKIE, create_app
from scenecodec.interfaces.serving import config
from test_cli import js

TOKEN = "s3cret"
AUTH = {"authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def api(serve, tmp_path_factory):
    client = serve(tmp_path_factory.mktemp("serve") / "m.sqlite", TOKEN)
    client.post("/compress", json={"concepts": "жар + страх → шаг"}).raise_for_status()
    client.post("/compress", json={"concepts": ["тишина", "ночь"], "anchor": "сон"})
    return client


def _err(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and "Traceback" not in body["error"]
    return body["error"]


def test_every_endpoint_answers_with_the_cli_shapes(api, tmp_path):
    client = api
    scene = client.post("/compress", json={"concepts": "тишина + жар → вход"}).json()
    cli = js(tmp_path / "c.sqlite", "compress", "тишина + жар → вход")
    assert set(scene) == set(cli) and scene["formula"] == cli["formula"]
    e = client.post("/expand", json={"scene": "тишинажарвход", "registers": ["poetic"]}).json()
    assert set(e) >= {"scene", "microscenes", "registers", "bridge", "residual", "neighbours"}
    assert e["registers"]["poetic"].startswith("Тишина ")
    code = scene["code"]
    vector = client.get(f"/scenes/{code}").json()
    assert vector["formula"] == "тишина + жар → вход"
    listed = client.get("/scenes", params={"limit": 2}).json()
    assert listed["total"] == 3 and len(listed["scenes"]) == 2
    found = client.post("/recall", json={"cue": "жар страх", "k": 2}).json()["results"]
    assert found[0]["scene"]["formula"] == "жар + страх → шаг"
    assert client.post("/split", json={"name": "тишинажарвход"}).json()["parts"] == [
        "тишина",
        "жар",
        "вход",
    ]
    chosen = client.post("/concepts", json={"text": "жаркая тревожная тишина перед тем, как войти"})
    assert chosen.json()["formula"] == "жар + тревога + тишина → вход"
    line = client.post("/pulse", json={"scene": code, "ticks": 3}).json()
    assert [t["unfolded"]["lemma"] for t in line["ticks"]] == ["тишина", "жар", "вход"]
    story = "Шёл снег. Мороз трещал. Дети катались на санках. Банк поднял ставку. Семья считала."
    assert client.post("/pulse", json={"text": story}).json()["segments"]
    decoded = client.post("/decode", json={"vector": [1.0] * 1024})
    assert decoded.status_code == 200 and "formula" in decoded.json()
    assert client.get("/status").json()["docs"] == "/docs"
    assert client.get("/").headers["content-type"].startswith("text/html")


def test_the_token_guards_every_endpoint(api):
    client = api
    bare = httpx.Client(base_url=client.base_url, timeout=30)
    paths = ["/", "/web/app.js", "/docs", "/status", "/scenes", "/expand", "/pulse/stream"]
    for path in paths:
        method = "POST" if path in ("/expand", "/pulse/stream") else "GET"
        assert "token is required" in _err(bare.request(method, path, json={}), 401)
    wrong = {"authorization": "Bearer nope"}
    _err(bare.post("/recall", json={"cue": "жар"}, headers=wrong), 401)
    _err(bare.get("/", params={"token": "nope"}), 401)
    raw = {"cookie": f"{COOKIE}={TOKEN}"}  # the cookie holds a hash, not the token
    _err(bare.get("/status", headers=raw), 401)
    bare.close()


def test_a_browser_is_let_in_by_the_token_in_the_address_once(api):
    client = api
    browser = httpx.Client(base_url=client.base_url, timeout=30)
    page = browser.get("/", params={"token": TOKEN})
    assert page.status_code == 200 and "<title>scenecodec</title>" in page.text
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and TOKEN not in cookie
    assert browser.get("/status").json()["name"] == "scenecodec"  # by the cookie alone
    odd = {"cookie": f"ab(=c; other; {COOKIE}={browser.cookies[COOKIE]}"}  # others' cookies
    assert httpx.get(f"{client.base_url}/status", headers=odd).status_code == 200
    assert browser.get("/web/vendor/cytoscape.min.js").status_code == 200
    browser.close()


def test_the_pulse_streams_its_progress(api):
    client = api
    body = {"scene": "жар + страх → шаг", "ticks": 4}
    with client.stream("POST", "/pulse/stream", json=body) as r:
        assert r.headers["content-type"] == "application/x-ndjson"
        events = [json.loads(line) for line in r.iter_lines() if line]
    steps = [e for e in events if "stage" in e]
    assert [(e["done"], e["total"]) for e in steps] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert set(events[-1]) == {"timeline"} and len(events[-1]["timeline"]["ticks"]) == 4
    story = "Шёл снег. Мороз трещал. Дети катались на санках. Банк поднял ставку. Семья считала."
    with client.stream("POST", "/pulse/stream", json={"text": story}) as r:
        events = [json.loads(line) for line in r.iter_lines() if line]
    stages = list(dict.fromkeys(e["stage"] for e in events[:-1]))
    assert stages == ["reading", "segmenting", "stream"] and events[-1]["timeline"]["segments"]
    assert "empty text" in _err(client.post("/pulse/stream", json={"text": " "}), 400)
    _err(client.post("/pulse/stream", json={"scene": "Δ999"}), 404)


def test_an_expansion_streams_and_ends_with_the_expansion(api):
    body = {"scene": "жар + страх → шаг", "registers": ["poetic", "bodily"], "seed": 2}
    with api.stream("POST", "/expand/stream", json=body) as r:
        assert r.headers["content-type"] == "application/x-ndjson"
        events = [json.loads(line) for line in r.iter_lines() if line]
    assert set(events[-1]) == {"expansion"}  # the suite's servers speak lexically
    expansion = events[-1]["expansion"]
    assert set(expansion["registers"]) == {"poetic", "bodily"}
    assert expansion["speech"]["realiser"] == {"poetic": "lexical", "bodily": "lexical"}
    assert all("stage" in e for e in events[:-1])
    assert "samples" in _err(api.post("/expand/stream", json=body | {"samples": 0}), 422)
    assert "realiser" in _err(api.post("/expand", json=body | {"realiser": "bard"}), 422)


def test_bodies_are_capped(api):
    client = api
    big = "а" * 1_100_000
    assert "over 1,000,000 bytes" in _err(client.post("/concepts", json={"text": big}), 413)

    def chunks():
        for _ in range(12):
            yield b"x" * 100_000

    assert "over" in _err(client.post("/concepts", content=chunks()), 413)


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "says"),
    [
        ("POST", "/compress", {"concepts": "жар + + страх"}, 400, "malformed formula"),
        ("POST", "/compress", {}, 400, "give concepts or text"),
        ("POST", "/expand", {"scene": "Δ999"}, 404, "no scene Δ999"),
        ("POST", "/expand", {"scene": "жар", "voice": "bard"}, 400, "unknown voice"),
        ("POST", "/expand", {"scene": "жар", "depth": 9}, 422, "depth"),
        ("POST", "/expand", {}, 422, "scene"),
        ("POST", "/decode", {"vector": [1, 2]}, 400, "1024 values"),
        ("POST", "/decode", {"vector": "x"}, 422, "vector"),
        ("POST", "/recall", {}, 400, "a cue or a vector"),
        ("POST", "/recall", {"cue": "жар", "k": 0}, 422, "k"),
        ("POST", "/split", {"name": " "}, 400, ""),
        ("POST", "/concepts", {"text": "  "}, 400, ""),
        ("POST", "/pulse", {"scene": "жар", "ticks": 0}, 422, "ticks"),
        ("POST", "/pulse", {"scene": "жар", "text": "снег"}, 400, "not both"),
        ("POST", "/pulse", {"name": "nope", "resume": True}, 404, "no pulse named"),
        ("GET", "/scenes?limit=0", None, 400, "limit"),
        ("GET", f"/scenes?offset={2**63}", None, 400, "9223372036854775807"),
        ("GET", f"/scenes?offset={'9' * 30}", None, 400, "9223372036854775807"),
        ("GET", f"/scenes/Δ{2**63}", None, 400, "9223372036854775807"),
        ("GET", f"/scenes/Δ{'9' * 30}", None, 400, "9223372036854775807"),
        ("POST", "/expand", {"scene": f"Δ{2**63}"}, 400, "9223372036854775807"),
        ("POST", "/pulse", {"scene": f"Δ{2**63}"}, 400, "9223372036854775807"),
        ("POST", "/recall", {"cue": f"Δ{2**63}"}, 400, "9223372036854775807"),
        ("POST", "/compress", {"concepts": "(" * 1000 + "жар" + ")" * 1000}, 400, "nest at most"),
        ("POST", "/compress", {"text": "тишина " + "ж" * 60_000}, 400, "longer than 64"),
        ("POST", "/compress", {"concepts": ["жар", "ж" * 65]}, 400, "longer than 64"),
        ("GET", "/scenes/Δ999", None, 404, "no scene Δ999"),
        ("GET", "/scenes/xyz", None, 400, "not a Δ-code"),
        ("GET", "/nowhere", None, 404, "Not Found"),
    ],
)
def test_bad_input_is_a_json_4xx(api, method, path, body, status, says):
    client = api
    before = client.get("/scenes").json()["total"]
    message = _err(client.request(method, path, json=body), status)
    assert says in message
    assert client.get("/scenes").json()["total"] == before  # nothing half-written


@pytest.mark.parametrize(
    ("path", "raw"),
    [
        ("/expand", r'{"scene": "жар", "goal": "calm\udcff"}'),
        ("/pulse", r'{"text": "Шёл снег\udcff. Мороз трещал."}'),
        ("/compress", r'{"text": "тишина\ud800 перед входом"}'),
        ("/concepts", r'{"text": "тишина\ud800 перед входом"}'),
    ],
)
def test_lone_surrogates_in_json_are_a_400(api, path, raw):
    client = api
    before = client.get("/scenes").json()["total"]
    response = client.post(path, content=raw.encode(), headers={"content-type": "application/json"})
    assert "UTF-8" in _err(response, 400)
    assert client.get("/scenes").json()["total"] == before


def test_malformed_json_is_422(api):
    client = api
    response = client.post(
        "/expand", content=b'{"scene": 5', headers={"content-type": "application/json"}
    )
    assert "JSON" in _err(response, 422)


def test_the_openapi_schema_documents_every_error(api):
    schema = api.get("/openapi.json").json()
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            documented = {k for k, v in op["responses"].items() if "ErrorOut" in json.dumps(v)}
            every = {"400", "401", "404", "408", "409", "413", "422"}
            long = path in ("/compress", "/expand", "/expand/stream", "/pulse", "/pulse/stream")
            assert documented == every | ({"503"} if long else set()), (method, path)
    refused = api.request("TRACE", "/split")
    assert refused.headers["allow"] == "POST" and _err(refused, 405)


def test_fuzzed_requests_get_documented_answers_and_never_a_server_error(serve, tmp_path):
    """Schemathesis (coverage and fuzzing phases, fixed seed) against the OpenAPI schema:
    no 5xx, every status, content type, header and body as the schema documents."""
    client = serve(tmp_path / "fuzz.sqlite", TOKEN)
    client.post("/compress", json={"concepts": "жар + страх → шаг"}).raise_for_status()
    checks = "not_a_server_error,status_code_conformance,content_type_conformance,"
    checks += "response_schema_conformance,response_headers_conformance"
    command = [Path(sys.executable).parent / "st", "run", f"{client.base_url}/openapi.json"]
    command += ["-c", checks, "-n", "25", "--seed", "1", "--phases", "coverage,fuzzing"]
    command += ["-H", f"Authorization: Bearer {TOKEN}", "--report-dir", tmp_path]
    run = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:]
    assert " passed" in run.stdout and "failed" not in run.stdout.split("SUMMARY")[-1]


# ── one request cannot freeze the server (issue 17, defects 3 and 7) ───────────────


@pytest.fixture
def live(tmp_path):
    """Start the app in a uvicorn server on a thread of this process (``serving.config``,
    as ``serve`` does), so that a test can hold its long work; returns a client."""
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(budget: float = BUDGET) -> httpx.Client:
        app = create_app(tmp_path / "m.sqlite", budget=budget)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        running = uvicorn.Server(config(app, "127.0.0.1", port))
        thread = threading.Thread(target=running.run, daemon=True)
        thread.start()
        servers.append((running, thread))
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
        for _ in range(300):
            if running.started:
                return client
            thread.join(0.1)
        pytest.fail("the server did not start")

    yield start
    for running, thread in servers:
        running.should_exit = True
        thread.join(30)


class Held:
    """A stand-in for long work: it waits, inside the work codec's thread, until released."""

    def __init__(self):
        self.entered, self.release = threading.Event(), threading.Event()

    def __call__(self, *_, **__) -> SimpleNamespace:
        self.entered.set()
        assert self.release.wait(120)
        return SimpleNamespace(to_dict=lambda: {"held": True})


def _in_thread(call) -> tuple[threading.Thread, list]:
    out: list = []
    thread = threading.Thread(target=lambda: out.append(call()), daemon=True)
    thread.start()
    return thread, out


def test_reads_answer_while_long_work_holds_the_work_codec(live, monkeypatch):
    client = live()
    code = client.post("/compress", json={"concepts": "жар + страх → шаг"}).json()["code"]
    held = Held()
    monkeypatch.setattr(server, "run_pulse", held)
    long, answer = _in_thread(lambda: client.post("/pulse", json={"scene": code}))
    assert held.entered.wait(60)
    reads = [
        client.get("/status"),
        client.get("/scenes"),
        client.get(f"/scenes/{code}"),
        client.post("/recall", json={"cue": "жар страх", "k": 2}),
        client.post("/split", json={"name": "жарстрахшаг"}),
        client.post("/concepts", json={"text": "жаркая тревожная тишина"}),
        client.post("/decode", json={"vector": [1.0] * 1024}),
        client.get("/"),
    ]
    assert [r.status_code for r in reads] == [200] * len(reads)
    assert long.is_alive() and not answer  # every read answered while the pulse still ran
    assert reads[0].json()["scenes"] == 1
    held.release.set()
    long.join(60)
    assert answer[0].json() == {"held": True}


def test_long_work_waits_its_budget_at_most_then_is_told_busy(live, monkeypatch):
    client = live(budget=1)
    held = Held()
    monkeypatch.setattr(server, "run_pulse", held)
    long, _ = _in_thread(lambda: client.post("/pulse", json={"scene": "жар"}))
    assert held.entered.wait(60)
    busy = client.post("/expand", json={"scene": "жар"})
    assert "one at a time" in _err(busy, 503) and busy.headers["retry-after"] == "1"
    held.release.set()
    long.join(60)


def test_long_work_stops_at_its_time_budget(live, monkeypatch):
    client = live(budget=1)

    def endless(codec, x, *, progress, **_):
        while True:  # a pulse that would never end: each tick reports its progress
            progress("pulse", 1, 0)
            time.sleep(0.01)

    monkeypatch.setattr(server, "run_pulse", endless)
    assert "time budget of 1 s" in _err(client.post("/pulse", json={"scene": "жар"}), 503)
    with client.stream("POST", "/pulse/stream", json={"scene": "жар"}) as r:
        events = [json.loads(line) for line in r.iter_lines() if line]
    assert events[0] == {"stage": "pulse", "done": 1, "total": 0}
    assert "time budget" in events[-1]["error"]
    assert client.post("/compress", json={"concepts": "жар → шаг"}).status_code == 200


def test_a_half_sent_request_head_is_closed(live, monkeypatch):
    monkeypatch.setattr(serving, "HEAD_TIMEOUT", 0.5)
    client = live()
    with socket.create_connection(("127.0.0.1", client.base_url.port), timeout=60) as slow:
        slow.sendall(b"GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
        assert slow.recv(1024) == b""  # closed by the server, no answer
    assert client.get("/status").status_code == 200


def test_a_body_that_does_not_arrive_is_answered_408(live, monkeypatch):
    monkeypatch.setattr(guard, "BODY_TIMEOUT", 0.5)
    client = live()
    with socket.create_connection(("127.0.0.1", client.base_url.port), timeout=60) as slow:
        slow.sendall(
            b"POST /concepts HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n"
            b'content-length: 100\r\n\r\n{"text": '
        )
        answer = b""
        while b"}" not in answer and (chunk := slow.recv(65536)):  # head and body may
            answer += chunk  # come in two packets
        head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408")
    assert "did not arrive" in json.loads(body)["error"]


def test_idle_sockets_do_not_keep_real_requests_out(tmp_path):
    """A server limited to 256 file descriptors, 1,000 idle sockets open against it: a
    real request is still answered (the oldest idle connections give way)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "scenecodec", "serve", "--port", f"{port}"]
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    proc = subprocess.Popen(
        [*command, "--memory", tmp_path / "m.sqlite"],
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard)),
        stderr=subprocess.DEVNULL,
    )
    idle: list[socket.socket] = []
    try:
        url = f"http://127.0.0.1:{port}/status"
        for _ in range(300):
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(url).status_code == 200:
                    break
            time.sleep(0.2)
        for _ in range(1000):
            idle.append(socket.create_connection(("127.0.0.1", port), timeout=60))
        assert httpx.get(url, timeout=60).json()["scenes"] == 0
        assert idle[0].recv(1) == b""  # the oldest idle connection was closed for it
    finally:
        for s in idle:
            s.close()
        proc.terminate()
        proc.wait(30)


def test_a_foreign_host_is_refused_even_with_the_token(api):
    client = api
    port = client.base_url.port
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example"):
        refused = client.get("/status", headers={"host": host})
        assert host in _err(refused, 400)
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}", "LOCALHOST"):
        assert client.get("/status", headers={"host": host}).status_code == 200


def test_every_answer_carries_the_security_headers(api):
    client = api
    bare = httpx.Client(base_url=client.base_url, timeout=30)
    answers = {
        "page": client.get("/"),
        "script": client.get("/web/app.js"),
        "docs": client.get("/docs"),
        "status": client.get("/status"),
        "missing": client.get("/nowhere"),
        "no token": bare.get("/status"),
        "foreign host": client.get("/status", headers={"host": "evil.example"}),
        "too large": client.post("/concepts", content=b"x" * 1_100_000),
    }
    bare.close()
    for what, r in answers.items():
        assert r.headers["x-content-type-options"] == "nosniff", what
        assert r.headers["referrer-policy"] == "no-referrer", what
        assert r.headers["x-frame-options"] == "DENY", what
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp, what
    assert "script-src 'self';" in answers["page"].headers["content-security-policy"]
    assert "'unsafe-inline'" in answers["docs"].headers["content-security-policy"]
    # the page and the docs load only their own files, all of them served
    for page in (answers["page"], answers["docs"]):
        assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert assets and not [a for a in assets if "//" in a]
        for asset in assets:
            if not asset.startswith("data:"):
                assert client.get("/" + asset.lstrip("/")).status_code == 200, asset
