"""The demo's iptables-save text loads into a real kernel, in a network namespace of its own."""

import os
import re
import shutil
import subprocess
import uuid

import pytest

from explorer.lib import kubeproxy

pytestmark = [
    pytest.mark.root,
    pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root"),
    pytest.mark.skipif(
        shutil.which("iptables-restore") is None or shutil.which("ip") is None,
        reason="iptables or iproute2 missing (scripts/test-deps installs them)",
    ),
]


@pytest.fixture
def netns():
    name = f"explorer-demo-{uuid.uuid4().hex[:8]}"
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        yield name
    finally:
        subprocess.run(["ip", "netns", "delete", name], check=False)


# Debian's default iptables is the nft backend; the legacy one is what older nodes run.
BACKENDS = [
    pytest.param(
        variant,
        marks=pytest.mark.skipif(
            shutil.which(f"iptables{variant}-restore") is None,
            reason=f"iptables{variant}-restore not installed",
        ),
    )
    for variant in ("", "-legacy")
]


def _restore_and_save(netns: str, text: str, variant: str) -> str:
    restored = subprocess.run(
        ["ip", "netns", "exec", netns, f"iptables{variant}-restore"],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert restored.returncode == 0, restored.stderr
    saved = subprocess.run(
        ["ip", "netns", "exec", netns, f"iptables{variant}-save"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return saved.stdout


def _rules(text: str) -> list[str]:
    return sorted(line for line in text.splitlines() if line.startswith("-A "))


@pytest.mark.parametrize("variant", BACKENDS)
@pytest.mark.parametrize("node", ["demo-control-plane", "demo-worker", "demo-gpu-worker"])
def test_node_dump_loads_and_reads_back_rule_for_rule(demo, netns, node, variant):
    text = demo.node_facts[node]["iptables-save"]
    saved = _restore_and_save(netns, text, variant)
    assert _rules(saved) == _rules(text)
    chains = set(re.findall(r"^:(KUBE-SVC-\w+) ", saved, flags=re.M))
    assert kubeproxy.service_chain("default/kubernetes:https", "tcp") in chains
    assert kubeproxy.service_chain("kube-system/kube-dns:dns", "udp") in chains
    assert kubeproxy.service_chain("shop/web:http", "tcp") in chains
