import ipaddress
import socket

import pytest

from explorer.collectors.dns.corefile import parse_corefile
from explorer.collectors.dns.kubernetes_plugin import ClusterIndex
from explorer.collectors.dns.resolver import ask
from explorer.collectors.dns.server_model import ServerModel

COREFILE = """.:53 {
    errors
    forward . /etc/resolv.conf {
        except corp.example
    }
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        pods verified
        fallthrough in-addr.arpa ip6.arpa
    }
    template IN A wild.example {
        match "^(?P<host>[a-z]+)[.]wild[.]example[.]$"
        answer "{{ .Name }} 60 IN A 192.0.2.7"
        fallthrough
    }
    hosts {
        10.0.0.5 legacy.corp.example
        fallthrough
    }
    rewrite name exact old.shop.svc.cluster.local api.shop.svc.cluster.local
    cache 30
}
consul.local:53 {
    errors
    forward . 10.150.0.1 10.150.0.2
}
"""


@pytest.fixture(scope="module")
def model(demo):
    index = ClusterIndex.build(
        demo.list("Service"),
        demo.list("EndpointSlice"),
        demo.list("Pod"),
        [n["metadata"]["name"] for n in demo.list("Namespace")],
    )
    return ServerModel(parse_corefile(COREFILE), index, ["172.18.0.1"])


def test_rewrite_runs_before_kubernetes_and_answers_under_the_asked_name(model, demo):
    answer = model.answer("old.shop.svc.cluster.local", "A")
    cluster_ip = demo.get("Service", "shop", "api")["spec"]["clusterIP"]
    assert [(r.name, r.value) for r in answer.records] == [
        ("old.shop.svc.cluster.local.", cluster_ip)
    ]
    # the Corefile lists rewrite last and cache after it; plugin.cfg runs cache, rewrite, then
    # template and hosts (passing), then kubernetes, which answers
    steps = [step.split(":")[0] for step in answer.steps[1:]]
    assert steps == ["errors", "cache", "rewrite", "template", "hosts", "kubernetes"]


def test_template_answers_matching_names_and_falls_through_otherwise(model):
    answer = model.answer("box.wild.example", "A")
    assert (answer.by, [r.value for r in answer.records]) == ("template", ["192.0.2.7"])
    assert model.answer("box.other.wild.example", "A").rcode == "FORWARDED"


def test_inline_hosts_entry_answers_even_under_a_forward_exception(model):
    answer = model.answer("legacy.corp.example", "A")
    assert (answer.by, [r.value for r in answer.records]) == ("hosts", ["10.0.0.5"])
    # not in hosts, falls through, forward excepts corp.example: nobody answers
    assert model.answer("other.corp.example", "A").rcode == "NXDOMAIN"


def test_stub_domain_block_forwards_to_its_own_upstreams(model):
    answer = model.answer("web.service.consul.local", "A")
    assert answer.rcode == "FORWARDED" and answer.forwarded_to == ["10.150.0.1", "10.150.0.2"]
    assert answer.steps[0] == "server block consul.local:53"


def test_forward_to_resolv_conf_names_the_coredns_pods_nameservers(model):
    answer = model.answer("example.com", "A")
    assert answer.forwarded_to == ["172.18.0.1"]
    assert "forwarded to 172.18.0.1" in answer.note


def test_pods_verified_answers_only_addresses_a_pod_in_that_namespace_has(model, demo):
    ip = demo.get("Pod", "shop", "db-0")["status"]["podIP"]
    dashed = ip.replace(".", "-")
    assert model.answer(f"{dashed}.shop.pod.cluster.local", "A").records[0].value == ip
    assert model.answer(f"{dashed}.default.pod.cluster.local", "A").rcode == "NXDOMAIN"


def test_live_query_to_a_silent_server_times_out_quickly():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))
        port = silent.getsockname()[1]
        answer = ask("api.shop.svc.cluster.local", "A", "127.0.0.1", port, timeout=0.2)
    assert (answer.answer.rcode, answer.error) == ("TIMEOUT", "timeout")
    assert 150 < answer.elapsed_ms < 2000


def test_dual_stack_service_answers_aaaa_and_ip6_arpa_ptr():
    service = {
        "metadata": {"namespace": "web", "name": "front"},
        "spec": {"clusterIP": "10.96.5.5", "clusterIPs": ["10.96.5.5", "fd00:10:96::5"]},
    }
    model = ServerModel(parse_corefile(COREFILE), ClusterIndex.build([service], [], []), [])
    aaaa = model.answer("front.web.svc.cluster.local", "AAAA")
    assert [r.value for r in aaaa.records] == ["fd00:10:96::5"]
    reverse = ipaddress.ip_address("fd00:10:96::5").reverse_pointer + "."
    assert [r.value for r in model.answer(reverse, "PTR").records] == [
        "front.web.svc.cluster.local."
    ]
