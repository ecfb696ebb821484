"""What the kubelet says of a node's volumes: `/stats/summary` (each pod's `volume` list, with
`pvcRef` for a volume backed by a claim) and the `vol_data.json` it writes beside a pod's CSI
mount. Untrusted JSON: a field of the wrong type is read as missing; a document that is not one
of these at all is refused with one line (`NotVolumeData`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import orjson

from explorer.lib.json_shape import json_type, optional_text

MAX_BYTES = 64 * 1024 * 1024


class NotVolumeData(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class VolumeUsage:
    node: str
    pod_namespace: str
    pod_name: str
    pod_uid: str
    volume: str  # the pod's name for the volume
    claim: tuple[str, str] | None  # (namespace, name) of the claim behind it
    capacity_bytes: int | None
    used_bytes: int | None
    available_bytes: int | None
    inodes: int | None
    inodes_used: int | None
    time: str | None

    @property
    def used_fraction(self) -> float | None:
        if not self.capacity_bytes or self.used_bytes is None:
            return None
        return self.used_bytes / self.capacity_bytes


@dataclass(frozen=True, slots=True)
class VolData:
    """kubelet's vol_data.json: what it needs to unmount a CSI volume without the API."""

    attachment_id: str | None  # the VolumeAttachment's name
    driver: str | None
    node: str | None
    spec_volume: str | None  # the PV's name (or the inline volume's)
    volume_handle: str | None
    lifecycle_mode: str | None  # absent before kubelet wrote it


def _load(text: str | bytes) -> object:
    raw = text.encode() if isinstance(text, str) else text
    if len(raw) > MAX_BYTES:
        raise NotVolumeData(f"volume data of {len(raw)} bytes is over {MAX_BYTES}")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise NotVolumeData(f"not JSON: {error}") from None


def _count(mapping: dict, key: str) -> int | None:
    value = mapping.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def volume_usage(text: str | bytes) -> list[VolumeUsage]:
    """Every pod volume of a `/stats/summary`, claims' and others' alike."""
    document = _load(text)
    if not isinstance(document, dict) or not isinstance(document.get("pods"), list):
        raise NotVolumeData(f"not a kubelet /stats/summary: {json_type(document)} without pods")
    node_part = document.get("node")
    node = (optional_text(node_part, "nodeName") if isinstance(node_part, dict) else None) or ""
    found: list[VolumeUsage] = []
    for pod in document["pods"]:
        if not isinstance(pod, dict):
            continue
        ref = pod.get("podRef") if isinstance(pod.get("podRef"), dict) else {}
        volumes = pod.get("volume") if isinstance(pod.get("volume"), list) else []
        for volume in volumes:
            if not isinstance(volume, dict):
                continue
            claim_ref = volume.get("pvcRef")
            claim = None
            if isinstance(claim_ref, dict) and optional_text(claim_ref, "name"):
                claim = (optional_text(claim_ref, "namespace") or "", claim_ref["name"])
            found.append(
                VolumeUsage(
                    node=node,
                    pod_namespace=optional_text(ref, "namespace") or "",
                    pod_name=optional_text(ref, "name") or "",
                    pod_uid=optional_text(ref, "uid") or "",
                    volume=optional_text(volume, "name") or "",
                    claim=claim,
                    **_counts(volume, SUMMARY_COUNTS),
                    time=optional_text(volume, "time"),
                )
            )
    return found


# VolumeUsage's counts and the kubelet's names for them in /stats/summary
SUMMARY_COUNTS = {
    "capacity_bytes": "capacityBytes",
    "used_bytes": "usedBytes",
    "available_bytes": "availableBytes",
    "inodes": "inodes",
    "inodes_used": "inodesUsed",
}


def _counts(record: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, int | None]:
    return {field: _count(record, key) for field, key in names.items()}


def claim_usage(usages: list[VolumeUsage]) -> dict[tuple[str, str], VolumeUsage]:
    """Per claim, its usage (a claim mounted by several pods on the node: the latest report)."""
    by_claim: dict[tuple[str, str], VolumeUsage] = {}
    for usage in usages:
        if usage.claim is None:
            continue
        known = by_claim.get(usage.claim)
        if known is None or (usage.time or "") > (known.time or ""):
            by_claim[usage.claim] = usage
    return by_claim


def vol_data(text: str | bytes) -> VolData:
    document = _load(text)
    if not isinstance(document, dict):
        raise NotVolumeData(f"not a kubelet vol_data.json: {json_type(document)}")
    if not any(key in document for key in ("volumeHandle", "driverName", "specVolID")):
        raise NotVolumeData("not a kubelet vol_data.json: no volumeHandle, driverName or specVolID")
    return VolData(
        attachment_id=optional_text(document, "attachmentID"),
        driver=optional_text(document, "driverName"),
        node=optional_text(document, "nodeName"),
        spec_volume=optional_text(document, "specVolID"),
        volume_handle=optional_text(document, "volumeHandle"),
        lifecycle_mode=optional_text(document, "volumeLifecycleMode"),
    )


def usage_records(usages: list[VolumeUsage]) -> list[dict[str, Any]]:
    """The usages as JSON-ready dicts (the `volume-usage` fact's `volumes`)."""
    return [{**asdict(u), "claim": list(u.claim) if u.claim else None} for u in usages]


def usage_from_fact(fact: Mapping[str, Any]) -> list[VolumeUsage]:
    """The `volume-usage` fact read back (a record of the wrong shape is passed over)."""
    if not isinstance(fact, Mapping) or not isinstance(fact.get("volumes"), list):
        raise NotVolumeData(f"not a volume-usage fact: {json_type(fact)} without volumes")
    found: list[VolumeUsage] = []
    for raw in fact["volumes"]:
        if not isinstance(raw, dict):
            continue
        claim = raw.get("claim")
        named = isinstance(claim, list) and len(claim) == 2
        pair = (claim[0], claim[1]) if named and all(isinstance(c, str) for c in claim) else None
        found.append(
            VolumeUsage(
                node=optional_text(raw, "node") or "",
                pod_namespace=optional_text(raw, "pod_namespace") or "",
                pod_name=optional_text(raw, "pod_name") or "",
                pod_uid=optional_text(raw, "pod_uid") or "",
                volume=optional_text(raw, "volume") or "",
                claim=pair,
                **_counts(raw, {field: field for field in SUMMARY_COUNTS}),
                time=optional_text(raw, "time"),
            )
        )
    return found
