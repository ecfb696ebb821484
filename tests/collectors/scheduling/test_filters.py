"""Each filter plugin on hand-made nodes and pods, with the scheduler's own reason strings."""

from __future__ import annotations

from explorer.collectors.scheduling import filters as f
from explorer.collectors.scheduling.evaluate import view_of
from explorer.collectors.scheduling.versions import Version

from .builders import container, node, pod

V134 = Version(1, 34, 0)


def _view(nodes, pods=(), version=V134):
    return view_of(nodes, list(pods), version)


def _check(plugin, the_pod, the_node, pods=(), nodes=None, version=V134):
    return plugin(the_pod, the_node, _view(nodes or [the_node], pods, version))


# --- taints -----------------------------------------------------------------------------------

GPU = {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}


def test_a_no_schedule_taint_turns_away_a_pod_without_a_toleration() -> None:
    verdict = _check(f.taint_toleration, pod(), node("n", taints=[GPU]), version=Version(1, 34, 1))
    assert verdict.passed is False
    assert verdict.reasons == ("node(s) had untolerated taint {dedicated: gpu}",)
    assert verdict.unresolvable


def test_a_prefer_no_schedule_taint_only_scores_and_never_filters() -> None:
    soft = {"key": "dedicated", "value": "gpu", "effect": "PreferNoSchedule"}
    assert _check(f.taint_toleration, pod(), node("n", taints=[soft])).passed is True


def test_equal_needs_the_same_value_and_exists_takes_any() -> None:
    equal_other = {"key": "dedicated", "operator": "Equal", "value": "cpu", "effect": "NoSchedule"}
    equal_same = {"key": "dedicated", "operator": "Equal", "value": "gpu"}
    exists = {"key": "dedicated", "operator": "Exists", "effect": "NoSchedule"}
    tainted = node("n", taints=[GPU])
    assert _check(f.taint_toleration, pod(tolerations=[equal_other]), tainted).passed is False
    assert _check(f.taint_toleration, pod(tolerations=[equal_same]), tainted).passed is True
    assert _check(f.taint_toleration, pod(tolerations=[exists]), tainted).passed is True


def test_exists_without_a_key_tolerates_every_taint_but_a_wrong_effect_does_not() -> None:
    tainted = node("n", taints=[GPU])
    everything = {"operator": "Exists"}
    wrong_effect = {"key": "dedicated", "operator": "Exists", "effect": "NoExecute"}
    assert _check(f.taint_toleration, pod(tolerations=[everything]), tainted).passed is True
    assert _check(f.taint_toleration, pod(tolerations=[wrong_effect]), tainted).passed is False


def test_the_taint_reason_follows_the_release() -> None:
    tainted = node("n", taints=[{"key": "k", "effect": "NoExecute"}])
    said = {
        v: _check(f.taint_toleration, pod(), tainted, version=v).reasons[0]
        for v in (Version(1, 24), Version(1, 30, 10), Version(1, 34, 2), Version(1, 35))
    }
    assert said == {
        Version(1, 24): "node(s) had taint {k: }, that the pod didn't tolerate",
        Version(1, 30, 10): "node(s) had untolerated taint {k: }",
        Version(1, 34, 2): "node(s) had untolerated taint(s)",
        Version(1, 35): "node(s) had untolerated taint(s)",
    }


def test_a_cordoned_node_takes_only_pods_that_tolerate_unschedulable() -> None:
    cordoned = node("n", unschedulable=True)
    verdict = _check(f.node_unschedulable, pod(), cordoned)
    assert (verdict.passed, verdict.reasons) == (False, ("node(s) were unschedulable",))
    tolerant = pod(tolerations=[{"key": "node.kubernetes.io/unschedulable", "operator": "Exists"}])
    assert _check(f.node_unschedulable, tolerant, cordoned).passed is True


# --- node affinity and nodeSelector -----------------------------------------------------------

SSD = node("ssd", labels={"disk": "ssd", "cores": "16"})
HDD = node("hdd", labels={"disk": "hdd", "cores": "4"})
MISMATCH = ("node(s) didn't match Pod's node affinity/selector",)


def _required(*terms):
    return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": list(terms)}}}  # fmt: skip


def test_node_selector_needs_every_label_equal() -> None:
    wanted = pod(nodeSelector={"disk": "ssd"})
    assert _check(f.node_affinity, wanted, SSD).passed is True
    verdict = _check(f.node_affinity, wanted, HDD)
    assert (verdict.passed, verdict.reasons, verdict.unresolvable) == (False, MISMATCH, True)


