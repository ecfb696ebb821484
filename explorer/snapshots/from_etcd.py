"""A ClusterState reconstructed from an etcd data file as of one of its revisions: a past moment of
a cluster that may be gone, for the pages to open like any snapshot.

Every key alive at the revision is decoded (explorer/etcd/values.py, which redacts) and its
object held under its kind, with `metadata.resourceVersion` = the key's mod_revision, as the API
server would have served it. A Secret is held from its key alone (namespace, name, revision):
its value is never decoded. What cannot be held is counted in the `Reconstruction`, never
dropped silently: keys of resources the explorer does not hold, the API server's own records,
keys outside the prefix, values that would not decode, and values encrypted at rest.

A data file has no clock: the state's moment is inferred as the latest time written in the
objects (managedFields, conditions, Lease renewals, Events…), and said to be inferred.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from explorer.etcd.choices import Encoding
from explorer.etcd.datafile import EtcdDataFile
from explorer.etcd.keys import KeyFormError, KeyOutsidePrefix, parse_key
from explorer.etcd.records import KeyRecord
from explorer.etcd.values import decode_value
from explorer.lib.gc_pause import gc_paused
from explorer.lib.resources import BY_KIND, BY_PLURAL, RESOURCES, Resource
from explorer.state.cluster_state import ClusterState

from .managed_times import managed_fields_times

EXTRA_NAME = "etcd_data_file"
MAX_PROBLEMS = 200  # problem lines kept; all are counted
PROGRESS_EVERY = 2000  # keys decoded between two progress reports
# the fields of Kubernetes objects that hold a moment (RFC 3339)
TIME_FIELDS = frozenset(
    {
        "creationTimestamp",
        "deletionTimestamp",
        "lastTransitionTime",
        "lastUpdateTime",
        "lastProbeTime",
        "lastHeartbeatTime",
        "renewTime",
        "acquireTime",
        "firstTimestamp",
        "lastTimestamp",
        "eventTime",
        "lastObservedTime",
        "startedAt",
        "finishedAt",
        "startTime",
        "completionTime",
        "lastScheduleTime",
        "lastSuccessfulTime",
    }
)
_MAX_TIME_DEPTH = 12

Progress = Callable[[int, int], None]  # (keys decoded, keys in all)


@dataclass
class Reconstruction:
    """What the state holds of the data file's key space at `revision`, and what it could not."""

    revision: int
    first_revision: int  # the earliest revision the file can give (its compaction point, or 1)
    last_revision: int
    compacted_revision: int  # 0: never compacted
    keys: int = 0  # alive at the revision
    held: dict[str, int] = field(default_factory=dict)  # kind -> objects held
    secrets: int = 0  # Secrets held from their keys, values never decoded
    not_held: dict[str, int] = field(default_factory=dict)  # resource -> keys not held
    records: dict[str, int] = field(default_factory=dict)  # the API server's own records
    outside_prefix: int = 0  # keys not under the prefix (compact_rev_key, other programs')
    encrypted: dict[str, int] = field(default_factory=dict)  # resource -> values not readable
    encrypted_secrets: int = 0
    undecoded: dict[str, int] = field(default_factory=dict)  # resource -> values not decoded
    problems: list[str] = field(default_factory=list)  # "key: problem", the first MAX_PROBLEMS
    problem_count: int = 0
    taken_at: datetime | None = None  # inferred from the objects' times; None: none found
    taken_at_from: str = ""  # which object's field gave it

    def note(self, key: str, problem: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(f"{key}: {problem}")

    def summary(self) -> list[str]:
        """What a person reads first: one line each, no value of any key."""
        lines = [
            f"as of revision {self.revision} (the file holds {self.first_revision}.."
            f"{self.last_revision}; "
            + (
                f"compacted at {self.compacted_revision})"
                if self.compacted_revision
                else "never compacted)"
            ),
            f"{self.keys} keys alive: {sum(self.held.values())} objects held"
            + (f", of which {self.secrets} Secrets from their keys only" if self.secrets else ""),
        ]
        if self.taken_at is not None:
            lines.append(
                f"moment {self.taken_at:%Y-%m-%d %H:%M:%S} UTC, inferred from the latest time in "
                f"the objects ({self.taken_at_from}): a data file has no clock"
            )
        else:
            lines.append("no time found in the objects: the moment is unknown")
        if self.encrypted:
            lines.append(
                "encrypted at rest, not shown: " + _tally(self.encrypted)
            )  # cannot be decrypted here, by design
        if self.encrypted_secrets:
            lines.append(f"Secrets encrypted at rest: {self.encrypted_secrets} of {self.secrets}")
        if self.undecoded:
            lines.append("values that would not decode: " + _tally(self.undecoded))
        if self.not_held:
            lines.append("resources the explorer does not hold: " + _tally(self.not_held))
        if self.records:
            lines.append("the API server's own records: " + _tally(self.records))
        if self.outside_prefix:
            lines.append(f"keys outside the prefix: {self.outside_prefix}")
        return lines

    def as_json(self) -> dict[str, Any]:
        return {
            "revision": self.revision,
            "first_revision": self.first_revision,
            "last_revision": self.last_revision,
            "compacted_revision": self.compacted_revision,
            "keys": self.keys,
            "held": dict(sorted(self.held.items())),
            "secrets": self.secrets,
            "not_held": dict(sorted(self.not_held.items())),
            "records": dict(sorted(self.records.items())),
            "outside_prefix": self.outside_prefix,
            "encrypted": dict(sorted(self.encrypted.items())),
            "encrypted_secrets": self.encrypted_secrets,
            "undecoded": dict(sorted(self.undecoded.items())),
            "problems": list(self.problems),
            "problem_count": self.problem_count,
            "taken_at": _iso(self.taken_at) if self.taken_at else None,
            "taken_at_inferred_from": self.taken_at_from,
        }


def state_as_of(
    data_file: EtcdDataFile,
    revision: int | None = None,
    *,
    cluster: str = "etcd",
    on_progress: Progress | None = None,
) -> tuple[ClusterState, Reconstruction]:
    """The cluster as the data file holds it at `revision` (default: its last). Raises the data
    file's RevisionCompacted / FutureRevision / RevisionUnavailable for a revision it cannot
    give, DataFileError for damaged records."""
    with gc_paused():  # a big file is millions of fresh, acyclic objects: no rescans
        return _state_as_of(data_file, revision, cluster, on_progress)


def _state_as_of(
    data_file: EtcdDataFile, revision: int | None, cluster: str, on_progress: Progress | None
) -> tuple[ClusterState, Reconstruction]:
    revision = data_file.current_revision if revision is None else revision
    records = data_file.as_of(revision)
    found = Reconstruction(
        revision=revision,
        first_revision=data_file.first_revision,
        last_revision=data_file.current_revision,
        compacted_revision=data_file.compacted_revision,
        keys=len(records),
    )
    state = ClusterState(cluster)
    latest = _Latest()
    held: Counter[str] = Counter()
    total = len(records)
    for done, key in enumerate(list(records), 1):
        record = records.pop(key)  # each value freed once decoded: a big file's peak is lower
        kind = _hold(state, data_file.prefix, key, record, found, latest)
        if kind is not None:
            held[kind] += 1
        if on_progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            on_progress(done, total)
    found.held = dict(held)
    found.taken_at, found.taken_at_from = latest.moment, latest.where
    for resource in RESOURCES:
        state.resource_versions[resource.kind] = str(revision)
        unreadable = found.encrypted.get(resource.name)
        if unreadable and resource.kind != "Secret":
            state.not_visible[resource.kind] = (
                f"encrypted at rest in the etcd data file: {unreadable} values cannot be shown"
            )
    state.extras = {EXTRA_NAME: key_index(data_file, found)}  # type: ignore[attr-defined]
    return state, found


def key_index(data_file: EtcdDataFile, found: Reconstruction) -> dict[str, Any]:
    """The snapshot's extra: every key's held revisions as [revision, deleted (0/1), size] —
    never a value —, the leases and members, and what the reconstruction found."""
    revisions: dict[str, list[list[int]]] = {}
    for changes in data_file.revisions():
        for change in changes.changes:
            revisions.setdefault(change.record.text, []).append(
                [change.revision, int(change.deleted), change.size]
            )
    return {
        "prefix": data_file.prefix,
        "reconstruction": found.as_json(),
        "keys": [{"key": key, "revisions": held} for key, held in sorted(revisions.items())],
        "leases": [lease.as_json() for lease in data_file.leases],
        "members": [member.as_json() for member in data_file.members],
        "cluster_version": data_file.cluster_version,
    }


# ---- one key -------------------------------------------------------------------------------


def _hold(
    state: ClusterState,
    prefix: str,
    key: bytes,
    record: KeyRecord,
    found: Reconstruction,
    latest: _Latest,
) -> str | None:
    """Hold the key's object in `state` if it can be; count it where it cannot. Its kind, or
    None."""
    text = record.text
    try:
        parts = parse_key(key, prefix)
    except KeyOutsidePrefix:
        found.outside_prefix += 1
        return None
    except KeyFormError as error:
        found.note(text, str(error))
        found.undecoded["(malformed keys)"] = found.undecoded.get("(malformed keys)", 0) + 1
        return None
    name = f"{parts.resource}.{parts.group}" if parts.group else parts.resource
    if parts.record:
        found.records[name] = found.records.get(name, 0) + 1
        return None
    resource = BY_PLURAL.get((parts.group, parts.resource))
    if resource is None:
        found.not_held[name] = found.not_held.get(name, 0) + 1
        return None
    if resource.metadata_only:
        return _hold_secret(state, resource, parts.namespace, parts.name, record, found)
    value = decode_value(text, record.value or b"", prefix)
    if value.encoding is Encoding.ENCRYPTED:
        found.encrypted[name] = found.encrypted.get(name, 0) + 1
        return None
    obj = value.object
    kind = value.kind if value.kind in BY_KIND else None
    if not isinstance(obj, dict) or kind is None or not _has_metadata(obj):
        why = "; ".join(value.problems) or f"a {value.encoding} value of no kind the explorer holds"
        return _not_decoded(found, name, text, why)
    disagreement = _disagreement(obj, kind, resource, parts.namespace, parts.name)
    if disagreement:
        return _not_decoded(found, name, text, disagreement)
    for problem in value.problems:
        found.note(text, problem)
    obj.pop("fields", None)  # a kind without a table: its field tree is not part of an object
    obj["metadata"]["resourceVersion"] = str(record.mod_revision)
    latest.look(obj, kind, managed_fields_times(record.value or b""))
    state.upsert(obj, kind)
    return kind


def _hold_secret(
    state: ClusterState,
    resource: Resource,
    namespace: str,
    name: str,
    record: KeyRecord,
    found: Reconstruction,
) -> str:
    """A Secret from its key: its value is looked at for its encryption prefix only (never
    decoded), and nothing of it is kept."""
    if (record.value or b"").startswith(b"k8s:enc:"):
        found.encrypted_secrets += 1
    found.secrets += 1
    metadata = {"name": name, "resourceVersion": str(record.mod_revision)}
    if namespace:
        metadata["namespace"] = namespace
    obj = {"apiVersion": resource.api_version, "kind": resource.kind, "metadata": metadata}
    state.upsert(obj, resource.kind)
    return resource.kind


def _not_decoded(found: Reconstruction, resource_name: str, key: str, why: str) -> None:
    found.undecoded[resource_name] = found.undecoded.get(resource_name, 0) + 1
    found.note(key, why)


def _disagreement(obj: dict, kind: str, resource: Resource, namespace: str, name: str) -> str:
    """Why a value cannot be held as what its key names ("" when it can): kube-apiserver writes
    a key's object under that key only, so anything else is a damaged or forged file."""
    if kind != resource.kind:
        return f"a {kind} under a key of {resource.name}"
    metadata = obj["metadata"]
    held = (metadata.get("namespace") or "", metadata["name"])
    if held != (namespace if resource.namespaced else "", name):
        return f"the value names {'/'.join(part for part in held if part)}, not its key's object"
    return ""


def _has_metadata(obj: dict) -> bool:
    metadata = obj.get("metadata")
    return isinstance(metadata, dict) and isinstance(metadata.get("name"), str)


# ---- the moment ----------------------------------------------------------------------------


class _Latest:
    """The latest time written in the objects seen, and where."""

    def __init__(self) -> None:
        self.moment: datetime | None = None
        self.where = ""

    def look(self, obj: dict, kind: str, managed: list[str]) -> None:
        """`managed`: the times of the object's managedFields, which redaction took from it."""
        found = [(".metadata.managedFields.time", text) for text in managed]
        for path, text in [*found, *_times(obj, "", 0)]:
            moment = _parse_time(text)
            if moment is not None and (self.moment is None or moment > self.moment):
                metadata = obj["metadata"]
                namespace = metadata.get("namespace")
                named = f"{namespace}/{metadata['name']}" if namespace else metadata["name"]
                self.moment, self.where = moment, f"{kind} {named} {path}"


def _times(value: object, path: str, depth: int) -> Iterator[tuple[str, str]]:
    if depth > _MAX_TIME_DEPTH:
        return
    if isinstance(value, dict):
        for name, item in value.items():
            if name in TIME_FIELDS and isinstance(item, str):
                yield f"{path}.{name}", item
            elif isinstance(item, dict | list):
                yield from _times(item, f"{path}.{name}", depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _times(item, f"{path}[{index}]", depth + 1)


def _parse_time(text: str) -> datetime | None:
    if not 20 <= len(text) <= 40:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _tally(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))
