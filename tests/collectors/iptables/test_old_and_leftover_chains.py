"""Rules older or stranger than the kind dump: kube-proxy up to 1.4's unnamed ports, and
service chains a switch to IPVS mode leaves behind."""

from __future__ import annotations

from explorer.collectors.iptables import parse, read_services
from explorer.collectors.iptables.report import report
from explorer.lib import kubeproxy
from tests.collectors.iptables.old_kube_proxy import AFFINITY
from tests.netns import run_in, with_netns


def test_an_unnamed_port_written_by_kube_proxy_1_4_is_named_after_its_service():
    (heapster,) = read_services(parse(AFFINITY)).ports
    assert (heapster.name, heapster.protocol) == ("kube-system/heapster", "tcp")
    # the chain hashes the name as 1.4 wrote it, colon included
    assert heapster.chain == kubeproxy.service_chain("kube-system/heapster:", "tcp")
    assert heapster.chain == "KUBE-SVC-BJM46V3U5RZHCFRZ"
    assert [e.chain for e in heapster.endpoints] == [
        kubeproxy.endpoint_chain("kube-system/heapster:", "tcp", "10.48.0.6:8082"),
        kubeproxy.endpoint_chain("kube-system/heapster:", "tcp", "10.48.1.9:8082"),
    ]


def test_a_declared_service_chain_without_rules_is_a_leftover_not_a_service():
    found = read_services(parse(AFFINITY))
    assert found.leftovers == ["KUBE-SVC-XGLOHA7QRQ3V22RZ"]
    assert "KUBE-SVC-XGLOHA7QRQ3V22RZ" not in {p.chain for p in found.ports}
    assert report(parse(AFFINITY))["leftover_chains"] == ["KUBE-SVC-XGLOHA7QRQ3V22RZ"]


@with_netns("iptables-restore")
def test_service_chains_flushed_by_a_switch_to_ipvs_are_all_leftovers(netns, kind_dump):
    run_in(netns, "iptables-restore", stdin=kind_dump)
    run_in(netns, "iptables", "-t", "nat", "-F")  # what remains when rules go and chains stay
    flushed = report(parse(run_in(netns, "iptables-save")))
    before = report(parse(kind_dump))
    assert flushed["services"] == []
    assert flushed["leftover_chains"] == sorted(s["chain"] for s in before["services"])
    assert "leftover_chains" not in before
