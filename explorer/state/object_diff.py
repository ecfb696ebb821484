"""What changed in one object between two moments, field by field, without the noise.

`field_changes(kind, before, after)` lists `{path, before, after}`, sorted by path. A path is
the object's fields joined with dots, a key that is not a plain word in brackets and quotes, and
a list item by what names it: `spec.template.spec.containers[name=web].image`,
`status.conditions[type=Ready].status`, `endpoints[address=10.244.1.7]` (an EndpointSlice
endpoint, by its first address), `metadata.annotations["deployment.kubernetes.io/revision"]`;
an item of a list whose items nothing names uniquely by its place: `spec.args[2]`. A list item
that appears or goes is one change (its whole value); a map that appears or goes lists its keys.

`before` and `after` are text: a string as it is, any other value as compact JSON with sorted
keys, cut to MAX_VALUE_CHARS; None where the field is absent on that side.

Left out, as kubectl users ignore them: `metadata.resourceVersion`, `metadata.managedFields`,
`metadata.generation` (the spec change it counts is listed itself), conditions'
`lastHeartbeatTime` and `lastProbeTime`, a Lease's `spec.renewTime`, and the EndpointSlice
controller's `endpoints.kubernetes.io/last-change-trigger-time` annotation. A Secret's values
(`data`, `stringData`, its last-applied annotation) are never read, though ingest dropped them
already (explorer/lib/redact.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypedDict

import orjson

from explorer.lib.redact import LAST_APPLIED, SECRET_VALUE_FIELDS

MAX_VALUE_CHARS = 200
MAX_FIELDS = 100  # per object: past it the change says how many more
TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time"
_NOISY_CONDITION_FIELDS = frozenset({"lastHeartbeatTime", "lastProbeTime"})
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_ABSENT: Any = object()

Segment = str | int | tuple[str, str]  # a key, a place in a list, an item named by key=value


class FieldChange(TypedDict):
    path: str
    before: str | None  # None: absent on that side
    after: str | None


def _first_address(item: dict) -> object:
    addresses = item.get("addresses")
    return addresses[0] if isinstance(addresses, list) and addresses else None


# What names a list's items, tried in turn: the first that every item has, distinct, wins.
_ITEM_NAMES: tuple[tuple[str, Callable[[dict], object]], ...] = (
    ("name", lambda item: item.get("name")),
    ("type", lambda item: item.get("type")),
    ("ip", lambda item: item.get("ip")),
    ("address", _first_address),
    ("mountPath", lambda item: item.get("mountPath")),
    ("devicePath", lambda item: item.get("devicePath")),
    ("containerPort", lambda item: item.get("containerPort")),
    ("port", lambda item: item.get("port")),
)


def field_changes(kind: str, before: dict, after: dict) -> tuple[list[FieldChange], int]:
    """The fields that differ between two versions of one object, sorted by path (at most
    MAX_FIELDS), and how many more there were."""
    found: list[tuple[tuple[Segment, ...], Any, Any]] = []
    _walk(kind, (), before, after, found)
    changes = sorted(
        (
            FieldChange(path=path_text(segments), before=shown(old), after=shown(new))
            for segments, old, new in found
        ),
        key=lambda change: change["path"],
    )
    return changes[:MAX_FIELDS], max(0, len(changes) - MAX_FIELDS)


def _walk(kind: str, at: tuple[Segment, ...], old: Any, new: Any, found: list) -> None:
    if is_noise(kind, at):
        return
    if isinstance(old, dict) or isinstance(new, dict):
        if _maps(old, new):
            old = {} if old is _ABSENT else old
            new = {} if new is _ABSENT else new
            for key in _keys(old, new):
                here = (*at, key)
                value_old, value_new = old.get(key, _ABSENT), new.get(key, _ABSENT)
                if value_old != value_new:
                    _walk(kind, here, value_old, value_new, found)
            return
    elif isinstance(old, list) and isinstance(new, list):
        _walk_list(kind, at, old, new, found)
        return
    found.append((at, old, new))


def _maps(old: Any, new: Any) -> bool:
    """Both maps, or a map on one side and nothing on the other."""
    return (isinstance(old, dict) or old is _ABSENT) and (isinstance(new, dict) or new is _ABSENT)


def _keys(old: dict, new: dict) -> list[str]:
    return [*new, *(key for key in old if key not in new)]


def _walk_list(kind: str, at: tuple[Segment, ...], old: list, new: list, found: list) -> None:
    named = _item_name(old, new)
    if named is None:
        for index in range(max(len(old), len(new))):
            value_old = old[index] if index < len(old) else _ABSENT
            value_new = new[index] if index < len(new) else _ABSENT
            if value_old != value_new:
                _walk(kind, (*at, index), value_old, value_new, found)
        return
    label, name_of = named
    items_old = {str(name_of(item)): item for item in old}
    items_new = {str(name_of(item)): item for item in new}
    for name in _keys(items_old, items_new):
        value_old, value_new = items_old.get(name, _ABSENT), items_new.get(name, _ABSENT)
        if value_old != value_new:
            here = (*at, (label, name))
            if value_old is _ABSENT or value_new is _ABSENT:
                found.append((here, value_old, value_new))  # an item came or went: whole
            else:
                _walk(kind, here, value_old, value_new, found)


def _item_name(old: list, new: list) -> tuple[str, Callable[[dict], object]] | None:
    items = [*old, *new]
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    for label, name_of in _ITEM_NAMES:
        if all(_distinct_names(side, name_of) for side in (old, new)):
            return label, name_of
    return None


def _distinct_names(items: list[dict], name_of: Callable[[dict], object]) -> bool:
    names = [name_of(item) for item in items]
    return all(isinstance(n, str | int) and n != "" for n in names) and len(set(names)) == len(
        names
    )


def is_noise(kind: str, at: tuple[Segment, ...]) -> bool:
    """A field that changes without anyone changing the object, or a Secret's value."""
    if len(at) == 2 and at[0] == "metadata":
        return at[1] in ("resourceVersion", "managedFields", "generation")
    if len(at) == 3 and at[:2] == ("metadata", "annotations"):
        return at[2] == TRIGGER_TIME or (kind == "Secret" and at[2] == LAST_APPLIED)
    if kind == "Lease" and at == ("spec", "renewTime"):
        return True
    if kind == "Secret" and len(at) == 1:
        return at[0] in SECRET_VALUE_FIELDS
    return len(at) >= 3 and at[-3] == "conditions" and at[-1] in _NOISY_CONDITION_FIELDS


def path_text(segments: tuple[Segment, ...]) -> str:
    text = ""
    for segment in segments:
        if isinstance(segment, int):
            text += f"[{segment}]"
        elif isinstance(segment, tuple):
            text += f"[{segment[0]}={segment[1]}]"
        elif _PLAIN_KEY.fullmatch(segment):
            text += f".{segment}" if text else segment
        else:
            text += "[" + orjson.dumps(segment).decode() + "]"
    return text


def shown(value: Any) -> str | None:
    """A value as text, at most MAX_VALUE_CHARS long (None: absent)."""
    if value is _ABSENT:
        return None
    if isinstance(value, str):
        text = value
    else:
        try:
            text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
        except (TypeError, orjson.JSONEncodeError):
            text = repr(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"
