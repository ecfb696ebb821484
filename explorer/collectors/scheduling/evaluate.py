"""Why a pod is Pending, node by node, in the scheduler's own words.

`why_pending(pod, nodes, pods_on_nodes, version)` runs what kube-scheduler runs for one pod:
the PreFilter checks that can turn the pod away before any node is tried (a claim that does not
exist, a ReadWriteOncePod claim in use, node affinity naming nodes by `metadata.name`), the
filter plugins of the version's default profile on every node (`filters.py`), then the
PostFilter plugins (DynamicResources' words, DefaultPreemption's dry run: would evicting the
pods of lower priority let it fit anywhere, which pods on which node, which
PodDisruptionBudgets that breaks, and which node it would nominate) — and writes the message the
scheduler puts in the FailedScheduling event and the PodScheduled condition (`message.py`).

The dry run, as DefaultPreemption does it (read in kubernetes/kubernetes, written here in our
own code): a pod whose `preemptionPolicy` is Never, or whose nominated node still has a
lower-priority pod terminating because it was preempted, does not preempt. Otherwise, on every
node rejected for a reason evicting pods could remove, every pod of lower priority is taken off;
if the pod still does not fit, the node is out. If it does, the pods are put back one by one in
order of importance (higher priority first, then the one running longer), first those whose
eviction would violate a PodDisruptionBudget (`disruption_budgets.py`), then the others, each
kept when the pod still fits beside it: what is left is the node's minimal set of victims. The
node nominated is the one with the fewest budget violations, then the lowest highest victim
priority, the lowest sum of priorities, the fewest victims, the latest start among the highest
priority victims; ties are broken by the scheduler's order, which is random. Like the scheduler,
the dry run stops once it has found `candidates_wanted` candidates (10% of the nodes, at least
100) with one that violates no budget; the scheduler starts from a random node, the explorer
from the first by name, so on a big cluster it may nominate another (`sampled`).

Inputs are plain dicts as the API serves them. What the explorer cannot know stays open: a node
whose verdict hangs on a plugin not evaluated is neither feasible nor rejected, and the message
is then None with `certain` False, rather than a guess. `profile` (profiles.py) is the
scheduling profile that picks the pod — the default one unless a configuration file was read:
its filter plugins run in its order, and a PreFilter or PostFilter it leaves out is not run. Not
simulated: nominated pods of other pending pods (the scheduler counts them on their nominated
node), scheduler extenders, and `percentageOfNodesToScore` (it limits how many feasible nodes
are looked for, never the rejections of an unschedulable pod).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from explorer.lib.objects import (
    conditions_of,
    key_of,
    meta_of,
    name_of,
    namespaced_name,
    spec_of,
    status_of,
)

from . import disruption_budgets as budgets
from . import filters as f
from . import message as m
from .profiles import POSTFILTERS, PREFILTERS, Profile
from .versions import Version, parse_version

CLAIM_NOT_FOUND = 'persistentvolumeclaim "{}" not found'
PREEMPTION = "DefaultPreemption"
NO_NODES = "no nodes available to schedule pods"  # the scheduler's error when it knows no node
TERMINATING_ON_NOMINATED = "not eligible due to a terminating pod on the nominated node."
PREEMPTED_REASONS = ("PreemptionByScheduler", "PreemptionByKubeScheduler")
MIN_CANDIDATES = 100  # minCandidateNodesAbsolute: below it the dry run tries every node
CANDIDATES_PERCENT = 10  # minCandidateNodesPercentage
PRIORITY_OFFSET = 2**31  # MaxInt32 + 1


@dataclass(frozen=True, slots=True)
class NodeEvaluation:
    node: str
    verdicts: tuple[f.Verdict, ...]  # in plugin order, up to the first that failed
    left_out_by: tuple[str, ...] = ()  # PreFilter plugins whose result did not include the node

    @property
    def rejected_by(self) -> f.Verdict | None:
        return next((v for v in self.verdicts if v.passed is False), None)

    @property
    def feasible(self) -> bool | None:
        """True: every filter passed; False: one failed; None: it hangs on one not evaluated."""
        if self.left_out_by or self.rejected_by is not None:
            return False
        return None if any(v.passed is None for v in self.verdicts) else True

    @property
    def reasons(self) -> tuple[str, ...]:
        """What the scheduler counts for this node."""
        if self.left_out_by:
            return (m.absent_nodes_reason(self.left_out_by),)
        rejected = self.rejected_by
        return rejected.reasons if rejected is not None else ()

    @property
    def unresolvable(self) -> bool:
        rejected = self.rejected_by
        return bool(self.left_out_by) or (rejected is not None and rejected.unresolvable)

    @property
    def certain(self) -> bool:
        """Whether the node's outcome and reasons are known: no plugin before the deciding one
        was left unevaluated."""
        if self.left_out_by:
            return True
        for verdict in self.verdicts:
            if verdict.passed is None:
                return False
            if verdict.passed is False:
                return True
        return True


@dataclass(frozen=True, slots=True)
class PreFilter:
    plugin: str = ""  # the plugin that turned the pod away, "" when none did
    message: str = ""
    nodes: frozenset[str] | None = None  # a PreFilter result: only these nodes are tried
    narrowed_by: tuple[str, ...] = ()
    certain: bool = True


@dataclass(frozen=True, slots=True)
class Victims:
    """The pods a preemption would evict on one node: the minimal set, most important first."""

    node: str
    pods: tuple[Mapping, ...]
    pdb_violations: int  # how many of them violate a PodDisruptionBudget
    violated: tuple[str, ...]  # the budgets (namespace/name) their eviction would violate
    certain: bool = True


@dataclass(frozen=True, slots=True)
class Preemption:
    words: str  # "preemption: …" as the scheduler appends it, "" when it found a node
    candidates: tuple[str, ...]  # nodes where evicting lower-priority pods lets the pod fit
    reasons: dict[str, tuple[str, ...]]  # per node, why preemption does not help there
    certain: bool
    victims: dict[str, Victims] = field(default_factory=dict)  # per candidate node
    nominated: str = ""  # the candidate the scheduler would pick and write as nominatedNodeName
    ineligible: str = ""  # why the pod may not preempt at all ("" when it may)
    budgets_known: bool = True  # False: the explorer holds no PodDisruptionBudgets
    sampled: bool = False  # more nodes than the scheduler's dry run tries: it may pick another


@dataclass(frozen=True, slots=True)
class Evaluation:
    pod: str  # namespace/name
    version: Version
    total_nodes: int
    prefilter: PreFilter
    nodes: tuple[NodeEvaluation, ...]
    preemption: Preemption | None
    post_filter: str  # every PostFilter plugin's words, joined
    message: str | None  # the scheduler's message; None when the pod fits or it is not known
    certain: bool  # False: some plugin could not be evaluated, so the outcome is open

    @property
    def feasible_nodes(self) -> tuple[str, ...]:
        return tuple(n.node for n in self.nodes if n.feasible is True)


def _by_key(objects: Iterable[Mapping] | None, key) -> dict | None:
    return None if objects is None else {key(o): o for o in objects}


def view_of(
    nodes: Iterable[Mapping],
    pods: Iterable[Mapping] | Mapping[str, Iterable[Mapping]],
    version: str | Version,
    *,
    namespaces: Iterable[Mapping] | None = None,
    claims: Iterable[Mapping] | None = None,
    volumes: Iterable[Mapping] | None = None,
    csi_nodes: Iterable[Mapping] | None = None,
    pdbs: Iterable[Mapping] | None = None,
) -> f.ClusterView:
    """A ClusterView from lists as the API serves them (pods may come grouped by node)."""
    if isinstance(pods, Mapping):
        pods = [pod for group in pods.values() for pod in group]
    return f.ClusterView(
        list(nodes),
        list(pods),
        parse_version(version),
        _by_key(namespaces, name_of),
        _by_key(claims, key_of),
        _by_key(volumes, name_of),
        _by_key(csi_nodes, name_of),
        None if pdbs is None else list(pdbs),
    )


def _metadata_name_nodes(pod: Mapping) -> frozenset[str] | None:
    """NodeAffinity's PreFilter result: when every required term names nodes by
    `metadata.name In`, only those nodes are tried."""
    required = f.required_node_affinity(pod)
    terms = (required or {}).get("nodeSelectorTerms") or []
    names: set[str] = set()
    for term in terms:
        term_names: set[str] | None = None
        for requirement in term.get("matchFields") or ():
            if requirement.get("key") == "metadata.name" and requirement.get("operator") == "In":
                values = set(requirement.get("values") or ())
                term_names = values if term_names is None else term_names & values
        if term_names is None:
            return None
        names |= term_names
    return frozenset(names) if terms else None


def prefilter(pod: Mapping, view: f.ClusterView, profile: Profile | None = None) -> PreFilter:
    running = profile.prefilters if profile is not None else PREFILTERS
    narrowed = _metadata_name_nodes(pod) if f.NODE_AFFINITY in running else None
    claims = f.claim_names(pod) if f.VOLUME_RESTRICTIONS in running else []
    if claims and view.claims is not None:
        namespace = key_of(pod)[0]
        volumes = spec_of(pod).get("volumes") or ()
        named = {(v.get("persistentVolumeClaim") or {}).get("claimName") for v in volumes}
        for claim in claims:
            if (namespace, claim) in view.claims:
                continue
            if claim in named:
                return PreFilter(f.VOLUME_RESTRICTIONS, CLAIM_NOT_FOUND.format(claim))
            # an ephemeral volume's claim the controller has not made yet: words not verified
            return PreFilter(certain=False)
        rwop = f.volume_restrictions(pod, {}, view)
        if rwop.passed is False:
            return PreFilter(f.VOLUME_RESTRICTIONS, rwop.reasons[0])
    if narrowed is not None:
        return PreFilter(nodes=narrowed, narrowed_by=(f.NODE_AFFINITY,), certain=bool(narrowed))
    return PreFilter()


def _priority(pod: Mapping) -> int:
    try:
        return int(spec_of(pod).get("priority") or 0)
    except (TypeError, ValueError):
        return 0


def _started(pod: Mapping) -> str:
    """When the pod started; a pod not started yet counts as started now (the latest)."""
    return str(status_of(pod).get("startTime") or "~")


def _importance(pod: Mapping) -> tuple[int, str]:
    """Sorts the most important first: higher priority, then the one that started earlier."""
    return (-_priority(pod), _started(pod))


def _preempted_and_terminating(pod: Mapping, version) -> bool:
    if not meta_of(pod).get("deletionTimestamp"):
        return False
    if version < Version(1, 27):
        return True
    return any(
        c.get("type") == "DisruptionTarget"
        and c.get("status") == "True"
        and c.get("reason") in PREEMPTED_REASONS
        for c in conditions_of(pod)
    )


def ineligible(pod: Mapping, view: f.ClusterView, outcomes: tuple[NodeEvaluation, ...]) -> str:
    """Why the pod may not preempt (the scheduler's words), "" when it may."""
    if spec_of(pod).get("preemptionPolicy") == "Never":
        return m.PREEMPTION_NEVER
    nominated = status_of(pod).get("nominatedNodeName")
    if not nominated or nominated not in view.node_by_name:
        return ""
    if any(o.node == nominated and o.unresolvable for o in outcomes):
        return ""
    for other in view.pods_on(nominated):
        if _priority(other) < _priority(pod) and _preempted_and_terminating(other, view.version):
            return TERMINATING_ON_NOMINATED
    return ""


def _fits(
    pod: Mapping, node: Mapping, view: f.ClusterView, filters: tuple[str, ...] | None
) -> bool | None:
    return NodeEvaluation(name_of(node), f.run_filters(pod, node, view, filters)).feasible


def select_victims(
    pod: Mapping, node: Mapping, view: f.ClusterView, filters: tuple[str, ...] | None = None
) -> tuple[Victims | None, tuple[str, ...], bool]:
    """(the minimal victims on `node`, or None; the reasons it does not help when None; whether
    that is certain) — DefaultPreemption's SelectVictimsOnNode, with the profile's `filters`
    (None: the version's default ones)."""
    name = name_of(node)
    priority = _priority(pod)
    lowest = view.lowest_priority_on(name)
    if lowest is None or lowest >= priority:  # the node's pods read once for every pod
        return None, (m.NO_VICTIMS,), True
    potential = sorted((p for p in view.pods_on(name) if _priority(p) < priority), key=_importance)
    if not potential:
        return None, (m.NO_VICTIMS,), True
    again = NodeEvaluation(name, f.run_filters(pod, node, view.without(potential), filters))
    if again.feasible is not True:
        return None, again.reasons, again.feasible is False and again.certain
    violating, sparing, _ = budgets.spend(potential, view.pdbs or ())
    gone = list(potential)
    victims: list[Mapping] = []
    violations = 0
    certain = True
    for candidate in [*violating, *sparing]:
        gone.remove(candidate)
        fits = _fits(pod, node, view.without(gone), filters)
        certain = certain and fits is not None
        if fits is not True:
            gone.append(candidate)
            victims.append(candidate)
            violations += candidate in violating
    victims.sort(key=_importance)
    _, _, violated = budgets.spend(victims, view.pdbs or ())
    return Victims(name, tuple(victims), violations, tuple(violated), certain), (), True


def _latest_first_start(victims: Victims) -> str:
    top = _priority(victims.pods[0])
    return min(_started(p) for p in victims.pods if _priority(p) == top)


def _rank(victims: Victims) -> tuple[int, int, int, int]:
    """Fewest budget violations, lowest highest priority, lowest sum (each priority raised by
    2^31 first, as the scheduler does, so more victims never sum lower), fewest victims."""
    pods = victims.pods
    total = sum(_priority(p) + PRIORITY_OFFSET for p in pods)
    return (victims.pdb_violations, _priority(pods[0]), total, len(pods))


def nominate(found: Mapping[str, Victims]) -> str:
    """The candidate node the scheduler picks (pickOneNodeForPreemption), "" when none: the
    best rank, then the latest start among the highest-priority victims, then the first."""
    if not found:
        return ""
    best = min(map(_rank, found.values()))
    tied = [v for v in found.values() if _rank(v) == best]
    latest = max(_latest_first_start(v) for v in tied)
    return next(v.node for v in tied if _latest_first_start(v) == latest)


def candidates_wanted(potential: int) -> int:
    """How many candidates the dry run looks for (calculateNumCandidates): 10% of the nodes
    preemption might help on, at least 100, at most all of them."""
    return min(potential, max(potential * CANDIDATES_PERCENT // 100, MIN_CANDIDATES))


def _preempt(
    pod: Mapping,
    view: f.ClusterView,
    outcomes: tuple[NodeEvaluation, ...],
    total: int,
    filters: tuple[str, ...] | None,
) -> Preemption:
    known = view.pdbs is not None
    if why := ineligible(pod, view, outcomes):
        return Preemption(m.PREEMPTION + why, (), {}, True, ineligible=why, budgets_known=known)
    reasons: dict[str, tuple[str, ...]] = {}
    found: dict[str, Victims] = {}
    certain = True
    wanted = candidates_wanted(sum(1 for o in outcomes if not o.unresolvable))
    sampled = False
    for outcome in outcomes:
        if outcome.unresolvable:
            reasons[outcome.node] = (m.NOT_HELPFUL,)
            continue
        if len(found) >= wanted and any(not v.pdb_violations for v in found.values()):
            sampled = True  # the scheduler stops looking here (it starts from a random node)
            continue
        victims, why_not, sure = select_victims(pod, view.node_by_name[outcome.node], view, filters)
        certain = certain and sure
        if victims is not None:
            found[outcome.node] = victims
            certain = certain and victims.certain
        elif why_not:
            reasons[outcome.node] = why_not
    if found:
        return Preemption(
            "",
            tuple(found),
            reasons,
            certain,
            found,
            nominate(found),
            budgets_known=known,
            sampled=sampled,
        )
    inner = m.fit_error(total, reasons.values(), version=view.version)
    return Preemption(m.preemption_words(inner), (), reasons, certain, budgets_known=known)


def evaluate(pod: Mapping, view: f.ClusterView, profile: Profile | None = None) -> Evaluation:
    """The scheduler's cycle for `pod` over the view's nodes (see the module's words), by
    `profile` (default: the default profile of the view's version)."""
    total = len(view.nodes)
    filters = profile.filters if profile is not None and profile.configured else None
    postfilters = profile.postfilters if profile is not None else POSTFILTERS
    pre = prefilter(pod, view, profile)
    if pre.message:
        outcomes = tuple(
            NodeEvaluation(name_of(n), (f.Verdict(pre.plugin, False, (pre.message,), True),))
            for n in view.nodes
        )
    else:
        outcomes = tuple(
            NodeEvaluation(name_of(n), (), pre.narrowed_by)
            if pre.nodes is not None and name_of(n) not in pre.nodes
            else NodeEvaluation(name_of(n), f.run_filters(pod, n, view, filters))
            for n in view.nodes
        )
    certain = pre.certain and all(o.certain for o in outcomes)
    if not total:
        return Evaluation(namespaced_name(pod), view.version, 0, pre, (), None, "", NO_NODES, True)
    if any(o.feasible is True for o in outcomes):
        return Evaluation(
            namespaced_name(pod), view.version, total, pre, outcomes, None, "", None, True
        )
    if any(o.feasible is None for o in outcomes):
        return Evaluation(
            namespaced_name(pod), view.version, total, pre, outcomes, None, "", None, False
        )
    words: list[str] = []
    if view.version >= Version(1, 34) and f.DYNAMIC_RESOURCES in postfilters:
        if spec_of(pod).get("resourceClaims"):
            certain = False  # DynamicResources may deallocate a claim: not simulated
        else:
            words.append(m.NO_NEW_CLAIMS)
    preemption = (
        _preempt(pod, view, outcomes, total, filters) if PREEMPTION in postfilters else None
    )
    if preemption is not None:
        certain = certain and preemption.certain
        words.append(preemption.words)
    found = preemption is not None and bool(preemption.candidates)
    post = "" if found else m.post_filter(words)
    if pre.message:
        text = m.fit_error(total, prefilter=pre.message, post_filter=post, version=view.version)
    else:
        reasons = [o.reasons for o in outcomes]
        text = m.fit_error(total, reasons, post_filter=post, version=view.version)
    return Evaluation(
        namespaced_name(pod), view.version, total, pre, outcomes, preemption, post, text, certain
    )


def why_pending(
    pod: Mapping,
    nodes: Iterable[Mapping],
    pods_on_nodes: Iterable[Mapping] | Mapping[str, Iterable[Mapping]],
    version: str | Version,
    **storage: Iterable[Mapping] | None,
) -> Evaluation:
    """Why `pod` is Pending on `nodes`, given the pods bound to them (any list of pods will do:
    those not bound, terminal, or the pod itself are left out) and the cluster's version.
    `storage` may carry `namespaces`, `claims`, `volumes` and `csi_nodes` (lists of objects)."""
    others = pods_on_nodes
    if not isinstance(others, Mapping):
        me = (key_of(pod), spec_of(pod).get("nodeName"))
        others = [p for p in others if (key_of(p), spec_of(p).get("nodeName")) != me]
    return evaluate(pod, view_of(nodes, others, version, **storage))
