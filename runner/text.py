"""Text hygiene: decoding, line ends, invisible characters and mojibake.

Mojibake here is UTF-8 text that was decoded with an 8-bit code page (Mac Roman,
Windows-1252 or Latin-1) and saved again: "Når" becomes "N√•r" (Mac Roman) or
"NÃ¥r" (Windows-1252). Such text is repairable: re-encode the suspicious characters
with that code page and decode the bytes as UTF-8. We only repair where the bytes
form complete, valid UTF-8 multi-byte sequences, so ordinary "æøå" is never touched
(a lone byte >= 0x80 is never valid UTF-8 on its own).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from runner.errors import ParseError

BOM = "\ufeff"
# Invisible characters that break commands copied from chat, wikis and Word.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
NBSP = "\u00a0\u202f"
_INVISIBLE_RE = re.compile(f"[{ZERO_WIDTH}]")
_NBSP_RE = re.compile(f"[{NBSP}]")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]{2,}")

# Tried in this order; the first that turns a run into valid UTF-8 wins.
MOJIBAKE_ENCODINGS = ("mac_roman", "cp1252", "latin_1")


def decode(data: bytes, path: str) -> str:
    """Bytes of a runbook file to text with LF line ends; a clear error for non-UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ParseError(
            "invalid-utf8",
            path=path,
            line=line,
            offset=exc.start,
            byte=f"0x{data[exc.start]:02x}",
        ) from None
    if text.startswith(BOM):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def clean_code(text: str) -> str:
    """Code as it should run: NBSP becomes a space, zero-width characters go."""
    if text.isascii():
        return text
    return _INVISIBLE_RE.sub("", _NBSP_RE.sub(" ", text))


def has_invisible(text: str) -> bool:
    return not text.isascii() and bool(_INVISIBLE_RE.search(text) or _NBSP_RE.search(text))


def repair_run(run: str, encoding: str) -> str | None:
    """Repair one run of non-ASCII characters, or None if this code page does not explain it."""
    try:
        data = run.encode(encoding)
    except UnicodeEncodeError:
        return None
    if len(data) != len(run):  # every character must be exactly one byte
        return None
    out: list[str] = []
    i = 0
    changed = False
    while i < len(data):
        lead = data[i]
        size = (
            2
            if 0xC2 <= lead <= 0xDF
            else 3
            if 0xE0 <= lead <= 0xEF
            else 4
            if 0xF0 <= lead <= 0xF4
            else 0
        )
        if size and i + size <= len(data):
            try:
                out.append(data[i : i + size].decode("utf-8"))
                i += size
                changed = True
                continue
            except UnicodeDecodeError:
                pass
        out.append(run[i])
        i += 1
    return "".join(out) if changed else None


_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")


_IMPLAUSIBLE = frozenset({"Cc", "Co", "Cn", "Cs"})  # controls, private use, unassigned


def best_repair(run: str) -> str | None:
    """The most plausible repair of a run over all code pages, or None.

    The same bytes can decode under two code pages: "Ã¥" is "å" read as Windows-1252
    but a combining mark read as Mac Roman. Repairs that produce control or unassigned
    characters are impossible; among the rest, fewer combining marks wins.
    """
    best: tuple[int, str] | None = None
    for encoding in MOJIBAKE_ENCODINGS:
        repaired = repair_run(run, encoding)
        if repaired is None:
            continue
        new = [c for c in repaired if c not in run]
        categories = [unicodedata.category(c) for c in new]
        if any(cat in _IMPLAUSIBLE for cat in categories):
            continue
        score = -sum(cat.startswith("M") for cat in categories)
        if best is None or score > best[0]:
            best = (score, repaired)
    return best[1] if best else None


def repair_mojibake(line: str) -> str | None:
    """The line with mojibake repaired, or None when there is nothing to repair.

    Inline code spans are left alone: that is where documentation quotes garbled text
    on purpose ("`N√•r` is how Mac Roman shows `Når`").
    """
    if line.isascii():
        return None
    if "`" in line:
        parts: list[str] = []
        pos = 0
        for span in _CODE_SPAN.finditer(line):
            parts.append(_repair_text(line[pos : span.start()]) or line[pos : span.start()])
            parts.append(span.group(0))
            pos = span.end()
        parts.append(_repair_text(line[pos:]) or line[pos:])
        joined = "".join(parts)
        return joined if joined != line else None
    return _repair_text(line)


def _repair_text(line: str) -> str | None:
    if line.isascii():
        return None
    current = line
    for _ in range(3):  # text mangled twice needs two rounds
        changed = False

        def fix(match: re.Match[str]) -> str:
            nonlocal changed
            best = best_repair(match.group(0))
            if best is None:
                return match.group(0)
            changed = True
            return best

        updated = _NON_ASCII_RUN.sub(fix, current)
        if not changed:
            break
        current = updated
    return current if current != line else None


@dataclass(frozen=True, slots=True)
class MojibakeLine:
    line: int  # 1-based
    text: str
    repaired: str


def find_mojibake(text: str) -> Iterator[MojibakeLine]:
    if text.isascii():
        return
    for number, line in enumerate(text.split("\n"), start=1):
        repaired = repair_mojibake(line)
        if repaired is not None:
            yield MojibakeLine(number, line, repaired)
