"""The demo's iptables-save text loads into a real kernel, in a network namespace of its own."""

import re

import pytest

from explorer.lib import kubeproxy
from tests.netns import IPTABLES_BACKENDS, needs_netns, run_in

pytestmark = needs_netns("iptables-restore")


def _restore_and_save(netns: str, text: str, variant: str) -> str:
    run_in(netns, f"iptables{variant}-restore", stdin=text)
    return run_in(netns, f"iptables{variant}-save")


def _rules(text: str) -> list[str]:
    return sorted(line for line in text.splitlines() if line.startswith("-A "))


@pytest.mark.parametrize("variant", IPTABLES_BACKENDS)
@pytest.mark.parametrize("node", ["demo-control-plane", "demo-worker", "demo-gpu-worker"])
def test_node_dump_loads_and_reads_back_rule_for_rule(demo, netns, node, variant):
    text = demo.node_facts[node]["iptables-save"]
    saved = _restore_and_save(netns, text, variant)
    assert _rules(saved) == _rules(text)
    chains = set(re.findall(r"^:(KUBE-SVC-\w+) ", saved, flags=re.M))
    assert kubeproxy.service_chain("default/kubernetes:https", "tcp") in chains
    assert kubeproxy.service_chain("kube-system/kube-dns:dns", "udp") in chains
    assert kubeproxy.service_chain("shop/web:http", "tcp") in chains