def test_required_affinity_terms_are_ored_and_their_expressions_anded() -> None:
    big_ssd = {"matchExpressions": [
        {"key": "disk", "operator": "In", "values": ["ssd"]},
        {"key": "cores", "operator": "Gt", "values": ["8"]}]}  # fmt: skip
    small = {"matchExpressions": [{"key": "cores", "operator": "Lt", "values": ["8"]}]}
    only_big = pod(affinity=_required(big_ssd))
    either = pod(affinity=_required(big_ssd, small))
    assert [_check(f.node_affinity, only_big, n).passed for n in (SSD, HDD)] == [True, False]
    assert [_check(f.node_affinity, either, n).passed for n in (SSD, HDD)] == [True, True]


def test_not_in_and_does_not_exist_match_nodes_without_the_label() -> None:
    away = {"matchExpressions": [
        {"key": "zone", "operator": "NotIn", "values": ["a"]},
        {"key": "gpu", "operator": "DoesNotExist"}]}  # fmt: skip
    assert _check(f.node_affinity, pod(affinity=_required(away)), SSD).passed is True


def test_node_selector_and_affinity_must_both_hold() -> None:
    both = pod(nodeSelector={"disk": "ssd"}, affinity=_required(
        {"matchExpressions": [{"key": "cores", "operator": "Lt", "values": ["8"]}]}))  # fmt: skip
    assert _check(f.node_affinity, both, SSD).passed is False


# --- host ports -------------------------------------------------------------------------------


def _with_port(name, port, *, ip=None, protocol=None, node_name=None):
    spec = {"containerPort": 80, "hostPort": port}
    if ip:
        spec["hostIP"] = ip
    if protocol:
        spec["protocol"] = protocol
    return pod(name, node_name=node_name, containers=[container(ports=[spec])])


def test_a_host_port_taken_on_the_node_turns_the_pod_away() -> None:
    here = node("n")
    taken = _with_port("web", 8080, node_name="n")
    verdict = _check(f.node_ports, _with_port("new", 8080), here, [taken])
    assert (verdict.passed, verdict.reasons, verdict.unresolvable) == (
        False,
        ("node(s) didn't have free ports for the requested pod ports",),
        False,
    )


def test_host_ports_clash_only_on_the_same_protocol_and_overlapping_address() -> None:
    here = node("n")
    taken = _with_port("dns", 53, ip="10.0.0.1", protocol="UDP", node_name="n")
    assert _check(f.node_ports, _with_port("tcp", 53, protocol="TCP"), here, [taken]).passed
    other_ip = _with_port("other", 53, ip="10.0.0.2", protocol="UDP")
    assert _check(f.node_ports, other_ip, here, [taken]).passed is True
    every_ip = _with_port("any", 53, protocol="UDP")  # 0.0.0.0 overlaps every address
    assert _check(f.node_ports, every_ip, here, [taken]).passed is False


def test_a_pod_without_host_ports_skips_the_plugin() -> None:
    assert _check(f.node_ports, pod(), node("n")).skipped is True


# --- resources --------------------------------------------------------------------------------


def test_each_resource_short_on_the_node_is_a_reason_of_its_own() -> None:
    small = node("n", cpu="1", memory="1Gi", pods="2")
    there = [pod("a", node_name="n", requests={"cpu": "600m", "memory": "512Mi"}),
             pod("b", node_name="n", requests={"cpu": "100m"})]  # fmt: skip
    wanted = pod(requests={"cpu": "500m", "memory": "256Mi"})
    verdict = _check(f.node_resources_fit, wanted, small, there)
    assert verdict.reasons == ("Too many pods", "Insufficient cpu")
    assert not verdict.unresolvable  # evicting pods could make room


def test_a_resource_the_node_does_not_have_is_insufficient() -> None:
    verdict = _check(f.node_resources_fit, pod(requests={"nvidia.com/gpu": "1"}), node("n"))
    assert verdict.reasons == ("Insufficient nvidia.com/gpu",)


def test_terminal_pods_on_the_node_leave_their_room_free() -> None:
    full = node("n", cpu="1")
    done = pod("done", node_name="n", requests={"cpu": "1"}, phase="Failed")
    assert _check(f.node_resources_fit, pod(requests={"cpu": "1"}), full, [done]).passed is True


# --- topology spread --------------------------------------------------------------------------

ZONE = "topology.kubernetes.io/zone"


def _zoned(name, zone):
    return node(name, labels={ZONE: zone})


def _spread(max_skew=1, **extra):
    return [{"maxSkew": max_skew, "topologyKey": ZONE, "whenUnsatisfiable": "DoNotSchedule",
             "labelSelector": {"matchLabels": {"app": "web"}}, **extra}]  # fmt: skip


def _web(name, node_name):
    return pod(name, node_name=node_name, labels={"app": "web"})


