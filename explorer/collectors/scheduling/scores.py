"""kube-scheduler's score plugins: how it ranks the nodes a pod fits on, and which it would pick.

Written from the plugins' behaviour in kubernetes/kubernetes
(`pkg/scheduler/framework/plugins/*`: each plugin's Score and NormalizeScore,
`framework/plugins/helper/normalize_score.go`, `schedule_one.go` `numFeasibleNodesToFind` and
`selectHost`), read, in our own code. The default profile's score plugins and weights:

- TaintToleration x3: the node's PreferNoSchedule taints the pod does not tolerate (by its
  tolerations with that effect or none), counted, then normalised *reversed*: 100 x count ÷ the
  highest count, taken from 100 (every node 100 when no node has such a taint);
- NodeAffinity x2: the weights of the pod's preferred node-affinity terms the node matches,
  normalised to 100 x sum ÷ the highest sum (0 everywhere when no node matches any);
- PodTopologySpread x2: for each ScheduleAnyway constraint (or, for a pod without constraints,
  the system defaults — zone maxSkew 5, hostname maxSkew 3 — over the pods selected like it by
  its Services, ReplicaSets and StatefulSets), the matching pods in the node's domain x log(the
  number of domains + 2), plus maxSkew - 1, rounded; nodes missing a key score 0; then
  100 x (highest + lowest - score) ÷ highest (100 everywhere when the highest is 0);
- InterPodAffinity x2: for each topology domain, the weights of the pod's preferred (anti-)
  affinity terms the pods there match (anti subtracts), the existing pods' preferred terms
  that match the pod, and 1 for each of their required affinity terms that match it; a node
  scores its domains' sums, normalised to 100 x (score - lowest) ÷ (highest - lowest);
- NodeResourcesFit x1, LeastAllocated over cpu and memory (weight 1 each): per resource
  (allocatable - requested) x 100 ÷ allocatable, averaged; requested counts every pod on the
  node and this one with a container that requests no cpu as 100m and no memory as 200 MiB
  (a configured profile may weigh other resources — an extended one only when the pod asks
  for it — and use MostAllocated, requested x 100 ÷ allocatable, or RequestedToCapacityRatio,
  a broken line through its shape's points, scores 0-10 scaled x10: `fit_score`);
- NodeResourcesBalancedAllocation x1: 100 x (1 - the spread of the cpu and memory fractions
  requested, |a - b| ÷ 2), with the actual requests; skipped (0) from 1.33 for a pod that requests
  neither (kubernetes#129138);
- ImageLocality x1: each of the pod's images the node already holds adds its size x the share of
  nodes holding it; the sum, clamped between 23 MiB and 1000 MiB x containers, scaled to 0-100.

The node with the highest weighted sum wins; among equal sums the scheduler picks one at random
(`selectHost`), so `best` is the whole tied set. A cluster of 100 nodes or more is not scored
whole: the scheduler stops filtering once it has found `nodes_to_find` feasible nodes
(`percentageOfNodesToScore`, adaptive by default: 50% less 1% per 125 nodes, at least 5% and
at least 100 nodes), starting where its previous cycle stopped — which nodes those are cannot be
known from outside, so every feasible node is scored here and `limited` says the scheduler would
have seen fewer. A pod with a single feasible node is not scored at all: it goes there.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from explorer.lib.objects import labels_of, name_of, namespace_of, spec_of, status_of
from explorer.lib.selectors import selector_matches

from . import filters as f
from . import resources as res
from .config import (
    MAX_SHAPE_SCORE,
    MAX_UTILIZATION,
    MOST_ALLOCATED,
    REQUESTED_TO_CAPACITY_RATIO,
    ScoringStrategy,
)
from .versions import Version

MAX_NODE_SCORE = 100
DEFAULT_CPU_MILLI = 100  # a container without a cpu request is scored as asking this much
DEFAULT_MEMORY = 200 * 1024 * 1024  # and without a memory request, this much
MIB = 1024 * 1024
IMAGE_MIN = 23 * MIB
IMAGE_MAX_PER_CONTAINER = 1000 * MIB
HOSTNAME = "kubernetes.io/hostname"
ZONE = "topology.kubernetes.io/zone"
SYSTEM_DEFAULT_SPREAD = (
    {"topologyKey": ZONE, "maxSkew": 5, "whenUnsatisfiable": "ScheduleAnyway"},
    {"topologyKey": HOSTNAME, "maxSkew": 3, "whenUnsatisfiable": "ScheduleAnyway"},
)
MIN_FEASIBLE_NODES = 100
MIN_PERCENTAGE = 5
BASE_PERCENTAGE = 50
CPU_MEMORY = (res.CPU, res.MEMORY)
DEFAULT_STRATEGY = ScoringStrategy()  # LeastAllocated, cpu and memory weight 1

TAINT_TOLERATION = f.TAINT_TOLERATION
NODE_AFFINITY = f.NODE_AFFINITY
POD_TOPOLOGY_SPREAD = f.POD_TOPOLOGY_SPREAD
INTER_POD_AFFINITY = f.INTER_POD_AFFINITY
NODE_RESOURCES_FIT = f.NODE_RESOURCES_FIT
BALANCED_ALLOCATION = "NodeResourcesBalancedAllocation"
IMAGE_LOCALITY = "ImageLocality"

WEIGHTS: dict[str, int] = {
    TAINT_TOLERATION: 3,
    NODE_AFFINITY: 2,
    POD_TOPOLOGY_SPREAD: 2,
    INTER_POD_AFFINITY: 2,
    NODE_RESOURCES_FIT: 1,
    BALANCED_ALLOCATION: 1,
    IMAGE_LOCALITY: 1,
}


@dataclass(frozen=True, slots=True)
class PluginScore:
    plugin: str
    raw: int | None  # the plugin's Score before NormalizeScore; None: skipped for this pod
    score: int  # after NormalizeScore, 0 to 100
    weight: int

    @property
    def weighted(self) -> int:
        return self.score * self.weight


@dataclass(frozen=True, slots=True)
class NodeScore:
    node: str
    plugins: tuple[PluginScore, ...]

    @property
    def total(self) -> int:
        return sum(p.weighted for p in self.plugins)


@dataclass(frozen=True, slots=True)
class Scoring:
    nodes: tuple[NodeScore, ...]  # in the order the feasible nodes were given
    best: tuple[str, ...]  # the nodes with the highest total: the scheduler picks one at random
    nodes_to_find: int  # how many feasible nodes the scheduler looks for before it scores
    limited: bool  # True: more nodes are feasible than it would have looked for
    scored: bool  # False: one feasible node (or none), which the scheduler takes unscored

    def of(self, node: str) -> NodeScore | None:
        return next((n for n in self.nodes if n.node == node), None)


def nodes_to_find(total_nodes: int, percentage: int = 0) -> int:
    """`numFeasibleNodesToFind`: how many feasible nodes a scheduling cycle looks for."""
    if total_nodes < MIN_FEASIBLE_NODES:
        return total_nodes
    if percentage <= 0:
        percentage = max(BASE_PERCENTAGE - total_nodes // 125, MIN_PERCENTAGE)
    if percentage >= 100:
        return total_nodes
    return max(total_nodes * percentage // 100, MIN_FEASIBLE_NODES)


def default_normalize(scores: list[int], *, reverse: bool = False) -> list[int]:
    """`helper.DefaultNormalizeScore`: 100 x score ÷ the highest (reversed: 100 less that)."""
    highest = max(scores, default=0)
    if highest == 0:
        return [MAX_NODE_SCORE if reverse else s for s in scores]
    scaled = [MAX_NODE_SCORE * s // highest for s in scores]
    return [MAX_NODE_SCORE - s for s in scaled] if reverse else scaled


def _round(value: float) -> int:
    """Go's math.Round: halves away from zero."""
    return math.floor(abs(value) + 0.5) * (1 if value >= 0 else -1)


