"""A pod's requests as kube-scheduler and the kubelet count them, and a node's room for them.

How they count (kubernetes/kubernetes, `k8s.io/component-helpers/resource` `PodRequests`, read;
not copied):
- the regular containers' requests are summed;
- init containers run one after another, so each counts on its own: the pod needs the largest
  of them, or the regular sum, whichever is bigger — per resource;
- a restartable init container (a sidecar, `restartPolicy: Always`) keeps running: its requests
  join the regular sum, and every init container that starts after it counts together with the
  sidecars started before it (a sidecar itself counts with those before it and itself);
- `spec.overhead` (the RuntimeClass's) is added last;
- pod-level `spec.resources.requests` (cpu, memory), when set, stand for the containers' sums
  of those resources (PodLevelResources, on by default from 1.34), overhead still added.
A request missing beside a limit is the limit (the API server's defaulting), so a manifest
counts as the object the API server would keep.

Limits are counted the same way (`PodLimits`, what `kubectl describe node` sums): a resource
no container limits is unbounded and absent, and the overhead is added only to the resources
that have a limit.

Units are the scheduler's: cpu in millicores, every other resource in whole units (bytes for
memory and storage), each rounded up. Only the resources the scheduler compares are kept: cpu,
memory, ephemeral-storage and the scalar ones (extended resources such as `nvidia.com/gpu`,
`hugepages-*`, `attachable-volumes-*`); "pods" is the node's count of pods, not a request.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from decimal import Decimal
from threading import Lock

from explorer.lib.objects import spec_of, status_of
from explorer.lib.quantities import QuantityError, parse_quantity

CPU = "cpu"
MEMORY = "memory"
EPHEMERAL_STORAGE = "ephemeral-storage"
PODS = "pods"
POD_LEVEL = (CPU, MEMORY)  # the resources spec.resources may set for the whole pod
TERMINAL_PHASES = ("Succeeded", "Failed")  # the scheduler's cache leaves these pods out


def is_scalar_resource(name: str) -> bool:
    """An extended resource (a domain outside kubernetes.io, not a quota's `requests.`),
    hugepages or an attachable-volumes count: what the scheduler compares besides cpu, memory
    and ephemeral-storage."""
    if name.startswith(("hugepages-", "attachable-volumes-")):
        return True
    if "/" not in name or name.startswith("requests."):
        return False
    domain = name.split("/", 1)[0]
    return not (domain == "kubernetes.io" or domain.endswith(".kubernetes.io"))


def counted(name: str) -> bool:
    return name in (CPU, MEMORY, EPHEMERAL_STORAGE) or is_scalar_resource(name)


def _amounts(values: object) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    if not isinstance(values, Mapping):
        return found
    for name, text in values.items():
        if not counted(str(name)):
            continue
        try:
            found[str(name)] = parse_quantity(text)
        except QuantityError:
            continue
    return found


def container_requests(container: Mapping) -> dict[str, Decimal]:
    """One container's requests, a limit standing for a missing request."""
    resources = container.get("resources") if isinstance(container, Mapping) else None
    resources = resources if isinstance(resources, Mapping) else {}
    requests = _amounts(resources.get("requests"))
    for name, limit in _amounts(resources.get("limits")).items():
        requests.setdefault(name, limit)
    return requests


def _add(into: dict[str, Decimal], more: Mapping[str, Decimal]) -> None:
    for name, amount in more.items():
        into[name] = into.get(name, Decimal(0)) + amount


def _raise_to(into: dict[str, Decimal], other: Mapping[str, Decimal]) -> None:
    for name, amount in other.items():
        if amount > into.get(name, Decimal(0)):
            into[name] = amount


def _is_sidecar(container: Mapping) -> bool:
    return container.get("restartPolicy") == "Always"


def container_limits(container: Mapping) -> dict[str, Decimal]:
    """One container's limits (a resource without a limit is unbounded: absent)."""
    resources = container.get("resources") if isinstance(container, Mapping) else None
    resources = resources if isinstance(resources, Mapping) else {}
    return _amounts(resources.get("limits"))


def _containers_together(
    spec: Mapping, amounts_of: Callable[[Mapping], dict[str, Decimal]]
) -> dict[str, Decimal]:
    """The containers' amounts as the pod needs them at its peak: the regular ones and the
    sidecars summed, against each init container with the sidecars started before it."""
    total: dict[str, Decimal] = {}
    for container in spec.get("containers") or ():
        if isinstance(container, Mapping):
            _add(total, amounts_of(container))
    sidecars: dict[str, Decimal] = {}
    init_peak: dict[str, Decimal] = {}
    for container in spec.get("initContainers") or ():
        if not isinstance(container, Mapping):
            continue
        own = amounts_of(container)
        if _is_sidecar(container):
            _add(total, own)
            _add(sidecars, own)
            alongside = dict(sidecars)
        else:
            alongside = dict(own)
            _add(alongside, sidecars)
        _raise_to(init_peak, alongside)
    _raise_to(total, init_peak)
    return total


def _pod_level(spec: Mapping, field: str) -> dict[str, Decimal]:
    pod_level = spec.get("resources")
    found = _amounts(pod_level.get(field)) if isinstance(pod_level, Mapping) else {}
    return {name: amount for name, amount in found.items() if name in POD_LEVEL}


def pod_request_amounts(pod: Mapping, *, pod_level_resources: bool = True) -> dict[str, Decimal]:
    """The pod's requests as exact quantities (see the module's words for the rule)."""
    spec = spec_of(pod)
    total = _containers_together(spec, container_requests)
    if pod_level_resources:
        total.update(_pod_level(spec, "requests"))
    _add(total, _amounts(spec.get("overhead")))
    return total


def pod_limit_amounts(pod: Mapping, *, pod_level_resources: bool = True) -> dict[str, Decimal]:
    """The pod's limits counted as its requests are (`PodLimits`): a resource no container
    limits is absent (unbounded), and the overhead is added only to the resources that have a
    limit."""
    spec = spec_of(pod)
    total = _containers_together(spec, container_limits)
    if pod_level_resources:
        total.update(_pod_level(spec, "limits"))
    for name, amount in _amounts(spec.get("overhead")).items():
        if name in total:
            total[name] += amount
    return total


def in_scheduler_units(amounts: Mapping[str, Decimal]) -> dict[str, int]:
    """cpu in millicores, everything else in whole units, rounded up as `MilliValue`/`Value` do."""
    return {
        name: math.ceil(amount * 1000) if name == CPU else math.ceil(amount)
        for name, amount in amounts.items()
    }


def pod_requests(pod: Mapping, *, pod_level_resources: bool = True) -> dict[str, int]:
    """The pod's requests in the scheduler's units; resources it does not request are absent."""
    amounts = pod_request_amounts(pod, pod_level_resources=pod_level_resources)
    return in_scheduler_units(amounts)


_CACHE_SIZE = 400_000  # a pod's requests, by (uid, resourceVersion, rule): about 100 MB at most
_cache: OrderedDict[tuple, dict[str, int]] = OrderedDict()
_cache_lock = Lock()


def remembered(pod: Mapping, tag: tuple, compute) -> dict[str, int]:
    """`compute(pod)`, remembered for a pod the API server versioned (uid and resourceVersion:
    a held object is replaced, never changed) under `tag`, so the pods of a big cluster's nodes
    are parsed once, not on every evaluation. Do not change the dict it returns."""
    meta = pod.get("metadata") if isinstance(pod, Mapping) else None
    uid = meta.get("uid") if isinstance(meta, Mapping) else None
    version = meta.get("resourceVersion") if isinstance(meta, Mapping) else None
    if not (isinstance(uid, str) and uid and isinstance(version, str) and version):
        return compute(pod)
    key = (uid, version, *tag)
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    found = compute(pod)
    with _cache_lock:
        _cache[key] = found
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return found


def counted_requests(pod: Mapping, *, pod_level_resources: bool = True) -> dict[str, int]:
    """`pod_requests`, remembered (see `remembered`)."""
    return remembered(
        pod,
        ("requests", pod_level_resources),
        lambda p: pod_requests(p, pod_level_resources=pod_level_resources),
    )


def counted_limits(pod: Mapping, *, pod_level_resources: bool = True) -> dict[str, int]:
    """The pod's limits in the scheduler's units (`pod_limit_amounts`), remembered."""
    return remembered(
        pod,
        ("limits", pod_level_resources),
        lambda p: in_scheduler_units(pod_limit_amounts(p, pod_level_resources=pod_level_resources)),
    )


def is_terminal(pod: Mapping) -> bool:
    return status_of(pod).get("phase") in TERMINAL_PHASES


def requested(pods: Iterable[Mapping], *, pod_level_resources: bool = True) -> dict[str, int]:
    """What the pods already on a node request together (terminal pods left out)."""
    total: dict[str, int] = {}
    for pod in pods:
        if is_terminal(pod):
            continue
        asks = counted_requests(pod, pod_level_resources=pod_level_resources)
        for name, amount in asks.items():
            total[name] = total.get(name, 0) + amount
    return total


def allocatable(node: Mapping) -> dict[str, int]:
    """`status.allocatable` in the scheduler's units, "pods" the number of pods it takes."""
    values = status_of(node).get("allocatable")
    found = in_scheduler_units(_amounts(values))
    if isinstance(values, Mapping) and PODS in values:
        with suppress(QuantityError):
            found[PODS] = math.floor(parse_quantity(values[PODS]))
    return found
