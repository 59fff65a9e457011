"""Files → Runbook. The one parser behind the CLI, the runner and the site.

``parse_file`` reads and decodes a file; ``parse_text`` does the rest. Problems that
still leave a usable model (bad front matter, an unknown attribute, an unclosed fence)
are collected in ``Runbook.problems``; only a file that cannot be a runbook at all
raises ``ParseError`` (not UTF-8, a YAML runbook that is not valid YAML).
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from runner.errors import ParseError
from runner.model import Param, Problem, Runbook, Section, Severity, frozen_map
from runner.parse.header import Header, guess_lang, read_header
from runner.parse.steps import StepDraft, finish_steps
from runner.text import decode

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})
YAML_SUFFIXES = frozenset({".yml", ".yaml"})
# Folders a default id is counted from: docs/db/pool.md has id "db/pool".
ID_ROOTS = frozenset({"docs", "runbooks"})


def is_runbook_file(path: str | os.PathLike[str]) -> bool:
    p = Path(path)
    suffix = p.suffix.lower()
    parts = p.name.lower().split(".")
    if suffix in YAML_SUFFIXES and len(parts) >= 3 and parts[-2] == "tests":
        return False  # db-debug.tests.yml: the test cases of db-debug.md
    return suffix in MARKDOWN_SUFFIXES or suffix in YAML_SUFFIXES


def default_id(path: str | os.PathLike[str]) -> str:
    """The path without its suffix, from the nearest docs/ or runbooks/ folder."""
    p = Path(path)
    parts = p.with_suffix("").parts
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] in ID_ROOTS:
            return "/".join(parts[i + 1 :])
    return p.stem


def parse_file(path: str | os.PathLike[str], *, shown: str | None = None) -> Runbook:
    """Read and parse a runbook; ``shown`` is the path used in messages and commands."""
    shown = shown or os.fspath(path)
    p = Path(path)
    if not is_runbook_file(p):
        raise ParseError("not-a-runbook", path=shown)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise ParseError("file-not-found", path=shown) from None
    except OSError as exc:
        raise ParseError("unreadable", path=shown, reason=exc.strerror or str(exc)) from None
    return parse_text(decode(data, shown), shown)


def parse_text(text: str, path: str) -> Runbook:
    if Path(path).suffix.lower() in YAML_SUFFIXES:
        return _from_yaml(text, path)
    return _from_markdown(text, path)


def _from_markdown(text: str, path: str) -> Runbook:
    from runner.parse.markdown import read_markdown

    doc = read_markdown(text, path)
    header = read_header(doc.front.data, doc.front.lines, path, kind="markdown")
    for embedded in doc.embedded:
        if not embedded.data:
            continue
        extra = read_header(
            {k: v for k, v in embedded.data.items() if k != "steps"},
            embedded.lines,
            path,
            kind="yaml",
        )
        header.problems.extend(extra.problems)
        header.alerts = tuple(dict.fromkeys(header.alerts + extra.alerts))
        header.triggers += extra.triggers
        header.escalation = header.escalation or extra.escalation
        header.params += tuple(
            p for p in extra.params if p.name not in {q.name for q in header.params}
        )
    title = header.title or doc.h1 or doc.first_heading
    return _build(
        header,
        path=path,
        fmt="markdown",
        title=title,
        meta=doc.front.data,
        drafts=doc.drafts,
        problems=doc.problems,
        sections=tuple(doc.sections),
        text=text,
        body_for_lang=text[:6000],
    )


def _from_yaml(text: str, path: str) -> Runbook:
    from runner.parse.yaml_runbook import read_yaml

    doc = read_yaml(text, path)
    if not doc.ok:
        first = doc.problems[0]
        raise ParseError(first.code, path=path, line=first.line, **dict(first.args))
    header = read_header(doc.data, doc.lines, path, kind="yaml")
    return _build(
        header,
        path=path,
        fmt="yaml",
        title=header.title,
        meta=doc.data,
        drafts=doc.drafts,
        problems=doc.problems,
        sections=(),
        text=text,
        body_for_lang=" ".join(str(d.title) for d in doc.drafts),
    )


def _build(
    header: Header,
    *,
    path: str,
    fmt: str,
    title: str | None,
    meta: dict[str, object],
    drafts: list[StepDraft],
    problems: list[Problem],
    sections: tuple[Section, ...],
    text: str,
    body_for_lang: str,
) -> Runbook:
    all_problems = [*problems, *header.problems]
    if not title:
        all_problems.append(Problem("missing-title", Severity.WARNING, path, 1))
        title = Path(path).stem.replace("-", " ").replace("_", " ").capitalize()
    steps, step_problems, found = finish_steps(drafts, path, title)
    all_problems.extend(step_problems)
    params = _merge_placeholders(header.params, found, path, all_problems)
    lang = header.lang or guess_lang(body_for_lang)
    return Runbook(
        id=header.id or default_id(path),
        title=title,
        lang=lang,
        path=path,
        format="yaml" if fmt == "yaml" else "markdown",
        steps=steps,
        params=params,
        sections=sections,
        meta=frozen_map(meta),
        owner=header.owner,
        service=header.service,
        severity=header.severity,
        description=header.description,
        alerts=header.alerts,
        triggers=header.triggers,
        tags=header.tags,
        last_reviewed=header.last_reviewed,
        review_every_days=header.review_every_days,
        requires=header.requires,
        escalation=header.escalation,
        auto=header.auto,
        lang_declared=header.lang is not None,
        problems=tuple(sorted(all_problems, key=lambda p: (p.line or 0, p.severity.rank))),
        text=text,
    )


def _merge_placeholders(
    declared: tuple[Param, ...],
    found: list[tuple[str, str, int]],
    path: str,
    problems: list[Problem],
) -> tuple[Param, ...]:
    """Placeholders become params; one named like a declared param joins it."""
    if not found:
        return declared
    by_name = {p.name.upper(): p for p in declared}
    texts: dict[str, list[str]] = {}
    first_line: dict[str, int] = {}
    for text, name, line in found:
        key = name.upper()
        texts.setdefault(key, [])
        if text not in texts[key]:
            texts[key].append(text)
        first_line.setdefault(key, line)
        if key not in by_name:
            problems.append(
                Problem(
                    "placeholder",
                    Severity.INFO,
                    path,
                    line,
                    frozen_map({"text": text, "name": name}),
                )
            )
    params = []
    for param in declared:
        extra = texts.pop(param.name.upper(), None)
        if extra:
            param = replace(param, placeholders=tuple(extra))
        params.append(param)
    for key, literal in texts.items():
        params.append(
            Param(name=key, origin="placeholder", placeholders=tuple(literal), line=first_line[key])
        )
    return tuple(params)
