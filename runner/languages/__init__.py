"""Fence languages the runner executes, by the names people write in info strings.

The execution side (one module per language behind one Protocol) builds on this
table; the parser only needs to know which fences are steps and their canonical name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from runner.languages.base import Language

# written name (lower-case) -> canonical language
EXECUTABLE: dict[str, str] = {
    "bash": "bash",
    "sh": "bash",
    "shell": "bash",
    "console": "console",
    "shell-session": "console",
    "shellsession": "console",
    "sh-session": "console",
    "python": "python",
    "py": "python",
    "python3": "python",
}

# Languages that are never steps, though they look like code (used for typo hints:
# a fence written `bsh` is probably bash, one written `json` is deliberately data).
KNOWN_DATA = frozenset(
    {
        "yaml",
        "yml",
        "json",
        "jsonc",
        "toml",
        "ini",
        "text",
        "txt",
        "plain",
        "plaintext",
        "log",
        "diff",
        "xml",
        "html",
        "css",
        "js",
        "javascript",
        "ts",
        "typescript",
        "go",
        "rust",
        "java",
        "c",
        "cpp",
        "sql",
        "promql",
        "logql",
        "hcl",
        "terraform",
        "dockerfile",
        "makefile",
        "markdown",
        "md",
        "mermaid",
        "csv",
        "nginx",
        "properties",
        "env",
        "dotenv",
        "conf",
        "output",
        "ruby",
        "rb",
        "php",
        "perl",
        "powershell",
        "ps1",
        "bat",
        "cmd",
        "groovy",
        "kotlin",
        "scala",
        "lua",
        "r",
        "swift",
        "jinja",
        "j2",
        "gotemplate",
        "nix",
        "zsh",
        "fish",
        "pycon",
        "pytb",
        "irb",
        "psql",
        "mysql",
        "redis",
    }
)


def canonical(lang: str) -> str | None:
    """The canonical executable language for a written fence language, else None."""
    return EXECUTABLE.get(lang.lower())


def registry() -> dict[str, Language]:
    """Canonical language name -> implementation. Adding a language: one module, one line."""
    from runner.languages.bash import Bash
    from runner.languages.console import Console
    from runner.languages.kube import Kube
    from runner.languages.python import Python
    from runner.languages.yaml_steps import YamlSteps

    return {
        "bash": Bash(),
        "console": Console(),
        "python": Python(),
        "yaml": YamlSteps(),
        "kube": Kube(),
    }
