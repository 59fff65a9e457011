"""Runbook metadata (Markdown front matter or a YAML runbook's top level) → model fields.

Both formats share this so that params, escalation and the rest mean the same thing
wherever they are written. Problems carry the line of the offending key.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from runner.i18n import did_you_mean
from runner.model import (
    AccessRequirement,
    EscalationLevel,
    Param,
    Problem,
    Requirements,
    Severity,
    Trigger,
    frozen_map,
)
from runner.parse.durations import parse_duration
from runner.parse.yamlnodes import Lines

COMMON_KEYS = frozenset(
    {
        "id",
        "title",
        "lang",
        "owner",
        "service",
        "severity",
        "alerts",
        "tags",
        "description",
        "last_reviewed",
        "review_every",
        "params",
        "requires",
        "escalation",
        "auto",
        "tests",
        "triggers",
    }
)
YAML_KEYS = COMMON_KEYS | {"name", "steps"}
# Keys other generators put in front matter: accepted silently, never "unknown".
FOREIGN_KEYS = frozenset(
    {
        # MkDocs / Material
        "template",
        "hide",
        "search",
        "icon",
        "status",
        "subtitle",
        "comments",
        "authors",
        "date",
        "render_macros",
        "social",
        # Hugo
        "draft",
        "weight",
        "slug",
        "aliases",
        "categories",
        "summary",
        "type",
        "layout",
        "url",
        "lastmod",
        "publishdate",
        "expirydate",
        "keywords",
        "toc",
        "menu",
        "linktitle",
        "series",
        "images",
        "params_hugo",
        "cascade",
        "outputs",
        "headless",
        "build",
        # Jekyll
        "permalink",
        "published",
        "excerpt",
        "nav_order",
        "parent",
        "grand_parent",
        "has_children",
        "nav_exclude",
        "redirect_from",
        "redirect_to",
        "author",
        # Docusaurus
        "sidebar_position",
        "sidebar_label",
        "sidebar_class_name",
        "hide_title",
        "hide_table_of_contents",
        "image",
        "custom_edit_url",
        "pagination_next",
        "pagination_prev",
        "pagination_label",
        "displayed_sidebar",
        "last_update",
        "toc_min_heading_level",
        "toc_max_heading_level",
        "unlisted",
        "sidebar_custom_props",
        # GitLab / Backstage / misc
        "stage",
        "group",
        "info",
        "runbook",
        "team",
        "version",
        "language",
        "labels",
    }
)
PARAM_KEYS = frozenset({"default", "choices", "description", "secret", "required", "example"})
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
LANG_ALIASES = {
    "nb": "nb",
    "no": "nb",
    "nor": "nb",
    "norsk": "nb",
    "bokmål": "nb",
    "bokmal": "nb",
    "nb-no": "nb",
    "nb_no": "nb",
    "no-nb": "nb",
    "nn": "nn",
    "nynorsk": "nn",
    "nn-no": "nn",
    "nn_no": "nn",
    "en": "en",
    "english": "en",
    "engelsk": "en",
    "en-us": "en",
    "en-gb": "en",
    "en_us": "en",
    "en_gb": "en",
}
DEFAULT_REVIEW_DAYS = 180


@dataclass(slots=True)
class Header:
    id: str | None = None
    title: str | None = None
    lang: str | None = None
    owner: str | None = None
    service: str | None = None
    severity: str | None = None
    description: str | None = None
    alerts: tuple[str, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    tags: tuple[str, ...] = ()
    last_reviewed: dt.date | None = None
    review_every_days: int | None = None
    params: tuple[Param, ...] = ()
    requires: Requirements = field(default_factory=Requirements)
    escalation: tuple[EscalationLevel, ...] = ()
    auto: bool = False
    problems: list[Problem] = field(default_factory=list)


class _Reader:
    def __init__(self, path: str, lines: Lines, header: Header) -> None:
        self.path = path
        self.lines = lines
        self.header = header

    def problem(self, code: str, severity: Severity, *key: Any, **args: Any) -> None:
        self.header.problems.append(
            Problem(code, severity, self.path, self.lines.get(*key), frozen_map(args))
        )

    def bad(self, key: tuple[Any, ...], reason: str) -> None:
        label = ".".join(str(k) for k in key)
        self.problem("bad-value", Severity.ERROR, *key, key=label, reason=reason)

    def text(self, data: dict[str, Any], key: str) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value).strip() or None
        self.bad((key,), "expected text")
        return None

    def text_list(
        self, data: dict[str, Any], key: str, at: tuple[Any, ...] = ()
    ) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return tuple(v.strip() for v in value.split(",") if v.strip())
        if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
            return tuple(str(v) for v in value)
        self.bad(at or (key,), "expected a list of names")
        return ()


def read_header(
    data: dict[str, Any],
    lines: Lines,
    path: str,
    *,
    kind: Literal["markdown", "yaml"],
) -> Header:
    header = Header()
    r = _Reader(path, lines, header)
    known = YAML_KEYS if kind == "yaml" else COMMON_KEYS
    for key in data:
        if key in known or key in FOREIGN_KEYS or key.startswith(("x-", "x_")):
            continue
        r.problem(
            "unknown-key",
            Severity.WARNING,
            key,
            key=key,
            suggestion=did_you_mean(key, known),
            known=", ".join(sorted(known)),
        )

    header.id = r.text(data, "id")
    header.title = r.text(data, "name" if kind == "yaml" else "title") or r.text(data, "title")
    header.owner = r.text(data, "owner")
    header.service = r.text(data, "service")
    header.severity = r.text(data, "severity")
    header.description = r.text(data, "description")
    header.alerts = r.text_list(data, "alerts")
    header.tags = r.text_list(data, "tags")
    header.auto = data.get("auto") is True
    if "lang" in data:
        header.lang = _lang(r, data["lang"])
    if "last_reviewed" in data:
        header.last_reviewed = _date(r, data["last_reviewed"])
    if "review_every" in data:
        seconds = parse_duration(data["review_every"])
        if seconds is None or seconds <= 0:
            r.problem(
                "bad-duration",
                Severity.ERROR,
                "review_every",
                key="review_every",
                value=data["review_every"],
            )
        else:
            header.review_every_days = max(1, math.ceil(seconds / 86400))
    header.params = _params(r, data.get("params"))
    header.requires = _requires(r, data.get("requires"))
    header.escalation = _escalation(r, data.get("escalation"))
    header.triggers = _triggers(r, data.get("triggers"))
    trigger_alerts = tuple(t.alert for t in header.triggers if t.alert)
    header.alerts = tuple(dict.fromkeys(header.alerts + trigger_alerts))
    return header


def _lang(r: _Reader, value: Any) -> str | None:
    if value is False:  # YAML 1.1 reads a bare `no` as false
        return "nb"
    code = LANG_ALIASES.get(str(value).strip().lower())
    if code is None:
        r.problem("bad-lang", Severity.ERROR, "lang", value=str(value))
    return code


def _date(r: _Reader, value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        r.bad(("last_reviewed",), f"{value!r} is not a date (YYYY-MM-DD)")
        return None


def _params(r: _Reader, value: Any) -> tuple[Param, ...]:
    if value is None:
        return ()
    items: list[tuple[Any, Any, tuple[Any, ...]]] = []
    if isinstance(value, dict):
        items = [(name, spec, ("params", name)) for name, spec in value.items()]
    elif isinstance(value, list):
        for index, entry in enumerate(value):
            if isinstance(entry, dict) and "name" in entry:
                spec = {k: v for k, v in entry.items() if k != "name"}
                items.append((entry["name"], spec, ("params", index)))
            elif isinstance(entry, str):
                items.append((entry, None, ("params", index)))
            else:
                r.bad(("params", index), "expected a name or a mapping with 'name'")
    else:
        r.bad(("params",), "expected a mapping of parameter names")
        return ()
    params = []
    for name, spec, key in items:
        name = str(name)
        if not ENV_NAME.match(name):
            r.bad(key, f"{name!r} is not a valid environment variable name")
            continue
        if spec is None or isinstance(spec, (str, int, float, bool)):
            spec = {} if spec is None else {"default": spec}
        if not isinstance(spec, dict):
            r.bad(key, "expected a mapping (default, choices, description, secret)")
            continue
        for spec_key in spec:
            if spec_key not in PARAM_KEYS:
                r.problem(
                    "unknown-key",
                    Severity.WARNING,
                    *key,
                    spec_key,
                    key=f"{name}.{spec_key}",
                    suggestion=did_you_mean(str(spec_key), PARAM_KEYS),
                    known=", ".join(sorted(PARAM_KEYS)),
                )
        default = spec.get("default")
        choices = spec.get("choices") or ()
        if not isinstance(choices, list | tuple):
            r.bad((*key, "choices"), "expected a list")
            choices = ()
        choice_texts = tuple(_scalar(c) for c in choices)
        default_text = None if default is None else _scalar(default)
        if default_text is not None and choice_texts and default_text not in choice_texts:
            r.bad((*key, "default"), f"default {default_text!r} is not one of the choices")
        required = spec.get("required")
        params.append(
            Param(
                name=name,
                default=default_text,
                choices=choice_texts,
                description=None if spec.get("description") is None else str(spec["description"]),
                secret=spec.get("secret") is True,
                required=bool(required) if required is not None else default_text is None,
                line=r.lines.get(*key),
            )
        )
    return tuple(params)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _requires(r: _Reader, value: Any) -> Requirements:
    if value is None:
        return Requirements()
    if not isinstance(value, dict):
        r.bad(("requires",), "expected a mapping with tools, context, access")
        return Requirements()
    for key in value:
        if key not in {"tools", "context", "access"}:
            r.problem(
                "unknown-key",
                Severity.WARNING,
                "requires",
                key,
                key=f"requires.{key}",
                suggestion=did_you_mean(str(key), ["tools", "context", "access"]),
                known="tools, context, access",
            )
    tools = r.text_list(value, "tools", ("requires", "tools"))
    context = value.get("context")
    access: list[AccessRequirement] = []
    entries = value.get("access") or []
    if not isinstance(entries, list):
        r.bad(("requires", "access"), "expected a list of {verb, resource, namespace}")
        entries = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not entry.get("verb") or not entry.get("resource"):
            r.bad(("requires", "access", index), "expected {verb: ..., resource: ...}")
            continue
        namespace = entry.get("namespace")
        access.append(
            AccessRequirement(
                str(entry["verb"]),
                str(entry["resource"]),
                None if namespace is None else str(namespace),
            )
        )
    return Requirements(tools, None if context is None else str(context), tuple(access))


def _escalation(r: _Reader, value: Any) -> tuple[EscalationLevel, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        r.bad(("escalation",), "expected a list of {level, contact, after}")
        return ()
    levels: list[EscalationLevel] = []
    for index, entry in enumerate(value):
        key = ("escalation", index)
        if not isinstance(entry, dict):
            r.bad(key, "expected {level, contact, after}")
            continue
        for entry_key in entry:
            if entry_key not in {"level", "contact", "after", "timeout", "note"}:
                r.problem(
                    "unknown-key",
                    Severity.WARNING,
                    *key,
                    entry_key,
                    key=f"escalation.{entry_key}",
                    suggestion=did_you_mean(str(entry_key), ["level", "contact", "after"]),
                    known="level, contact, after (or timeout)",
                )
        level = entry.get("level", index + 1)
        if isinstance(level, bool) or not isinstance(level, int):
            r.bad((*key, "level"), "expected a whole number")
            continue
        contact = entry.get("contact")
        if not contact:
            r.bad(key, "missing contact")
            continue
        wait = entry.get("after", entry.get("timeout"))
        after = None
        if wait is not None:
            after = parse_duration(wait)
            if after is None:
                which = "after" if "after" in entry else "timeout"
                r.problem(
                    "bad-duration",
                    Severity.ERROR,
                    *key,
                    which,
                    key=f"escalation.{which}",
                    value=wait,
                )
        if levels and level <= levels[-1].level:
            r.problem(
                "escalation-order", Severity.WARNING, *key, level=level, previous=levels[-1].level
            )
        levels.append(EscalationLevel(level, str(contact), after, r.lines.get(*key)))
    return tuple(levels)


def _triggers(r: _Reader, value: Any) -> tuple[Trigger, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        r.bad(("triggers",), "expected a list of {alert: ...} or {threshold: ...}")
        return ()
    triggers = []
    for index, entry in enumerate(value):
        key = ("triggers", index)
        if isinstance(entry, str):
            triggers.append(Trigger(alert=entry, line=r.lines.get(*key)))
        elif isinstance(entry, dict) and ("alert" in entry or "threshold" in entry):
            alert = entry.get("alert")
            threshold = entry.get("threshold")
            triggers.append(
                Trigger(
                    alert=None if alert is None else str(alert),
                    threshold=None if threshold is None else str(threshold),
                    line=r.lines.get(*key),
                )
            )
        else:
            r.bad(key, "expected {alert: NAME} or {threshold: TEXT}")
    return tuple(triggers)


NORWEGIAN_WORDS = frozenset(
    "og ikke er det som på for med til av at en et den har kan skal må sjekk hvis når "
    "eller fra om seg denne dette ved feil steg kjør".split()
)
ENGLISH_WORDS = frozenset(
    "the and is not are for with to of that it this check if when or from run step be on in".split()
)


def guess_lang(text: str) -> str:
    """nb or en from common words; cheap, for pages that do not say (lint asks them to)."""
    words = re.findall(r"[a-zæøå]+", text[:4000].lower())
    nb = sum(1 for w in words if w in NORWEGIAN_WORDS) + 2 * sum(
        1 for w in words if any(c in w for c in "æøå")
    )
    en = sum(1 for w in words if w in ENGLISH_WORDS)
    return "nb" if nb > en else "en"
