"""Durations as people write them in runbooks: 90s, 15m, 15min, 1h30m, 90d, 2w, 60."""

from __future__ import annotations

import re

_UNITS = {
    "s": 1,
    "sec": 1,
    "secs": 1,
    "second": 1,
    "seconds": 1,
    "m": 60,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "minutt": 60,
    "minutter": 60,
    "h": 3600,
    "hr": 3600,
    "hrs": 3600,
    "hour": 3600,
    "hours": 3600,
    "time": 3600,
    "timer": 3600,
    "d": 86400,
    "day": 86400,
    "days": 86400,
    "dag": 86400,
    "dager": 86400,
    "døgn": 86400,
    "w": 604800,
    "week": 604800,
    "weeks": 604800,
    "uke": 604800,
    "uker": 604800,
}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-zø]+)")


def parse_duration(value: object) -> float | None:
    """Seconds, or None when the value is not a duration."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if value >= 0 else None
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    total = 0.0
    pos = 0
    for match in _PART.finditer(text):
        if text[pos : match.start()].strip():
            return None
        unit = _UNITS.get(match[2])
        if unit is None:
            return None
        total += float(match[1]) * unit
        pos = match.end()
    if pos == 0 or text[pos:].strip():
        return None
    return total
