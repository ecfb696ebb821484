"""Storage on one node, expected vs actual, for the pages that show it (a claim's and a
volume's object pages, the node's page): what the objects call for mounted where on the node
(explorer/collectors/storage/expected.py) against the mount table the node's `storage` fact
holds, and each mounted volume's usage — the kubelet's /stats/summary through `nodes/proxy`
(the `volume-usage` fact), else the agent's statvfs of the mount — with the time each was read
and, when one is missing, why. Pure: it reads the parses of the facts (`parsed_fact`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from explorer.collectors.storage.compare import MountComparison, compare_mounts
from explorer.collectors.storage.expected import FINISHED, expected_mounts
from explorer.collectors.storage.names import kubelet_minor
from explorer.collectors.storage.usage import VolumeUsage
from explorer.collectors.storage.volume_dirs import NodeStorage
from explorer.lib.objects import key_of, spec_of, status_of
from explorer.lib.timestamps import utc_second
from explorer.state.cluster_state import ClusterState
from explorer.state.node_facts import (
    ERRORS,
    PROBE,
    STORAGE,
    TAKEN_AT,
    VOLUME_USAGE,
    passed_over_for,
)
from explorer.state.parsed_facts import parsed_fact

NEVER_READ = "no collection has read it yet"


@dataclass(frozen=True, slots=True)
class Measured:
    """A volume's usage as one source measured it."""

    capacity_bytes: int
    used_bytes: int
    available_bytes: int
    source: str  # in words: where the figures come from, and when


@dataclass(slots=True)
class NodeMounts:
    node: str
    storage: NodeStorage | None
    comparison: MountComparison | None
    table_read: str  # "mount table of 2026-…Z (local probe)", or ""
    table_missing: str  # why there is no mount table, or ""
    usage_missing: str  # why there is no /stats/summary usage, or ""
    summary: dict[tuple[str, str], VolumeUsage] = field(default_factory=dict)

    def usage(self, pod_uid: str, pod_volume: str, pv_name: str) -> Measured | None:
        """A pod's volume's usage: the kubelet's summary first (by the pod's name for the
        volume), else the agent's statvfs of the mount (by the volume's directory)."""
        reported = self.summary.get((pod_uid, pod_volume))
        if reported is not None and reported.capacity_bytes and reported.used_bytes is not None:
            available = reported.available_bytes
            return Measured(
                reported.capacity_bytes,
                reported.used_bytes,
                reported.capacity_bytes - reported.used_bytes if available is None else available,
                f"kubelet /stats/summary through nodes/proxy, {utc_second(reported.time or '')}",
            )
        if self.storage is None:
            return None
        for found in self.storage.dirs:
            if found.pod_uid == pod_uid and found.name == pv_name and found.usage is not None:
                return Measured(
                    found.usage.capacity_bytes,
                    found.usage.used_bytes,
                    found.usage.available_bytes,
                    f"statvfs of the mount, {self.table_read}",
                )
        return None


def _why_missing(entry: Mapping[str, Any], fact: str) -> str:
    error = (entry.get(ERRORS) or {}).get(fact)
    if error:
        return str(error)
    passed = passed_over_for(entry, fact)
    if passed:
        return "; ".join(f"{probe}: {why}" for probe, why in passed.items())
    return NEVER_READ


def _read(value: Any, entry: Mapping[str, Any]) -> str:
    """When and by which probe a dict fact was read (the node's collection's, if it says not)."""
    if not isinstance(value, Mapping):
        return ""
    when = utc_second(str(value.get("taken_at") or entry.get(TAKEN_AT) or ""))
    probe = value.get("probe") or entry.get(PROBE)
    if not when:
        return "the recorded facts (no time given)"
    return f"{when} ({probe} probe)" if probe else when


def node_mounts(state: ClusterState, node: str) -> NodeMounts:
    entry = state.node_facts.get(node) or {}
    storage: NodeStorage | None = None
    table_missing = ""
    try:
        storage = parsed_fact(state, node, STORAGE)
    except ValueError as error:
        table_missing = f"its storage fact cannot be read: {error}"
    if storage is None and not table_missing:
        table_missing = _why_missing(entry, STORAGE)
    mounts = NodeMounts(
        node=node,
        storage=storage,
        comparison=None,
        table_read=_read(entry.get(STORAGE), entry) if storage else "",
        table_missing=table_missing,
        usage_missing="",
    )
    try:
        reported = parsed_fact(state, node, VOLUME_USAGE)
    except ValueError as error:
        reported, mounts.usage_missing = None, f"its volume usage cannot be read: {error}"
    if reported is not None:
        mounts.summary = {(u.pod_uid, u.volume): u for u in reported}
    elif not mounts.usage_missing and not isinstance(entry.get(VOLUME_USAGE), Mapping):
        mounts.usage_missing = _why_missing(entry, VOLUME_USAGE)
    if storage is not None:
        pods = state.pods_on_node(node)
        claims, volumes = _claims_and_volumes(state, pods)
        info = status_of(state.get("Node", "", node)).get("nodeInfo") or {}
        version = kubelet_minor(str(info.get("kubeletVersion") or ""))
        expected = expected_mounts(node, pods, claims, volumes, version, storage.kubelet_root)
        mounts.comparison = compare_mounts(expected, storage.table, root=storage.kubelet_root)
    return mounts


def _claims_and_volumes(
    state: ClusterState, pods: list[dict]
) -> tuple[dict[tuple[str, str], dict], dict[str, dict]]:
    """The claims the pods name and the volumes bound to them."""
    claims: dict[tuple[str, str], dict] = {}
    volumes: dict[str, dict] = {}
    for pod in pods:
        namespace = key_of(pod)[0]
        for volume in spec_of(pod).get("volumes") or ():
            name = (volume.get("persistentVolumeClaim") or {}).get("claimName")
            claim = state.get("PersistentVolumeClaim", namespace, name) if name else None
            if claim is None:
                continue
            claims[(namespace, name)] = claim
            bound = state.volume_for_claim(namespace, name)
            if bound is not None:
                volumes[key_of(bound)[1]] = bound
    return claims, volumes


def not_running_yet(pod: dict | None) -> str:
    """Why a pod's volumes need not be mounted yet ("" when they should be)."""
    phase = status_of(pod).get("phase")
    if phase == "Pending":
        return "not mounted yet: the pod is Pending"
    if phase in FINISHED:
        return f"not mounted: the pod has {phase.lower()}"
    return ""
