"""The every-Service Sankey is honest (issue 10, item 7): one box per thing, each in one column
under a header, links only where the rules (or the cluster, from an address to its pod and node)
connect two things, and a headless Service explained in words instead of drawn."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from explorer.collectors.kubeproxy.node_rules import analyse_iptables, analyse_nft
from explorer.viewmodels.network.service_chain import (
    ALL,
    chain_model,
    endpoint_owners,
    service_chains,
)
from explorer.viewmodels.network.service_chain_layout import COLUMNS

NODE = "demo-worker"
KIND = "iptables/kind-v1.23.5-traefik-iptables-save.txt"
NFT = "iptables/k3s-nftables-kube-proxy-nft-list-table.txt"
XLB = "iptables/kind-old-style-nodeport-local-KUBE-XLB-fragment.txt"
AKS_LOCAL = "iptables/aks-lb-externalTrafficPolicy-local-KUBE-EXT-SVL-fragment.txt"


@pytest.fixture(scope="module")
def every_service(demo):
    return service_chains(demo, NODE, ALL)


@pytest.fixture(scope="module")
def dumps(real_fixtures, demo):
    """Every Service of each kind of dump: the demo's, kind's, an old KUBE-XLB one, AKS, k3s."""
    found = {"demo": chain_model(analyse_iptables(_demo_rules(demo)), endpoint_owners(demo))}
    for name in (KIND, XLB, AKS_LOCAL):
        found[name] = chain_model(analyse_iptables((real_fixtures / name).read_text()))
    found[NFT] = chain_model(analyse_nft((real_fixtures / NFT).read_text()))
    return found


def _demo_rules(demo) -> str:
    return demo.node_facts[NODE]["iptables-save"]


def test_no_two_boxes_of_a_column_say_the_same(dumps):
    for name, model in dumps.items():
        for column in COLUMNS:
            labels = Counter(
                b["label"]
                for box_id, b in model["nodes"].items()
                if b["column"] == column
                and not box_id.startswith("reject:")  # each port its own verdict
            )
            # two ports' ways in, when the text does not give their port numbers (a grep)
            unknown = {label for label in labels if ":?/" in label}
            assert [label for label, n in labels.items() if n > 1 and label not in unknown] == [], (
                name,
                column,
            )


def test_an_endpoint_address_two_services_send_to_is_one_box(every_service):
    web = {k for k, b in every_service["nodes"].items() if b["service"] == "shop/web"}
    public = {k for k, b in every_service["nodes"].items() if b["service"] == "shop/web-public"}
    into = {
        link["target"]
        for link in every_service["links"].values()
        if link["source"] in web | public and link["target"].startswith("endpoint:")
    }
    assert len(into) == 3  # three pods: three addresses, whichever Service DNATs to them


def test_links_only_go_rightwards_from_one_column_to_a_later_one(dumps):
    for name, model in dumps.items():
        place = {c["id"]: i for i, c in enumerate(model["columns"])}
        for link in model["links"].values():
            source, target = model["nodes"][link["source"]], model["nodes"][link["target"]]
            assert place[source["column"]] < place[target["column"]], (name, link)


def test_every_link_is_a_rule_or_an_address_of_a_pod_or_node(demo, every_service):
    rules = analyse_iptables(_demo_rules(demo)).nat_rules()
    owners = endpoint_owners(demo)
    nodes = every_service["nodes"]
    for link in every_service["links"].values():
        source, target = link["source"], link["target"]
        kind = (nodes[source]["column"], nodes[target]["column"])
        if kind == ("service", "entry"):
            assert nodes[source]["service"] == nodes[target]["service"]
        elif source.startswith("entry:"):
            entry_rules = rules["KUBE-SERVICES"] + rules["KUBE-NODEPORTS"]
            assert target.startswith("reject:") or any(r.target == target for r in entry_rules)
        elif kind[1] == "endpoint":
            (dnat,) = [r for r in rules[source] if r.target == "DNAT"]
            assert dnat.value("--to-destination") == target.removeprefix("endpoint:")
        elif kind[0] == "endpoint":
            owner = owners[source.removeprefix("endpoint:").rpartition(":")[0]]
            assert target in (f"pod:{owner.pod}", f"node:{owner.node}")
        elif kind == ("pod", "node"):
            assert owners_of_pod(owners, source) == target
        else:  # chain to chain
            assert any(r.target == target for r in rules[source]), link


def owners_of_pod(owners, pod_box: str) -> str:
    (node,) = {o.node for o in owners.values() if f"pod:{o.pod}" == pod_box}
    return f"node:{node}"


def test_a_service_without_endpoints_reaches_only_its_own_reject(every_service):
    (start,) = [
        k
        for k, b in every_service["nodes"].items()
        if b["service"] == "shop/legacy-api" and b["column"] == "service"
    ]
    reached, queue = set(), [start]
    while queue:
        here = queue.pop()
        for link in every_service["links"].values():
            if link["source"] == here and link["target"] not in reached:
                reached.add(link["target"])
                queue.append(link["target"])
    assert {every_service["nodes"][k]["service"] for k in reached} == {"shop/legacy-api"}
    assert [every_service["nodes"][k]["label"] for k in reached if k.startswith("reject:")] == [
        "no endpoints: rejected"
    ]


def test_columns_have_headers_and_each_service_keeps_its_boxes_together(every_service):
    headers = [c["header"] for c in every_service["columns"]]
    assert headers == [
        "Service port",
        "way in",
        "KUBE-EXT",
        "KUBE-SVC/KUBE-SVL",
        "KUBE-SEP",
        "endpoint",
        "pod",
        "node",
    ]
    for column in ("service", "entry", "chain", "sep"):
        ranked = sorted(
            (b for b in every_service["nodes"].values() if b["column"] == column),
            key=lambda b: b["order"],
        )
        services = [service for service, _ in itertools.groupby(b["service"] for b in ranked)]
        assert len(services) == len(set(services)), (column, services)


def test_a_headless_service_is_explained_once_instead_of_said_to_have_no_rules(demo):
    model = service_chains(demo, NODE, "shop/db")
    db_ips = sorted(
        p["status"]["podIP"]
        for p in demo.list("Pod", "shop")
        if p["metadata"]["name"] in ("db-0", "db-1")
    )
    assert model["missing"] == "" and model["notes"] == [] and model["nodes"] == {}
    assert "shop/db is a headless Service (clusterIP: None)" in model["explained"]
    assert "DNS answers db.shop.svc with the pod IPs" in model["explained"]
    assert all(ip in model["explained"] for ip in db_ips)


def test_the_every_service_drawing_names_the_headless_services_it_leaves_out(every_service):
    (note,) = [n for n in every_service["notes"] if "headless" in n]
    assert "shop/db" in note and every_service["explained"] == ""
    assert not any(b["service"] == "shop/db" for b in every_service["nodes"].values())
