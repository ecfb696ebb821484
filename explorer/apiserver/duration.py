"""Times as Kubernetes writes them (RFC 3339), ages as kubectl prints them (`5m`, `3h2m`, `10d`)."""

from __future__ import annotations

from datetime import UTC, datetime

# (unit, size in the unit below, below `threshold` units show the smaller unit,
#  below `detail` units also show the remainder in the smaller unit)
_UNITS = (("m", 60, 2, 10), ("h", 60, 3, 8), ("d", 24, 2, 8), ("y", 365, 2, 8))


def human_duration(seconds: float) -> str:
    """apimachinery's `duration.HumanDuration`: two significant units at most, never more."""
    whole = int(seconds)
    if whole < -1:
        return "<invalid>"
    if whole < 0:
        return "0s"
    value, unit = whole, "s"
    for name, size, threshold, detail in _UNITS:
        if value < size * threshold:
            return f"{value}{unit}"
        bigger, rest = divmod(value, size)
        if bigger < detail and rest:
            return f"{bigger}{name}{rest}{unit}"
        value, unit = bigger, name
    return f"{value}{unit}"


def now_rfc3339() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: str | None) -> float | None:
    """Seconds since the epoch of an RFC 3339 time (`2024-05-01T10:00:00Z`, with or without
    fractions); None when absent or unreadable."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def age(value: str | None, now: float) -> str:
    """`translateTimestampSince`: the age of a timestamp, `<unknown>` when there is none."""
    when = parse_time(value)
    return "<unknown>" if when is None else human_duration(now - when)
