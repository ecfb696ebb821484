"""Times as the pages show them: one format, to the second in UTC (`2026-01-02T03:04:05Z`), from an
API timestamp (`utc_second`) or from a moment on our clock (`utc_moment`)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_FRACTION = re.compile(r"\.\d+")
_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def parse_utc(text: str) -> datetime | None:
    """An API timestamp (RFC 3339, with or without a fraction or an offset) to the second, in
    UTC; None when the text is not one."""
    try:
        moment = datetime.fromisoformat(_FRACTION.sub("", text, count=1).replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def seconds_of(text: object) -> float | None:
    """An API timestamp as seconds since the epoch, to the second (what the API stores for
    creationTimestamp and conditions); None when it is not one."""
    moment = parse_utc(text) if isinstance(text, str) and text else None
    return None if moment is None else moment.timestamp()


def utc_second(text: str) -> str:
    """An API timestamp in the one format; text that is not a timestamp comes back as it was."""
    moment = parse_utc(text)
    return text if moment is None else moment.strftime(_FORMAT)


def utc_moment(seconds: float) -> str:
    """A moment in seconds since the epoch (time.time()) in the one format."""
    return datetime.fromtimestamp(seconds, UTC).strftime(_FORMAT)
