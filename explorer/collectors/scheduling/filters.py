"""kube-scheduler's filter plugins, one function each: `(pod, node, view) -> Verdict`.

Written from the plugins' behaviour as kubernetes/kubernetes describes and implements it
(`pkg/scheduler/framework/plugins/*`, `apis/config/v1/default_plugins.go`), in our own code; the
reason strings are the scheduler's own, byte for byte, since the summary must match what it
writes. Each verdict also says whether the rejection is *unresolvable* (the scheduler's
`UnschedulableAndUnresolvable`: evicting pods cannot change it, so preemption skips the node).

The default profile's filters, in order (`filter_plugins(version)`):
- from 1.31: NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts,
  NodeResourcesFit, VolumeRestrictions, NodeVolumeLimits, VolumeBinding, VolumeZone,
  PodTopologySpread, InterPodAffinity, then DynamicResources from 1.34 (on by default there);
- up to 1.30 EBSLimits and GCEPDLimits stand before NodeVolumeLimits and AzureDiskLimits after.
A node is rejected by the first filter that fails; the later ones never run on it.

What the explorer may not hold (claims, volumes, CSINodes, namespaces' labels, DRA claims) is
never guessed: such a plugin answers `passed=None` with "not evaluated: …" — unless the pod does
not use what the plugin looks at, in which case the scheduler skips the plugin and so do we.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from explorer.lib.objects import (
    labels_of,
    meta_of,
    name_of,
    namespace_of,
    spec_of,
    uid_of,
)
from explorer.lib.selectors import selector_matches

from . import resources as res
from .versions import Version

# Plugin names, as the scheduler's configuration spells them.
NODE_UNSCHEDULABLE = "NodeUnschedulable"
NODE_NAME = "NodeName"
TAINT_TOLERATION = "TaintToleration"
NODE_AFFINITY = "NodeAffinity"
NODE_PORTS = "NodePorts"
NODE_RESOURCES_FIT = "NodeResourcesFit"
VOLUME_RESTRICTIONS = "VolumeRestrictions"
EBS_LIMITS = "EBSLimits"
GCE_PD_LIMITS = "GCEPDLimits"
NODE_VOLUME_LIMITS = "NodeVolumeLimits"
AZURE_DISK_LIMITS = "AzureDiskLimits"
VOLUME_BINDING = "VolumeBinding"
VOLUME_ZONE = "VolumeZone"
POD_TOPOLOGY_SPREAD = "PodTopologySpread"
INTER_POD_AFFINITY = "InterPodAffinity"
DYNAMIC_RESOURCES = "DynamicResources"

# The scheduler's reason strings.
UNSCHEDULABLE = "node(s) were unschedulable"
NODE_NAME_MISMATCH = "node(s) didn't match the requested node name"
NODE_AFFINITY_MISMATCH = "node(s) didn't match Pod's node affinity/selector"
NODE_PORTS_TAKEN = "node(s) didn't have free ports for the requested pod ports"
TOO_MANY_PODS = "Too many pods"
DISK_CONFLICT = "node(s) had no available disk"
READ_WRITE_ONCE_POD_CONFLICT = (
    "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode"
)
MAX_VOLUME_COUNT = "node(s) exceed max volume count"
VOLUME_NODE_AFFINITY_CONFLICT = "node(s) had volume node affinity conflict"
VOLUME_ZONE_CONFLICT = "node(s) had no available volume zone"
SPREAD_NOT_MATCHED = "node(s) didn't match pod topology spread constraints"
SPREAD_MISSING_LABEL = (
    "node(s) didn't match pod topology spread constraints (missing required label)"
)
AFFINITY_NOT_MATCHED = "node(s) didn't match pod affinity rules"
ANTI_AFFINITY_NOT_MATCHED = "node(s) didn't match pod anti-affinity rules"
EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules"
UNSCHEDULABLE_TAINT_KEY = "node.kubernetes.io/unschedulable"
NOT_EVALUATED = "not evaluated: "

NO_SCHEDULE = "NoSchedule"
NO_EXECUTE = "NoExecute"


def insufficient(resource: str) -> str:
    return f"Insufficient {resource}"


def untolerated_taint(taint: Mapping, version: Version) -> str:
    """TaintToleration's reason: the taint named until 1.34.1 (`{key: value}`, before 1.25 with
    ", that the pod didn't tolerate"), hidden from 1.34.2 on (kubernetes#134740: taints may be
    secrets)."""
    key, value = taint.get("key", ""), taint.get("value", "")
    if version < Version(1, 25):
        return f"node(s) had taint {{{key}: {value}}}, that the pod didn't tolerate"
    if version < Version(1, 34, 2):
        return f"node(s) had untolerated taint {{{key}: {value}}}"
    return "node(s) had untolerated taint(s)"


@dataclass(frozen=True, slots=True)
class Verdict:
    plugin: str
    passed: bool | None  # None: not evaluated (the explorer lacks what the plugin reads)
    reasons: tuple[str, ...] = ()  # the scheduler's words when it fails; the note when None
    unresolvable: bool = False  # UnschedulableAndUnresolvable: preemption cannot help here
    skipped: bool = False  # the plugin has nothing to check for this pod (PreFilter's Skip)


def _pass(plugin: str, *, skipped: bool = False) -> Verdict:
    return Verdict(plugin, True, skipped=skipped)


def _fail(plugin: str, *reasons: str, unresolvable: bool = False) -> Verdict:
    return Verdict(plugin, False, tuple(reasons), unresolvable)


def _unknown(plugin: str, why: str) -> Verdict:
    return Verdict(plugin, None, (NOT_EVALUATED + why,))


@dataclass
class ClusterView:
    """What the filters read besides the pod and the node: the cluster as the scheduler's cache
    holds it. `pods` are the pods bound to nodes (terminal ones are left out here); the storage
    and namespace maps are None when the explorer does not have them."""

    nodes: Sequence[Mapping]
    pods: Sequence[Mapping]
    version: Version
    namespaces: Mapping[str, Mapping] | None = None  # name -> Namespace object
    claims: Mapping[tuple[str, str], Mapping] | None = None  # (namespace, name) -> PVC
    volumes: Mapping[str, Mapping] | None = None  # name -> PersistentVolume
    csi_nodes: Mapping[str, Mapping] | None = None  # node name -> CSINode
    pdbs: Sequence[Mapping] | None = None  # PodDisruptionBudgets (preemption minimises them)
    _by_node: dict[str, list[Mapping]] = field(default_factory=dict, init=False, repr=False)
    # per node, what its pods request and what it holds, worked out once per view (a view
    # shared by the evaluations of many pending pods saves them for each)
    _requested: dict[tuple[str, bool], dict[str, int]] = field(
        default_factory=dict, init=False, repr=False
    )
    _allocatable: dict[str, dict[str, int]] = field(default_factory=dict, init=False, repr=False)
    _lowest_priority: dict[str, int | None] | None = field(default=None, init=False, repr=False)
    _asks: dict[tuple[int, bool], tuple[Mapping, dict[str, int]]] = field(
        default_factory=dict, init=False, repr=False
    )

    def __post_init__(self) -> None:
        self.pods = [p for p in self.pods if spec_of(p).get("nodeName") and not res.is_terminal(p)]
        for pod in self.pods:
            self._by_node.setdefault(spec_of(pod).get("nodeName"), []).append(pod)

    def pods_on(self, node_name: str) -> list[Mapping]:
        return self._by_node.get(node_name, [])

    def requested_on(self, node_name: str, *, pod_level: bool) -> dict[str, int]:
        """What the pods on a node request together (`resources.requested`). Do not change it."""
        found = self._requested.get((node_name, pod_level))
        if found is None:
            found = res.requested(self.pods_on(node_name), pod_level_resources=pod_level)
            self._requested[(node_name, pod_level)] = found
        return found

    def requests_of(self, pod: Mapping, *, pod_level: bool) -> dict[str, int]:
        """What the pod being evaluated requests (`resources.pod_requests`), worked out once for
        all the nodes it is tried on. Do not change it."""
        key = (id(pod), pod_level)
        found = self._asks.get(key)
        if found is None or found[0] is not pod:
            found = (pod, res.pod_requests(pod, pod_level_resources=pod_level))
            self._asks[key] = found
        return found[1]

    def lowest_priority_on(self, node_name: str) -> int | None:
        """The lowest priority of the pods on a node (None: no pod), for preemption's first
        question: is any pod there of lower priority than the one waiting?"""
        if self._lowest_priority is None:
            lowest: dict[str, int | None] = {}
            for name, pods in self._by_node.items():
                lowest[name] = min(int(spec_of(p).get("priority") or 0) for p in pods)
            self._lowest_priority = lowest
        return self._lowest_priority.get(node_name)

    def allocatable_of(self, node: Mapping) -> dict[str, int]:
        """The node's allocatable (`resources.allocatable`). Do not change it."""
        name = name_of(node)
        found = self._allocatable.get(name)
        if found is None:
            found = self._allocatable[name] = res.allocatable(node)
        return found

    @cached_property
    def node_by_name(self) -> dict[str, Mapping]:
        return {name_of(node): node for node in self.nodes}

    @cached_property
    def anti_affinity_terms(self) -> list[tuple[Mapping, Mapping]]:
        """(pod, term) of every required anti-affinity term of the pods held: read once per
        view, not once per node."""
        return [(p, t) for p in self.pods for t in _required_terms(p, "podAntiAffinity")]

    def without(self, gone: Iterable[Mapping]) -> ClusterView:
        """The same cluster with some pods gone (preemption's victims). Cheap: only the nodes
        of the pods gone are listed again, and the list of every pod is made when read."""
        gone = list(gone)
        ids = {_pod_id(p) for p in gone}
        if not ids:
            return self
        view = copy.copy(self)
        # what its pods request and their lowest priority change with them: worked out again,
        # for the nodes read (a node's allocatable and the evaluated pod's requests stay shared)
        view._requested = {}
        view._lowest_priority = None
        view.__dict__["anti_affinity_terms"] = [
            (p, t) for p, t in self.anti_affinity_terms if _pod_id(p) not in ids
        ]
        view._by_node = dict(self._by_node)
        for name in {spec_of(p).get("nodeName") for p in gone}:
            if name in view._by_node:
                view._by_node[name] = [p for p in view._by_node[name] if _pod_id(p) not in ids]
        view.pods = _Remaining(self.pods, ids)
        return view


