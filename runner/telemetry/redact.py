"""Secrets never reach the store: declared secret values in every form a command might
print them, and values that look like tokens."""

from __future__ import annotations

import base64
import json
import re
import shlex
import urllib.parse
from collections.abc import Iterable

MASK = "********"
# Shapes of credentials that show up in command output and parameters.
TOKEN_PATTERNS = re.compile(
    r"""
      gh[pousr]_[A-Za-z0-9]{20,}                     # GitHub
    | github_pat_[A-Za-z0-9_]{20,}
    | glpat-[A-Za-z0-9_\-]{16,}                      # GitLab
    | xox[abposr]-[A-Za-z0-9-]{10,}                  # Slack
    | AKIA[0-9A-Z]{16}                               # AWS access key id
    | eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}   # JWT
    | sk-[A-Za-z0-9]{20,}                            # API keys (OpenAI style)
    | (?<=[Bb]earer\ )[A-Za-z0-9._~+/-]{16,}=*       # Authorization: Bearer ...
    | -----BEGIN\ [A-Z ]*PRIVATE\ KEY-----[\s\S]*?-----END\ [A-Z ]*PRIVATE\ KEY-----
    """,
    re.VERBOSE,
)


def looks_like_token(value: str) -> bool:
    return bool(TOKEN_PATTERNS.fullmatch(value.strip())) or bool(TOKEN_PATTERNS.search(value))


def secret_forms(value: str) -> set[str]:
    """The ways a secret may appear in output: raw, shell-quoted, JSON, URL, base64."""
    if not value:
        return set()
    forms = {
        value,
        shlex.quote(value),
        json.dumps(value)[1:-1],
        urllib.parse.quote(value, safe=""),
        urllib.parse.quote_plus(value),
    }
    raw = value.encode("utf-8")
    forms.add(base64.b64encode(raw).decode("ascii"))
    forms.add(base64.urlsafe_b64encode(raw).decode("ascii").rstrip("="))
    forms.add(base64.b64encode(raw).decode("ascii").rstrip("="))
    return {f for f in forms if len(f) >= 3}


class Redactor:
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        forms: set[str] = set()
        for secret in secrets:
            forms |= secret_forms(secret)
        # longest first, so a form that contains another is masked whole
        self._forms = sorted(forms, key=len, reverse=True)
        self._pattern = (
            re.compile("|".join(re.escape(f) for f in self._forms)) if self._forms else None
        )

    def __call__(self, text: str) -> str:
        if self._pattern is not None:
            text = self._pattern.sub(MASK, text)
        return TOKEN_PATTERNS.sub(MASK, text)
