"""Front matter: YAML between ``---`` lines (MkDocs, Jekyll, Hugo, Docusaurus) or TOML
between ``+++`` lines (Hugo). Invalid front matter never hides the page body: we warn,
keep whatever top-level ``key: value`` lines do parse, and read the body as usual.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from runner.parse import yamlnodes

_KEY_LINE = re.compile(r"^([A-Za-z_][\w\-]*)\s*:(?:\s|$)")


@dataclass(slots=True)
class FrontMatter:
    data: dict[str, Any] = field(default_factory=dict)
    lines: yamlnodes.Lines = field(default_factory=yamlnodes.Lines)
    body_start: int = 0  # 0-based index of the first body line
    # (code, line, args) for the caller to turn into Problems
    problems: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)
    present: bool = False


def read(text: str) -> FrontMatter:
    fm = FrontMatter()
    if not (text.startswith("---") or text.startswith("+++")):
        return fm
    first_end = text.find("\n")
    first = (text if first_end < 0 else text[:first_end]).rstrip()
    if first not in {"---", "+++"}:
        return fm
    lines = text.split("\n")
    closers = {"---", "..."} if first == "---" else {"+++"}
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() in closers), None)
    if close is None:
        if first == "---" and len(lines) > 1 and not _KEY_LINE.match(lines[1]):
            return fm  # a thematic break opening the page, not front matter
        fm.problems.append(("front-matter-unclosed", 1, {"marker": first}))
        return fm
    fm.present = True
    fm.body_start = close + 1
    raw = "\n".join(lines[1:close])
    if first == "+++":
        _read_toml(raw, fm)
    else:
        _read_yaml(raw, lines[1:close], fm)
    return fm


def _read_toml(raw: str, fm: FrontMatter) -> None:
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = 1 + (int(match[1]) if match else 1)
        fm.problems.append(("front-matter-toml", line, {"reason": str(exc)}))
        return
    fm.data = data
    fm.lines = _toml_lines(raw)


def _toml_lines(raw: str) -> yamlnodes.Lines:
    lines = yamlnodes.Lines(first=2)
    for number, line in enumerate(raw.split("\n"), start=2):
        match = re.match(r"^\s*([A-Za-z_][\w\-]*)\s*=", line)
        if match:
            lines.by_path.setdefault((match[1],), number)
    return lines


def _read_yaml(raw: str, raw_lines: list[str], fm: FrontMatter) -> None:
    try:
        data, lines = yamlnodes.load(raw, offset=1)
    except yamlnodes.YamlError as exc:
        fm.problems.append(("front-matter-yaml", exc.line, {"reason": exc.reason}))
        fm.data, fm.lines = _salvage(raw_lines)
        return
    if data is None:
        return
    if not isinstance(data, dict):
        fm.problems.append(("front-matter-not-mapping", 2, {}))
        return
    fm.data = {str(k): v for k, v in data.items()}
    fm.lines = lines


def _salvage(raw_lines: list[str]) -> tuple[dict[str, Any], yamlnodes.Lines]:
    """Keep the top-level ``key: value`` lines that parse on their own."""
    data: dict[str, Any] = {}
    lines = yamlnodes.Lines(first=2)
    for number, line in enumerate(raw_lines, start=2):
        if not _KEY_LINE.match(line):
            continue
        try:
            value, _ = yamlnodes.load(line)
        except yamlnodes.YamlError:
            continue
        if isinstance(value, dict):
            for key, item in value.items():
                if item is not None:
                    data[str(key)] = item
                    lines.by_path[(str(key),)] = number
    return data, lines