class _Remaining(Sequence):
    """The pods of a view but those gone, listed when first read."""

    def __init__(self, pods: Sequence[Mapping], gone: set[str]) -> None:
        self._source, self._gone, self._items = pods, gone, None

    def _listed(self) -> list[Mapping]:
        if self._items is None:
            self._items = [p for p in self._source if _pod_id(p) not in self._gone]
        return self._items

    def __getitem__(self, index):  # type: ignore[override]
        return self._listed()[index]

    def __len__(self) -> int:
        return len(self._listed())

    def __iter__(self):
        return iter(self._listed())


def _pod_id(pod: Mapping) -> str:
    return uid_of(pod) or f"{namespace_of(pod)}/{name_of(pod)}"


Filter = Callable[[Mapping, Mapping, ClusterView], Verdict]


# --- taints and tolerations -------------------------------------------------------------------


def tolerates(toleration: Mapping, taint: Mapping) -> bool:
    """Whether one toleration tolerates one taint: the effect matches (an empty effect matches
    all), and the key matches — `Exists` with an empty key matches every key, `Exists` any value
    of its key, `Equal` (the default operator) that key with that value."""
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    operator = toleration.get("operator") or "Equal"
    key = toleration.get("key") or ""
    if operator == "Exists":
        return not key or key == taint.get("key")
    if operator != "Equal":
        return False
    return key == taint.get("key") and (toleration.get("value") or "") == (taint.get("value") or "")


