"""The real site, built by MkDocs with our plugin: pages agree with `runner show`, generated
pages exist, nothing is fetched from the internet."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    store = tmp_path_factory.mktemp("store") / "telemetry.db"
    # a little telemetry so the usage line and the statistics page have figures
    for _ in range(2):
        run_cli(
            "exec", "docs/local-health.md", "--yes", "--step", "disk-space", "--store", str(store)
        )
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
        cwd=ROOT,
        env={**ENV, "RUNNER_STORE": str(store)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return out


class Steps(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.steps: list[tuple[str, str]] = []
        self._in: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "p" and "rb-step" in (a.get("class") or ""):
            self._in, self._text = a.get("data-step"), ""

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and self._in is not None:
            self.steps.append((self._in, self._text))
            self._in = None


PAGES = {
    "docs/db-debug.md": "db-debug/index.html",
    "docs/kø-opphopning.md": "kø-opphopning/index.html",
    "docs/health-check.md": "health-check/index.html",
    "docs/local-health.md": "local-health/index.html",
    "docs/api-scale-out.md": "api-scale-out/index.html",
    "runbooks/high-cpu.yml": "runbooks/high-cpu/index.html",
}


@pytest.mark.parametrize("source", sorted(PAGES))
def test_step_ids_and_numbers_match_runner_show(site: Path, source: str) -> None:
    shown = json.loads(run_cli("show", source, "--json").stdout)
    parser = Steps()
    parser.feed((site / PAGES[source]).read_text(encoding="utf-8"))
    total = len(shown["steps"])
    assert [step_id for step_id, _ in parser.steps] == [s["id"] for s in shown["steps"]]
    for (_, text), step in zip(parser.steps, shown["steps"], strict=True):
        assert text.startswith(f"{step['index']}/{total}")
        assert step["command"] in text  # the exact command that runs this step


def test_fences_render_without_our_attributes(site: Path) -> None:
    page = (site / "db-debug/index.html").read_text(encoding="utf-8")
    assert "timeout=60s" not in page and "{#check-pool" not in page
    assert '<span class="nb">exec</span>' in page  # highlighted as bash


def test_kube_steps_render_as_yaml_without_our_marker(site: Path) -> None:
    page = (site / "api-scale-out/index.html").read_text(encoding="utf-8")
    assert "{kube" not in page and "kube #" not in page
    assert "runner exec docs/api-scale-out.md --step scale-out" in page
    assert '<span class="nt">action</span>' in page  # highlighted as YAML


def test_yaml_runbook_kube_steps_on_the_page(tmp_path: Path) -> None:
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/index.md").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nplugins: [runbooks]\n", encoding="utf-8")
    (tmp_path / "runbooks/scale.yml").write_text(
        "name: Scale out\nsteps:\n  - name: Two more\n"
        "    kube: {action: scale, deployment: api, replicas: +2}\n",
        encoding="utf-8",
    )
    out = tmp_path / "rendered"
    result = run_cli("site", "generate", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    page = (out / "runbooks/scale.md").read_text(encoding="utf-8")
    assert "```yaml\naction: scale\ndeployment: api\nreplicas: '+2'\n```" in page
    assert "≈ `kubectl scale deployment/api --replicas=<current + 2>`" in page


def test_header_card_and_usage(site: Path) -> None:
    page = (site / "local-health/index.html").read_text(encoding="utf-8")
    assert 'class="rb-card"' in page and "@platform-team" in page
    assert "used 2 times in 30 days · 100 % success" in page
    stale = (site / "db-debug/index.html").read_text(encoding="utf-8")
    assert "may be out of date" not in stale  # reviewed 2026-11-20, every 90 days


def test_alert_pages_forward_to_the_runbook(site: Path) -> None:
    page = (site / "alerts/postgrestoomanyconnections/index.html").read_text(encoding="utf-8")
    assert "location.replace('../../db-debug/' + location.search" in page
    assert 'href="../../db-debug/"' in page
    assert (site / "alerts/cpuusagehigh/index.html").exists()  # from YAML triggers


def test_catalogue_and_stats_pages(site: Path) -> None:
    catalogue = (site / "catalogue/index.html").read_text(encoding="utf-8")
    for title in (
        "Database connection issues",
        "Meldingskøen hoper seg opp",
        "High CPU Usage Response",
    ):
        assert title in catalogue
    stats = (site / "stats/index.html").read_text(encoding="utf-8")
    assert "<svg" in stats and "local-health" in stats


def test_nothing_is_fetched_from_the_internet(site: Path) -> None:
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        external = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(https?://[^"]+)"', html)
        assert [u for u in external if "127.0.0.1" not in u] == [], page


def test_generate_writes_rendered_markdown(tmp_path: Path) -> None:
    out = tmp_path / "rendered"
    result = run_cli("site", "generate", str(out))
    assert result.returncode == 0, result.stderr
    page = (out / "db-debug.md").read_text(encoding="utf-8")
    assert "runner exec docs/db-debug.md --step check-pool" in page
    assert "```bash {#" not in page
    assert (out / "alerts/postgrestoomanyconnections/index.html").exists()
    assert (out / "runbooks/high-cpu.md").exists() and (out / "catalogue.md").exists()
    assert (out / "writing-runbooks.md").read_text(encoding="utf-8") == (
        ROOT / "docs/writing-runbooks.md"
    ).read_text(encoding="utf-8")


def test_steps_in_containers_get_headers_on_the_page(tmp_path: Path) -> None:
    """Fences in lists, quotes, admonitions and tabs keep their place and get a header."""
    import shutil

    (tmp_path / "docs").mkdir()
    shutil.copyfile(ROOT / "tests/fixtures/parse/containers.md", tmp_path / "docs/index.md")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\ntheme: {name: material, font: false}\nplugins: [runbooks]\n"
        "markdown_extensions: [admonition, attr_list, pymdownx.details, pymdownx.superfences,"
        " {pymdownx.tabbed: {alternate_style: true}}]\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"],
        cwd=tmp_path,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    parser = Steps()
    parser.feed((tmp_path / "site/index.html").read_text(encoding="utf-8"))
    assert [step_id for step_id, _ in parser.steps] == [
        "in-a-list",
        "nodes",
        "quoted",
        "admonition",
        "collapsed",
        "tab-linux",
        "tab-macos",
        "four-backticks",
        "tilde",
    ]


def test_health_page_and_per_page_health(site: Path) -> None:
    health = (site / "health/index.html").read_text(encoding="utf-8")
    assert "Runbook health" in health and "not-exercised" in health
    assert 'href="../db-debug/"' in health
    page = (site / "local-health/index.html").read_text(encoding="utf-8")
    assert "<dt>last tested</dt><dd>never</dd>" in page
    assert "<dt>last exercised</dt><dd>never</dd>" in page
    assert 'class="rb-badge rb-attention" href="../health/"' in page
