"""Timestamps as the API writes them (RFC 3339, seconds or microseconds, always UTC `Z`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def ts(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def micro_ts(moment: datetime) -> str:
    """A MicroTime (`eventTime`, Lease `renewTime`)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_ts(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def seconds(count: float) -> timedelta:
    return timedelta(seconds=count)