def _tolerated(pod: Mapping, taint: Mapping) -> bool:
    return any(
        tolerates(t, taint) for t in spec_of(pod).get("tolerations") or () if isinstance(t, Mapping)
    )


def _taints(node: Mapping) -> list[Mapping]:
    return [t for t in spec_of(node).get("taints") or () if isinstance(t, Mapping)]


def first_untolerated_taint(pod: Mapping, node: Mapping) -> Mapping | None:
    """The first NoSchedule or NoExecute taint the pod does not tolerate (PreferNoSchedule only
    scores)."""
    for taint in _taints(node):
        if taint.get("effect") in (NO_SCHEDULE, NO_EXECUTE) and not _tolerated(pod, taint):
            return taint
    return None


# --- node selectors ---------------------------------------------------------------------------


def _requirement_matches(requirement: Mapping, value: str | None) -> bool:
    operator, values = requirement.get("operator"), requirement.get("values") or []
    if operator == "In":
        return value is not None and value in values
    if operator == "NotIn":
        return value is None or value not in values
    if operator == "Exists":
        return value is not None
    if operator == "DoesNotExist":
        return value is None
    if operator in ("Gt", "Lt"):
        try:
            have, bound = int(value or ""), int(values[0])
        except (ValueError, IndexError):
            return False
        return have > bound if operator == "Gt" else have < bound
    return False


def node_selector_term_matches(term: Mapping, node: Mapping) -> bool:
    """One NodeSelectorTerm: every expression on the labels and every field requirement (only
    `metadata.name`) holds; a term with neither matches no node."""
    expressions = term.get("matchExpressions") or []
    fields = term.get("matchFields") or []
    if not expressions and not fields:
        return False
    labels = labels_of(node)
    if not all(_requirement_matches(e, labels.get(e.get("key"))) for e in expressions):
        return False
    for requirement in fields:
        if requirement.get("key") != "metadata.name":
            return False
        if not _requirement_matches(requirement, name_of(node)):
            return False
    return True


