"""The limits and usage of one cgroup, in neutral terms, from v1 or v2 interface files.

A key is present only when the input had it; `None` means "no limit" (`max`, `-1`, or v1's
page-rounded 2^63). Files:
- v1: memory.limit_in_bytes, memory.usage_in_bytes, cpu.cfs_quota_us, cpu.cfs_period_us,
  cpu.shares, pids.max, pids.current;
- v2: memory.max, memory.current, cpu.max (`<quota|max> <period>`), cpu.weight, pids.max,
  pids.current.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

# v1 reports "no limit" as the largest page-aligned signed 64-bit number; treat anything this
# large as no limit (cAdvisor passes it through).
UNLIMITED_FROM = 2**62


class Limits(TypedDict, total=False):
    memory_limit_bytes: int | None
    memory_usage_bytes: int
    cpu_quota_us: int | None
    cpu_period_us: int
    cpu_limit_cores: float | None
    cpu_shares: int
    cpu_weight: int
    pids_max: int | None
    pids_current: int


V1_FILES = (
    "memory.limit_in_bytes",
    "memory.usage_in_bytes",
    "cpu.cfs_quota_us",
    "cpu.cfs_period_us",
    "cpu.shares",
    "pids.max",
    "pids.current",
)
V2_FILES = ("memory.max", "memory.current", "cpu.max", "cpu.weight", "pids.max", "pids.current")
V1_ONLY = frozenset(V1_FILES) - {"pids.max", "pids.current"}
V2_ONLY = frozenset(V2_FILES) - {"pids.max", "pids.current"} | {"cgroup.controllers"}


def _count(text: str) -> int | None:
    """A whole number as an interface file writes it (None: not one)."""
    value = text.strip()
    return int(value) if value.isascii() and value.isdigit() else None


def _number(text: str) -> int | None:
    """An interface file's limit; `max`, -1 and v1's near-2^63 are no limit."""
    if text.strip() in ("max", "-1"):
        return None
    number = _count(text)
    if number is None:
        raise ValueError(f"not a limit: {text[:40]!r}")
    return None if number >= UNLIMITED_FROM else number


def limits_from_files(files: Mapping[str, str]) -> Limits:
    """Limits from whatever interface files were read (unreadable values are left out)."""
    found = Limits()
    for name, key in (
        ("memory.limit_in_bytes", "memory_limit_bytes"),
        ("memory.max", "memory_limit_bytes"),
        ("pids.max", "pids_max"),
        ("cpu.cfs_quota_us", "cpu_quota_us"),
    ):
        if files.get(name, "").strip():
            try:
                found[key] = _number(files[name])  # type: ignore[literal-required]
            except ValueError:
                continue
    for name, key in (
        ("memory.usage_in_bytes", "memory_usage_bytes"),
        ("memory.current", "memory_usage_bytes"),
        ("pids.current", "pids_current"),
        ("cpu.cfs_period_us", "cpu_period_us"),
        ("cpu.shares", "cpu_shares"),
        ("cpu.weight", "cpu_weight"),
    ):
        number = _count(files.get(name, ""))
        if number is not None and number < UNLIMITED_FROM:
            found[key] = number  # type: ignore[literal-required]
    if files.get("cpu.max", "").strip():
        _cpu_max(files["cpu.max"], found)
    return with_cores(found)


def _cpu_max(text: str, found: Limits) -> None:
    parts = text.split()
    if len(parts) != 2:
        return
    try:
        quota, period = _number(parts[0]), _number(parts[1])
    except ValueError:
        return
    if period is not None:
        found["cpu_period_us"], found["cpu_quota_us"] = period, quota


def with_cores(found: Limits) -> Limits:
    """Add the CPU limit in cores (quota / period) when both are known."""
    if "cpu_quota_us" in found and found["cpu_quota_us"] is None:
        found["cpu_limit_cores"] = None
    elif found.get("cpu_quota_us") and found.get("cpu_period_us"):
        found["cpu_limit_cores"] = round(found["cpu_quota_us"] / found["cpu_period_us"], 6)  # type: ignore[operator]
    return found


def version_of_files(names: set[str] | frozenset[str]) -> int | None:
    """1 or 2 from the interface files a cgroup has (None when they do not tell)."""
    if names & V2_ONLY:
        return 2
    if names & (V1_ONLY | {"tasks", "cgroup.clone_children", "notify_on_release"}):
        return 1
    return None
