"""Differences between two view models, as a list of operations a browser applies in order.

`{"op": "set", "path": [k1, k2, ...], "value": v}` sets model[k1][k2]... to v (creating the
key); `{"op": "del", "path": [...]}` removes the key. Paths go through objects only: a list
that changed is set whole. static/js/live.js applies the same operations.
"""

from __future__ import annotations

import copy
from typing import Any, TypedDict


class Op(TypedDict, total=False):
    op: str  # "set" or "del"
    path: list[str]
    value: Any


def diff(old: dict[str, Any], new: dict[str, Any], path: tuple[str, ...] = ()) -> list[Op]:
    ops: list[Op] = []
    for key in old:
        if key not in new:
            ops.append({"op": "del", "path": [*path, key]})
    for key, value in new.items():
        before = old.get(key, _MISSING)
        if before is _MISSING:
            ops.append({"op": "set", "path": [*path, key], "value": value})
        elif before is value or before == value:
            continue
        elif isinstance(before, dict) and isinstance(value, dict):
            ops.extend(diff(before, value, (*path, key)))
        else:
            ops.append({"op": "set", "path": [*path, key], "value": value})
    return ops


def apply(model: dict[str, Any], ops: list[Op]) -> dict[str, Any]:
    """A copy of `model` with `ops` applied (what a client does with a delta)."""
    result = copy.deepcopy(model)
    for op in ops:
        *parents, last = op["path"]
        target = result
        for key in parents:
            target = target.setdefault(key, {})
        if op["op"] == "del":
            target.pop(last, None)
        else:
            target[last] = copy.deepcopy(op["value"])
    return result


_MISSING = object()
