"""Placeholders in commands, which the runner asks for as parameters.

    kubectl get pods -n <namespace>          ->  NAMESPACE
    --selector=<value of namespace label>    ->  VALUE_OF_NAMESPACE_LABEL
    ssh <din profil>@bastion                 ->  DIN_PROFIL
    curl -H "Authorization: YOUR_TOKEN"      ->  YOUR_TOKEN

Shell syntax that also uses angle brackets is left alone: redirections (``< file``,
``2>&1``), here-documents (``<<EOF``, ``<<<``) and process substitution (``<(cmd)``).
"""

from __future__ import annotations

import re

from runner.parse.slug import slugify

_ANGLE = re.compile(r"(?<![<\w$])<(?![<(/!])([A-Za-zÆØÅæøå][\wÆØÅæøå .\-]{0,60}?)>(?![>&])")
_CAPS = re.compile(r"(?<![\w$\{/.-])(?:YOUR|MY|DIN|DITT|DINE|MIN|MITT)_[A-Z0-9_]+\b")
_HTML_TAGS = frozenset(
    "a b i p br hr em li ul ol div span pre code html head body title img table tr td th".split()
)


def find(source: str) -> list[tuple[str, str]]:
    """(literal text, parameter name) for each distinct placeholder, in order."""
    if "<" not in source and "_" not in source:
        return []
    found: dict[str, str] = {}
    for match in _ANGLE.finditer(source):
        inner = match.group(1).strip()
        if inner.lower() in _HTML_TAGS or inner.isdigit():
            continue
        found.setdefault(match.group(0), slugify(inner).replace("-", "_").upper())
    for match in _CAPS.finditer(source):
        found.setdefault(match.group(0), match.group(0))
    return [(text, name) for text, name in found.items() if name]
