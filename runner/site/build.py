"""What the site is made of: runbook pages rendered, generated pages, usage figures.

Shared by the MkDocs plugin and ``runner site generate``.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runner.errors import RunnerError
from runner.model import Problem, Runbook
from runner.parse import MARKDOWN_SUFFIXES, YAML_SUFFIXES, is_runbook_file, parse_file
from runner.site import assets
from runner.site.generated import (
    CATALOGUE,
    HEALTH,
    STATS,
    alert_pages,
    render_catalogue,
    render_health,
    render_stats,
    render_yaml_page,
    yaml_page_path,
)
from runner.site.page import Usage, render_markdown_page
from runner.telemetry.stats import Report


@dataclass
class Site:
    lang: str = "en"
    today: dt.date = field(default_factory=dt.date.today)
    pages: dict[str, Runbook] = field(default_factory=dict)  # docs-relative src → runbook
    yaml: list[Runbook] = field(default_factory=list)
    usage: dict[str, Usage] = field(default_factory=dict)
    report: Report | None = None
    days: int = 30
    problems: list[Problem] = field(default_factory=list)
    errors: list[RunnerError] = field(default_factory=list)
    health: dict[str, Any] = field(default_factory=dict)  # runbook id -> review Entry

    @property
    def runbooks(self) -> list[Runbook]:
        return [*self.pages.values(), *self.yaml]

    def url_of(self) -> dict[str, str]:
        """Runbook id → page URL relative to the site root (directory URLs)."""
        urls = {rb.id: page_url(src) for src, rb in self.pages.items()}
        urls.update({rb.id: page_url(yaml_page_path(rb)) for rb in self.yaml})
        return urls

    def render(self, src: str) -> str | None:
        runbook = self.pages.get(src)
        if runbook is None:
            return None
        depth = page_url(src).count("/")
        return render_markdown_page(
            runbook,
            today=self.today,
            usage=self.usage.get(runbook.id),
            alerts_url="../" * depth + "alerts/",
        )

    def generated(self) -> dict[str, str]:
        urls = self.url_of()
        files = {
            yaml_page_path(rb): render_yaml_page(rb, today=self.today, usage=self.usage.get(rb.id))
            for rb in self.yaml
        }
        files.update(alert_pages(self.runbooks, urls, self.lang))
        files[CATALOGUE] = render_catalogue(
            self.runbooks, urls, today=self.today, usage=self.usage, lang=self.lang
        )
        files[STATS] = render_stats(self.report, urls, self.lang, self.days)
        files[HEALTH] = render_health(list(self.health.values()), urls, self.lang)
        files[assets.CSS_PATH] = assets.CSS
        files[assets.JS_PATH] = assets.JS
        return files


def page_url(src: str) -> str:
    path = src.rsplit(".", 1)[0]
    if path == "index":
        return ""
    if path.endswith("/index"):
        return path[: -len("index")]
    return path + "/"


def collect(
    root: Path, docs_dir: Path, runbooks_dir: Path | None, sources: list[str], *, lang: str = "en"
) -> Site:
    """Parse a site's runbooks: ``sources`` are docs-relative Markdown paths. Paths in
    messages and run commands are relative to ``root`` (the folder with mkdocs.yml)."""
    site = Site(lang=lang)

    def shown(path: Path) -> str:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    for src in sorted(sources):
        if Path(src).suffix.lower() not in MARKDOWN_SUFFIXES:
            continue
        path = docs_dir / src
        try:
            runbook = parse_file(path, shown=shown(path))
        except RunnerError as exc:
            site.errors.append(exc)
            continue
        site.problems.extend(runbook.problems)
        if runbook.is_runbook:
            site.pages[src] = runbook
    if runbooks_dir is not None and runbooks_dir.is_dir():
        for path in sorted(runbooks_dir.rglob("*")):
            if path.suffix.lower() in YAML_SUFFIXES and is_runbook_file(path):
                try:
                    runbook = parse_file(path, shown=shown(path))
                except RunnerError as exc:
                    site.errors.append(exc)
                    continue
                site.problems.extend(runbook.problems)
                site.yaml.append(runbook)
    return site


def load_usage(site: Site, store_url: str | None, days: int) -> None:
    """Usage and health from the telemetry store; a site without a store still gets the
    health reasons that need no telemetry (review dates, test cases)."""
    from runner.review import review
    from runner.telemetry import default_location, open_store
    from runner.telemetry.stats import compute

    site.days = days
    store = None
    if store_url is not None or default_location().exists():
        try:
            store = open_store(store_url)
        except Exception:  # a missing or unreachable store leaves the usage blank
            store = None
    last: dict[tuple[str, str], float] = {}
    try:
        if store is not None:
            site.report = compute(store, since=time.time() - days * 86400)
            for row in store.aggregate(
                'SELECT runbook_id, "trigger" AS trig, MAX(started_at) AS at FROM runs'
                " WHERE \"trigger\" IN ('test', 'drill') GROUP BY runbook_id, \"trigger\"",
                [],
            ):
                last[(row["runbook_id"], row["trig"])] = float(row["at"])
        entries = {e.runbook: e for e in review(site.runbooks, store, today=site.today)}
    finally:
        if store is not None:
            store.close()
    site.health = entries
    stats = {r.id: r for r in site.report.runbooks} if site.report else {}
    for rb in site.runbooks:
        s = stats.get(rb.id)
        entry = entries.get(rb.id)
        site.usage[rb.id] = Usage(
            runs=s.runs if s else 0,
            days=days,
            success_rate=s.success_rate if s else None,
            median_s=s.duration_p50_s if s else None,
            health_known=True,
            attention=tuple(r["code"] for r in entry.reasons) if entry else (),
            last_tested=last.get((rb.id, "test")),
            last_exercised=last.get((rb.id, "drill")),
        )


def runbook_link(runbook: Runbook, site_url: str) -> str | None:
    """The runbook's page on the published site, for messages (escalations, alerts)."""
    from runner.discover import docs_dir, project_root
    from runner.parse import YAML_SUFFIXES

    path = Path(runbook.path).resolve()
    docs = docs_dir(project_root()).resolve()
    base = site_url.rstrip("/") + "/"
    if path.suffix.lower() in YAML_SUFFIXES:
        return base + page_url(yaml_page_path(runbook))
    try:
        return base + page_url(path.relative_to(docs).as_posix())
    except ValueError:
        return None