def test_spread_rejects_the_zone_that_would_exceed_max_skew() -> None:
    nodes = [_zoned("a1", "a"), _zoned("b1", "b")]
    pods = [_web("w1", "a1"), _web("w2", "a1")]  # zone a: 2, zone b: 0
    new = pod("w3", labels={"app": "web"}, topologySpreadConstraints=_spread())
    verdicts = {
        n["metadata"]["name"]: _check(f.pod_topology_spread, new, n, pods, nodes) for n in nodes
    }
    assert verdicts["a1"].reasons == ("node(s) didn't match pod topology spread constraints",)
    assert verdicts["b1"].passed is True


def test_a_larger_max_skew_lets_the_fuller_zone_take_one_more() -> None:
    nodes = [_zoned("a1", "a"), _zoned("b1", "b")]
    pods = [_web("w1", "a1")]
    new = pod("w2", labels={"app": "web"}, topologySpreadConstraints=_spread(max_skew=2))
    assert _check(f.pod_topology_spread, new, nodes[0], pods, nodes).passed is True


def test_schedule_anyway_never_filters() -> None:
    nodes = [_zoned("a1", "a"), _zoned("b1", "b")]
    pods = [_web("w1", "a1"), _web("w2", "a1")]
    soft = _spread(whenUnsatisfiable="ScheduleAnyway")
    new = pod("w3", labels={"app": "web"}, topologySpreadConstraints=soft)
    assert _check(f.pod_topology_spread, new, nodes[0], pods, nodes).skipped is True


def test_a_node_without_the_topology_key_is_rejected_for_its_missing_label() -> None:
    nodes = [_zoned("a1", "a"), node("bare")]
    new = pod("w", labels={"app": "web"}, topologySpreadConstraints=_spread())
    verdict = _check(f.pod_topology_spread, new, nodes[1], [], nodes)
    assert verdict.reasons == (
        "node(s) didn't match pod topology spread constraints (missing required label)",
    )
    assert verdict.unresolvable


def test_min_domains_counts_missing_domains_as_empty() -> None:
    nodes = [_zoned("a1", "a"), _zoned("b1", "b")]
    pods = [_web("w1", "a1"), _web("w2", "b1")]  # 1 and 1: balanced, but only 2 of 3 domains
    new = pod("w3", labels={"app": "web"}, topologySpreadConstraints=_spread(minDomains=3))
    assert _check(f.pod_topology_spread, new, nodes[0], pods, nodes).passed is False


def test_spread_counts_only_pods_of_the_same_namespace() -> None:
    nodes = [_zoned("a1", "a"), _zoned("b1", "b")]
    elsewhere = [pod("x", namespace="other", node_name="a1", labels={"app": "web"})] * 3
    new = pod("w", labels={"app": "web"}, topologySpreadConstraints=_spread())
    assert _check(f.pod_topology_spread, new, nodes[0], elsewhere, nodes).passed is True


# --- inter-pod affinity -----------------------------------------------------------------------

HOST = "kubernetes.io/hostname"


def _term(app, key=HOST):
    return {"labelSelector": {"matchLabels": {"app": app}}, "topologyKey": key}


def test_anti_affinity_keeps_the_pod_off_a_node_with_a_matching_pod() -> None:
    nodes = [node("n1"), node("n2")]
    pods = [pod("db-0", node_name="n1", labels={"app": "db"})]
    new = pod("db-1", labels={"app": "db"}, affinity={"podAntiAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": [_term("db")]}})  # fmt: skip
    verdict = _check(f.inter_pod_affinity, new, nodes[0], pods, nodes)
    assert verdict.reasons == ("node(s) didn't match pod anti-affinity rules",)
    assert _check(f.inter_pod_affinity, new, nodes[1], pods, nodes).passed is True


def test_affinity_needs_a_matching_pod_in_the_same_domain() -> None:
    nodes = [node("n1"), node("n2")]
    pods = [pod("cache", node_name="n2", labels={"app": "cache"})]
    new = pod("web", affinity={"podAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": [_term("cache")]}})  # fmt: skip
    verdict = _check(f.inter_pod_affinity, new, nodes[0], pods, nodes)
    assert (verdict.reasons, verdict.unresolvable) == (
        ("node(s) didn't match pod affinity rules",),
        True,
    )
    assert _check(f.inter_pod_affinity, new, nodes[1], pods, nodes).passed is True


def test_the_first_pod_of_a_group_may_satisfy_its_own_affinity() -> None:
    nodes = [node("n1")]
    new = pod("web-0", labels={"app": "web"}, affinity={"podAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": [_term("web")]}})  # fmt: skip
    assert _check(f.inter_pod_affinity, new, nodes[0], [], nodes).passed is True


