from explorer.collectors.kubeproxy import mode


def _config_map(name, **data):
    return {"metadata": {"namespace": "kube-system", "name": name}, "data": data}


def _config(mode_line):
    return (
        f"apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n{mode_line}\n"
    )


def _daemon_set(*args):
    container = {"name": "kube-proxy", "command": ["/usr/local/bin/kube-proxy", *args]}
    return {
        "metadata": {"namespace": "kube-system", "name": "kube-proxy"},
        "spec": {"template": {"spec": {"containers": [container]}}},
    }


def _pod(name, node):
    return {
        "metadata": {
            "namespace": "kube-system",
            "name": name,
            "labels": {"k8s-app": name.split("-")[0]},
        },
        "spec": {"nodeName": node},
    }


PROXY = _pod("kube-proxy-abcde", "n1")
PROXY["metadata"]["labels"] = {"k8s-app": "kube-proxy"}


def test_empty_mode_in_the_config_map_means_iptables():
    (evidence,) = mode.configured_mode(
        [_config_map("kube-proxy", **{"config.conf": _config('mode: ""')})], []
    )
    assert evidence["mode"] == mode.IPTABLES
    assert "default" in evidence["says"]


def test_proxy_mode_flag_counts_only_without_a_config_file():
    alone = mode.configured_mode([], [_daemon_set("--proxy-mode=ipvs")])
    assert [e["mode"] for e in alone] == [mode.IPVS]
    with_config = mode.configured_mode(
        [], [_daemon_set("--config=/x.conf", "--proxy-mode", "ipvs")]
    )
    assert [e["mode"] for e in with_config] == [None]
    assert "ignored" in with_config[0]["says"]


def test_node_rules_win_over_configuration_and_name_their_fact():
    configured = mode.configured_mode(
        [_config_map("kube-proxy", **{"config.conf": _config("mode: ipvs")})], []
    )
    found = mode.node_mode(
        "n1", configured, [PROXY], {"nft": "table ip kube-proxy {\n chain services {\n }\n}\n"}
    )
    assert (found["mode"], found["readable"], found["data"]) == (mode.NFTABLES, True, "nft")
    assert [e["source"] for e in found["evidence"]] == ["node facts", "config", "pods"]


def test_ipvs_without_ipvsadm_data_is_not_readable():
    saved = (
        "*nat\n:KUBE-SERVICES - [0:0]\n"
        "-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ\nCOMMIT\n"
    )
    found = mode.node_mode("n1", [], [PROXY], {"iptables-save": saved})
    assert (found["mode"], found["readable"]) == (mode.IPVS, False)
    ipvsadm = (
        "TCP  10.96.0.1:443 rr\n  -> 172.18.0.2:6443             Masq    1      0          0\n"
    )
    found = mode.node_mode("n1", [], [PROXY], {"iptables-save": saved, "ipvsadm": ipvsadm})
    assert (found["mode"], found["readable"], found["data"]) == (mode.IPVS, True, "ipvsadm")


def test_kube_proxy_running_without_collected_rules_takes_the_configured_mode():
    configured = mode.configured_mode(
        [_config_map("kube-proxy", **{"config.conf": _config("mode: nftables")})], []
    )
    found = mode.node_mode("n1", configured, [PROXY], {})
    assert (found["mode"], found["data"]) == (mode.NFTABLES, None)


def test_node_without_kube_proxy_pod_and_with_cilium_replacement_is_none():
    cilium = _config_map("cilium-config", **{"kube-proxy-replacement": "true"})
    (found,) = mode.proxy_modes(
        ["n2"], {"n2": [_pod("cilium-xyz", "n2")]}, [cilium], [], {"n2": {}}
    )
    assert found["mode"] == mode.NONE and not found["readable"]
    assert "Cilium" in found["summary"]


def test_nothing_known_is_unknown():
    (found,) = mode.proxy_modes(["n3"], None, [], [], {})
    assert found["mode"] == mode.UNKNOWN
