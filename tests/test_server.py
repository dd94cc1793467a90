"""The HTTP API over real HTTP: a started server, its token, its size limit, and bad input
on every endpoint, each answered with a JSON error and a 4xx status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from scenecodec.interfaces.server import COOKIE
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
    assert events[0]["stage"] == "stream" and events[-1]["timeline"]["segments"]
    assert "empty text" in _err(client.post("/pulse/stream", json={"text": " "}), 400)
    _err(client.post("/pulse/stream", json={"scene": "Δ999"}), 404)


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
            assert documented == {"400", "401", "404", "409", "413", "422"}, (method, path)
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
