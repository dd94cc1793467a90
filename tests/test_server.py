"""The HTTP API over real HTTP: a started server, its token, its size limit, and bad input
on every endpoint, each answered with a JSON error and a 4xx status."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from test_cli import js

TOKEN = "s3cret"
AUTH = {"authorization": f"Bearer {TOKEN}"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    memory = tmp_path_factory.mktemp("serve") / "m.sqlite"
    port = _free_port()
    env = {**os.environ, "SCENECODEC_TOKEN": TOKEN}
    proc = subprocess.Popen(
        [sys.executable, "-m", "scenecodec", "serve", "--port", str(port), "--memory", str(memory)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=AUTH, timeout=60)
    deadline = time.monotonic() + 90
    while True:
        try:
            if client.get("/").status_code == 200:
                break
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"server did not start: {proc.stderr.read().decode()[-2000:]}")
        time.sleep(0.3)
    client.post("/compress", json={"concepts": "жар + страх → шаг"}).raise_for_status()
    client.post("/compress", json={"concepts": ["тишина", "ночь"], "anchor": "сон"})
    yield client, port
    client.close()
    proc.terminate()
    proc.wait(timeout=10)


def _err(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and "Traceback" not in body["error"]
    return body["error"]


def test_every_endpoint_answers_with_the_cli_shapes(api, tmp_path):
    client, _ = api
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
    assert client.get("/").json()["docs"] == "/docs"


def test_the_token_guards_every_endpoint(api):
    client, _ = api
    bare = httpx.Client(base_url=client.base_url, timeout=30)
    for method, path in [("GET", "/"), ("GET", "/docs"), ("GET", "/scenes"), ("POST", "/expand")]:
        assert "bearer token" in _err(bare.request(method, path, json={}), 401)
    wrong = {"authorization": "Bearer nope"}
    _err(bare.post("/recall", json={"cue": "жар"}, headers=wrong), 401)
    bare.close()


def test_bodies_are_capped(api):
    client, _ = api
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
        ("GET", "/scenes/Δ999", None, 404, "no scene Δ999"),
        ("GET", "/scenes/xyz", None, 400, "not a Δ-code"),
        ("GET", "/nowhere", None, 404, "Not Found"),
    ],
)
def test_bad_input_is_a_json_4xx(api, method, path, body, status, says):
    client, _ = api
    before = client.get("/scenes").json()["total"]
    message = _err(client.request(method, path, json=body), status)
    assert says in message
    assert client.get("/scenes").json()["total"] == before  # nothing half-written


def test_malformed_json_is_422(api):
    client, _ = api
    response = client.post(
        "/expand", content=b'{"scene": 5', headers={"content-type": "application/json"}
    )
    assert "JSON" in _err(response, 422)
