"""Pages that exist only on the site: YAML runbooks, alert pages, catalogue, statistics."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from typing import Any

from runner.i18n import label
from runner.model import Runbook
from runner.site.page import (
    Usage,
    decision_graph,
    freshness,
    header_card,
    step_block,
    step_header,
)
from runner.telemetry.stats import Report, RunbookStats

ALERTS_DIR = "alerts"
CATALOGUE = "catalogue.md"
STATS = "stats.md"
HEALTH = "health.md"
YAML_DIR = "runbooks"


def yaml_page_path(runbook: Runbook) -> str:
    return f"{YAML_DIR}/{runbook.id}.md"


def render_yaml_page(runbook: Runbook, *, today: dt.date, usage: Usage | None) -> str:
    lang = runbook.lang
    out = [
        f"# {runbook.title}",
        "",
        header_card(runbook, today=today, usage=usage, alerts_url="../../alerts/"),
    ]
    if runbook.description:
        out += [runbook.description, ""]
    if runbook.triggers:
        out += [f"## {label('site_triggers', lang)}", ""]
        for trigger in runbook.triggers:
            out.append(f"- alert `{trigger.alert}`" if trigger.alert else f"- {trigger.threshold}")
        out.append("")
    out += [f"## {label('site_steps', lang)}", ""]
    for step in runbook.steps:
        out += [
            f"### {step.index}. {step.title}",
            "",
            step_header(runbook, step, len(runbook.steps)),
            "",
        ]
        out += [*step_block(step), ""]
    if runbook.escalation:
        out += [
            f"## {label('escalation', lang)}",
            "",
            f"| {label('site_escalation_level', lang)} | {label('site_contact', lang)} "
            f"| {label('site_after', lang)} |",
            "|---|---|---|",
        ]
        for level in runbook.escalation:
            after = f"{level.after_s / 60:g} min" if level.after_s else "-"
            out.append(f"| {level.level} | {level.contact} | {after} |")
        out.append("")
    graph = decision_graph(runbook)
    if graph:
        out += [f"## {label('site_flow', lang)}", "", graph, ""]
    return "\n".join(out) + "\n"


def alert_pages(runbooks: list[Runbook], url_of: Mapping[str, str], lang: str) -> dict[str, str]:
    """``alerts/<name lower-case>/`` for every alert a runbook names.

    One runbook: a tiny static ``index.html`` that forwards at once, keeping the query
    string (the alert's labels), with a plain link for browsers without JavaScript; it
    carries no theme or navigation, so a thousand alerts cost a few hundred kB. Several
    runbooks: a Markdown page listing them.
    """
    by_alert: dict[str, list[Runbook]] = {}
    names: dict[str, str] = {}
    for runbook in runbooks:
        for alert in runbook.alerts:
            by_alert.setdefault(alert.lower(), []).append(runbook)
            names.setdefault(alert.lower(), alert)
    pages = {}
    for key, handlers in sorted(by_alert.items()):
        alert = names[key]
        title = label("site_alert_title", lang, alert=alert)
        if len(handlers) == 1:
            target = "../../" + url_of[handlers[0].id]
            esc_target = html.escape(target)
            pages[f"{ALERTS_DIR}/{key}/index.html"] = (
                f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8">'
                f"<title>{html.escape(title)}</title>"
                f'<meta name="robots" content="noindex">'
                f"<script>location.replace({target!r} + location.search + location.hash)"
                f"</script>"
                f'<meta http-equiv="refresh" content="0; url={esc_target}"></head>\n'
                f'<body><p class="rb-forward">'
                f"{html.escape(label('site_alert_forward', lang, alert=alert))} "
                f'<a href="{esc_target}">{html.escape(handlers[0].title)}</a></p></body>'
                f"</html>\n"
            )
        else:
            items = "\n".join(
                f'- <a class="rb-forward-choice" href="../../{html.escape(url_of[rb.id])}">'
                f"{html.escape(rb.title)}</a> (`{rb.id}`)"
                for rb in handlers
            )
            pages[f"{ALERTS_DIR}/{key}/index.md"] = (
                f"---\ntitle: {alert}\nsearch:\n  exclude: true\n---\n"
                f"# {html.escape(title)}\n\n{label('site_alert_several', lang)}\n\n{items}\n"
            )
    return pages


def render_catalogue(
    runbooks: list[Runbook],
    url_of: Mapping[str, str],
    *,
    today: dt.date,
    usage: Mapping[str, Usage],
    lang: str,
) -> str:
    esc = html.escape
    head = "".join(
        f"<th>{esc(label(k, lang))}</th>"
        for k in ("title", "owner", "service", "lang", "alerts", "site_last_reviewed", "site_usage")
    )
    rows = []
    for rb in sorted(runbooks, key=lambda r: r.title.lower()):
        fresh = freshness(rb, today)
        use = usage.get(rb.id)
        runs = use.runs if use else 0
        words = [rb.title, rb.id, rb.owner or "", rb.service or "", *rb.alerts, *rb.tags]
        age = fresh.age_days if fresh.age_days is not None else 99999
        rows.append(
            f'<tr data-search="{esc(" ".join(words).lower())}">'
            f'<td><a href="../{esc(url_of[rb.id])}">{esc(rb.title)}</a></td>'
            f"<td>{esc(rb.owner or '-')}</td><td>{esc(rb.service or '-')}</td>"
            f"<td>{rb.lang}</td><td>{esc(', '.join(rb.alerts) or '-')}</td>"
            f'<td class="rb-{fresh.status}" data-sort="{age}">'
            f"{esc(label('site_' + fresh.status, lang))}"
            f"{f' ({fresh.age_days} d)' if fresh.age_days is not None else ''}</td>"
            f'<td data-sort="{runs}">{runs}</td></tr>'
        )
    placeholder = esc(label("site_filter", lang))
    return (
        f"---\nsearch:\n  exclude: true\n---\n# {label('site_catalogue', lang)}\n\n"
        f'<input class="rb-filter" type="search" placeholder="{placeholder}">\n\n'
        f'<table class="rb-catalogue rb-sortable"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>\n"
    )


def _bar_chart(values: list[tuple[str, float]], *, unit: str, fmt: str = "{:g}") -> str:
    """A horizontal bar chart as inline SVG (no scripts, no external assets)."""
    if not values:
        return ""
    top = max(v for _, v in values) or 1.0
    row, width, label_w = 22, 560, 180
    parts = [
        f'<svg class="rb-chart" viewBox="0 0 {width} {row * len(values) + 4}" '
        f'role="img" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (name, value) in enumerate(values):
        y = i * row + 2
        bar = (width - label_w - 70) * value / top
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">'
            f"{html.escape(name)}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{bar:.1f}" height="{row - 6}" rx="2" '
            f'class="rb-bar"><title>{html.escape(name)}: {fmt.format(value)}{unit}</title></rect>'
            f'<text x="{label_w + bar + 6:.1f}" y="{y + 15}" font-size="12">'
            f"{fmt.format(value)}{unit}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def render_stats(report: Report | None, url_of: Mapping[str, str], lang: str, days: int) -> str:
    out = [f"---\nsearch:\n  exclude: true\n---\n# {label('site_stats', lang)}", ""]
    if report is None or not report.runbooks:
        out.append(label("site_no_stats", lang))
        return "\n".join(out) + "\n"
    rows: list[RunbookStats] = sorted(report.runbooks, key=lambda r: -r.runs)
    out.append(
        label(
            "stats_footnote",
            lang,
            since=dt.date.fromtimestamp(report.since),
            abandoned=report.total.abandoned,
            running=report.total.running,
        )
    )
    out += [
        "",
        f"## {label('stats_runs', lang)} ({days} d)",
        "",
        _bar_chart([(r.id, float(r.runs)) for r in rows], unit=""),
        "",
        f"## {label('stats_success', lang)}",
        "",
        _bar_chart(
            [(r.id, (r.success_rate or 0) * 100) for r in rows if r.success_rate is not None],
            unit=" %",
            fmt="{:.0f}",
        ),
        "",
        "## p95 (s)",
        "",
        _bar_chart(
            [(r.id, r.duration_p95_s or 0.0) for r in rows if r.duration_p95_s is not None],
            unit=" s",
            fmt="{:.1f}",
        ),
        "",
    ]
    out += [
        f"| runbook | {label('stats_runs', lang)} | {label('stats_success', lang)} | "
        f"{label('stats_escalation', lang)} | p50 | p95 | {label('site_feedback', lang)} |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        link = f'<a href="../{url_of[r.id]}">{r.id}</a>' if r.id in url_of else r.id
        out.append(
            f"| {link} | {r.runs} | {_pct(r.success_rate)} | {_pct(r.escalation_rate)} "
            f"| {_secs(r.duration_p50_s)} | {_secs(r.duration_p95_s)} | {_feedback(r)} |"
        )
    return "\n".join(out) + "\n"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f} %"


def _secs(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} s"


def render_health(entries: list[Any], url_of: Mapping[str, str], lang: str) -> str:
    """The "Runbook health" page: runner review's report, grouped by owner."""
    out = [f"---\nsearch:\n  exclude: true\n---\n# {label('site_health_title', lang)}", ""]
    if not entries:
        out.append(label("site_all_healthy", lang))
    by_owner: dict[str, list[Any]] = {}
    for entry in entries:
        by_owner.setdefault(entry.owner, []).append(entry)
    for owner, items in sorted(by_owner.items()):
        out += [f"## {owner}", ""]
        for entry in items:
            link = (
                f'<a href="../{html.escape(url_of[entry.runbook])}">{entry.runbook}</a>'
                if entry.runbook in url_of
                else entry.runbook
            )
            out.append(f"- {link}")
            out += [f"    - `{r['code']}`: {html.escape(str(r['detail']))}" for r in entry.reasons]
        out.append("")
    return "\n".join(out) + "\n"


def _feedback(stats: RunbookStats) -> str:
    if not stats.feedback:
        return "-"
    latest = f": «{html.escape(stats.latest_feedback)}»" if stats.latest_feedback else ""
    return f"{stats.feedback}{latest}".replace("|", "\\|")