def node_selector_matches(selector: Mapping | None, node: Mapping) -> bool:
    """A NodeSelector: its terms are ORed."""
    terms = (selector or {}).get("nodeSelectorTerms") or []
    return any(node_selector_term_matches(t, node) for t in terms if isinstance(t, Mapping))


def required_node_affinity(pod: Mapping) -> Mapping | None:
    affinity = spec_of(pod).get("affinity") or {}
    node_affinity = affinity.get("nodeAffinity") or {}
    return node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution")


def matches_node_affinity(pod: Mapping, node: Mapping) -> bool:
    """nodeSelector (every label equal) and the required node affinity (if any)."""
    labels = labels_of(node)
    selector = spec_of(pod).get("nodeSelector") or {}
    if any(labels.get(k) != v for k, v in selector.items()):
        return False
    required = required_node_affinity(pod)
    return required is None or node_selector_matches(required, node)


# --- the filters ------------------------------------------------------------------------------


def node_unschedulable(pod: Mapping, node: Mapping, view: ClusterView) -> Verdict:
    """A cordoned node (`spec.unschedulable`) takes only pods that tolerate its
    `node.kubernetes.io/unschedulable:NoSchedule` taint."""
    if not spec_of(node).get("unschedulable"):
        return _pass(NODE_UNSCHEDULABLE)
    taint = {"key": UNSCHEDULABLE_TAINT_KEY, "effect": NO_SCHEDULE}
    if _tolerated(pod, taint):
        return _pass(NODE_UNSCHEDULABLE)
    return _fail(NODE_UNSCHEDULABLE, UNSCHEDULABLE, unresolvable=True)


def node_name(pod: Mapping, node: Mapping, view: ClusterView) -> Verdict:
    wanted = spec_of(pod).get("nodeName")
    if not wanted or wanted == name_of(node):
        return _pass(NODE_NAME)
    return _fail(NODE_NAME, NODE_NAME_MISMATCH, unresolvable=True)


def taint_toleration(pod: Mapping, node: Mapping, view: ClusterView) -> Verdict:
    taint = first_untolerated_taint(pod, node)
    if taint is None:
        return _pass(TAINT_TOLERATION)
    return _fail(TAINT_TOLERATION, untolerated_taint(taint, view.version), unresolvable=True)


def node_affinity(pod: Mapping, node: Mapping, view: ClusterView) -> Verdict:
    if matches_node_affinity(pod, node):
        return _pass(NODE_AFFINITY)
    return _fail(NODE_AFFINITY, NODE_AFFINITY_MISMATCH, unresolvable=True)


def host_ports(pod: Mapping) -> list[tuple[str, str, int]]:
    """(hostIP, protocol, hostPort) the pod's containers ask of their node."""
    wanted = []
    for container in spec_of(pod).get("containers") or ():
        for port in (container or {}).get("ports") or ():
            host_port = (port or {}).get("hostPort") or 0
            if host_port > 0:
                ip = port.get("hostIP") or "0.0.0.0"  # noqa: S104 - the API's "every address"
                wanted.append((ip, port.get("protocol") or "TCP", int(host_port)))
    return wanted


def _ports_clash(a: tuple[str, str, int], b: tuple[str, str, int]) -> bool:
    any_ip = "0.0.0.0"  # noqa: S104
    same_port = a[1:] == b[1:]
    return same_port and (a[0] == b[0] or any_ip in (a[0], b[0]))


def node_ports(pod: Mapping, node: Mapping, view: ClusterView) -> Verdict:
    wanted = host_ports(pod)
    if not wanted:
        return _pass(NODE_PORTS, skipped=True)
    used = [p for other in view.pods_on(name_of(node)) for p in host_ports(other)]
    if any(_ports_clash(w, u) for w in wanted for u in used):
        return _fail(NODE_PORTS, NODE_PORTS_TAKEN)
    return _pass(NODE_PORTS)


def node_resources_fit(pod: Mapping, node: Mapping, view: ClusterView) -> Verdict:
    """Too many pods, then each requested resource the node's allocatable cannot hold beside
    what its pods already request (cpu, memory, ephemeral-storage, then the scalar ones)."""
    pod_level = view.version >= Version(1, 34)
    on_node = view.pods_on(name_of(node))
    room = view.allocatable_of(node)
    reasons = []
    if len(on_node) + 1 > room.get(res.PODS, 0):
        reasons.append(TOO_MANY_PODS)
    wanted = {k: v for k, v in view.requests_of(pod, pod_level=pod_level).items() if v}
    taken = view.requested_on(name_of(node), pod_level=pod_level)
    ordered = [r for r in (res.CPU, res.MEMORY, res.EPHEMERAL_STORAGE) if r in wanted]
    ordered += sorted(r for r in wanted if res.is_scalar_resource(r))
    for resource in ordered:
        if room.get(resource, 0) < wanted[resource] + taken.get(resource, 0):
            reasons.append(insufficient(resource))
    if reasons:
        return _fail(NODE_RESOURCES_FIT, *reasons)
    return _pass(NODE_RESOURCES_FIT)