# --- TaintToleration ---------------------------------------------------------------------------


def intolerable_prefer_no_schedule(pod: Mapping, node: Mapping) -> int:
    tolerations = [
        t
        for t in spec_of(pod).get("tolerations") or ()
        if isinstance(t, Mapping) and (t.get("effect") or "PreferNoSchedule") == "PreferNoSchedule"
    ]
    return sum(
        1
        for taint in spec_of(node).get("taints") or ()
        if isinstance(taint, Mapping)
        and taint.get("effect") == "PreferNoSchedule"
        and not any(f.tolerates(t, taint) for t in tolerations)
    )


# --- NodeAffinity ------------------------------------------------------------------------------


def _preferred_node_terms(pod: Mapping) -> list[Mapping]:
    affinity = (spec_of(pod).get("affinity") or {}).get("nodeAffinity") or {}
    terms = affinity.get("preferredDuringSchedulingIgnoredDuringExecution") or []
    return [t for t in terms if isinstance(t, Mapping) and t.get("weight")]


def preferred_affinity_sum(pod: Mapping, node: Mapping) -> int:
    return sum(
        int(t["weight"])
        for t in _preferred_node_terms(pod)
        if f.node_selector_term_matches(t.get("preference") or {}, node)
    )


# --- PodTopologySpread -------------------------------------------------------------------------


