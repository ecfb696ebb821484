"""Moments of a cluster rebuilt from its flight recorder's files alone, in any process (the team
install's web process holds no store): the window of moments that can be rebuilt, the state as
of a moment, and what changed between two.

A moment T is rebuilt from the newest checkpoint at or before T (a broken one: the one before)
and the entries recorded after it up to T, replayed in the order recorded — at most one
checkpoint interval of them (explorer/state/change_log.py). A moment after the recorder had
written everything (its run's `alive` claim), or between one run's end and the next run's first
checkpoint (the explorer was not watching), cannot be rebuilt.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from explorer.lib.gc_pause import gc_paused
from explorer.lib.timestamps import utc_moment

from . import recorder_files as files
from .cluster_state import ClusterState, Ref
from .log_entries import (
    Entry,
    FactsPut,
    Logged,
    VersionsSeen,
    VisibilityChanged,
    entry_of,
    facts_node_of,
    logged_of,
    moment_of_line,
)
from .node_facts import NODE_FACTS_KIND
from .state_dump import restore_state


class NotRecorded(ValueError):
    """A moment (or a cluster) the flight recorder cannot give; str() is one line."""


@dataclass(frozen=True, slots=True)
class Changed:
    """One object's changes within an interval, condensed: what it was before the first, what
    it was after the last (None: it did not exist), when, and how many. A node's collections of
    facts come as the object (NODE_FACTS_KIND, "", node), without before or after."""

    ref: Ref
    before: dict | None
    after: dict | None
    first_at: float
    last_at: float
    count: int


class Rebuilt(NamedTuple):
    state: ClusterState
    checkpoint_at: float  # the moment of the checkpoint it started from
    replayed: int  # entries replayed on top of it


def recorded_window(root: Path, cluster: str) -> tuple[float, float] | None:
    """The earliest and the latest moment that can be rebuilt, or None (nothing recorded)."""
    directory = files.directory_for(root, cluster)
    whole = [c for c in files.checkpoints(directory) if _intact(c.path)]
    if not whole:
        return None
    claims = files.alive(directory)
    latest = max([whole[-1].at, *(claims.get(c.run, c.at) for c in whole)])
    return whole[0].at, latest


def state_at(root: Path, cluster: str, at: float) -> ClusterState:
    """The cluster's state as of `at` (time.time() seconds): objects, node facts, resource
    versions and what could not be seen; NotRecorded when the recorder cannot say."""
    return rebuild(root, cluster, at).state


def rebuild(root: Path, cluster: str, at: float) -> Rebuilt:
    directory = files.directory_for(root, cluster)
    checkpoints = files.checkpoints(directory)
    if not checkpoints:
        raise NotRecorded(f"no flight recorder for cluster {cluster!r} under {root}")
    before = [c for c in checkpoints if c.at <= at]
    if not before:
        raise NotRecorded(f"{_when(at)} is before the recorder's window{_window(root, cluster)}")
    run = before[-1].run
    claimed = files.alive(directory).get(run, before[-1].at)
    if at > claimed:
        later = [c for c in checkpoints if c.at > at]
        if later:
            raise NotRecorded(
                f"{_when(at)} was not recorded: the recorder stopped at {_when(claimed)} and "
                f"started again at {_when(later[0].at)}"
            )
        raise NotRecorded(f"{_when(at)} is after the recorder's window{_window(root, cluster)}")
    for checkpoint in reversed([c for c in before if c.run == run]):
        # millions of acyclic dicts: the cyclic collector would rescan them over and over
        with gc_paused():
            rebuilt = _rebuilt_from(checkpoint.path, directory, at)
        if rebuilt is not None:
            return rebuilt
    raise NotRecorded(f"{_when(at)} cannot be rebuilt: its checkpoints are broken")


def _rebuilt_from(checkpoint: Path, directory: Path, at: float) -> Rebuilt | None:
    read = files.read_checkpoint(checkpoint)
    if read is None or read[0] > at:
        return None
    moment, dump = read
    state = restore_state(dump)
    replayed = 0
    for entry in _entries(directory, moment, at):
        _replay(state, entry)
        replayed += 1
    return Rebuilt(state, moment, replayed)


def changes_between(root: Path, cluster: str, start: float, end: float) -> list[Changed]:
    """Each object changed in (start, end], and each node whose facts were collected then,
    condensed (`Changed`), in the order of their first change."""
    window = recorded_window(root, cluster)
    if window is None:
        raise NotRecorded(f"no flight recorder for cluster {cluster!r} under {root}")
    if start < window[0]:
        raise NotRecorded(f"{_when(start)} is before the recorder's window{_window(root, cluster)}")
    found: dict[Ref, Changed] = {}
    for line, moment in _lines(files.directory_for(root, cluster), start, end):
        node = facts_node_of(line)
        if node is not None:
            _condense(found, (NODE_FACTS_KIND, "", node), moment, None, None)
        elif (change := logged_of(line)) is not None:
            _condense(found, change.ref, moment, change.before, change.after)
    return sorted(found.values(), key=lambda changed: (changed.first_at, changed.ref))


def _condense(
    found: dict[Ref, Changed], ref: Ref, at: float, before: dict | None, after: dict | None
) -> None:
    known = found.get(ref)
    if known is None:
        found[ref] = Changed(ref, before, after, at, at, 1)
    else:
        found[ref] = Changed(ref, known.before, after, known.first_at, at, known.count + 1)


def _lines(directory: Path, start: float, end: float) -> Iterator[tuple[bytes, float]]:
    """The lines recorded in (start, end], with their moments, in the order recorded."""
    for line in files.lines_after(directory, start):
        moment = moment_of_line(line)
        if moment is None or moment <= start:
            continue
        if moment > end:
            return
        yield line, moment


def _entries(directory: Path, start: float, end: float) -> Iterator[Entry]:
    for line, _ in _lines(directory, start, end):
        entry = entry_of(line)
        if entry is not None:
            yield entry


def _replay(state: ClusterState, entry: Entry) -> None:
    if isinstance(entry, Logged):
        kind, namespace, name = entry.ref
        if entry.after is None:
            state.delete(kind, namespace, name)
        else:  # what the watcher had seen of the kind comes in its own entries
            seen = state.resource_versions.get(kind)
            state.upsert(entry.after, kind)
            _put_back(state.resource_versions, kind, seen)
    elif isinstance(entry, FactsPut):
        state.node_facts[entry.node] = entry.entry
    elif isinstance(entry, VersionsSeen):
        state.resource_versions.update(entry.versions)
    elif isinstance(entry, VisibilityChanged):
        state.not_visible.clear()
        state.not_visible.update(entry.not_visible)


def _put_back(versions: dict[str, str], kind: str, seen: str | None) -> None:
    if seen is None:
        versions.pop(kind, None)
    else:
        versions[kind] = seen


_INTACT: dict[tuple[str, int, int], bool] = {}


def _intact(path: Path) -> bool:
    """Whether a checkpoint is whole, remembered by its name, size and time (it is never
    rewritten in place)."""
    try:
        status = path.stat()
    except OSError:
        return False
    key = (str(path), status.st_size, status.st_mtime_ns)
    if key not in _INTACT:
        if len(_INTACT) > 1000:
            _INTACT.clear()
        _INTACT[key] = files.intact(path)
    return _INTACT[key]


def _when(moment: float) -> str:
    return utc_moment(moment)


def _window(root: Path, cluster: str) -> str:
    window = recorded_window(root, cluster)
    return f" ({_when(window[0])} … {_when(window[1])})" if window else ""