# --- volumes ----------------------------------------------------------------------------------

_IN_TREE_DISKS = ("gcePersistentDisk", "awsElasticBlockStore", "rbd", "iscsi")


def _volumes(pod: Mapping) -> list[Mapping]:
    return [v for v in spec_of(pod).get("volumes") or () if isinstance(v, Mapping)]


def claim_names(pod: Mapping) -> list[str]:
    """The claims a pod uses: its persistentVolumeClaim volumes, and the `<pod>-<volume>` claim
    a generic ephemeral volume makes."""
    names = []
    for volume in _volumes(pod):
        if claim := (volume.get("persistentVolumeClaim") or {}).get("claimName"):
            names.append(claim)
        elif "ephemeral" in volume:
            names.append(f"{name_of(pod)}-{volume.get('name', '')}")
    return names


def _bound_volume(view: ClusterView, pod: Mapping, claim: str) -> Mapping | None:
    found = (view.claims or {}).get((namespace_of(pod), claim))
    volume_name = spec_of(found).get("volumeName")
    return (view.volumes or {}).get(volume_name) if volume_name else None


def _missing_storage(view: ClusterView) -> str | None:
    if view.claims is None or view.volumes is None:
        return "the explorer holds no PersistentVolumeClaims and PersistentVolumes to check"
    return None


def volume_restrictions(pod: Mapping, node: Mapping, view: ClusterView) -> Verdict:
    """The same in-tree disk twice on a node, or a ReadWriteOncePod claim another pod uses."""
    inline = [v for v in _volumes(pod) if any(k in v for k in _IN_TREE_DISKS)]
    claims = claim_names(pod)
    if not inline and not claims:
        return _pass(VOLUME_RESTRICTIONS, skipped=True)
    if inline:
        return _unknown(VOLUME_RESTRICTIONS, "in-tree disks (gcePersistentDisk, EBS, RBD, iSCSI)")
    if why := _missing_storage(view):
        return _unknown(VOLUME_RESTRICTIONS, why)
    namespace = namespace_of(pod)
    for claim in claims:
        found = (view.claims or {}).get((namespace, claim))
        if "ReadWriteOncePod" not in (spec_of(found).get("accessModes") or ()):
            continue
        users = [
            p for p in view.pods if _pod_id(p) != _pod_id(pod) and namespace_of(p) == namespace
        ]
        if any(claim in claim_names(p) for p in users):
            return _fail(VOLUME_RESTRICTIONS, READ_WRITE_ONCE_POD_CONFLICT, unresolvable=True)
    return _pass(VOLUME_RESTRICTIONS)


def _in_tree_limits(plugin: str, keys: tuple[str, ...]) -> Filter:
    def check(pod: Mapping, node: Mapping, view: ClusterView) -> Verdict:
        uses = any(any(k in v for k in keys) for v in _volumes(pod)) or bool(claim_names(pod))
        if not uses:
            return _pass(plugin, skipped=True)
        return _unknown(plugin, "volume limits need the volumes' drivers and the node's limits")

    check.__name__ = plugin
    return check


ebs_limits = _in_tree_limits(EBS_LIMITS, ("awsElasticBlockStore",))
gce_pd_limits = _in_tree_limits(GCE_PD_LIMITS, ("gcePersistentDisk",))
azure_disk_limits = _in_tree_limits(AZURE_DISK_LIMITS, ("azureDisk",))


