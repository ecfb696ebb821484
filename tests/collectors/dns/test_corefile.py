import orjson
import pytest
import yaml

from explorer.collectors.dns.corefile import CorefileError, parse_corefile, parse_key
from explorer.collectors.dns.plugins import PLUGIN_CFG, execution_chain
from explorer.collectors.dns.report import corefile_report, render_corefile


def _chain(block_report: dict) -> list[str]:
    return [link["plugin"] for link in block_report["chain"] if link["in_query_path"]]


def test_aks_configmap_reads_as_an_engineer_reads_it(coredns_fixtures):
    report = corefile_report((coredns_fixtures / "aks-coredns-configmap.yaml").read_text())
    assert report["configmaps"] == ["kube-system/coredns"]
    [block] = report["server_blocks"]
    assert block["zones"] == ["."] and block["ports"] == ["53"]
    assert block["forward"] == [
        {"from": ".", "to": ["/etc/resolv.conf"], "except": [], "options": {}}
    ]
    assert block["cache_ttl"] == 30
    kube = block["kubernetes"]
    assert kube["zones"] == ["cluster.local", "in-addr.arpa", "ip6.arpa"]
    assert kube["pods"] == "insecure"
    assert kube["fallthrough"] == ["in-addr.arpa", "ip6.arpa"]
    assert kube["ttl"] == 30
    health = next(p for p in block["plugins"] if p["name"] == "health")
    assert health["block"][0] == {
        "name": "lameduck",
        "args": ["5s"],
        "block": [],
        "line": 5,
        "source": "",
    }
    assert next(p for p in block["plugins"] if p["name"] == "prometheus")["args"] == [":9153"]
    # AKS's imports point at coredns-custom, which this capture does not hold
    assert block["unresolved_imports"] == ["custom/*.override"]
    assert report["unresolved_imports"] == ["custom/*.server"]


def test_kubeadm_configmap_edit_buffer_with_log_added(coredns_fixtures):
    text = (coredns_fixtures / "docker-desktop-kubeadm-coredns-configmap-edit.yaml").read_text()
    [block] = corefile_report(text)["server_blocks"]
    assert block["forward"][0]["to"] == ["/etc/resolv.conf"]
    assert block["forward"][0]["options"] == {"max_concurrent": ["1000"]}
    assert block["cache_ttl"] == 30
    assert block["kubernetes"]["pods"] == "insecure"
    assert block["unresolved_imports"] == []
    # `log` is written first but runs after prometheus and errors; kubernetes before forward
    assert _chain(block) == [
        "prometheus",
        "errors",
        "log",
        "loadbalance",
        "cache",
        "kubernetes",
        "loop",
        "forward",
    ]
    setup = [link["plugin"] for link in block["chain"] if not link["in_query_path"]]
    assert sorted(setup) == ["health", "ready", "reload"]


def test_configmap_as_json_and_bare_corefile_give_the_same_blocks(coredns_fixtures):
    text = (coredns_fixtures / "aks-coredns-configmap.yaml").read_text()
    configmap = yaml.safe_load(text)
    from_json = corefile_report(orjson.dumps(configmap).decode())
    bare = corefile_report(configmap["data"]["Corefile"])
    assert from_json["server_blocks"] == bare["server_blocks"]
    assert bare["configmaps"] == []


AKS_CUSTOM = """apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: coredns, namespace: kube-system}
  data:
    Corefile: |
      .:53 {
          errors
          kubernetes cluster.local in-addr.arpa ip6.arpa {
            pods insecure
            fallthrough in-addr.arpa ip6.arpa
          }
          forward . /etc/resolv.conf
          cache 30
          import custom/*.override
      }
      import custom/*.server
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: coredns-custom, namespace: kube-system}
  data:
    log.override: |
      log
    test.server: |
      puglife.local:53 {
          errors
          cache 30
          forward . 192.168.0.1
      }
"""


def test_aks_coredns_custom_override_and_server_keys_are_imported():
    report = corefile_report(AKS_CUSTOM)
    assert report["configmaps"] == ["kube-system/coredns", "kube-system/coredns-custom"]
    main, stub = report["server_blocks"]
    log = next(p for p in main["plugins"] if p["name"] == "log")
    assert log["source"] == "custom/log.override"
    assert "log" in _chain(main) and main["unresolved_imports"] == []
    assert stub["zones"] == ["puglife.local."] and stub["stub_domain"]
    assert stub["source"] == "custom/test.server"
    assert stub["forward"][0]["to"] == ["192.168.0.1"]
    assert report["unresolved_imports"] == []


def test_coredns_custom_alone_lists_its_servers_and_loose_overrides():
    custom = yaml.safe_load(AKS_CUSTOM)["items"][1]
    report = corefile_report(yaml.safe_dump(custom))
    assert [b["zones"] for b in report["server_blocks"]] == [["puglife.local."]]
    assert [p["name"] for p in report["loose_overrides"]["custom/log.override"]] == ["log"]
    assert "plugin lines imported into the default server block" in render_corefile(report)


