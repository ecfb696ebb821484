"""kube-proxy's nftables mode: the real k3s table, as text and as `nft -j` JSON."""

import pytest

from explorer.collectors.iptables.report import contract
from explorer.collectors.nft import NotNftables, parse, service_ports
from explorer.lib import kubeproxy
from tests.netns import run_in, with_netns


@pytest.fixture(scope="module")
def k3s_text(real_fixtures):
    return (real_fixtures / "iptables" / "k3s-nftables-kube-proxy-nft-list-table.txt").read_text()


def _ports(ruleset):
    return {p.name: p for p in service_ports(ruleset)}


def test_node_port_service_spreads_over_nine_endpoints_in_equal_shares(k3s_text):
    hello = _ports(parse(k3s_text))["riset/hellopod-np-svc"]
    assert (hello.protocol, hello.cluster_ip, hello.port, hello.node_port) == (
        "tcp",
        "10.43.195.72",
        8000,
        30000,
    )
    assert hello.chain == "service-P6J77WGM-riset/hellopod-np-svc/tcp/"
    assert hello.external_chain == "external-P6J77WGM-riset/hellopod-np-svc/tcp/"
    assert len(hello.endpoints) == 9
    assert all(e.probability == pytest.approx(1 / 9) for e in hello.endpoints)
    assert "10.42.5.164:8080" in {e.address for e in hello.endpoints}


def test_every_service_port_of_the_k3s_table(k3s_text):
    ports = _ports(parse(k3s_text))
    assert set(ports) == {
        "default/kubernetes:https",
        "kube-system/kube-dns:dns",
        "kube-system/kube-dns:dns-tcp",
        "kube-system/kube-dns:metrics",
        "kube-system/metrics-server:https",
        "riset/hellopod-np-svc",
        "riset/latency-extender-svc:http",
        "riset/opentelemetry-collector:otlp",
        "riset/opentelemetry-collector:otlp-http",
        "riset/otelcol-opentelemetry-collector:otlp",
        "riset/otelcol-opentelemetry-collector:otlp-http",
    }
    api = ports["default/kubernetes:https"]
    assert [(e.address, e.probability) for e in api.endpoints] == [("10.34.4.142:6443", 1.0)]
    dns = ports["kube-system/kube-dns:dns"]
    assert (dns.protocol, dns.cluster_ip, dns.port) == ("udp", "10.43.0.10", 53)
    otel = ports["riset/opentelemetry-collector:otlp"]
    assert [e.address for e in otel.endpoints] == ["10.42.0.181:4317"]


def test_services_without_endpoints_come_from_the_no_endpoint_map(k3s_text):
    ports = _ports(parse(k3s_text))
    lonely = ports["riset/otelcol-opentelemetry-collector:otlp-http"]
    assert (lonely.chain, lonely.endpoints) == (None, [])
    assert (lonely.cluster_ip, lonely.port) == ("10.43.21.102", 4318)
    assert "goto reject-chain" in lonely.no_endpoints


def test_chains_sets_and_maps_of_the_table(k3s_text):
    (table,) = parse(k3s_text).tables
    assert (table.family, table.name, table.comment) == ("ip", "kube-proxy", "rules for kube-proxy")
    prerouting = table.chains["filter-prerouting"]
    assert (prerouting.type, prerouting.hook, prerouting.priority) == ("filter", "prerouting", -110)
    assert table.chains["nat-postrouting"].priority == 100  # srcnat
    assert table.sets["cluster-ips"].kind == "set" and len(table.sets["cluster-ips"].elements) == 7
    service_ips = table.sets["service-ips"]
    assert service_ips.type == "ipv4_addr . inet_proto . inet_service : verdict"
    assert service_ips.elements[0].key == ("10.43.0.10", "tcp", "53")
    assert table.sets["no-endpoint-nodeports"].elements == []
    check = table.chains["cluster-ips-check"].rules[1]
    assert check.comment == "Drop traffic to unallocated ClusterIPs"


def test_chain_names_follow_kube_proxys_nftables_hash(k3s_text):
    ports = list(_ports(parse(k3s_text)).values())
    assert ports and any(port.endpoints for port in ports)
    for port in ports:
        for endpoint in port.endpoints:
            ip, _, number = endpoint.address.rpartition(":")
            namespace_name, _, port_name = port.name.partition(":")
            namespace, name = namespace_name.split("/")
            base = kubeproxy.nft_chain_base(namespace, name, port.protocol, port_name)
            assert port.chain == kubeproxy.nft_service_chain(base)
            assert endpoint.chain == kubeproxy.nft_endpoint_chain(base, ip, int(number))


def test_text_that_is_not_nftables_is_refused():
    with pytest.raises(NotNftables):
        parse("*nat\n-A KUBE-SERVICES -j RETURN\nCOMMIT\n")
    with pytest.raises(NotNftables):
        parse('{"not": "nft"}')


@pytest.mark.parametrize(
    "document", ['{"nftables":[[]]}', "[[]]", '{"nftables":[1, "table"]}', '{"nftables":{}}']
)
def test_nft_json_whose_list_holds_no_objects_is_refused_in_one_line(document):
    with pytest.raises(NotNftables) as refused:
        parse(document)
    assert "not nft -j JSON" in str(refused.value) and "\n" not in str(refused.value)


@with_netns("nft")
def test_json_from_the_kernel_reads_the_same_as_the_text(k3s_text, netns):
    run_in(netns, "nft", "-f", "-", stdin=k3s_text)
    listed = run_in(netns, "nft", "-j", "list", "ruleset")
    from_json, from_text = parse(listed), parse(k3s_text)
    assert contract(service_ports(from_json), {}) == contract(service_ports(from_text), {})
    assert from_json.summary() == from_text.summary()
    json_table, text_table = from_json.tables[0], from_text.tables[0]
    assert json_table.sets == text_table.sets
    for name, chain in text_table.chains.items():
        other = json_table.chains[name]
        assert (other.type, other.hook, other.priority, other.policy) == (
            chain.type,
            chain.hook,
            chain.priority,
            chain.policy,
        )
        assert [(r.verdicts, r.numgen_map, r.dnat) for r in other.rules] == [
            (r.verdicts, r.numgen_map, r.dnat) for r in chain.rules
        ]
