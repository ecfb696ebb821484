"""A span of time in words, as the pages say it: "under a second", "2.1 s", "45 s",
"3 min 20 s", "2 h 5 min", "3 d 4 h"."""

from __future__ import annotations

MINUTE, HOUR, DAY = 60, 3600, 86400


def duration_words(seconds: float) -> str:
    """`seconds` (negative counts as none) in words, to two units at most."""
    seconds = max(0.0, seconds)
    if seconds < 0.05:
        return "under a second"
    if seconds < 10:
        return f"{seconds:.1f} s".replace(".0 s", " s")
    whole = round(seconds)
    if whole < MINUTE:
        return f"{whole} s"
    if whole < HOUR:
        return _two(whole // MINUTE, "min", whole % MINUTE, "s")
    if whole < DAY:
        return _two(whole // HOUR, "h", whole % HOUR // MINUTE, "min")
    return _two(whole // DAY, "d", whole % DAY // HOUR, "h")


def _two(first: int, unit: str, second: int, small: str) -> str:
    return f"{first} {unit}" + (f" {second} {small}" if second else "")
