"""What the change log records, and each record as one line of its segments on disk.

Every line is a JSON array that starts with the moment it was recorded, so that a reader can
skip to a moment by reading the prefix alone:
    [at, [kind, namespace, name], before, after]   an object changed (Logged)
    [at, "facts", node, entry]                     a node's facts were put: its whole entry after
    [at, "versions", {kind: resourceVersion}]      what the watcher last saw of a kind changed
    [at, "not_visible", {kind: reason}]            which kinds could not be seen changed
"""

from __future__ import annotations

import logging
from typing import Any, NamedTuple

import orjson

from explorer.lib.choices import ADDED, DELETED

from .cluster_state import Change, Ref
from .packed import Packed, opened

log = logging.getLogger(__name__)

_FACTS, _VERSIONS, _NOT_VISIBLE = "facts", "versions", "not_visible"
_FACTS_TAG = b'"facts",'


class _Logged(NamedTuple):
    at: float  # time.time() when the watcher applied it
    ref: Ref  # (kind, namespace, name)
    held_before: dict | Packed | None  # the object before the change (None: it did not exist)
    held_after: dict | Packed | None  # the object after it (None: deleted)


class Logged(_Logged):
    """An object's change as logged. Of a packed kind the objects stay packed (10,000 recent
    entries of pods held as dicts would be hundreds of MB) and are unpacked on every read."""

    __slots__ = ()

    @property
    def before(self) -> dict | None:
        return opened(self.held_before)

    @property
    def after(self) -> dict | None:
        return opened(self.held_after)


class FactsPut(NamedTuple):
    at: float
    node: str
    entry: dict[str, Any]  # the node's entry of ClusterState.node_facts after the collection


class VersionsSeen(NamedTuple):
    at: float
    versions: dict[str, str]  # kind -> resourceVersion


class VisibilityChanged(NamedTuple):
    at: float
    not_visible: dict[str, str]  # kind -> why it cannot be seen: the whole map after the change


Entry = Logged | FactsPut | VersionsSeen | VisibilityChanged


def logged(change: Change, at: float) -> Logged:
    if change.type == ADDED:
        return Logged(at, change.ref, None, change.held_object)
    if change.type == DELETED:  # `object` is the last one held
        return Logged(at, change.ref, change.held_object, None)
    return Logged(at, change.ref, change.held_old, change.held_object)


def line_of(entry: Entry) -> bytes | None:
    """The entry's line (None, and a warning, for node facts that are not JSON data)."""
    if isinstance(entry, Logged):
        body: list = [entry.at, list(entry.ref), _json(entry.held_before), _json(entry.held_after)]
    elif isinstance(entry, FactsPut):
        body = [entry.at, _FACTS, entry.node, entry.entry]
    elif isinstance(entry, VersionsSeen):
        body = [entry.at, _VERSIONS, entry.versions]
    else:
        body = [entry.at, _NOT_VISIBLE, entry.not_visible]
    try:
        return orjson.dumps(body) + b"\n"
    except TypeError as error:
        log.warning("change log: an entry that is not JSON data is not kept: %s", error)
        return None


def moment_of_line(line: bytes) -> float | None:
    """A line's moment, read from its prefix without parsing the rest."""
    comma = line.find(b",", 1, 40)
    try:
        return float(line[1:comma]) if line[:1] == b"[" and comma > 0 else None
    except ValueError:
        return None


def logged_of(line: bytes) -> Logged | None:
    """The object change a line holds; None for any other line (not parsed: node facts are
    big) and for a broken one."""
    comma = line.find(b",", 1, 40)
    if comma < 0 or line[comma + 1 : comma + 2] != b"[":
        return None
    entry = entry_of(line)
    return entry if isinstance(entry, Logged) else None


def facts_node_of(line: bytes) -> str | None:
    """The node whose facts a line holds, read without parsing the facts (megabytes); None for
    any other line."""
    comma = line.find(b",", 1, 40)
    start = comma + 1 + len(_FACTS_TAG)
    if comma < 0 or line[comma + 1 : start] != _FACTS_TAG:
        return None
    end = line.find(b'",', start + 1)  # a node's name is a DNS name: nothing in it is escaped
    try:
        return str(orjson.loads(line[start : end + 1])) if end > start else None
    except orjson.JSONDecodeError:
        return None


def entry_of(line: bytes) -> Entry | None:
    """The entry a line holds; None for a line cut short by a crash (or not one of ours)."""
    try:
        body = orjson.loads(line)
        at, what = float(body[0]), body[1]
        if isinstance(what, list):
            ref = (str(what[0]), str(what[1]), str(what[2]))
            return Logged(at, ref, _object(body[2]), _object(body[3]))
        if what == _FACTS and isinstance(body[3], dict):
            return FactsPut(at, str(body[2]), body[3])
        if what == _VERSIONS and isinstance(body[2], dict):
            return VersionsSeen(at, {str(k): str(v) for k, v in body[2].items()})
        if what == _NOT_VISIBLE and isinstance(body[2], dict):
            return VisibilityChanged(at, {str(k): str(v) for k, v in body[2].items()})
    except (orjson.JSONDecodeError, TypeError, ValueError, IndexError):
        pass
    return None


def _json(value: dict | Packed | None) -> dict | orjson.Fragment | None:
    return value.fragment() if value.__class__ is Packed else value  # type: ignore[union-attr]


def _object(value: object) -> dict | None:
    if value is None or isinstance(value, dict):
        return value
    raise TypeError("an object that is not a JSON object")
