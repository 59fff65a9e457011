"""``runner lint --fix``: repair what can be repaired without judgement (mojibake).

The file is rewritten byte for byte except for the repaired characters: its BOM, its
line ends (LF or CRLF) and every other line stay as they were. The new content is
written to a temporary file beside it and moved into place, so a crash never leaves a
half-written runbook.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from runner.text import BOM, repair_mojibake


def fix_file(path: str | os.PathLike[str]) -> list[int]:
    """Repair mojibake in place; returns the 1-based lines that changed."""
    p = Path(path)
    raw = p.read_bytes().decode("utf-8")  # callers lint first: invalid UTF-8 never gets here
    bom = raw.startswith(BOM)
    body = raw[1:] if bom else raw
    changed: list[int] = []
    out: list[str] = []
    for number, line in enumerate(body.splitlines(keepends=True), start=1):
        content = line.rstrip("\r\n")
        ending = line[len(content) :]
        repaired = repair_mojibake(content)
        if repaired is not None:
            changed.append(number)
            content = repaired
        out.append(content + ending)
    if not changed:
        return []
    text = (BOM if bom else "") + "".join(out)
    _atomic_write(p, text.encode("utf-8"))
    return changed


def _atomic_write(path: Path, data: bytes) -> None:
    mode = path.stat().st_mode
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