def node_volume_limits(pod: Mapping, node: Mapping, view: ClusterView) -> Verdict:
    """CSI volumes against the node's CSINode `allocatable.count` per driver."""
    inline_csi = [v for v in _volumes(pod) if "csi" in v]
    claims = claim_names(pod)
    if not inline_csi and not claims:
        return _pass(NODE_VOLUME_LIMITS, skipped=True)
    if inline_csi:
        return _unknown(NODE_VOLUME_LIMITS, "inline CSI volumes")
    if (why := _missing_storage(view)) or view.csi_nodes is None:
        return _unknown(NODE_VOLUME_LIMITS, why or "the explorer holds no CSINodes to check")
    limits = {
        d.get("name"): (d.get("allocatable") or {}).get("count")
        for d in spec_of(view.csi_nodes.get(name_of(node))).get("drivers") or ()
    }
    new: dict[str, set[str]] = {}
    for claim in claims:
        volume = _bound_volume(view, pod, claim)
        if volume is None:
            return _unknown(NODE_VOLUME_LIMITS, f"claim {claim!r} is not bound to a volume yet")
        driver = (spec_of(volume).get("csi") or {}).get("driver")
        if driver:
            new.setdefault(driver, set()).add(spec_of(volume)["csi"].get("volumeHandle", ""))
    for driver, handles in new.items():
        limit = limits.get(driver)
        if limit is None:
            continue
        attached = set()
        for other in view.pods_on(name_of(node)):
            for claim in claim_names(other):
                volume = _bound_volume(view, other, claim)
                csi = spec_of(volume).get("csi") or {}
                if csi.get("driver") == driver:
                    attached.add(csi.get("volumeHandle", ""))
        if len(attached | handles) > int(limit):
            return _fail(NODE_VOLUME_LIMITS, MAX_VOLUME_COUNT)
    return _pass(NODE_VOLUME_LIMITS)


def volume_binding(pod: Mapping, node: Mapping, view: ClusterView) -> Verdict:
    """Bound claims: their volumes' node affinity must take the node. Unbound claims (a class to
    provision from, volumes to bind) are not evaluated."""
    claims = claim_names(pod)
    if not claims:
        return _pass(VOLUME_BINDING, skipped=True)
    if why := _missing_storage(view):
        return _unknown(VOLUME_BINDING, why)
    for claim in claims:
        volume = _bound_volume(view, pod, claim)
        if volume is None:
            return _unknown(VOLUME_BINDING, f"claim {claim!r} is not bound: binding not simulated")
        required = (spec_of(volume).get("nodeAffinity") or {}).get("required")
        if required and not node_selector_matches(required, node):
            return _fail(VOLUME_BINDING, VOLUME_NODE_AFFINITY_CONFLICT, unresolvable=True)
    return _pass(VOLUME_BINDING)


_ZONE_LABELS = (
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region",
)


def volume_zone(pod: Mapping, node: Mapping, view: ClusterView) -> Verdict:
    """A bound volume's zone and region labels (a `__`-joined set of zones) against the node's."""
    claims = claim_names(pod)
    if not claims:
        return _pass(VOLUME_ZONE, skipped=True)
    if why := _missing_storage(view):
        return _unknown(VOLUME_ZONE, why)
    labels = labels_of(node)
    for claim in claims:
        volume = _bound_volume(view, pod, claim)
        if volume is None:
            return _unknown(VOLUME_ZONE, f"claim {claim!r} is not bound to a volume yet")
        for key, value in labels_of(volume).items():
            if key not in _ZONE_LABELS:
                continue
            if key not in labels or labels[key] not in value.split("__"):
                return _fail(VOLUME_ZONE, VOLUME_ZONE_CONFLICT, unresolvable=True)
    return _pass(VOLUME_ZONE)


# --- pod topology spread ----------------------------------------------------------------------


def _selector_with_keys(pod: Mapping, selector: Mapping | None, keys: Sequence[str]) -> dict:
    """The constraint's (or term's) selector with `matchLabelKeys` turned into `In` expressions
    on the pod's own values."""
    merged = dict(selector or {})
    labels = labels_of(pod)
    extra = [{"key": k, "operator": "In", "values": [labels[k]]} for k in keys if k in labels]
    if extra:
        merged["matchExpressions"] = [*(merged.get("matchExpressions") or []), *extra]
    return merged


def _hard_constraints(pod: Mapping) -> list[Mapping]:
    return [
        c
        for c in spec_of(pod).get("topologySpreadConstraints") or ()
        if isinstance(c, Mapping) and c.get("whenUnsatisfiable", "DoNotSchedule") == "DoNotSchedule"
    ]


def _terminating(pod: Mapping) -> bool:
    return bool(meta_of(pod).get("deletionTimestamp"))


