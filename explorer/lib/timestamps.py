"""Times as the pages show them: one format, to the second in UTC (`2026-01-02T03:04:05Z`), from an
API timestamp (`utc_second`) or from a moment on our clock (`utc_moment`)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_FRACTION = re.compile(r"\.\d+")


def utc_second(text: str) -> str:
    """An API timestamp (RFC 3339, with or without a fraction or an offset) in the one format;
    text that is not a timestamp comes back as it was."""
    try:
        moment = datetime.fromisoformat(_FRACTION.sub("", text, count=1).replace("Z", "+00:00"))
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_moment(seconds: float) -> str:
    """A moment in seconds since the epoch (time.time()) in the one format."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
