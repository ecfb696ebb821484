import pytest

from explorer.lib import kubeproxy


def test_kubernetes_https_service_chain_is_the_one_seen_on_real_clusters():
    assert kubeproxy.service_chain("default/kubernetes:https", "tcp") == "KUBE-SVC-NPX46M4PTMTKRN6Y"


@pytest.mark.parametrize(
    ("port_name", "protocol", "chain"),
    [
        ("kube-system/kube-dns:dns", "UDP", "KUBE-SVC-TCOU7JCQXEZGVUNU"),
        ("kube-system/kube-dns:dns-tcp", "TCP", "KUBE-SVC-ERIFXISQEP7F7OF4"),
        ("kube-system/kube-dns:metrics", "TCP", "KUBE-SVC-JD5MR3NA4I4DYORP"),
        ("default/traefik:web", "tcp", "KUBE-SVC-3CRYVFGPLWYNKULQ"),
    ],
)
def test_service_chains_match_the_kind_dump(port_name, protocol, chain):
    assert kubeproxy.service_chain(port_name, protocol) == chain


def test_endpoint_chain_hashes_the_endpoint_address_too():
    chain = kubeproxy.endpoint_chain("default/kubernetes:https", "tcp", "172.18.0.5:6443")
    assert chain == "KUBE-SEP-OJCTP5LCEHQJ3D72"
    dns = kubeproxy.endpoint_chain("kube-system/kube-dns:dns", "udp", "10.244.0.3:53")
    assert dns == "KUBE-SEP-6E7XQMQ4RAYOWTTM"


def test_unnamed_port_uses_the_bare_service_name():
    assert kubeproxy.service_port_name("shop", "legacy-api") == "shop/legacy-api"
    assert kubeproxy.service_port_name("shop", "web", "http") == "shop/web:http"


def test_external_and_local_chains_share_the_service_hash():
    svc = kubeproxy.service_chain("shop/web:http", "tcp")
    ext = kubeproxy.service_chain("shop/web:http", "tcp", kubeproxy.EXTERNAL)
    svl = kubeproxy.service_chain("shop/web:http", "tcp", kubeproxy.SERVICE_LOCAL)
    assert ext.removeprefix("KUBE-EXT-") == svc.removeprefix("KUBE-SVC-") == svl[9:]


def test_probabilities_are_written_with_ten_decimals_and_saved_with_eleven():
    assert kubeproxy.kube_proxy_probability(3) == "0.3333333333"
    assert kubeproxy.saved_probability("0.3333333333") == "0.33333333349"
    assert kubeproxy.saved_probability(kubeproxy.kube_proxy_probability(2)) == "0.50000000000"
    assert kubeproxy.parse_probability("0.33333333349") == pytest.approx(1 / 3, abs=1e-9)


def test_rule_probabilities_give_every_endpoint_an_equal_share():
    shares = kubeproxy.selection_shares(kubeproxy.probabilities(4))
    assert shares == pytest.approx([0.25] * 4)
