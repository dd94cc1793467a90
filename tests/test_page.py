"""The page in a real browser: Debian's Chromium, driven by Playwright, against a started
server. Types the seed's scene, sees its micro-scenes and five registers, clicks a node of
the cloud to unfold it, reads a text with streamed progress, and saves a screenshot.

Needs ``/usr/bin/chromium`` (``.ci/run`` installs Debian's ``chromium``); skipped without it
unless ``$SCENECODEC_BROWSER`` is ``required`` (as in CI), when its absence is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("SCENECODEC_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""Chromium started with its background networking off: nothing reaches out."""
TOKEN = "page-token"
MEMORY = ["жар + страх → шаг", "тишина + ночь → сон", "дверь + свет → вход", "жар + тело → пульс"]
"""Scenes the memory holds before the page opens, so that the seed's parts unfold."""

if shutil.which(CHROMIUM) is None:
    if os.environ.get("SCENECODEC_BROWSER") == "required":
        raise RuntimeError(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    pytest.skip(f"no Chromium at {CHROMIUM} (.ci/run installs it)", allow_module_level=True)


@pytest.fixture(scope="module")
def page(serve, tmp_path_factory):
    client = serve(tmp_path_factory.mktemp("page") / "m.sqlite", TOKEN)
    for formula in MEMORY:
        client.post("/compress", json={"concepts": formula}).raise_for_status()
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        tab = browser.new_page(viewport={"width": 1280, "height": 1000})
        errors: list[str] = []
        outside: list[str] = []  # every request the page makes must go to our server

        def only_ours(route) -> None:
            if route.request.url.startswith(str(client.base_url)):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        tab.route("**/*", only_ours)
        tab.on("pageerror", lambda e: errors.append(str(e)))
        refused = "Content Security Policy"  # anything the headers keep from loading or running
        tab.on("console", lambda m: errors.append(m.text) if refused in m.text else None)
        tab.goto(f"{client.base_url}/?token={TOKEN}")
        yield tab
        browser.close()
        assert errors == [] and outside == []


def _outline(tab) -> list[str]:
    """The cloud's nodes by id, from the outline the page keeps beside the canvas."""
    return tab.eval_on_selector_all("#outline li", "items => items.map(i => i.dataset.node)")


def test_the_seed_scene_unfolds_in_the_cloud_and_speaks_five_registers(page, tmp_path):
    tab = page
    tab.fill("#scene", "тишинажарвход")
    tab.press("#scene", "Enter")
    tab.wait_for_selector("#outline li[data-node='s/2']", state="attached")
    assert tab.inner_text("#formula") == "тишина + жар → вход"
    assert _outline(tab) == ["s", "s/0", "s/1", "s/2"]
    lemmas = tab.evaluate(
        "window.scenecodec.cy.nodes('[kind = \"micro\"]').map(n => n.data('lemma'))"
    )
    assert lemmas == ["тишина", "жар", "вход"]
    registers = tab.eval_on_selector_all(
        ".register", "cs => cs.map(c => [c.dataset.register, c.querySelector('.text').innerText])"
    )
    assert [r for r, _ in registers] == ["logical", "poetic", "emotional", "archetypal", "bodily"]
    assert all(text and text != "not active" for _, text in registers)
    assert tab.inner_text(".register[data-register='poetic'] .text").startswith("Тишина")
    weights = tab.eval_on_selector_all(".register .meta", "m => m.map(x => x.innerText)")
    assert all(w.startswith("weight 0.") and "voice " in w for w in weights)

    # Click the node «жар» on the canvas itself: it unfolds into its own micro-scenes.
    x, y, closed = tab.evaluate(
        """(() => {
            const node = window.scenecodec.cy.getElementById('s/1');
            const at = node.renderedPosition();
            const box = document.querySelector('#cloud').getBoundingClientRect();
            return [box.x + at.x, box.y + at.y, node.data('closed')];
        })()"""
    )
    assert closed
    tab.mouse.click(x, y)
    tab.wait_for_selector("#outline li[data-node='s/1/0']", state="attached")
    below = [n for n in _outline(tab) if n.startswith("s/1/")]
    assert 3 <= len(below) <= 7
    assert tab.inner_text("#detail h3") == "жар · peak"
    assert "жар" in tab.inner_text("#status")  # "жар → <its own scene>"
    assert tab.locator("#neighbours li a").count() >= 1
    shot = tmp_path / "page.png"
    tab.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    if os.environ.get("SCENECODEC_SCREENSHOTS"):
        shutil.copy(shot, Path(os.environ["SCENECODEC_SCREENSHOTS"]) / "page.png")


def test_reading_a_text_streams_progress_into_a_pulse_timeline(page):
    tab = page
    tab.fill(
        "#text",
        "Шёл снег. Мороз трещал. Дети катались на санках. "
        "Банк поднял ставку. Семья считала расходы. Кредит стал дороже.",
    )
    seen = []
    tab.on(
        "response",
        lambda r: seen.append(r.headers.get("content-type")) if "pulse/stream" in r.url else None,
    )
    tab.click("#read-form button")
    tab.wait_for_selector("#phases tr", state="attached")
    tab.wait_for_selector("#progress", state="hidden")
    assert seen == ["application/x-ndjson"]
    assert tab.locator("#timeline .u-over").count() == 1  # uPlot drew the curves
    assert tab.locator("#segments li").count() >= 1
    assert tab.inner_text("#status") == "pulse done"


def test_bad_input_is_said_on_the_page(page):
    tab = page
    tab.fill("#scene", "Δ999")
    tab.press("#scene", "Enter")
    tab.wait_for_selector("#status.error")
    assert "no scene Δ999" in tab.inner_text("#status")


def test_the_api_docs_render_without_the_network(page):
    tab = page
    tab.goto(tab.url.split("?")[0] + "docs")
    tab.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    paths = tab.eval_on_selector_all(".opblock-summary-path", "ps => ps.map(p => p.innerText)")
    assert {"/expand", "/recall", "/pulse/stream"} <= {p.replace("\u200b", "") for p in paths}
