"""A runbook page: the author's Markdown with a header card, a header per step (number,
id, title, badges, the command that runs it), block attributes stripped from the fences,
and the decision graph the runner follows."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass

from runner.i18n import label
from runner.model import Runbook, Step
from runner.parse.header import DEFAULT_REVIEW_DAYS
from runner.serialize import run_command

_FENCE_OPEN = re.compile(
    r"^(?P<prefix>[ \t>]*(?:(?:[-*+]|\d+[.)])[ \t]+)?[ \t>]*)"
    r"(?P<marker>`{3,}|~{3,})(?P<info>.*)$"
)


@dataclass(frozen=True, slots=True)
class Usage:
    """The per-page usage line: from the telemetry store, over a window."""

    runs: int
    days: int
    success_rate: float | None
    median_s: float | None
    # health, from runner.review and the recorded test runs and drills
    health_known: bool = False
    attention: tuple[str, ...] = ()  # reason codes; empty: healthy
    last_tested: float | None = None
    last_exercised: float | None = None


@dataclass(frozen=True, slots=True)
class Freshness:
    status: str  # fresh | overdue | unknown
    age_days: int | None
    every_days: int


def freshness(runbook: Runbook, today: dt.date) -> Freshness:
    every = runbook.review_every_days or DEFAULT_REVIEW_DAYS
    if runbook.last_reviewed is None:
        return Freshness("unknown", None, every)
    age = (today - runbook.last_reviewed).days
    return Freshness("overdue" if age > every else "fresh", age, every)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def usage_line(usage: Usage | None, lang: str) -> str:
    if usage is None or usage.runs == 0:
        return label("site_unused", lang, days=usage.days if usage else 30)
    parts = [label("site_used", lang, runs=usage.runs, days=usage.days)]
    if usage.success_rate is not None:
        parts.append(label("site_success", lang, pct=round(usage.success_rate * 100)))
    if usage.median_s is not None:
        parts.append(label("site_median", lang, duration=_duration(usage.median_s)))
    return " · ".join(parts)


def header_card(
    runbook: Runbook, *, today: dt.date, usage: Usage | None, alerts_url: str = "../alerts/"
) -> str:
    lang = runbook.lang
    esc = html.escape
    rows = []
    for key, value in (
        ("owner", runbook.owner),
        ("service", runbook.service),
        ("site_severity", runbook.severity),
        ("lang", runbook.lang),
    ):
        if value:
            rows.append(f"<dt>{esc(label(key, lang))}</dt><dd>{esc(value)}</dd>")
    if runbook.alerts:
        links = ", ".join(
            f'<a href="{alerts_url}{esc(a.lower())}/"><code>{esc(a)}</code></a>'
            for a in runbook.alerts
        )
        rows.append(f"<dt>{esc(label('alerts', lang))}</dt><dd>{links}</dd>")
    fresh = freshness(runbook, today)
    if runbook.last_reviewed:
        rows.append(
            f"<dt>{esc(label('site_last_reviewed', lang))}</dt>"
            f"<dd>{runbook.last_reviewed.isoformat()}</dd>"
        )
    rows.append(
        f"<dt>{esc(label('site_usage', lang))}</dt>"
        f'<dd class="rb-usage">{esc(usage_line(usage, lang))}</dd>'
    )
    if usage is not None and usage.health_known:
        for key, ts in (
            ("site_last_tested", usage.last_tested),
            ("site_last_exercised", usage.last_exercised),
        ):
            when = dt.date.fromtimestamp(ts).isoformat() if ts else label("site_never", lang)
            rows.append(f"<dt>{esc(label(key, lang))}</dt><dd>{when}</dd>")
        health_url = alerts_url[: -len("alerts/")] + "health/"
        badge = (
            f'<span class="rb-badge rb-healthy">{esc(label("site_healthy", lang))}</span>'
            if not usage.attention
            else f'<a class="rb-badge rb-attention" href="{health_url}">'
            f"{esc(label('site_attention', lang))}: {esc(', '.join(usage.attention))}</a>"
        )
        rows.append(f"<dt>{esc(label('site_health', lang))}</dt><dd>{badge}</dd>")
    rows.append(
        f"<dt>{esc(label('run', lang))}</dt>"
        f'<dd><code class="rb-run-all">{esc(run_command(runbook))}</code></dd>'
    )
    params = " ".join(p.name for p in runbook.params)
    card = (
        f'<div class="rb-card" data-runbook="{esc(runbook.id)}" data-params="{params}">\n'
        f'<dl class="rb-meta">{"".join(rows)}</dl>\n</div>\n'
    )
    if fresh.status == "overdue":
        stale = label(
            "site_stale",
            lang,
            date=runbook.last_reviewed,
            age=fresh.age_days,
            every=fresh.every_days,
        )
        card += f'\n!!! warning "{label("site_stale_title", lang)}"\n\n    {stale}\n'
    elif fresh.status == "unknown":
        card += (
            f'\n!!! note "{label("site_unreviewed_title", lang)}"\n\n'
            f"    {label('site_unreviewed', lang)}\n"
        )
    return card


def step_header(runbook: Runbook, step: Step, total: int) -> str:
    """One line of Markdown: number, title, id, badges; with attr_list id and class."""
    lang = runbook.lang
    badges = []
    for kind, text in step.badges():
        shown = label("not_run", lang) if kind == "not_run" else text
        badges.append(f'<span class="rb-badge rb-{kind}">{html.escape(shown)}</span>')
    if step.condition is not None:
        badges.append(
            f'<span class="rb-badge rb-when">{html.escape(label("condition", lang))}: '
            f"<code>{html.escape(step.condition.text)}</code></span>"
        )
    command = html.escape(run_command(runbook, step))
    from_yaml = step.lang in {"yaml", "kube"} and not step.info  # a YAML runbook's step
    title = f" **{_md_escape(step.title)}**" if from_yaml else ""
    text = (
        f'<span class="rb-step-no">{step.index}/{total}</span>{title} `#{step.id}` '
        f'<code class="rb-run">{command}</code> {" ".join(badges)}'
    ).rstrip()
    return f'{text}\n{{: .rb-step #step-{_attr_id(step.id)} data-step="{step.id}" }}'


def step_block(step: Step) -> list[str]:
    """The code of a YAML runbook's step as Markdown: its commands, or its Kubernetes
    action with the nearest kubectl command."""
    if step.lang != "kube":
        return ["```bash", *step.commands, "```"]
    from runner.parse.kube_step import kubectl_of

    kubectl = kubectl_of(step.source)
    tail = ["", f"≈ `{kubectl}`"] if kubectl else []
    return ["```yaml", step.source, "```", *tail]


def _attr_id(step_id: str) -> str:
    return re.sub(r"[^\w-]", "-", step_id)


def _md_escape(text: str) -> str:
    return re.sub(r"([*_`\[\]<>])", r"\\\1", text)


def render_markdown_page(
    runbook: Runbook, *, today: dt.date, usage: Usage | None, alerts_url: str = "../alerts/"
) -> str:
    """The page body for a Markdown runbook (front matter removed)."""
    lines = runbook.text.split("\n")
    body_start = _body_start(runbook)
    total = len(runbook.steps)
    by_line: dict[int, list[Step]] = {}
    embedded: dict[int, list[Step]] = {}
    fences = _fence_lines(lines)
    for step in runbook.steps:
        if step.lang in {"yaml", "kube"} and step.line not in fences:
            owner = max((f for f in fences if f < step.line), default=None)
            if owner is not None:
                embedded.setdefault(owner, []).append(step)
            continue
        by_line.setdefault(step.line, []).append(step)

    inside = {n for start, end in fences.items() for n in range(start, end + 1)}
    out: list[str] = []
    card_done = False
    for number in range(body_start + 1, len(lines) + 1):
        line = lines[number - 1]
        match = _FENCE_OPEN.match(line) if number in by_line else None
        if match:
            step = by_line[number][0]
            prefix = match["prefix"]
            indent = re.sub(r"[-*+]|\d+[.)]", lambda m: " " * len(m.group()), prefix)
            header = step_header(runbook, step, total).split("\n")
            out.append(prefix + header[0])
            out.extend(indent + h for h in header[1:])
            out.append(indent.rstrip())
            out.append(indent + match["marker"] + _clean_info(step))
            continue
        out.append(line)
        for start in (f for f, end in fences.items() if end == number and f in embedded):
            for step in embedded[start]:
                out += ["", step_header(runbook, step, total), "", *step_block(step)]
            out.append("")
        if not card_done and line.startswith("# ") and number not in inside:
            out += ["", header_card(runbook, today=today, usage=usage, alerts_url=alerts_url)]
            card_done = True
    if not card_done:
        card = header_card(runbook, today=today, usage=usage, alerts_url=alerts_url)
        out.insert(0, f"# {runbook.title}\n\n{card}")
    graph = decision_graph(runbook)
    if graph:
        out += ["", f"## {label('site_flow', runbook.lang)}", "", graph]
    return "\n".join(out) + "\n"


def _body_start(runbook: Runbook) -> int:
    from runner.parse import frontmatter

    return frontmatter.read(runbook.text).body_start


def _fence_lines(lines: list[str]) -> dict[int, int]:
    """Opening line → closing line of every fence (1-based), found the simple way."""
    fences: dict[int, int] = {}
    open_at: tuple[int, str] | None = None
    for number, line in enumerate(lines, start=1):
        stripped = line.lstrip(" \t>")
        if open_at is None:
            match = re.match(r"(`{3,}|~{3,})", stripped)
            if match:
                open_at = (number, match.group(1))
        elif stripped.startswith(open_at[1]) and not stripped[len(open_at[1]) :].strip(
            open_at[1][0] + " \t"
        ):
            fences[open_at[0]] = number
            open_at = None
    return fences


def _clean_info(step: Step) -> str:
    """The fence's language (and Material's title=) without our attributes."""
    written = step.info.split("{")[0].split(" ")[0].strip().lower() or step.lang
    if written.startswith("."):
        written = written[1:]
    title = step.attrs.get("title")
    return written + (f' title="{title}"' if isinstance(title, str) else "")


def decision_graph(runbook: Runbook) -> str | None:
    """Mermaid flowchart of the steps and their decision edges, or None for a plain list."""
    steps = runbook.steps
    branching = any(s.next or s.on_failure != "abort" or s.condition for s in steps)
    if len(steps) < 2 or not branching:
        return None
    node = {s.id: f"s{s.index}" for s in steps}
    lines = ["```mermaid", "flowchart TD"]
    for step in steps:
        title = step.title.replace('"', "'")
        cond = f"<br/><i>{step.condition.text}</i>" if step.condition else ""
        lines.append(f'  {node[step.id]}["{step.index}. {title}{cond}"]'.replace("`", ""))
    lines.append('  done(["✔"])')
    escalate_needed = False
    for i, step in enumerate(steps):
        after = (
            node[step.next]
            if step.next
            else (node[steps[i + 1].id] if i + 1 < len(steps) else "done")
        )
        lines.append(f"  {node[step.id]} -->|ok| {after}")
        if step.condition is not None and i + 1 < len(steps):
            lines.append(f"  {node[step.id]} -.->|skip| {node[steps[i + 1].id]}")
        target = step.on_failure
        if target == "continue":
            nxt = node[steps[i + 1].id] if i + 1 < len(steps) else "done"
            lines.append(f"  {node[step.id]} -->|fail| {nxt}")
        elif target == "escalate":
            escalate_needed = True
            lines.append(f"  {node[step.id]} -->|fail| escalate")
        elif target in node:
            lines.append(f"  {node[step.id]} -->|fail| {node[target]}")
    if escalate_needed:
        lines.append('  escalate{{"escalate"}}')
    lines.append("```")
    return "\n".join(lines)
