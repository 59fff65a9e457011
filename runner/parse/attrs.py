"""Fence info strings: the language and the block attributes.

Grammar (whitespace separates items)::

    info   := [lang] [block | items]
    block  := "{" items "}"            attr_list / Material / Runme:  {#id .class key=value flag}
            | "{" json-object "}"      Runme JSON:                    {"name": "x"}
    items  := item*
    item   := "#" ID | "." CLASS | KEY "=" VALUE | FLAG
    VALUE  := "double quoted" | 'single quoted' | bare-word

A leading block without a language (``{ .bash }``) takes the language from its first
class. Items after the language without braces (``sh title="x"``) are accepted, as
Material for MkDocs writes them. Runme's ``name`` is our ``id``.

Errors come back as problem tuples with a column (0-based in the info string), never
as exceptions: an unreadable attribute must not hide the step.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from runner.model import AttrValue

KNOWN_ATTRS = frozenset(
    {
        # ours
        "id",
        "timeout",
        "confirm",
        "destructive",
        "run",
        "on-failure",
        "when",
        "interactive",
        "next",
        "class",
        # Material for MkDocs / pymdownx display options
        "title",
        "linenums",
        "hl_lines",
        "anchor_linenums",
        "line_spans",
        # Runme
        "name",
        "cwd",
        "background",
        "excludefromrunall",
        "closeterminalonsuccess",
        "promptenv",
        "interpreter",
        "mimetype",
        "terminalrows",
        "skipprompts",
    }
)
CANONICAL_KEYS = {"on_failure": "on-failure", "onfailure": "on-failure"}

_ITEM = re.compile(
    r"""\s*(?:
        \#(?P<id>[^\s}]+)
      | \.(?P<cls>[^\s}=]+)
      | (?P<key>[A-Za-z_][\w\-.:]*)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s}"']+))
      | (?P<flag>[A-Za-z_][\w\-.:]*)(?![\w\-.:]|\s*=)
    )""",
    re.VERBOSE,
)


@dataclass(slots=True)
class Info:
    lang: str  # as written, lower-case; "" when none
    attrs: dict[str, AttrValue] = field(default_factory=dict)
    form: str = "plain"  # plain | braces | runme | json
    problems: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)


def _parse_items(text: str, info: Info, offset: int) -> None:
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            return
        match = _ITEM.match(text, pos)
        if not match or match.end() == pos:
            info.problems.append(
                (
                    "bad-attributes",
                    {
                        "text": text.strip(),
                        "reason": f"unexpected {text[pos:].strip()[:20]!r}",
                        "column": offset + pos,
                    },
                )
            )
            return
        if match["id"] is not None:
            info.attrs["id"] = match["id"]
        elif match["cls"] is not None:
            info.classes.append(match["cls"])
        elif match["key"] is not None:
            value = match["dq"] if match["dq"] is not None else match["sq"]
            if value is None:
                value = match["bare"]
            info.attrs[_key(match["key"])] = value
        elif match["flag"] is not None:
            info.attrs[_key(match["flag"])] = True
        pos = match.end()


def _key(key: str) -> str:
    return CANONICAL_KEYS.get(key.lower(), key)


def _json_value(value: Any) -> AttrValue:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value
    return json.dumps(value)


def parse_info(info_string: str) -> Info:
    raw = info_string.replace("\u00a0", " ").strip()
    if not raw:
        return Info(lang="")
    lang = ""
    rest = raw
    if not raw.startswith("{"):
        lang, _, rest = raw.partition(" ")
        if "{" in lang:  # bash{#id} written without a space
            lang, brace, tail = lang.partition("{")
            rest = brace + tail + (" " + rest if rest else "")
        lang = lang.lower()
        rest = rest.strip()
    info = Info(lang=lang)
    offset = len(raw) - len(rest)
    if rest.startswith("{"):
        if not rest.endswith("}"):
            info.problems.append(
                (
                    "bad-attributes",
                    {"text": rest, "reason": "missing closing '}'", "column": offset},
                )
            )
            return info
        inner = rest[1:-1]
        if inner.lstrip().startswith('"'):
            info.form = "json"
            try:
                data = json.loads(rest)
            except json.JSONDecodeError as exc:
                info.problems.append(
                    (
                        "bad-attributes",
                        {"text": rest, "reason": exc.msg, "column": offset + exc.pos},
                    )
                )
                return info
            if isinstance(data, dict):
                for key, value in data.items():
                    info.attrs[_key(str(key))] = _json_value(value)
        else:
            info.form = "braces"
            _parse_items(inner, info, offset + 1)
    elif rest:
        _parse_items(rest, info, offset)
    if not info.lang and info.classes:
        info.lang = info.classes.pop(0).lower()
    if "name" in info.attrs and "id" not in info.attrs:
        # Runme names its blocks with name=...; that is our #id
        info.attrs["id"] = info.attrs.pop("name")
        if info.form == "braces":
            info.form = "runme"
    if info.classes:
        info.attrs["class"] = " ".join(info.classes)
    return info


def canonical_form(lang: str, attrs: dict[str, AttrValue]) -> str:
    """The attr_list spelling we recommend: ```bash {#id key=value flag}."""
    parts = []
    if "id" in attrs:
        parts.append(f"#{attrs['id']}")
    for key, value in attrs.items():
        if key in {"id", "class"}:
            continue
        if value is True:
            parts.append(key)
        elif value is False:
            parts.append(f"{key}=false")
        elif re.fullmatch(r"[^\s\"'{}]+", value):
            parts.append(f"{key}={value}")
        else:
            parts.append(f'{key}="{value}"')
    return f"{lang} {{{' '.join(parts)}}}" if parts else lang


def unknown_keys(attrs: dict[str, AttrValue]) -> list[str]:
    return [key for key in attrs if key.lower() not in KNOWN_ATTRS]
