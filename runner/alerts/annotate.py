"""``runner alerts annotate``: add or correct ``runbook_url`` annotations in rule files,
changing nothing else (comments, order, quoting and indentation are kept by ruamel.yaml's
round trip)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from runner.alerts.check import URL_TEMPLATE


def annotate_file(
    path: Path,
    base_url: str,
    handled: Iterable[str],
    is_correct: Callable[[str, str], bool],
    *,
    write: bool = True,
) -> list[tuple[str, str | None, str]]:
    """(alert, old url, new url) for every rule changed; the file is rewritten if any.

    A rule gets the annotation when it has none, or when its URL does not lead to a page
    serving the alert (``is_correct(alert, url)``); correct links are left as they are.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.util import load_yaml_guess_indent

    text = path.read_text(encoding="utf-8")
    # guess the indentation from the document that holds the rules (a file may have several)
    segments = re.split(r"(?m)^---\s*$", text)
    sample = next((seg for seg in segments if "rules:" in seg), text)
    _, indent, block_seq_indent = load_yaml_guess_indent(sample)
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    sequence = indent or 2
    offset = block_seq_indent or 0
    # ruamel guesses the sequence indent and the dash offset; mappings step by the rest
    yaml.indent(mapping=sequence - offset if offset else sequence, sequence=sequence, offset=offset)
    docs = list(yaml.load_all(text))
    target = base_url.rstrip("/") + "/" + URL_TEMPLATE
    wanted = {a.lower() for a in handled}
    changes: list[tuple[str, str | None, str]] = []
    for doc in docs:
        for rule in _rules(doc):
            alert = str(rule.get("alert"))
            if alert.lower() not in wanted:
                continue  # no runbook: a link would lead nowhere (check reports it)
            annotations = rule.get("annotations")
            old = None if annotations is None else annotations.get("runbook_url")
            if old is not None and is_correct(alert, str(old)):
                continue
            if annotations is None:
                annotations = CommentedMap()
                rule["annotations"] = annotations
            annotations["runbook_url"] = target
            changes.append((alert, None if old is None else str(old), target))
    if changes and write:
        out = io.StringIO()
        yaml.dump_all(docs, out)
        from runner.lint.fix import _atomic_write

        _atomic_write(path, out.getvalue().encode("utf-8"))
    return changes


def _rules(doc: Any) -> Iterable[Any]:
    if not isinstance(doc, dict):
        return
    groups = doc.get("groups")
    if groups is None and isinstance(doc.get("spec"), dict):
        groups = doc["spec"].get("groups")
    for group in groups or []:
        if isinstance(group, dict):
            for rule in group.get("rules") or []:
                if isinstance(rule, dict) and rule.get("alert"):
                    yield rule
