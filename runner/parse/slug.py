"""Slugs for step ids: readable ASCII, with Norwegian letters spelt out (æ→ae, ø→o, å→a)."""

from __future__ import annotations

import re
import unicodedata

_TRANSLIT = str.maketrans(
    {
        "æ": "ae",
        "ø": "o",
        "å": "a",
        "Æ": "ae",
        "Ø": "o",
        "Å": "a",
        "ß": "ss",
        "þ": "th",
        "ð": "d",
        "ł": "l",
        "Ł": "l",
    }
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    text = text.translate(_TRANSLIT).lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return _NON_ALNUM.sub("-", text).strip("-")


_INLINE_MARKUP = re.compile(r"[*_`~]+|!?\[([^\]]*)\]\([^)]*\)|<[^>]+>|\{[#.][^}]*\}\s*$")


def plain_heading(text: str) -> str:
    """Heading text without inline Markdown: `code`, *emphasis*, [links](x), {#anchor}."""
    if not any(c in text for c in "*_`~[<{"):
        return text.strip()
    return _INLINE_MARKUP.sub(lambda m: m.group(1) or "", text).strip()
