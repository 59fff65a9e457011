"""Markdown runbooks → model.

One pass of markdown-it-py over the body (block rules only: headings and fences are all
we need, so inline parsing is switched off), with MkDocs admonitions and content tabs
added so fences inside them are found. Lines are 1-based file lines throughout: token
maps are 0-based lines of the body, which starts ``body_start`` lines into the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from markdown_it import MarkdownIt

from runner.i18n import did_you_mean
from runner.kube import spec as kube_spec
from runner.languages import EXECUTABLE, KNOWN_DATA, canonical
from runner.model import Problem, Section, SectionKind, Severity, frozen_map
from runner.parse import console, frontmatter, kube_step, yaml_runbook
from runner.parse.attrs import KNOWN_ATTRS, canonical_form, parse_info, unknown_keys
from runner.parse.sections import section_kind
from runner.parse.slug import plain_heading
from runner.parse.steps import StepDraft


@cache
def _markdown() -> MarkdownIt:
    from mdit_py_plugins.admon import admon_plugin

    from runner.parse.tabs import tabs_plugin

    md = MarkdownIt("commonmark", {"maxNesting": 40})
    md.use(admon_plugin).use(tabs_plugin)
    md.disable(["inline", "text_join"])
    return md


@dataclass(slots=True)
class MarkdownDoc:
    front: frontmatter.FrontMatter
    first_heading: str | None = None
    h1: str | None = None
    sections: list[Section] = field(default_factory=list)
    drafts: list[StepDraft] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    embedded: list[yaml_runbook.YamlDoc] = field(default_factory=list)


def read_markdown(text: str, path: str) -> MarkdownDoc:
    front = frontmatter.read(text)
    doc = MarkdownDoc(front=front)
    for code, line, args in front.problems:
        severity = Severity.WARNING if code == "front-matter-yaml" else Severity.ERROR
        doc.problems.append(Problem(code, severity, path, line, frozen_map(args)))

    lines = text.split("\n")
    offset = front.body_start
    body = "\n".join(lines[offset:]) if offset else text
    tokens = _markdown().parse(body)

    heading: str | None = None
    heading_line: int | None = None
    # (level, kind) of open headings, innermost last; a step's section is the innermost kind
    stack: list[tuple[int, SectionKind | None]] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.map:
            level = int(token.tag[1])
            title = plain_heading(tokens[index + 1].content)
            heading, heading_line = title, token.map[0] + 1 + offset
            kind = section_kind(title)
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, kind))
            doc.sections.append(Section(title, level, heading_line, kind))
            if doc.first_heading is None:
                doc.first_heading = title
            if level == 1 and doc.h1 is None:
                doc.h1 = title
        elif token.type == "fence" and token.map:
            fence_line = token.map[0] + 1 + offset
            _check_closed(token.markup, lines, token.map[1] + offset, fence_line, path, doc)
            section = next((k for _, k in reversed(stack) if k is not None), None)
            _fence(
                token.info,
                token.content,
                fence_line,
                token.map[1] + offset,
                heading,
                heading_line,
                section,
                path,
                doc,
            )
    return doc


def _check_closed(
    markup: str, lines: list[str], end: int, fence_line: int, path: str, doc: MarkdownDoc
) -> None:
    last = lines[end - 1].lstrip(" \t>") if end - 1 < len(lines) else ""
    if (
        end - 1 >= fence_line
        and last.startswith(markup)
        and not last[len(markup) :].strip(markup[0] + " \t")
    ):
        return
    doc.problems.append(
        Problem("unclosed-fence", Severity.ERROR, path, fence_line, frozen_map({"marker": markup}))
    )


def _fence(
    info_string: str,
    content: str,
    line: int,
    end_line: int,
    heading: str | None,
    heading_line: int | None,
    section: SectionKind | None,
    path: str,
    doc: MarkdownDoc,
) -> None:
    info = parse_info(info_string)
    lang = canonical(info.lang)
    if info.lang in {"yaml", "yml"} and (info.attrs.pop("kube", False) or "kube" in info.classes):
        lang = "kube"
        if info.attrs.get("class") == "kube":
            del info.attrs["class"]
    if lang is None:
        if (
            info.lang in {"yaml", "yml"}
            and _has_steps_key(content)
            and info.attrs.get("run", True) not in {False, "false", "no"}
        ):
            embedded = yaml_runbook.read_yaml(content, path, offset=line, embedded=True)
            for draft in embedded.drafts:
                draft.section = draft.section or section
                draft.heading = draft.heading or heading
            doc.embedded.append(embedded)
            doc.drafts.extend(embedded.drafts)
            doc.problems.extend(embedded.problems)
            return
        if info.lang and info.lang not in KNOWN_DATA:
            guess = did_you_mean(info.lang, EXECUTABLE, cutoff=0.7)
            if guess:
                doc.problems.append(
                    Problem(
                        "fence-language-typo",
                        Severity.WARNING,
                        path,
                        line,
                        frozen_map({"lang": info.lang, "suggestion": guess}),
                    )
                )
        return

    for code, args in info.problems:
        column = args.pop("column", None)
        doc.problems.append(Problem(code, Severity.WARNING, path, line, frozen_map(args), column))
    for key in unknown_keys(info.attrs):
        doc.problems.append(
            Problem(
                "unknown-attribute",
                Severity.WARNING,
                path,
                line,
                frozen_map(
                    {
                        "key": key,
                        "suggestion": did_you_mean(key, KNOWN_ATTRS),
                        "known": "id, timeout, confirm, destructive, run, on-failure, "
                        "when, interactive, next",
                    }
                ),
            )
        )
    if info.form in {"runme", "json"}:
        doc.problems.append(
            Problem(
                "non-canonical-attributes",
                Severity.INFO,
                path,
                line,
                frozen_map(
                    {
                        "text": info_string.strip(),
                        "canonical": canonical_form(info.lang, info.attrs),
                    }
                ),
            )
        )

    first_source_line = line + 1
    if lang == "console":
        found = console.commands(content, first_source_line)
        if not found:
            return  # output only: shown, not run
        source = "\n".join(cmd for cmd, _ in found)
        source_lines = tuple(n for _, numbers in found for n in numbers)
        commands = tuple(cmd for cmd, _ in found)
    else:
        source = content[:-1] if content.endswith("\n") else content
        source_lines = tuple(range(first_source_line, first_source_line + source.count("\n") + 1))
        commands = ()
    if lang == "kube":
        spec, problems = kube_step.read_fence(content, path, line)
        doc.problems.extend(problems)
        if spec is not None and spec.action in kube_spec.DESTRUCTIVE:
            info.attrs["destructive"] = True
    doc.drafts.append(
        StepDraft(
            lang=lang,
            source=source,
            line=line,
            end_line=max(line, end_line),
            source_lines=source_lines,
            attrs=info.attrs,
            info=info_string.strip(),
            heading=heading,
            heading_line=heading_line,
            section=section,
            commands=commands,
        )
    )


def _has_steps_key(content: str) -> bool:
    return content.startswith("steps:") or "\nsteps:" in content
