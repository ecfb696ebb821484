"""Controllers that cannot create their pods, in words: the FailedCreate events a ReplicaSet,
StatefulSet or Job controller writes when the API server refuses a pod — above all a
ResourceQuota that the pod would exceed ("exceeded quota: <name>, requested: …, used: …,
limited: …"), but also admission (Pod Security, a missing ServiceAccount). A Deployment shows
those of its ReplicaSets that still want pods. The controller's own text, how often it said it,
and the quota's page.

Every string is plain text.
"""

from __future__ import annotations

import re

from explorer.lib.objects import key_of, name_of, spec_of, uid_of
from explorer.state.cluster_state import ClusterState

from ..workloads.events import events_for
from ..workloads.said import Said, latest_said
from .sections import Cell, Section, section, to, to_named

FAILED_CREATE = "FailedCreate"
_QUOTA = re.compile(
    r"exceeded quota: (?P<quota>[^,]+), requested: (?P<requested>.+?), "
    r"used: (?P<used>.+?), limited: (?P<limited>.+?)$"
)


def refused_words(kind: str, said: Said) -> tuple[str, str]:
    """(what it means, the ResourceQuota's name or "")."""
    found = _QUOTA.search(said["message"])
    if found:
        quota = found["quota"].strip()
        return (
            f"The {kind} cannot create its pods: ResourceQuota {quota} refuses them. A pod asks "
            f"for {found['requested']}; the namespace already uses {found['used']} of "
            f"{found['limited']}. It retries, and succeeds once the quota grows or usage falls.",
            quota,
        )
    return (f"The {kind} cannot create its pods: the API server refuses them.", "")


def _blocked(state: ClusterState, obj: dict) -> tuple[Said, str, str] | None:
    namespace, name = key_of(obj)
    kind = str(obj.get("kind") or "")
    said = latest_said(events_for(state, kind, namespace, name, uid_of(obj)), (FAILED_CREATE,))
    if said is None:
        return None
    words, quota = refused_words(kind, said)
    return said, words, quota


def _row(state: ClusterState, obj: dict, found: tuple[Said, str, str]) -> list[Cell]:
    said, words, quota = found
    namespace, _ = key_of(obj)
    return [
        to(obj),
        words,
        said["message"],
        str(said["count"]),
        said["last_seen"],
        to_named("ResourceQuota", namespace, quota) if quota else "",
    ]


def cannot_create(state: ClusterState, obj: dict) -> tuple[list[tuple[str, Cell]], list[Section]]:
    """(a fact, a section) saying why the controller cannot create pods; both empty if it can."""
    if obj.get("kind") == "Deployment":
        wanting = [
            rs
            for rs in state.children(uid_of(obj))
            if rs.get("kind") == "ReplicaSet" and (spec_of(rs).get("replicas") or 0) > 0
        ]
        found = [(rs, b) for rs in sorted(wanting, key=name_of) if (b := _blocked(state, rs))]
    else:
        found = [(obj, b) for b in (_blocked(state, obj),) if b]
    if not found:
        return [], []
    rows = [_row(state, owner, blocked) for owner, blocked in found]
    table = section(
        "cannot-create",
        "Why it cannot create its pods",
        ["controller", "what it means", "the controller said", "times", "last", "quota"],
        rows,
        note="From the controller's FailedCreate events: the API server refused the pods.",
    )
    return [("creating pods", found[0][1][1])], [table]