def pod_topology_spread(pod: Mapping, node: Mapping, view: ClusterView) -> Verdict:
    """Each DoNotSchedule constraint: the pods its selector matches in the node's domain, plus
    this pod if it matches, less the fewest in any domain (0 when fewer domains than
    `minDomains`), may not exceed `maxSkew`. Domains are the values of the key on the nodes that
    carry every constraint's key and pass the pod's node affinity (nodeAffinityPolicy Honor, the
    default) and, with nodeTaintsPolicy Honor, its tolerations."""
    constraints = _hard_constraints(pod)
    if not constraints:
        return _pass(POD_TOPOLOGY_SPREAD, skipped=True)
    keys = [c.get("topologyKey", "") for c in constraints]
    if any(k not in labels_of(node) for k in keys):
        return _fail(POD_TOPOLOGY_SPREAD, SPREAD_MISSING_LABEL, unresolvable=True)
    namespace = namespace_of(pod)
    for constraint in constraints:
        if constraint.get("labelSelector") is None:
            continue  # a nil selector matches no pod: every domain counts 0, the skew is 0
        key = constraint.get("topologyKey", "")
        selector = _selector_with_keys(
            pod, constraint.get("labelSelector"), constraint.get("matchLabelKeys") or ()
        )
        counts: dict[str, int] = {}
        for other_node in view.nodes:
            other_labels = labels_of(other_node)
            if any(k not in other_labels for k in keys):
                continue
            if constraint.get("nodeAffinityPolicy", "Honor") == "Honor" and not (
                matches_node_affinity(pod, other_node)
            ):
                continue
            if constraint.get("nodeTaintsPolicy", "Ignore") == "Honor" and first_untolerated_taint(
                pod, other_node
            ):
                continue
            domain = other_labels[key]
            counts.setdefault(domain, 0)
            counts[domain] += sum(
                1
                for other in view.pods_on(name_of(other_node))
                if namespace_of(other) == namespace
                and not _terminating(other)
                and selector_matches(selector, labels_of(other), empty_selects_all=True)
            )
        fewest = min(counts.values()) if counts else 0
        if len(counts) < int(constraint.get("minDomains") or 1):
            fewest = 0
        own = 1 if selector_matches(selector, labels_of(pod), empty_selects_all=True) else 0
        here = counts.get(labels_of(node)[key], 0)
        if here + own - fewest > int(constraint.get("maxSkew") or 1):
            return _fail(POD_TOPOLOGY_SPREAD, SPREAD_NOT_MATCHED)
    return _pass(POD_TOPOLOGY_SPREAD)


# --- inter-pod affinity -----------------------------------------------------------------------


class _NeedsNamespaces(Exception):
    pass


def _term_namespaces_match(
    owner: Mapping, term: Mapping, other: Mapping, view: ClusterView
) -> bool:
    """Whether `other`'s namespace is among the term's: its `namespaces`, or those its
    `namespaceSelector` picks (`{}`: every namespace), or the owner's own when neither is set."""
    names = term.get("namespaces") or []
    selector = term.get("namespaceSelector")
    if not names and selector is None:
        return namespace_of(other) == namespace_of(owner)
    if namespace_of(other) in names:
        return True
    if selector is None:
        return False
    if not selector:
        return True
    if view.namespaces is None:
        raise _NeedsNamespaces
    namespace = view.namespaces.get(namespace_of(other))
    return selector_matches(selector, labels_of(namespace), empty_selects_all=True)


def _term_matches(owner: Mapping, term: Mapping, other: Mapping, view: ClusterView) -> bool:
    if not _term_namespaces_match(owner, term, other, view):
        return False
    selector = _selector_with_keys(
        owner, term.get("labelSelector"), term.get("matchLabelKeys") or ()
    )
    if term.get("labelSelector") is None and not selector:
        return False  # a nil selector matches nothing
    return selector_matches(selector, labels_of(other), empty_selects_all=True)


def _required_terms(pod: Mapping, kind: str) -> list[Mapping]:
    affinity = (spec_of(pod).get("affinity") or {}).get(kind) or {}
    terms = affinity.get("requiredDuringSchedulingIgnoredDuringExecution") or []
    return [t for t in terms if isinstance(t, Mapping)]


def _same_domain(node: Mapping, other_node: Mapping | None, key: str) -> bool:
    labels = labels_of(node)
    return (
        other_node is not None and key in labels and labels_of(other_node).get(key) == labels[key]
    )


def _affinity_met(pod, node, terms, others, where, view: ClusterView) -> bool:
    """Every term has, in the node's domain of its key, a pod that matches *all* the terms; the
    node must carry every key. The first pod of a group that is to be near itself passes when
    no pod (on a node with the keys) matches all the terms and it matches them itself."""
    labels = labels_of(node)
    if any(t.get("topologyKey", "") not in labels for t in terms):
        return False
    matching = [o for o in others if all(_term_matches(pod, t, o, view) for t in terms)]
    if all(
        any(_same_domain(node, where(o), t.get("topologyKey", "")) for o in matching) for t in terms
    ):
        return True
    counted = [
        o for o in matching
        if any(t.get("topologyKey", "") in labels_of(where(o)) for t in terms)
    ]  # fmt: skip
    return not counted and all(_term_matches(pod, t, pod, view) for t in terms)


