"""A small, forgiving reader of shell source: what a step uses and sets.

Not a shell parser: just enough lexing (comments, quotes, here-documents, ``$`` forms)
to tell which variables a command reads, which it assigns, and what its code looks like
with comments removed, for lint's checks and placeholder detection. Anything it cannot
follow is left out rather than guessed, so lint errs towards fewer findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][\w.-]*)\1")
_ASSIGN = re.compile(
    r"(?:^|[\s;&|(){}`])(?:(?:export|local|declare|typeset|readonly)\s+(?:-\w+\s+)*)?"
    r"([A-Za-z_]\w*)(?:\[[^\]]*\])?\+?="
)
_BINDERS = re.compile(
    r"(?:^|[\s;&|(){}])(?:for|select)\s+([A-Za-z_]\w*)\s+in\b"
    r"|(?:^|[\s;&|(){}])(?:read|mapfile|readarray)((?:[ \t]+-[a-zA-Z]+(?:[ \t]+(?!-)\S+)?)*)"
    r"((?:[ \t]+[A-Za-z_]\w*)+)"
    r"|(?:^|[\s;&|(){}])(?:export|local|declare|typeset|readonly)[ \t]+([^;&|\n]*)"
    r"|\(\(\s*([A-Za-z_]\w*)\s*(?:[-+*/%]?=|\+\+|--)"
    r"|(?:^|[\s;&|(){}])let\s+([A-Za-z_]\w*)"
    r"|getopts\s+\S+\s+([A-Za-z_]\w*)",
    re.MULTILINE,
)
# ${VAR:-x} ${VAR-x} ${VAR:=x} ${VAR:+x}: the author already handles an unset VAR.
_DEFAULTING = re.compile(r":?[-=+]")


@dataclass(slots=True)
class ShellFacts:
    uses: list[tuple[str, int]] = field(default_factory=list)  # (name, 0-based source line)
    sets: set[str] = field(default_factory=set)
    code: str = ""  # the source without comments (quotes and here-documents kept)


def scan(source: str) -> ShellFacts:
    facts = ShellFacts()
    out: list[str] = []
    i, n, line = 0, len(source), 0
    pending_heredocs: list[tuple[str, bool]] = []  # (terminator, expands)
    in_double = False

    def word_start(pos: int) -> bool:
        return pos == 0 or source[pos - 1] in " \t\n;&|(){}"

    while i < n:
        c = source[i]
        if c == "\n":
            out.append(c)
            line += 1
            i += 1
            if pending_heredocs and not in_double:
                i, line = _skip_heredocs(source, i, line, pending_heredocs, facts, out)
                pending_heredocs = []
            continue
        if c == "\\":
            out.append(source[i : i + 2])
            if source[i + 1 : i + 2] == "\n":
                line += 1
            i += 2
            continue
        if in_double:
            if c == '"':
                in_double = False
                out.append(c)
                i += 1
                continue
            if c == "$":
                i = _dollar(source, i, line, facts, out)
                continue
            out.append(c)
            i += 1
            continue
        if c == "#" and word_start(i):
            end = source.find("\n", i)
            i = n if end < 0 else end
            continue
        if c == "'":
            end = source.find("'", i + 1)
            end = n if end < 0 else end + 1
            chunk = source[i:end]
            line += chunk.count("\n")
            out.append(chunk)
            i = end
            continue
        if c == '"':
            in_double = True
            out.append(c)
            i += 1
            continue
        if c == "$":
            i = _dollar(source, i, line, facts, out)
            continue
        if c == "<" and source.startswith("<<", i) and not source.startswith("<<<", i):
            match = _HEREDOC.match(source, i)
            if match:
                pending_heredocs.append((match[2], match[1] == ""))
                out.append(match[0])
                i = match.end()
                continue
        out.append(c)
        i += 1
    facts.code = "".join(out)
    for match in _ASSIGN.finditer(facts.code):
        facts.sets.add(match[1])
    for match in _BINDERS.finditer(_blank_quotes(facts.code)):
        for group in match.groups():
            if group:
                words = (w.split("=", 1)[0] for w in group.split())
                facts.sets.update(w for w in words if _NAME.fullmatch(w))
    return facts


def _blank_quotes(code: str) -> str:
    return re.sub(r"'[^']*'|\"[^\"]*\"", "''", code)


def _dollar(source: str, i: int, line: int, facts: ShellFacts, out: list[str]) -> int:
    """Handle a ``$`` at i; returns the next position."""
    rest = source[i + 1 : i + 2]
    if source.startswith("$((", i):
        end = source.find("))", i + 3)
        end = len(source) if end < 0 else end
        for name in _NAME.findall(
            re.sub(r"\b0[xX][0-9a-fA-F]+\b|\$[#?@*!$0-9-]", "", source[i + 3 : end])
        ):
            facts.uses.append((name, line))
        out.append(source[i : end + 2])
        return end + 2
    if rest == "{":
        end = source.find("}", i + 2)
        end = len(source) if end < 0 else end
        inner = source[i + 2 : end].lstrip("#!")
        match = _NAME.match(inner)
        if match and not _DEFAULTING.match(inner[match.end() : match.end() + 2]):
            facts.uses.append((match[0], line))
        out.append(source[i : end + 1])
        return end + 1
    match = _NAME.match(source, i + 1)
    if match:
        facts.uses.append((match[0], line))
        out.append(source[i : match.end()])
        return match.end()
    out.append("$")
    return i + 1


def _skip_heredocs(
    source: str,
    i: int,
    line: int,
    pending: list[tuple[str, bool]],
    facts: ShellFacts,
    out: list[str],
) -> tuple[int, int]:
    for terminator, expands in pending:
        while i < len(source):
            end = source.find("\n", i)
            end = len(source) if end < 0 else end
            text = source[i:end]
            if expands and "$" in text:
                sub = scan(text.replace('"', " ").replace("'", " ").replace("#", " "))
                facts.uses.extend((name, line) for name, _ in sub.uses)
            out.append(source[i : end + 1])
            i = end + 1
            line += 1
            if text.strip() == terminator:
                break
    return i, line


# Variables a shell or the runner always provides.
ENVIRONMENT = frozenset(
    """HOME PATH USER LOGNAME SHELL PWD OLDPWD HOSTNAME HOSTTYPE OSTYPE MACHTYPE LANG LANGUAGE
    TERM TMPDIR TEMP TMP EDITOR VISUAL PAGER KUBECONFIG RANDOM SECONDS LINENO FUNCNAME
    PIPESTATUS IFS PPID UID EUID GROUPS REPLY OPTARG OPTIND OPTERR COLUMNS LINES DISPLAY
    BASHPID BASH BASH_VERSION BASH_SOURCE BASH_LINENO BASH_REMATCH EPOCHSECONDS EPOCHREALTIME
    SHLVL HISTFILE PS1 PS2 PS4 CI TZ NO_COLOR DO_NOT_TRACK http_proxy https_proxy no_proxy
    HTTP_PROXY HTTPS_PROXY NO_PROXY""".split()
)
ENVIRONMENT_PREFIXES = ("LC_", "XDG_", "SSH_", "BASH_", "RUNNER_", "GITHUB_", "GITLAB_")


def is_environment(name: str) -> bool:
    return name in ENVIRONMENT or name.startswith(ENVIRONMENT_PREFIXES)


def fill_placeholders(source: str, names: dict[str, str]) -> str:
    """Replace placeholder texts (``<namespace>``) by a reference to their variable.

    The value itself never enters the code: ``<namespace>`` becomes ``"${NAMESPACE}"``
    outside quotes, ``${NAMESPACE}`` inside double quotes, and ``'"${NAMESPACE}"'`` inside
    single quotes (closing and reopening them), so any value stays one inert word.
    """
    if not names:
        return source
    texts = sorted(names, key=len, reverse=True)
    out: list[str] = []
    i, n = 0, len(source)
    quote = ""  # "", "'" or '"'
    while i < n:
        c = source[i]
        hit = next((t for t in texts if source.startswith(t, i)), None)
        if hit is not None:
            ref = "${" + names[hit] + "}"
            if quote == '"':
                out.append(ref)
            elif quote == "'":
                out.append(f"'\"{ref}\"'")
            else:
                out.append(f'"{ref}"')
            i += len(hit)
            continue
        if c == "\\" and quote != "'":
            out.append(source[i : i + 2])
            i += 2
            continue
        if c in "'\"":
            if not quote:
                quote = c
            elif quote == c:
                quote = ""
        out.append(c)
        i += 1
    return "".join(out)
