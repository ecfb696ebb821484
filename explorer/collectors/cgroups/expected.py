"""What the kubelet (and, for containers, the runtime it asks through the CRI) should set in each
cgroup, from the pods' requests and limits.

- Container: cpu.shares = milliCPU(request)*1024/1000 (min 2, max 262144; a limit stands in
  for a missing request), CFS quota = milliCPU(limit)*period/1000 (min 1000 µs; no limit, no
  quota), period 100000 µs, memory limit = memory limit. The pod sandbox (pause): shares 2, no
  limits.
- Pod: the same from the pod's totals (containers summed, sidecars added, the largest init
  container if bigger, overhead added; `spec.resources` when the pod sets it). Guaranteed
  pods get shares, quota and memory limit; Burstable pods get shares, and a quota (memory
  limit) only when every container has a cpu (memory) limit; BestEffort pods shares 2.
- QoS levels: burstable shares from the sum of its pods' cpu requests; besteffort 2.
- kubepods: shares from the node's cpu capacity.

cgroup v2 has `cpu.weight` instead of shares: runc and crun long converted with
1 + ((shares-2)*9999)/262142 (`linear`); runc ≥ 1.3.2 / crun ≥ 1.23 use
⌈10^((l²+125l)/612 - 7/34)⌉ with l = log2(shares) (`quadratic`), under which 1024 → 100.
Either may be on a node: both are computed, and compare.py says which one matched.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal
from typing import TypedDict

from explorer.lib.objects import spec_of, status_of
from explorer.lib.qos import pod_qos_class
from explorer.lib.quantities import QuantityError, parse_quantity

PERIOD_US = 100_000
MIN_SHARES = 2
MAX_SHARES = 262_144
MIN_QUOTA_US = 1_000
MAX_WEIGHT = 10_000
WEIGHT_MAPPINGS = ("linear", "quadratic")


class Expected(TypedDict, total=False):
    """Only the keys that are expected; None: no limit."""

    cpu_shares: int
    cpu_quota_us: int | None
    cpu_period_us: int
    memory_limit_bytes: int | None


def millicpu_to_shares(millicpu: int) -> int:
    if millicpu <= 0:
        return MIN_SHARES
    return min(MAX_SHARES, max(MIN_SHARES, millicpu * 1024 // 1000))


def millicpu_to_quota(millicpu: int, period: int = PERIOD_US) -> int | None:
    if millicpu <= 0:
        return None
    return max(MIN_QUOTA_US, millicpu * period // 1000)


def weight_linear(shares: int) -> int:
    """runc/crun before 2025 (and the kubelet's own for pod and QoS cgroups until then)."""
    if shares <= 0:
        return 0
    return min(MAX_WEIGHT, 1 + ((shares - 2) * 9999) // 262142)


def weight_quadratic(shares: int) -> int:
    """runc ≥ 1.3.2, crun ≥ 1.23: 2 → 1, 1024 → 100, 262144 → 10000."""
    if shares <= 0:
        return 0
    if shares <= MIN_SHARES:
        return 1
    if shares >= MAX_SHARES:
        return MAX_WEIGHT
    log = math.log2(shares)
    return math.ceil(10 ** ((log * log + 125 * log) / 612 - 7 / 34))


def weights(shares: int) -> dict[str, int]:
    return {"linear": weight_linear(shares), "quadratic": weight_quadratic(shares)}


def shares_from_weight(weight: int) -> int:
    """cAdvisor's (and libcontainer's) way back from a v2 weight to shares, for its metrics."""
    return 2 + ((weight - 1) * 262142) // 9999 if weight > 0 else 0


# --- amounts ---------------------------------------------------------------------------------


def _amount(values: object, resource: str) -> Decimal:
    if not isinstance(values, dict) or resource not in values:
        return Decimal(0)
    try:
        return max(Decimal(0), parse_quantity(values[resource]))
    except QuantityError:
        return Decimal(0)


def _requests_limits(container: dict) -> tuple[dict, dict]:
    resources = container.get("resources") or {}
    limits = resources.get("limits") or {}
    requests = dict(resources.get("requests") or {})
    for resource, limit in limits.items():
        requests.setdefault(resource, limit)  # API server defaulting
    return requests, limits


def _millicpu(amount: Decimal) -> int:
    return math.ceil(amount * 1000)


def container_expected(container: dict, period: int = PERIOD_US) -> Expected:
    requests, limits = _requests_limits(container)
    cpu_request, cpu_limit = _amount(requests, "cpu"), _amount(limits, "cpu")
    memory_limit = _amount(limits, "memory")
    shares_from = cpu_request if cpu_request > 0 else cpu_limit
    return Expected(
        cpu_shares=millicpu_to_shares(_millicpu(shares_from)),
        cpu_quota_us=millicpu_to_quota(_millicpu(cpu_limit), period),
        cpu_period_us=period,
        memory_limit_bytes=math.ceil(memory_limit) if memory_limit > 0 else None,
    )


def sandbox_expected(period: int = PERIOD_US) -> Expected:
    return Expected(
        cpu_shares=MIN_SHARES, cpu_quota_us=None, cpu_period_us=period, memory_limit_bytes=None
    )


def _pod_total(spec: dict, field: str, resource: str) -> Decimal:
    """The kubelet's pod total: containers + sidecars, or the largest init container (plus
    the sidecars started before it) if bigger, plus the pod overhead."""
    amount = lambda c: _amount(_requests_limits(c)[0 if field == "requests" else 1], resource)  # noqa: E731
    sidecars = Decimal(0)
    largest_init = Decimal(0)
    for init in spec.get("initContainers") or ():
        if init.get("restartPolicy") == "Always":
            sidecars += amount(init)
        else:
            largest_init = max(largest_init, amount(init) + sidecars)
    total = sum((amount(c) for c in spec.get("containers") or ()), Decimal(0)) + sidecars
    return max(total, largest_init) + _amount(spec.get("overhead"), resource)


def _every_container_limits(spec: dict, resource: str) -> bool:
    containers = [*(spec.get("initContainers") or ()), *(spec.get("containers") or ())]
    return all(_amount(_requests_limits(c)[1], resource) > 0 for c in containers)


def pod_qos(pod: dict) -> str:
    """`guaranteed`, `burstable` or `besteffort`: the pod's status, else derived."""
    qos = status_of(pod).get("qosClass") or pod_qos_class(pod)
    return qos.lower()


def pod_expected(pod: dict, period: int = PERIOD_US) -> Expected:
    spec = spec_of(pod)
    qos = pod_qos(pod)
    if qos == "besteffort":
        return Expected(cpu_shares=MIN_SHARES)
    pod_level = spec.get("resources") or {}
    if pod_level.get("requests") or pod_level.get("limits"):
        requests, limits = _requests_limits({"resources": pod_level})
        cpu_request, cpu_limit = _amount(requests, "cpu"), _amount(limits, "cpu")
        memory_limit = _amount(limits, "memory")
        cpu_declared, memory_declared = cpu_limit > 0, memory_limit > 0
    else:
        cpu_request = _pod_total(spec, "requests", "cpu")
        cpu_limit = _pod_total(spec, "limits", "cpu")
        memory_limit = _pod_total(spec, "limits", "memory")
        cpu_declared = _every_container_limits(spec, "cpu")
        memory_declared = _every_container_limits(spec, "memory")
    expected = Expected(cpu_shares=millicpu_to_shares(_millicpu(cpu_request)))
    if qos == "guaranteed" or cpu_declared:
        expected["cpu_quota_us"] = millicpu_to_quota(_millicpu(cpu_limit), period)
        expected["cpu_period_us"] = period
    if qos == "guaranteed" or memory_declared:
        expected["memory_limit_bytes"] = math.ceil(memory_limit) if memory_limit > 0 else None
    return expected


def qos_level_expected(pods: Iterable[dict]) -> dict[str, Expected]:
    """The burstable and besteffort levels' shares (the kubelet updates burstable's as pods
    come and go: the sum of its pods' cpu requests)."""
    burstable = sum(
        (_pod_total(spec_of(p), "requests", "cpu") for p in pods if pod_qos(p) == "burstable"),
        Decimal(0),
    )
    return {
        "burstable": Expected(cpu_shares=millicpu_to_shares(_millicpu(burstable))),
        "besteffort": Expected(cpu_shares=MIN_SHARES),
    }


def kubepods_expected(node: dict) -> Expected:
    capacity = status_of(node).get("capacity") or {}
    return Expected(cpu_shares=millicpu_to_shares(_millicpu(_amount(capacity, "cpu"))))
