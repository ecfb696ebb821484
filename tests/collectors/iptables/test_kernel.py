"""Real kernel: a dump restored into a fresh network namespace and read back with
`iptables-save -c` analyses exactly like the file (both iptables backends when installed). With
the default backend the read-back goes through the node agent's local probe, as on a node."""

import os
import shutil
import subprocess
import uuid

import pytest

from explorer.collectors.iptables import parse, service_ports
from explorer.collectors.iptables.report import report
from explorer.collectors.probes.local import LocalProbe
from explorer.demo import build_demo
from tests.demo.conftest import NOW

pytestmark = [
    pytest.mark.root,
    pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root"),
    pytest.mark.skipif(
        shutil.which("iptables-restore") is None or shutil.which("ip") is None,
        reason="iptables or iproute2 missing (scripts/test-deps installs them)",
    ),
]

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


@pytest.fixture
def netns():
    name = f"explorer-ipt-{uuid.uuid4().hex[:8]}"
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        yield name
    finally:
        subprocess.run(["ip", "netns", "delete", name], check=False)


def _through_kernel(netns: str, text: str, variant: str) -> str:
    restored = subprocess.run(
        ["ip", "netns", "exec", netns, f"iptables{variant}-restore"],
        input=text,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if restored.returncode != 0:
        pytest.fail(
            f"iptables{variant}-restore refused the dump (a match or target module that cannot "
            f"load in a network namespace?): {restored.stderr.strip()}"
        )
    if variant == "":
        collected = LocalProbe(netns=netns).collect("test-node")
        assert "iptables-save" in collected["facts"], collected["errors"]
        assert collected["probe"] == "local"
        return collected["facts"]["iptables-save"]
    saved = subprocess.run(
        ["ip", "netns", "exec", netns, f"iptables{variant}-save", "-c"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return saved.stdout


def _analysis(text: str):
    result = report(parse(text))
    result["services"].sort(key=lambda s: (s["name"], s["protocol"]))
    return result


@pytest.mark.parametrize("variant", BACKENDS)
def test_real_kind_dump_analyses_the_same_after_the_kernel(netns, kind_dump, variant):
    saved = _through_kernel(netns, kind_dump, variant)
    assert "[0:0] -A KUBE-SERVICES" in saved  # read back with counters
    assert _analysis(saved) == _analysis(kind_dump)


@pytest.mark.parametrize("variant", BACKENDS)
def test_demo_worker_dump_analyses_the_same_after_the_kernel(netns, variant):
    text = build_demo(now=NOW).node_facts["demo-worker"]["iptables-save"]
    saved = _through_kernel(netns, text, variant)
    assert _analysis(saved) == _analysis(text)
    names = {p.name for p in service_ports(parse(saved))}
    assert {"default/kubernetes:https", "shop/web:http", "shop/web-public:http"} <= names
