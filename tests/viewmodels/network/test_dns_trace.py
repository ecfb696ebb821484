from datetime import UTC, datetime

import pytest

from explorer.demo import build_demo
from explorer.viewmodels.network.dns_trace import (
    MAYBE_SENT,
    NOT_SENT,
    SENT,
    VIEW,
    dns_context,
    dns_trace,
)

NOW = datetime(2025, 6, 2, 9, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo():
    state = build_demo(now=NOW)
    # the demo has no ExternalName Service: add two, one leaving the cluster, one an alias
    aliases = (("payments", "payments.example.com"), ("backend", "api.shop.svc.cluster.local"))
    for name, target in aliases:
        state.upsert(
            {
                "kind": "Service",
                "apiVersion": "v1",
                "metadata": {"namespace": "shop", "name": name, "uid": f"uid-{name}"},
                "spec": {"type": "ExternalName", "externalName": target},
            }
        )
    return state


def _web(state):
    return next(p for p in state.list("Pod", "shop") if p["metadata"]["name"].startswith("web-"))


def _trace(state, name, pod=None):
    pod = pod or _web(state)
    return dns_trace(state, pod["metadata"]["namespace"], pod["metadata"]["name"], name)


def _sent(trace):
    return [
        (s["name"], s["qtype"], s["answer"]["rcode"]) for s in trace["steps"] if s["sent"] == SENT
    ]


def test_short_service_name_resolves_on_the_first_search_suffix_to_the_cluster_ip(demo):
    trace = _trace(demo, "api")
    cluster_ip = demo.get("Service", "shop", "api")["spec"]["clusterIP"]
    assert trace["source"] == "computed"
    assert trace["resolv_conf"]["nameserver"] == "10.96.0.10"
    assert _sent(trace) == [
        ("api.shop.svc.cluster.local.", "A", "NOERROR"),
        ("api.shop.svc.cluster.local.", "AAAA", "NOERROR"),
    ]
    first = trace["steps"][0]["answer"]
    assert [r["value"] for r in first["records"]] == [cluster_ip]
    assert trace["steps"][1]["answer"]["records"] == []  # no IPv6 ClusterIP: NODATA
    assert {s["sent"] for s in trace["steps"][2:]} == {NOT_SENT}
    assert trace["ends_at"] == {
        "name": "api.shop.svc.cluster.local.",
        "addresses": [cluster_ip],
        "service": "shop/api",
        "pods": [],
        "kind": "service",
        "next": "service chain",
    }
    assert trace["query_types"] == ["A", "AAAA"] and "parallel" in trace["query_types_how"]


def test_name_in_another_namespace_is_found_on_the_second_suffix(demo):
    trace = _trace(demo, "kubernetes.default")
    assert _sent(trace)[::2] == [
        ("kubernetes.default.shop.svc.cluster.local.", "A", "NXDOMAIN"),
        ("kubernetes.default.svc.cluster.local.", "A", "NOERROR"),
    ]
    assert trace["ends_at"]["addresses"] == ["10.96.0.1"]


def test_fqdn_with_trailing_dot_is_one_query(demo):
    trace = _trace(demo, "api.shop.svc.cluster.local.")
    assert {s["name"] for s in trace["steps"]} == {"api.shop.svc.cluster.local."}


def test_headless_statefulset_service_answers_its_ready_pods_ips(demo):
    trace = _trace(demo, "db")
    ips = sorted(demo.get("Pod", "shop", f"db-{i}")["status"]["podIP"] for i in (0, 1))
    assert sorted(trace["ends_at"]["addresses"]) == ips
    assert trace["ends_at"]["pods"] == ["shop/db-0", "shop/db-1"]
    assert trace["ends_at"]["next"].startswith("pod")
    member = _trace(demo, "db-0.db")
    assert member["ends_at"]["addresses"] == [demo.get("Pod", "shop", "db-0")["status"]["podIP"]]


def test_srv_records_for_named_ports(demo):
    model = dns_context(demo, "shop", _web(demo)["metadata"]["name"]).model
    api = model.answer("_http._tcp.api.shop.svc.cluster.local", "SRV")
    assert [r.value for r in api.records] == ["0 100 8080 api.shop.svc.cluster.local."]
    db = model.answer("_postgres._tcp.db.shop.svc.cluster.local", "SRV")
    assert sorted(r.value for r in db.records) == [
        "0 50 5432 db-0.db.shop.svc.cluster.local.",
        "0 50 5432 db-1.db.shop.svc.cluster.local.",
    ]
    assert model.answer("_nope._tcp.api.shop.svc.cluster.local", "SRV").rcode == "NXDOMAIN"


def test_ptr_for_a_cluster_ip_and_for_a_pod_ip(demo):
    model = dns_context(demo, "shop", _web(demo)["metadata"]["name"]).model
    cluster_ip = demo.get("Service", "shop", "api")["spec"]["clusterIP"]
    reverse = ".".join(reversed(cluster_ip.split("."))) + ".in-addr.arpa."
    assert [r.value for r in model.answer(reverse, "PTR").records] == [
        "api.shop.svc.cluster.local."
    ]
    db0 = demo.get("Pod", "shop", "db-0")["status"]["podIP"]
    reverse = ".".join(reversed(db0.split("."))) + ".in-addr.arpa."
    assert [r.value for r in model.answer(reverse, "PTR").records] == [
        "db-0.db.shop.svc.cluster.local."
    ]
    # an address no Service knows falls through (fallthrough in-addr.arpa) to forward
    unknown = model.answer("250.255.244.10.in-addr.arpa.", "PTR")
    assert unknown.rcode == "FORWARDED" and unknown.forwarded_to == ["172.18.0.1"]


def test_external_name_is_a_cname_and_in_cluster_targets_are_followed(demo):
    outside = _trace(demo, "payments")
    first = outside["steps"][0]["answer"]
    assert first["records"][0]["type"] == "CNAME"
    assert first["records"][0]["value"] == "payments.example.com."
    assert first["forwarded_to"] == ["172.18.0.1"]
    alias = _trace(demo, "backend")
    records = alias["steps"][0]["answer"]["records"]
    assert [(r["type"], r["value"]) for r in records] == [
        ("CNAME", "api.shop.svc.cluster.local."),
        ("A", demo.get("Service", "shop", "api")["spec"]["clusterIP"]),
    ]


def test_unknown_name_is_nxdomain_in_the_cluster_zone_then_forwarded(demo):
    trace = _trace(demo, "nosuch")
    by_name = {}
    for step in trace["steps"]:
        by_name.setdefault(step["name"], step)
    assert [(n, s["answer"]["rcode"]) for n, s in by_name.items()] == [
        ("nosuch.shop.svc.cluster.local.", "NXDOMAIN"),
        ("nosuch.svc.cluster.local.", "NXDOMAIN"),
        ("nosuch.cluster.local.", "NXDOMAIN"),
        ("nosuch.demo.internal.", "FORWARDED"),
        ("nosuch.", "FORWARDED"),
    ]
    assert by_name["nosuch.demo.internal."]["sent"] == SENT
    assert by_name["nosuch."]["sent"] == MAYBE_SENT
    assert trace["ends_at"] is None


def test_pod_a_record_with_pods_insecure(demo):
    ip = demo.get("Pod", "shop", "db-1")["status"]["podIP"]
    trace = _trace(demo, f"{ip.replace('.', '-')}.shop.pod.cluster.local.")
    assert trace["ends_at"]["addresses"] == [ip]
    assert trace["ends_at"]["pods"] == ["shop/db-1"]


def test_pod_with_dns_policy_default_asks_the_node_resolver_which_is_not_computed(demo):
    pod = next(p for p in demo.list("Pod") if p["spec"].get("dnsPolicy") == "Default")
    trace = _trace(demo, "api.shop", pod)
    assert trace["resolv_conf"]["nameserver"] == "172.18.0.1"
    assert not trace["cluster"]["nameserver_is_cluster_dns"]
    assert {s["answer"]["rcode"] for s in trace["steps"]} == {"NOT COMPUTED"}


def test_host_network_pod_with_cluster_first_uses_the_nodes_resolv_conf(demo):
    pod = next(
        p
        for p in demo.list("Pod")
        if p["spec"].get("hostNetwork") and p["spec"].get("dnsPolicy") == "ClusterFirst"
    )
    trace = _trace(demo, "api", pod)
    assert trace["resolv_conf"]["base"] == "host"
    assert trace["resolv_conf"]["search"] == ["demo.internal"]


def test_view_is_registered_with_its_parameters_and_reports_a_missing_pod(demo):
    assert VIEW.params == ("cluster", "namespace", "pod", "name")
    assert dns_trace(demo, "shop", "no-such-pod", "api") == {"error": "no pod shop/no-such-pod"}
    model = VIEW.build(
        demo,
        {
            "cluster": "demo",
            "namespace": "shop",
            "pod": _web(demo)["metadata"]["name"],
            "name": "web",
        },
        None,
    )
    assert model["ends_at"]["service"] == "shop/web"
