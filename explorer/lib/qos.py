"""The QoS class the kubelet gives a pod (Guaranteed, Burstable, BestEffort), and why.

The kubelet adds up the cpu and memory requests and limits of every container, init containers
included (ephemeral containers never count), ignoring zero quantities:
- no request and no limit anywhere → BestEffort;
- every container has both a cpu and a memory limit, and the summed requests equal the summed
  limits → Guaranteed;
- otherwise → Burstable.
When the pod itself sets `spec.resources` (pod-level resources), those are used instead.

The API server defaults a missing request to its limit, so objects read back from a cluster
always carry both; a manifest may carry only limits, and the same defaulting is applied here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from explorer.lib.json_shape import items
from explorer.lib.objects import spec_of

from .quantities import QuantityError, format_bytes, format_millicores, parse_quantity

GUARANTEED = "Guaranteed"
BURSTABLE = "Burstable"
BEST_EFFORT = "BestEffort"

QOS_RESOURCES = ("cpu", "memory")


@dataclass(frozen=True, slots=True)
class QosVerdict:
    qos_class: str
    reasons: tuple[str, ...]  # plain sentences, for onboarding text

    def __str__(self) -> str:
        return f"{self.qos_class}: " + " ".join(self.reasons)


@dataclass(frozen=True, slots=True)
class _Amounts:
    """The positive cpu/memory requests and limits of one container (or of the pod itself)."""

    who: str
    requests: dict[str, Decimal]
    limits: dict[str, Decimal]


def pod_qos_class(pod: dict) -> str:
    return explain_pod_qos(pod).qos_class


def explain_pod_qos(pod: dict) -> QosVerdict:
    """The QoS class the kubelet derives for this pod, with the reasons in words."""
    spec = spec_of(pod)
    pod_level = _amounts("the pod's spec.resources", spec.get("resources"))
    if pod_level.requests or pod_level.limits:
        return _verdict(
            [pod_level], "The pod's spec.resources set cpu and memory limits equal to its requests."
        )
    containers = [
        _amounts(f"{label} {c.get('name', '?')!r}", c.get("resources"))
        for field, label in (("initContainers", "init container"), ("containers", "container"))
        for c in items(spec.get(field))
        if isinstance(c, dict)
    ]
    return _verdict(
        containers, "Every container has cpu and memory limits, and requests equal to them."
    )


def _verdict(parts: list[_Amounts], guaranteed_because: str) -> QosVerdict:
    if not any(part.requests or part.limits for part in parts):
        return QosVerdict(BEST_EFFORT, ("No container requests or limits any cpu or memory.",))
    reasons = [
        f"{part.who} has no {resource} limit."
        for part in parts
        for resource in QOS_RESOURCES
        if resource not in part.limits
    ] or [
        f"{part.who} requests {_show(resource, part.requests.get(resource))} {resource} "
        f"but its limit is {_show(resource, limit)}."
        for part in parts
        for resource, limit in part.limits.items()
        if part.requests.get(resource) != limit
    ]
    if not reasons:
        return QosVerdict(GUARANTEED, (guaranteed_because,))
    return QosVerdict(BURSTABLE, tuple(_capitalise(reason) for reason in reasons))


def _amounts(who: str, resources: object) -> _Amounts:
    resources = resources if isinstance(resources, dict) else {}
    limits = _positive(resources.get("limits"))
    requests = _positive(resources.get("requests"))
    for resource, limit in limits.items():
        # A limit without a request implies a request of the same size (API server defaulting).
        if resource not in (resources.get("requests") or {}):
            requests[resource] = limit
    return _Amounts(who, requests, limits)


def _positive(values: object) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    if not isinstance(values, dict):
        return found
    for resource in QOS_RESOURCES:
        if resource in values:
            try:
                amount = parse_quantity(values[resource])
            except QuantityError:
                continue
            if amount > 0:
                found[resource] = amount
    return found


def _show(resource: str, amount: Decimal | None) -> str:
    if amount is None:
        return "no"
    if resource == "cpu":
        return format_millicores(math.ceil(amount * 1000))
    return format_bytes(math.ceil(amount))


def _capitalise(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]
