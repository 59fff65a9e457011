"""The site in real headless Chromium (Debian's package, driven by playwright): search in
Norwegian and English, alert links, parameters from the URL, copy buttons, charts.

Screenshots for humans are written to build/screenshots/.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, run_cli

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian's chromium is not installed (scripts/chromium-up.sh installs it as root)",
)
SHOTS = ROOT / "build" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("browser-site")
    store = tmp_path_factory.mktemp("store") / "telemetry.db"
    for _ in range(3):
        run_cli(
            "exec", "docs/local-health.md", "--yes", "--step", "disk-space", "--store", str(store)
        )
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "RUNNER_STORE": str(store)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = context.new_page()
    yield page
    context.close()


def search(page: Any, query: str) -> list[str]:
    page.goto("/")
    page.wait_for_load_state("networkidle")
    page.keyboard.press("s")  # Material's shortcut opens the search
    page.keyboard.type(query)
    page.wait_for_selector(".md-search-result__meta")
    page.wait_for_function(
        "() => !document.querySelector('.md-search-result__meta').textContent"
        ".includes('Initializing')"
    )
    page.wait_for_timeout(400)
    return [el.inner_text() for el in page.query_selector_all(".md-search-result__item h1")]


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("tilkoblingene", "Meldingskøen hoper seg opp"),  # the page says "tilkobling"
        ("tilkobling", "Meldingskøen hoper seg opp"),
        ("forbrukeren", "Meldingskøen hoper seg opp"),  # the page says "forbrukerne"
        ("connections", "Database connection issues"),
        ("escalation", "Writing runbooks"),
    ],
)
def test_search_finds_inflected_norwegian_and_english(page: Any, query: str, title: str) -> None:
    titles = search(page, query)
    assert any(title in t for t in titles), titles


def test_alert_link_lands_on_the_runbook_with_labels(page: Any) -> None:
    page.goto("/alerts/postgrestoomanyconnections/?ENV=prod&pod=api-1")
    page.wait_for_url("**/db-debug/?ENV=prod&pod=api-1")
    code = page.inner_text("#step-check-pool + div pre code, #step-check-pool ~ div pre code")
    assert 'kubectl get pods -l app=api -n "prod"' in code
    run = page.inner_text("#step-check-pool code.rb-run")
    assert run == "runner exec docs/db-debug.md --step check-pool --param ENV=prod"
    page.screenshot(path=str(_shot("runbook-page.png")), full_page=True)


def test_copy_button_copies_the_run_command(page: Any) -> None:
    page.goto("/db-debug/")
    page.click("#step-db-ready .rb-copy")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == "runner exec docs/db-debug.md --step db-ready"


def test_catalogue_filters(page: Any) -> None:
    page.goto("/catalogue/")
    rows = page.locator(".rb-catalogue tbody tr")
    assert rows.count() == 6
    page.fill(".rb-filter", "rabbitmq")
    visible = [r for r in rows.all() if r.is_visible()]
    assert [r.inner_text().split("\t")[0] for r in visible] == ["Meldingskøen hoper seg opp"]
    page.fill(".rb-filter", "")
    page.screenshot(path=str(_shot("catalogue.png")), full_page=True)


def test_stats_page_shows_charts(page: Any) -> None:
    page.goto("/stats/")
    charts = page.locator("svg.rb-chart")
    assert charts.count() >= 2 and charts.first.is_visible()
    assert "local-health" in charts.first.inner_html()
    page.screenshot(path=str(_shot("stats.png")), full_page=True)


def test_norwegian_stemmer_matches_snowball(page: Any) -> None:
    snowball = pytest.importorskip("snowballstemmer").stemmer("norwegian")
    words = [
        "tilkoblingene",
        "tilkoblinger",
        "tilkoblingen",
        "forbrukerne",
        "kjøringer",
        "eskaleringen",
        "tilgangene",
        "databasen",
        "meldingene",
        "køen",
        "hetslov",
        "beregnet",
        "kommunene",
        "sikkerheten",
        "varslene",
        "løsningens",
        "konsert",
        "konserte",
        "kleds",
        "bakt",
        "bavt",
        "vennlig",
        "skrives",
        "grupper",
        "kunders",
        "skapers",
        "havers",
        "vinders",
        "lekkers",
        "brukers",
        "bilers",
        "kurs",
        "fars",
        "verks",
        "hoteller",
        "loggene",
        "nettverket",
        "eleg",
        "a",
        "å",
        "øst",
    ]
    page.goto("/db-debug/")
    ours = page.evaluate("(words) => words.map(w => window.runbooksStemNo(w))", words)
    assert ours == [snowball.stemWord(w) for w in words]


def _shot(name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / name


def test_works_offline_and_draws_the_decision_flow(page: Any, base_url: str) -> None:
    from runner.site.assets import mermaid_js

    outside: list[str] = []

    def block(route: Any) -> None:
        outside.append(route.request.url)
        route.abort()

    page.route(lambda url: not url.startswith(base_url), block)
    page.goto("/db-debug/")
    page.wait_for_load_state("networkidle")
    if mermaid_js() is not None:
        # Material draws the chart into a closed shadow root: the source text is gone and
        # the drawing takes room on the page
        page.wait_for_function(
            "() => { const m = document.querySelector('div.mermaid');"
            " return m && !m.textContent.trim() && m.getBoundingClientRect().height > 200; }",
            timeout=20000,
        )
        page.screenshot(path=str(_shot("decision-flow.png")), full_page=True)
    else:
        assert "flowchart TD" in page.inner_text("body")  # shown as text, still readable
    search(page, "tilkoblingene")
    assert outside == []
