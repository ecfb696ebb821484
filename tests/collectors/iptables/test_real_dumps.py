"""What an engineer reads off each real capture in shared/fixtures/real/iptables."""

import orjson
import pytest

from explorer.collectors.iptables import parse, service_ports
from explorer.collectors.iptables.report import report
from explorer.lib import kubeproxy


def _ports(dumps, name):
    return {p.name: p for p in service_ports(parse((dumps / name).read_text()))}


def _by_name(items):
    return sorted(items, key=lambda item: (item["name"], item["protocol"]))


def test_kind_dump_services_equal_the_hand_checked_expectation(dumps, kind_dump):
    expected = orjson.loads(
        (dumps / "kind-v1.23.5-traefik-iptables-save.expected.json").read_bytes()
    )
    assert _by_name(report(parse(kind_dump))["services"]) == _by_name(expected["services"])


def test_kind_dump_reports_chain_and_rule_counts_per_table(kind_dump):
    assert report(parse(kind_dump))["tables"]["nat"] == {"chains": 29, "rules": 58}


def test_kind_dump_dns_splits_evenly_between_two_coredns_pods(dumps):
    dns = _ports(dumps, "kind-v1.23.5-traefik-iptables-save.txt")["kube-system/kube-dns:dns"]
    assert (dns.protocol, dns.cluster_ip, dns.port) == ("udp", "10.96.0.10", 53)
    assert {e.address: e.probability for e in dns.endpoints} == {
        "10.244.0.3:53": 0.5,
        "10.244.0.4:53": 0.5,
    }


def _load_balancer(dumps, dump: str, name: str, ip: str, chain_hash: str):
    """The Service port `name` of `dump`, checked to be reached at load balancer `ip` through
    KUBE-EXT-`chain_hash`."""
    port = _ports(dumps, dump)[name]
    assert port.load_balancer_ips == [ip]
    assert port.external_chain == f"KUBE-EXT-{chain_hash}"
    return port


def test_aks_cluster_policy_load_balancer_enters_through_kube_ext(dumps):
    dump = "aks-lb-cluster-policy-KUBE-EXT-fragment.txt"
    nginx = _load_balancer(dumps, dump, "default/nginx", "20.240.25.37", "2CMXP7HKUVJN7L6M")
    assert nginx.chain == "KUBE-SVC-2CMXP7HKUVJN7L6M"
    assert nginx.cluster_ip == "10.0.192.18"
    assert [(e.address, e.chain, e.probability) for e in nginx.endpoints] == [
        ("10.244.0.33:80", "KUBE-SEP-4X7S3D7PCAJUKXXB", 1.0)
    ]
    assert kubeproxy.service_chain("default/nginx", "tcp") == nginx.chain


def test_aks_local_policy_fragment_halves_between_two_endpoints_despite_duplicated_lines(dumps):
    dump = "aks-lb-externalTrafficPolicy-local-KUBE-EXT-SVL-fragment.txt"
    name = "app-routing-system/nginx:http"
    http = _load_balancer(dumps, dump, name, "4.225.209.242", "EEQNXCJLUUVUU2YK")
    assert http.local_chain == "KUBE-SVL-EEQNXCJLUUVUU2YK"
    assert {e.address: e.probability for e in http.endpoints} == {
        "10.244.0.203:8080": 0.5,
        "10.244.2.1:8080": 0.5,
    }
    # only its KUBE-SERVICES line was grep'd
    https = _ports(dumps, dump)["app-routing-system/nginx:https"]
    assert (https.chain, https.external_chain) == (None, "KUBE-EXT-RX2GVUFA32EFJN3A")
    assert https.load_balancer_ips == ["4.225.209.242"]


def test_old_style_kube_xlb_fragment_has_node_port_and_no_local_endpoints(dumps):
    svc = _ports(dumps, "kind-old-style-nodeport-local-KUBE-XLB-fragment.txt")["default/test-svc"]
    assert (svc.cluster_ip, svc.port, svc.node_port) == ("10.96.115.88", 80, 32070)
    assert svc.local_chain == "KUBE-XLB-QKNQQNIN727HO3XU" and svc.local_endpoints == []
    assert [(e.address, e.probability) for e in svc.endpoints] == [
        ("10.244.1.3:80", 0.5),
        ("10.244.2.3:80", 0.5),
    ]
    assert kubeproxy.service_chain("default/test-svc", "tcp") == svc.chain


def test_calico_chains_are_kept_with_their_gotos_and_are_not_services(dumps):
    ruleset = parse((dumps / "aks-calico-netpol-cali-chains-fragment.txt").read_text())
    assert service_ports(ruleset) == []
    (table,) = ruleset.tables.values()
    assert set(table.chains) == {
        "cali-fw-azve0cf0fbcf9f",
        "cali-tw-azve0cf0fbcf9f",
        "cali-from-wl-dispatch",
        "cali-to-wl-dispatch",
    }
    dispatch = table.chains["cali-from-wl-dispatch"].rules[0]
    assert (dispatch.target, dispatch.goto, dispatch.value("-i")) == (
        "cali-fw-azve0cf0fbcf9f",
        True,
        "azve0cf0fbcf9f",
    )
    vxlan = table.chains["cali-fw-azve0cf0fbcf9f"].rules[3]
    assert vxlan.comments == [
        "cali:X5UXgW1SU0LxFZdH",
        "Drop VXLAN encapped packets originating in workloads",
    ]
    assert (vxlan.value("--dports"), vxlan.target) == ("4789", "DROP")
    assert len(ruleset.unparsed) == 1  # the shell prompt line, kept aside


@pytest.mark.parametrize("remaining", [2, 3, 5, 7])
def test_kernel_rounded_probabilities_still_give_equal_shares_summing_to_one(remaining):
    lines = ["*nat", ":KUBE-SVC-X - [0:0]"]
    for index in range(remaining):
        probability = ""
        if index < remaining - 1:
            saved = kubeproxy.saved_probability(kubeproxy.kube_proxy_probability(remaining - index))
            probability = f" -m statistic --mode random --probability {saved}"
        lines.append(
            f'-A KUBE-SVC-X -m comment --comment "ns/s:p"{probability} -j KUBE-SEP-{index}'
        )
    (port,) = service_ports(parse("\n".join([*lines, "COMMIT"])))
    shares = [e.probability for e in port.endpoints]
    assert sum(shares) == pytest.approx(1.0, abs=1e-12)
    assert shares == pytest.approx([1 / remaining] * remaining, abs=1e-8)
