"""``runner alerts check``: every alert reaches a runbook, and every runbook's alert exists.

Both directions, with file:line: an alert no runbook names; a ``runbook_url`` that is
missing, outside the site, or points to no page of it; a runbook naming an alert that no
rule defines. ``strict`` turns the warnings into errors.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable, Mapping

from runner.alerts.rules import Rule
from runner.model import Problem, Runbook, Severity, frozen_map

URL_TEMPLATE = "alerts/{{ $labels.alertname | toLower }}/"
_ALERTNAME = re.compile(
    r"\{\{-?\s*(?:\$labels|\.Labels|\.CommonLabels)\.alertname\s*(\|\s*(?:toLower|tolower|lower)\s*)?-?\}\}"
)


def render_url(url: str, alert: str) -> str:
    """The URL a rule's runbook_url becomes for this alert (alertname templates filled)."""
    return _ALERTNAME.sub(lambda m: alert.lower() if m.group(1) else alert, url)


def site_paths(runbooks: Iterable[Runbook], url_of: Mapping[str, str]) -> dict[str, set[str]]:
    """Page path (relative to the site root) → alerts it serves."""
    paths: dict[str, set[str]] = {}
    for rb in runbooks:
        for alert in rb.alerts:
            paths.setdefault(f"alerts/{alert.lower()}/", set()).add(alert.lower())
        if rb.id in url_of:
            paths.setdefault(url_of[rb.id], set()).update(a.lower() for a in rb.alerts)
    return paths


def _page_path(url: str, base_url: str | None) -> tuple[str | None, str | None]:
    """(path relative to the site, problem code) for a rendered URL."""
    clean = url.split("#", 1)[0].split("?", 1)[0]
    if base_url:
        base = base_url.rstrip("/") + "/"
        if not clean.startswith(base):
            return None, "runbook-url-outside"
        path = clean[len(base) :]
    else:
        path = urllib.parse.urlparse(clean).path.lstrip("/") if "://" in clean else clean
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    if path and not path.endswith("/"):
        path += "/"
    return path, None


def url_is_correct(
    url: str, alert: str, pages: Mapping[str, set[str]], base_url: str | None
) -> bool:
    """Does this runbook_url lead to a page of the site that serves the alert?"""
    path, problem = _page_path(render_url(url, alert), base_url)
    if problem is not None or path is None or "{{" in path:
        return False
    return any(alert.lower() in pages[p] for p in _matching(path, pages, base_url))


def _matching(path: str, pages: Mapping[str, set[str]], base_url: str | None) -> list[str]:
    """Site pages a URL path names (without a base URL, any path ending in the page)."""
    return [p for p in pages if path == p or (not base_url and path.endswith("/" + p))]


def check(
    rules: list[Rule],
    runbooks: list[Runbook],
    url_of: Mapping[str, str],
    *,
    base_url: str | None,
    strict: bool = False,
) -> list[Problem]:
    warning = Severity.ERROR if strict else Severity.WARNING
    handled: dict[str, list[Runbook]] = {}
    for rb in runbooks:
        for alert in rb.alerts:
            handled.setdefault(alert.lower(), []).append(rb)
    pages = site_paths(runbooks, url_of)
    problems: list[Problem] = []

    def add(code: str, severity: Severity, path: str, line: int | None, **args: object) -> None:
        problems.append(Problem(code, severity, path, line, frozen_map(args)))

    for rule in rules:
        if rule.alert.lower() not in handled:
            add("alert-without-runbook", Severity.ERROR, rule.path, rule.line, alert=rule.alert)
        if rule.runbook_url is None:
            add(
                "runbook-url-missing",
                warning,
                rule.path,
                rule.line,
                alert=rule.alert,
                template=(base_url.rstrip("/") + "/" if base_url else "https://SITE/")
                + URL_TEMPLATE,
            )
            continue
        rendered = render_url(rule.runbook_url, rule.alert)
        path, code = _page_path(rendered, base_url)
        if code is not None:
            add(code, Severity.ERROR, rule.path, rule.url_line, url=rule.runbook_url, base=base_url)
            continue
        assert path is not None
        if "{{" in path:
            add(
                "runbook-url-templated",
                Severity.INFO,
                rule.path,
                rule.url_line,
                url=rule.runbook_url,
            )
            continue
        matches = _matching(path, pages, base_url)
        if not matches:
            add(
                "runbook-url-broken",
                Severity.ERROR,
                rule.path,
                rule.url_line,
                url=rule.runbook_url,
                page=path,
            )
        elif not any(rule.alert.lower() in pages[p] for p in matches):
            add(
                "runbook-url-other",
                warning,
                rule.path,
                rule.url_line,
                url=rule.runbook_url,
                alert=rule.alert,
            )

    defined = {rule.alert.lower() for rule in rules}
    for rb in runbooks:
        for alert in rb.alerts:
            if alert.lower() not in defined:
                add(
                    "runbook-alert-unknown",
                    warning,
                    rb.path,
                    _line_of(rb, alert),
                    alert=alert,
                    runbook=rb.id,
                )
    return sorted(problems, key=lambda p: (p.path, p.line or 0, p.code))


def _line_of(runbook: Runbook, alert: str) -> int:
    for number, line in enumerate(runbook.text.split("\n"), start=1):
        if re.search(rf"(?<![\w-]){re.escape(alert)}(?![\w-])", line):
            return number
    return 1