def test_an_existing_pods_anti_affinity_repels_the_newcomer() -> None:
    nodes = [node("n1")]
    loner = pod("loner", node_name="n1", affinity={"podAntiAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": [_term("web")]}})  # fmt: skip
    new = pod("web", labels={"app": "web"})
    verdict = _check(f.inter_pod_affinity, new, nodes[0], [loner], nodes)
    assert verdict.reasons == ("node(s) didn't satisfy existing pods anti-affinity rules",)


def test_a_namespace_selector_without_the_namespaces_is_not_guessed() -> None:
    nodes = [node("n1")]
    pods = [pod("db", node_name="n1", labels={"app": "db"})]
    term = {**_term("db"), "namespaceSelector": {"matchLabels": {"team": "a"}}}
    new = pod(
        "x",
        affinity={"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}},
    )
    verdict = _check(f.inter_pod_affinity, new, nodes[0], pods, nodes)
    assert verdict.passed is None and verdict.reasons[0].startswith("not evaluated: ")


# --- volumes and the profile ------------------------------------------------------------------


def test_volume_plugins_say_not_evaluated_rather_than_guess_without_claims() -> None:
    with_claim = pod(volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}])
    verdict = _check(f.volume_binding, with_claim, node("n"))
    assert verdict.passed is None and verdict.reasons[0].startswith("not evaluated: ")
    assert _check(f.volume_binding, pod(), node("n")).skipped is True


def test_a_bound_volume_pinned_elsewhere_is_a_volume_node_affinity_conflict() -> None:
    claim = {"metadata": {"name": "data", "namespace": "default"}, "spec": {"volumeName": "pv1"}}
    on_n2 = {"matchExpressions": [{"key": HOST, "operator": "In", "values": ["n2"]}]}
    pinned = {"required": {"nodeSelectorTerms": [on_n2]}}
    volume = {"metadata": {"name": "pv1"}, "spec": {"nodeAffinity": pinned}}
    view = view_of([node("n1"), node("n2")], [], V134, claims=[claim], volumes=[volume])
    user = pod(volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}])
    verdict = f.volume_binding(user, view.nodes[0], view)
    assert (verdict.reasons, verdict.unresolvable) == (
        ("node(s) had volume node affinity conflict",),
        True,
    )
    assert f.volume_binding(user, view.nodes[1], view).passed is True


def test_the_profile_puts_the_in_tree_limits_around_node_volume_limits_until_1_30() -> None:
    old = [name for name, _ in f.filter_plugins(Version(1, 30))]
    new = [name for name, _ in f.filter_plugins(Version(1, 34))]
    assert old[6:11] == [
        "VolumeRestrictions",
        "EBSLimits",
        "GCEPDLimits",
        "NodeVolumeLimits",
        "AzureDiskLimits",
    ]
    assert "EBSLimits" not in new and new[-1] == "DynamicResources"
    assert [name for name, _ in f.filter_plugins(Version(1, 33))][-1] == "InterPodAffinity"
    assert new[:6] == ["NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity",
                       "NodePorts", "NodeResourcesFit"]  # fmt: skip


def test_the_first_failing_filter_decides_and_the_later_ones_do_not_run() -> None:
    tainted_and_small = node("n", cpu="100m", taints=[GPU])
    verdicts = f.run_filters(
        pod(requests={"cpu": "1"}), tainted_and_small, _view([tainted_and_small])
    )
    assert [v.plugin for v in verdicts] == ["NodeUnschedulable", "NodeName", "TaintToleration"]


def test_affinity_counts_only_pods_that_match_every_term() -> None:
    nodes = [node("n1", labels={ZONE: "a"})]
    cache = {"labelSelector": {"matchLabels": {"role": "cache"}}, "topologyKey": HOST}
    fast = {"labelSelector": {"matchLabels": {"tier": "fast"}}, "topologyKey": ZONE}
    web = pod("web", affinity={"podAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": [cache, fast]}})  # fmt: skip
    halves = [pod("c", node_name="n1", labels={"role": "cache"}),
              pod("f", node_name="n1", labels={"tier": "fast"})]  # fmt: skip
    verdict = _check(f.inter_pod_affinity, web, nodes[0], halves, nodes)
    assert verdict.reasons == ("node(s) didn't match pod affinity rules",)
    whole = pod("cf", node_name="n1", labels={"role": "cache", "tier": "fast"})
    assert _check(f.inter_pod_affinity, web, nodes[0], [whole], nodes).passed is True


def test_a_spread_constraint_without_a_selector_matches_no_pod_and_never_rejects() -> None:
    nodes = [_zoned("a1", "a"), _zoned("b1", "b")]
    pods = [_web("w1", "a1"), _web("w2", "a1")]
    (bare,) = _spread()
    del bare["labelSelector"]
    new = pod("w3", labels={"app": "web"}, topologySpreadConstraints=[bare])
    assert _check(f.pod_topology_spread, new, nodes[0], pods, nodes).passed is True
