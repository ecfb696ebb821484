"""The dicts that look like a pod reachable from a memo: what tests of the pages that read pods'
records (explorer/state/records.py) look for, to prove a memo keeps no pod."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any


def pod_dicts(found: Any, seen: set[int] | None = None) -> list[dict]:
    """The dicts reachable from `found` that look like a pod (metadata and spec or status)."""
    seen = seen if seen is not None else set()
    if id(found) in seen or isinstance(found, (str, bytes, int, float, bool)) or found is None:
        return []
    seen.add(id(found))
    if isinstance(found, dict):
        own = [found] if "metadata" in found and ("spec" in found or "status" in found) else []
        return own + [d for part in (*found, *found.values()) for d in pod_dicts(part, seen)]
    if isinstance(found, (list, tuple, set, frozenset)):
        return [d for part in found for d in pod_dicts(part, seen)]
    if is_dataclass(found):
        return [d for f in fields(found) for d in pod_dicts(getattr(found, f.name), seen)]
    if hasattr(found, "__dict__"):
        return pod_dicts(vars(found), seen)
    return []