COMPLEX = """# cluster DNS with a stub domain and local tricks
(common) {
    errors
    cache 30
}
.:53 dns://example.org:1053 {
    import common
    rewrite name exact old.shop.svc.cluster.local api.shop.svc.cluster.local
    hosts {
        10.0.0.5 legacy.corp.example
        fallthrough
    }
    template IN A wild.example {
        match "^(?P<host>[a-z]+)[.]wild[.]example[.]$"
        answer "{{ .Name }} 60 IN A 192.0.2.7"
        fallthrough
    }
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        pods verified
        fallthrough in-addr.arpa ip6.arpa
        ttl 30
    }
    forward . {$UPSTREAM} 8.8.8.8 {
        except corp.example
        max_concurrent 1000
    }
}
consul.local:53 {
    errors
    forward . 10.150.0.1
}
tls://.:853 {
    tls cert.pem key.pem
    forward . 1.1.1.1
}
10.0.0.0/24 {
    whoami
}
"""


def test_server_keys_schemes_ports_env_and_reverse_cidr():
    corefile = parse_corefile(COMPLEX)
    keys = [(k.scheme, k.zone, k.port) for b in corefile.blocks for k in b.keys]
    assert keys == [
        ("dns", ".", "53"),
        ("dns", "example.org.", "1053"),
        ("dns", "consul.local.", "53"),
        ("tls", ".", "853"),
        ("dns", "0.0.10.in-addr.arpa.", "53"),
    ]
    assert corefile.blocks[-1].keys[0].cidr == "10.0.0.0/24"
    forward = corefile.blocks[0].plugins("forward")[0]
    assert forward.args == [".", "{$UPSTREAM}", "8.8.8.8"]  # env reference kept verbatim
    assert forward.sub("except")[0].args == ["corp.example"]
    template = corefile.blocks[0].plugins("template")[0]
    assert template.sub("answer")[0].args == ["{{ .Name }} 60 IN A 192.0.2.7"]  # one quoted arg
    assert [d.name for d in corefile.blocks[0].directives][:2] == ["errors", "cache"]  # snippet


def test_stub_domain_is_chosen_for_its_names_by_longest_zone():
    corefile = parse_corefile(COMPLEX)
    assert corefile.server_for("web.service.consul.local.").zones == ["consul.local."]
    assert corefile.server_for("api.shop.svc.cluster.local.").zones == [".", "example.org."]
    report = corefile_report(COMPLEX)
    assert [b["stub_domain"] for b in report["server_blocks"]] == [False, True, False, False]


def test_chain_follows_plugin_cfg_not_the_corefile_order():
    block = parse_corefile(
        ". {\n forward . 1.1.1.1\n kubernetes cluster.local\n log\n cache\n rewrite name a b\n}"
    ).blocks[0]
    chain = [link.plugin.name for link in execution_chain(block) if link.in_query_path]
    assert chain == ["log", "cache", "rewrite", "kubernetes", "forward"]
    assert [link.position for link in execution_chain(block)] == [1, 2, 3, 4, 5]
    assert PLUGIN_CFG.index("cache") < PLUGIN_CFG.index("rewrite") < PLUGIN_CFG.index("acl")
    assert PLUGIN_CFG.index("hosts") < PLUGIN_CFG.index("kubernetes") < PLUGIN_CFG.index("forward")


def test_unknown_plugin_is_kept_and_said_to_be_missing_from_the_build():
    block = parse_corefile(". {\n  fanout . 1.1.1.1\n  forward . 8.8.8.8\n}").blocks[0]
    links = execution_chain(block)
    assert [(link.plugin.name, link.known, link.in_query_path) for link in links] == [
        ("forward", True, True),
        ("fanout", False, False),
    ]
    assert "external plugin" in links[1].what_it_does


def test_comments_and_quotes():
    corefile = parse_corefile(
        '. { # the root\n  hosts {\n    # inline\n    10.1.1.1 "a b"\n  }\n  whoami # me\n}\n'
    )
    hosts = corefile.blocks[0].directives[0]
    assert hosts.block[0].name == "10.1.1.1" and hosts.block[0].args == ["a b"]
    assert [d.name for d in corefile.blocks[0].directives] == ["hosts", "whoami"]


@pytest.mark.parametrize(
    "text, message",
    [
        (". {\n  errors\n", "not closed"),
        ("}\n", "unexpected '}'"),
        ('. {\n  hosts "x\n}', "unterminated"),
    ],
)
def test_broken_corefiles_are_refused_with_the_line(text, message):
    with pytest.raises(CorefileError, match=message):
        parse_corefile(text)


def test_parse_key_ipv6_cidr_and_comma():
    assert parse_key("fd00::/8").zone == "d.f.ip6.arpa."
    assert parse_key("example.com,").zone == "example.com."
    assert parse_key("grpc://.").port == "443"


def test_render_corefile_shows_chain_with_positions(coredns_fixtures):
    text = (coredns_fixtures / "aks-coredns-configmap.yaml").read_text()
    rendered = render_corefile(corefile_report(text))
    assert " 5. kubernetes:" in rendered and " 7. forward:" in rendered
    assert "import custom/*.override: not found here" in rendered
    assert "fallthrough in-addr.arpa ip6.arpa; ttl 30" in rendered
