import pytest

from explorer.collectors.dns.effective import pod_dns

NODE = (
    "# managed by systemd-resolved\n"
    "nameserver 172.18.0.1\nnameserver 172.18.0.2\n"
    "search corp.example lab.example.\n"
    "options edns0 trust-ad\n"
)


def _pod(policy="ClusterFirst", host_network=False, dns_config=None, namespace="shop"):
    spec = {"dnsPolicy": policy}
    if host_network:
        spec["hostNetwork"] = True
    if dns_config is not None:
        spec["dnsConfig"] = dns_config
    return {"metadata": {"namespace": namespace, "name": "p"}, "spec": spec}


def test_cluster_first_gets_the_dns_service_and_the_cluster_search_list_then_the_nodes():
    dns = pod_dns(_pod(), ["10.96.0.10"], "cluster.local", NODE)
    assert dns.text == (
        "search shop.svc.cluster.local svc.cluster.local cluster.local corp.example lab.example\n"
        "nameserver 10.96.0.10\noptions ndots:5\n"
    )
    assert dns.applied == "cluster"


def test_host_network_with_cluster_first_gets_the_nodes_file():
    dns = pod_dns(_pod(host_network=True), ["10.96.0.10"], "cluster.local", NODE)
    assert dns.conf.nameservers == ["172.18.0.1", "172.18.0.2"]
    assert dns.conf.options == ["edns0", "trust-ad"]
    assert dns.applied == "host" and "ClusterFirstWithHostNet" in dns.notes[0]


def test_cluster_first_with_host_net_gets_the_cluster_form():
    dns = pod_dns(
        _pod("ClusterFirstWithHostNet", host_network=True), ["10.96.0.10"], "cluster.local", NODE
    )
    assert dns.conf.nameservers == ["10.96.0.10"] and dns.conf.ndots == 5


def test_default_is_the_nodes_file_as_the_kubelet_reads_it():
    dns = pod_dns(_pod("Default"), ["10.96.0.10"], "cluster.local", NODE)
    assert dns.conf.search == ["corp.example", "lab.example"]  # trailing dot dropped
    assert dns.conf.nameservers == ["172.18.0.1", "172.18.0.2"]


def test_none_is_only_dns_config():
    config = {
        "nameservers": ["1.1.1.1"],
        "searches": ["a.example"],
        "options": [{"name": "ndots", "value": "2"}, {"name": "edns0"}],
    }
    dns = pod_dns(_pod("None", dns_config=config), ["10.96.0.10"], "cluster.local", NODE)
    assert dns.text == "search a.example\nnameserver 1.1.1.1\noptions ndots:2 edns0\n"


def test_dns_config_merges_deduplicated_and_options_override_by_name():
    config = {
        "nameservers": ["10.96.0.10", "1.1.1.1"],
        "searches": ["svc.cluster.local", "extra.example"],
        "options": [{"name": "ndots", "value": "1"}, {"name": "single-request-reopen"}],
    }
    dns = pod_dns(_pod(dns_config=config), ["10.96.0.10"], "cluster.local", NODE)
    assert dns.conf.nameservers == ["10.96.0.10", "1.1.1.1"]
    assert dns.conf.search[-2:] == ["lab.example", "extra.example"]
    assert dns.conf.search.count("svc.cluster.local") == 1
    assert dns.conf.options == ["ndots:1", "single-request-reopen"]
    assert dns.conf.ndots == 1


def test_limits_three_nameservers_and_32_search_domains_and_2048_characters():
    many = {"nameservers": [f"10.0.0.{i}" for i in range(1, 6)]}
    dns = pod_dns(_pod("None", dns_config=many), [], "cluster.local", "")
    assert dns.conf.nameservers == ["10.0.0.1", "10.0.0.2", "10.0.0.3"]
    searches = {"searches": [f"d{i}.example" for i in range(40)]}
    dns = pod_dns(_pod(dns_config=searches), ["10.96.0.10"], "cluster.local", "")
    assert len(dns.conf.search) == 32 and dns.conf.search[3] == "d0.example"
    long = {"searches": [f"{'x' * 60}{i}.example" for i in range(31)]}
    dns = pod_dns(_pod("None", dns_config=long), [], "cluster.local", "")
    assert len(" ".join(dns.conf.search)) <= 2048 < len(" ".join(long["searches"]))
    assert any("limits were exceeded" in note for note in dns.notes)


def test_no_cluster_dns_known_falls_back_to_the_nodes_file():
    dns = pod_dns(_pod(), [], "cluster.local", NODE)
    assert dns.conf.nameservers == ["172.18.0.1", "172.18.0.2"] and dns.applied == "host"


def _demo_pods(demo):
    for node, facts in demo.node_facts.items():
        for key, text in facts["pod-resolv.conf"].items():
            yield node, key, text


def test_effective_resolv_conf_agrees_with_the_demo_for_every_pod(demo):
    dns_ip = demo.get("Service", "kube-system", "kube-dns")["spec"]["clusterIP"]
    compared = 0
    for node, key, text in _demo_pods(demo):
        namespace, name = key.split("/")
        pod = demo.get("Pod", namespace, name)
        dns = pod_dns(pod, [dns_ip], "cluster.local", demo.node_facts[node]["resolv.conf"])
        assert dns.text == text, key
        compared += 1
    assert compared == demo.count("Pod") - sum(
        1 for p in demo.list("Pod") if not p["spec"].get("nodeName")
    )


@pytest.mark.parametrize("policy", ["Default", "ClusterFirstWithHostNet"])
def test_demo_has_pods_of_each_policy(demo, policy):
    assert any(p["spec"].get("dnsPolicy") == policy for p in demo.list("Pod"))