def _soft_constraints(
    pod: Mapping, spread_selectors: Sequence[Mapping] | None
) -> tuple[list[tuple[Mapping, dict]], bool]:
    """[(constraint, its selector)] of the ScheduleAnyway constraints, and whether they are the
    system defaults."""
    own = [c for c in spec_of(pod).get("topologySpreadConstraints") or () if isinstance(c, Mapping)]
    if own:
        soft = [c for c in own if c.get("whenUnsatisfiable") == "ScheduleAnyway"]
        return [
            (c, f._selector_with_keys(pod, c.get("labelSelector"), c.get("matchLabelKeys") or ()))
            for c in soft
            if c.get("labelSelector") is not None
        ], False
    selector = _default_selector(spread_selectors or ())
    if not selector:
        return [], True
    return [(c, selector) for c in SYSTEM_DEFAULT_SPREAD], True


def _default_selector(selectors: Iterable[Mapping]) -> dict:
    """`helper.DefaultSelector`: every Service's, ReplicaSet's and StatefulSet's selector that
    picks the pod, ANDed into one."""
    match_labels: dict = {}
    expressions: list = []
    for selector in selectors:
        if "matchLabels" in selector or "matchExpressions" in selector:
            match_labels.update(selector.get("matchLabels") or {})
            expressions += list(selector.get("matchExpressions") or ())
        else:
            match_labels.update(selector)
    found: dict = {}
    if match_labels:
        found["matchLabels"] = match_labels
    if expressions:
        found["matchExpressions"] = expressions
    return found


def _count_matching(pods: Iterable[Mapping], selector: Mapping, namespace: str) -> int:
    return sum(
        1
        for p in pods
        if namespace_of(p) == namespace
        and not f._terminating(p)
        and selector_matches(selector, labels_of(p), empty_selects_all=True)
    )


def _included(pod: Mapping, node: Mapping, constraint: Mapping) -> bool:
    if constraint.get("nodeAffinityPolicy", "Honor") == "Honor" and not f.matches_node_affinity(
        pod, node
    ):
        return False
    return not (
        constraint.get("nodeTaintsPolicy", "Ignore") == "Honor"
        and f.first_untolerated_taint(pod, node)
    )