def inter_pod_affinity(pod: Mapping, node: Mapping, view: ClusterView) -> Verdict:
    """The pod's required affinity (`_affinity_met`), its required anti-affinity (no pod that
    matches a term in the node's domain of that term's key), and the existing pods' required
    anti-affinity against it — checked in that order, one reason each."""
    affinity = _required_terms(pod, "podAffinity")
    anti = _required_terms(pod, "podAntiAffinity")
    me = _pod_id(pod)
    existing_anti = [(p, t) for p, t in view.anti_affinity_terms if _pod_id(p) != me]
    if not affinity and not anti and not existing_anti:
        return _pass(INTER_POD_AFFINITY, skipped=True)
    others = [p for p in view.pods if _pod_id(p) != me]
    nodes = view.node_by_name

    def where(other: Mapping) -> Mapping | None:
        return nodes.get(spec_of(other).get("nodeName"))

    try:
        if affinity and not _affinity_met(pod, node, affinity, others, where, view):
            return _fail(INTER_POD_AFFINITY, AFFINITY_NOT_MATCHED, unresolvable=True)
        for term in anti:
            key = term.get("topologyKey", "")
            if any(
                _same_domain(node, where(o), key) and _term_matches(pod, term, o, view)
                for o in others
            ):
                return _fail(INTER_POD_AFFINITY, ANTI_AFFINITY_NOT_MATCHED)
        for other, term in existing_anti:
            key = term.get("topologyKey", "")
            if _same_domain(node, where(other), key) and _term_matches(other, term, pod, view):
                return _fail(INTER_POD_AFFINITY, EXISTING_ANTI_AFFINITY)
    except _NeedsNamespaces:
        return _unknown(INTER_POD_AFFINITY, "a namespaceSelector needs the namespaces' labels")
    return _pass(INTER_POD_AFFINITY)


def dynamic_resources(pod: Mapping, node: Mapping, view: ClusterView) -> Verdict:
    if not spec_of(pod).get("resourceClaims"):
        return _pass(DYNAMIC_RESOURCES, skipped=True)
    return _unknown(DYNAMIC_RESOURCES, "ResourceClaims and ResourceSlices are not simulated")


def filter_plugins(version: Version) -> tuple[tuple[str, Filter], ...]:
    """The default profile's filter plugins for a cluster's version, in the order they run."""
    plugins: list[tuple[str, Filter]] = [
        (NODE_UNSCHEDULABLE, node_unschedulable),
        (NODE_NAME, node_name),
        (TAINT_TOLERATION, taint_toleration),
        (NODE_AFFINITY, node_affinity),
        (NODE_PORTS, node_ports),
        (NODE_RESOURCES_FIT, node_resources_fit),
        (VOLUME_RESTRICTIONS, volume_restrictions),
    ]
    if version < Version(1, 31):
        plugins += [
            (EBS_LIMITS, ebs_limits),
            (GCE_PD_LIMITS, gce_pd_limits),
            (NODE_VOLUME_LIMITS, node_volume_limits),
            (AZURE_DISK_LIMITS, azure_disk_limits),
        ]
    else:
        plugins.append((NODE_VOLUME_LIMITS, node_volume_limits))
    plugins += [
        (VOLUME_BINDING, volume_binding),
        (VOLUME_ZONE, volume_zone),
        (POD_TOPOLOGY_SPREAD, pod_topology_spread),
        (INTER_POD_AFFINITY, inter_pod_affinity),
    ]
    if version >= Version(1, 34):
        plugins.append((DYNAMIC_RESOURCES, dynamic_resources))
    return tuple(plugins)


def _not_simulated(name: str) -> Filter:
    def check(pod: Mapping, node: Mapping, view: ClusterView) -> Verdict:
        return _unknown(name, f"{name} is not a plugin the explorer simulates")

    return check


def run_filters(
    pod: Mapping, node: Mapping, view: ClusterView, plugins: Sequence[str] | None = None
) -> tuple[Verdict, ...]:
    """The verdicts of the filters on one node, in order, up to the first that fails (the
    scheduler runs no more on that node). A plugin not evaluated does not stop the run: the
    later ones still say what they can, and the node's outcome stays open. `plugins`: the
    filter plugins of a configured profile, in their order (default: the version's)."""
    verdicts = []
    for _, check in _checks(view.version, None if plugins is None else tuple(plugins)):
        verdict = check(pod, node, view)
        verdicts.append(verdict)
        if verdict.passed is False:
            break
    return tuple(verdicts)


@lru_cache(maxsize=64)
def _checks(version: Version, plugins: tuple[str, ...] | None) -> tuple[tuple[str, Filter], ...]:
    defaults = filter_plugins(version)
    if plugins is None:
        return defaults
    known = {**dict(filter_plugins(Version(1, 30))), **dict(defaults)}
    return tuple((name, known.get(name) or _not_simulated(name)) for name in plugins)