def spread_scores(
    pod: Mapping,
    feasible: Sequence[Mapping],
    view: f.ClusterView,
    spread_selectors: Sequence[Mapping] | None = None,
) -> tuple[list[int], list[int]] | None:
    """(raw, normalised) per feasible node; None when the plugin is skipped."""
    constraints, system = _soft_constraints(pod, spread_selectors)
    if not constraints:
        return None
    require_all = not system
    keys = [c.get("topologyKey", "") for c, _ in constraints]
    ignored: set[str] = set()
    pair_counts: dict[tuple[str, str], int] = {}
    sizes = [0] * len(constraints)
    for node in feasible:
        labels = labels_of(node)
        if require_all and any(k not in labels for k in keys):
            ignored.add(name_of(node))
            continue
        for i, key in enumerate(keys):
            if key == HOSTNAME:
                continue
            pair = (key, labels.get(key, ""))
            if pair not in pair_counts:
                pair_counts[pair] = 0
                sizes[i] += 1
    weights = []
    for i, key in enumerate(keys):
        size = len(feasible) - len(ignored) if key == HOSTNAME else sizes[i]
        weights.append(math.log(size + 2))
    namespace = namespace_of(pod)
    for node in view.nodes:
        labels = labels_of(node)
        if require_all and any(k not in labels for k in keys):
            continue
        for constraint, selector in constraints:
            if not _included(pod, node, constraint):
                continue
            pair = (
                constraint.get("topologyKey", ""),
                labels.get(constraint.get("topologyKey", "")),
            )
            if pair[1] is None:
                pair = (pair[0], "")
            if pair in pair_counts and pair[0] != HOSTNAME:
                pair_counts[pair] += _count_matching(
                    view.pods_on(name_of(node)), selector, namespace
                )
    raw: list[int] = []
    for node in feasible:
        if name_of(node) in ignored:
            raw.append(-1)
            continue
        labels = labels_of(node)
        total = 0.0
        for i, (constraint, selector) in enumerate(constraints):
            key = constraint.get("topologyKey", "")
            if key not in labels:
                continue
            if key == HOSTNAME:
                count = _count_matching(view.pods_on(name_of(node)), selector, namespace)
            else:
                count = pair_counts.get((key, labels[key]), 0)
            total += count * weights[i] + (int(constraint.get("maxSkew") or 1) - 1)
        raw.append(_round(total))
    valid = [s for s in raw if s >= 0]
    lowest, highest = min(valid, default=0), max(valid, default=0)
    normalised = []
    for score in raw:
        if score < 0:
            normalised.append(0)
        elif highest == 0:
            normalised.append(MAX_NODE_SCORE)
        else:
            normalised.append(MAX_NODE_SCORE * (highest + lowest - score) // highest)
    return [max(s, 0) for s in raw], normalised


# --- InterPodAffinity --------------------------------------------------------------------------


def _weighted_terms(pod: Mapping, kind: str) -> list[tuple[int, Mapping]]:
    affinity = (spec_of(pod).get("affinity") or {}).get(kind) or {}
    terms = affinity.get("preferredDuringSchedulingIgnoredDuringExecution") or []
    return [
        (int(t.get("weight") or 0), t.get("podAffinityTerm") or {})
        for t in terms
        if isinstance(t, Mapping) and t.get("weight")
    ]


def affinity_scores(
    pod: Mapping, feasible: Sequence[Mapping], view: f.ClusterView
) -> tuple[list[int], list[int]] | None:
    """(raw, normalised) per feasible node; None when nothing is there to score."""
    own_affinity = _weighted_terms(pod, "podAffinity")
    own_anti = _weighted_terms(pod, "podAntiAffinity")
    topology: dict[str, dict[str, int]] = {}

    def add(node: Mapping | None, key: str, amount: int) -> None:
        value = labels_of(node).get(key) if node is not None else None
        if value is not None and amount:
            domain = topology.setdefault(key, {})
            domain[value] = domain.get(value, 0) + amount

    nodes = view.node_by_name
    try:
        for other in view.pods:
            if f._pod_id(other) == f._pod_id(pod):
                continue
            where = nodes.get(spec_of(other).get("nodeName"))
            for weight, term in own_affinity:
                if f._term_matches(pod, term, other, view):
                    add(where, term.get("topologyKey", ""), weight)
            for weight, term in own_anti:
                if f._term_matches(pod, term, other, view):
                    add(where, term.get("topologyKey", ""), -weight)
            for term in f._required_terms(other, "podAffinity"):
                if f._term_matches(other, term, pod, view):
                    add(where, term.get("topologyKey", ""), 1)  # hardPodAffinityWeight
            for weight, term in _weighted_terms(other, "podAffinity"):
                if f._term_matches(other, term, pod, view):
                    add(where, term.get("topologyKey", ""), weight)
            for weight, term in _weighted_terms(other, "podAntiAffinity"):
                if f._term_matches(other, term, pod, view):
                    add(where, term.get("topologyKey", ""), -weight)
    except f._NeedsNamespaces:
        return None
    if not topology:
        return None
    raw = []
    for node in feasible:
        labels = labels_of(node)
        raw.append(
            sum(values.get(labels[key], 0) for key, values in topology.items() if key in labels)
        )
    lowest, highest = min(raw, default=0), max(raw, default=0)
    spread = highest - lowest
    normalised = [int(MAX_NODE_SCORE * ((s - lowest) / spread)) if spread > 0 else 0 for s in raw]
    return raw, normalised


# --- NodeResourcesFit and BalancedAllocation ---------------------------------------------------


def _with_default_requests(pod: Mapping) -> Mapping:
    """The pod as the scorer counts it: each container missing a cpu or memory request (and
    limit) asks 100m and 200 MiB."""
    spec = dict(spec_of(pod))
    for field in ("containers", "initContainers"):
        filled = []
        for container in spec.get(field) or ():
            if not isinstance(container, Mapping):
                continue
            asks = res.container_requests(container)
            extra = {}
            if res.CPU not in asks:
                extra[res.CPU] = f"{DEFAULT_CPU_MILLI}m"
            if res.MEMORY not in asks:
                extra[res.MEMORY] = str(DEFAULT_MEMORY)
            if extra:
                resources = dict(container.get("resources") or {})
                resources["requests"] = {**(resources.get("requests") or {}), **extra}
                container = {**container, "resources": resources}
            filled.append(container)
        spec[field] = filled
    return {**pod, "spec": spec}


def non_zero_requests(pod: Mapping, *, pod_level: bool = True) -> dict[str, int]:
    """cpu (millicores) and memory (bytes) as the scorer counts them."""
    asks = res.pod_requests(_with_default_requests(pod), pod_level_resources=pod_level)
    return {res.CPU: asks.get(res.CPU, 0), res.MEMORY: asks.get(res.MEMORY, 0)}


def _node_requests(
    pods: Iterable[Mapping], *, non_zero: bool, pod_level: bool, names: Sequence[str] = CPU_MEMORY
) -> dict[str, int]:
    """What the pods on a node request of `names`; cpu and memory as the scorer counts them
    (`non_zero`) or as asked."""
    total = dict.fromkeys(names, 0)
    others = [n for n in names if n not in CPU_MEMORY]
    for other in pods:
        if res.is_terminal(other):
            continue
        asks = (
            res.remembered(
                other,
                ("non-zero", pod_level),
                lambda p: non_zero_requests(p, pod_level=pod_level),
            )
            if non_zero
            else res.counted_requests(other, pod_level_resources=pod_level)
        )
        if non_zero and others:
            asks = {**res.counted_requests(other, pod_level_resources=pod_level), **asks}
        for name in total:
            total[name] += asks.get(name, 0)
    return total


def least_allocated(requested: Mapping[str, int], allocatable: Mapping[str, int]) -> int:
    """LeastAllocated over cpu and memory, weight 1 each (the default strategy)."""
    return fit_score(DEFAULT_STRATEGY, requested, allocatable)


def broken_linear(shape: Sequence[tuple[int, int]], utilization: int) -> int:
    """`helper.BuildBrokenLinearFunction` over (utilization, score 0-100) points."""
    for i, (at, score) in enumerate(shape):
        if utilization <= at:
            if i == 0:
                return score
            before, before_score = shape[i - 1]
            return before_score + (score - before_score) * (utilization - before) // (at - before)
    return shape[-1][1]


def _resource_score(strategy: ScoringStrategy, wanted: int, capacity: int) -> int:
    if strategy.type == MOST_ALLOCATED:
        return min(wanted, capacity) * MAX_NODE_SCORE // capacity
    if strategy.type == REQUESTED_TO_CAPACITY_RATIO:
        shape = [(u, s * (MAX_NODE_SCORE // MAX_SHAPE_SCORE)) for u, s in strategy.shape]
        used = MAX_UTILIZATION if wanted > capacity else wanted * MAX_UTILIZATION // capacity
        return broken_linear(shape, used)
    return 0 if wanted > capacity else (capacity - wanted) * MAX_NODE_SCORE // capacity


def fit_score(
    strategy: ScoringStrategy, requested: Mapping[str, int], allocatable: Mapping[str, int]
) -> int:
    """NodeResourcesFit's score: each resource of the strategy the node has (and, for an
    extended resource, the pod asks for: absent from `requested` otherwise) scored by its type,
    averaged by weight (RequestedToCapacityRatio: over the resources scoring above 0, rounded)."""
    score = weights = 0
    for name, weight in strategy.resources:
        capacity = allocatable.get(name, 0)
        if capacity == 0 or name not in requested:
            continue
        one = _resource_score(strategy, requested[name], capacity)
        if strategy.type == REQUESTED_TO_CAPACITY_RATIO and one <= 0:
            continue
        score += one * weight
        weights += weight
    if not weights:
        return 0
    if strategy.type == REQUESTED_TO_CAPACITY_RATIO:
        return _round(score / weights)
    return score // weights


def balanced(requested: Mapping[str, int], allocatable: Mapping[str, int]) -> int:
    fractions = [
        min(requested.get(n, 0) / allocatable[n], 1.0)
        for n in (res.CPU, res.MEMORY)
        if allocatable.get(n, 0)
    ]
    spread = abs(fractions[0] - fractions[1]) / 2 if len(fractions) == 2 else 0.0
    return int((1 - spread) * MAX_NODE_SCORE)


# --- ImageLocality -----------------------------------------------------------------------------


def normalized_image(name: str) -> str:
    """An image without a tag or digest is `:latest`."""
    return name if name.rfind(":") > name.rfind("/") else f"{name}:latest"


def _image_states(nodes: Iterable[Mapping]) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """(per node, image name → size), and per image name the number of nodes holding it."""
    per_node: dict[str, dict[str, int]] = {}
    holders: dict[str, int] = {}
    for node in nodes:
        sizes: dict[str, int] = {}
        for image in status_of(node).get("images") or ():
            if not isinstance(image, Mapping):
                continue
            for image_name in image.get("names") or ():
                sizes[str(image_name)] = int(image.get("sizeBytes") or 0)
        per_node[name_of(node)] = sizes
        for image_name in sizes:
            holders[image_name] = holders.get(image_name, 0) + 1
    return per_node, holders


def image_locality(pod: Mapping, node: Mapping, states, total_nodes: int) -> tuple[int, int]:
    """(the summed scaled image sizes, the score)."""
    per_node, holders = states
    held = per_node.get(name_of(node), {})
    spec = spec_of(pod)
    containers = [
        c for c in [*(spec.get("initContainers") or ()), *(spec.get("containers") or ())] if c
    ]
    total = 0
    for container in containers:
        image = normalized_image(str(container.get("image") or ""))
        if image in held and total_nodes:
            total += int(held[image] * (holders[image] / total_nodes))
    ceiling = IMAGE_MAX_PER_CONTAINER * len(containers)
    if ceiling <= IMAGE_MIN:
        return total, 0
    clamped = min(max(total, IMAGE_MIN), ceiling)
    return total, MAX_NODE_SCORE * (clamped - IMAGE_MIN) // (ceiling - IMAGE_MIN)


# --- all together ------------------------------------------------------------------------------


def score_nodes(
    pod: Mapping,
    feasible: Sequence[Mapping],
    view: f.ClusterView,
    *,
    spread_selectors: Sequence[Mapping] | None = None,
    weights: Mapping[str, int] = WEIGHTS,
    percentage_of_nodes_to_score: int = 0,
    strategy: ScoringStrategy = DEFAULT_STRATEGY,
) -> Scoring:
    """The score plugins of `weights` (default: the default profile's) on the feasible nodes,
    normalised and weighted (see the module's words), NodeResourcesFit by `strategy`.
    `spread_selectors`: the selectors of the Services, ReplicaSets and StatefulSets that pick
    the pod, for PodTopologySpread's system defaults."""
    total_nodes = len(view.nodes)
    to_find = nodes_to_find(total_nodes, percentage_of_nodes_to_score)
    pod_level = view.version >= Version(1, 34)
    columns: dict[str, tuple[list[int | None], list[int]]] = {}

    taints = [intolerable_prefer_no_schedule(pod, n) for n in feasible]
    columns[TAINT_TOLERATION] = (list(taints), default_normalize(taints, reverse=True))

    if _preferred_node_terms(pod):
        sums = [preferred_affinity_sum(pod, n) for n in feasible]
        columns[NODE_AFFINITY] = (list(sums), default_normalize(sums))
    else:
        columns[NODE_AFFINITY] = ([None] * len(feasible), [0] * len(feasible))

    spread = spread_scores(pod, feasible, view, spread_selectors)
    columns[POD_TOPOLOGY_SPREAD] = (
        (list(spread[0]), spread[1]) if spread else ([None] * len(feasible), [0] * len(feasible))
    )
    affinity = affinity_scores(pod, feasible, view)
    columns[INTER_POD_AFFINITY] = (
        (list(affinity[0]), affinity[1])
        if affinity
        else ([None] * len(feasible), [0] * len(feasible))
    )

    asked = non_zero_requests(pod, pod_level=pod_level)
    actual = res.pod_requests(pod, pod_level_resources=pod_level)
    fitted = [
        name
        for name, _ in strategy.resources
        if name in CPU_MEMORY or not res.is_scalar_resource(name) or actual.get(name)
    ]
    asked = {name: asked[name] if name in CPU_MEMORY else actual.get(name, 0) for name in fitted}
    actual = {res.CPU: actual.get(res.CPU, 0), res.MEMORY: actual.get(res.MEMORY, 0)}
    fit, balance = [], []
    for node in feasible:
        room = res.allocatable(node)
        on_node = view.pods_on(name_of(node))
        taken = _node_requests(on_node, non_zero=True, pod_level=pod_level, names=fitted)
        fit.append(fit_score(strategy, {k: taken[k] + asked[k] for k in taken}, room))
        taken = _node_requests(on_node, non_zero=False, pod_level=pod_level)
        balance.append(balanced({k: taken[k] + actual[k] for k in taken}, room))
    columns[NODE_RESOURCES_FIT] = (list(fit), fit)
    if view.version >= Version(1, 33) and not any(actual.values()):
        columns[BALANCED_ALLOCATION] = ([None] * len(feasible), [0] * len(feasible))
    else:
        columns[BALANCED_ALLOCATION] = (list(balance), balance)

    states = _image_states(view.nodes)
    images = [image_locality(pod, n, states, total_nodes) for n in feasible]
    columns[IMAGE_LOCALITY] = ([i[0] for i in images], [i[1] for i in images])

    order = [p for p in WEIGHTS if p in weights]
    scored = tuple(
        NodeScore(
            name_of(node),
            tuple(
                PluginScore(p, columns[p][0][i], columns[p][1][i], int(weights[p])) for p in order
            ),
        )
        for i, node in enumerate(feasible)
    )
    top = max((n.total for n in scored), default=0)
    best = tuple(n.node for n in scored if n.total == top)
    return Scoring(scored, best, to_find, len(feasible) > to_find, len(feasible) > 1)
