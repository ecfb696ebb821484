"""Real kernel: a dump restored into a fresh network namespace and read back with
`iptables-save -c` analyses exactly like the file (both iptables backends when installed). With
the default backend the read-back goes through the node agent's local probe, as on a node."""

import pytest

from explorer.collectors.iptables import parse, service_ports
from explorer.collectors.iptables.report import report
from explorer.demo import build_demo
from explorer.probes.local_probe import LocalProbe
from tests.demo.conftest import NOW
from tests.netns import IPTABLES_BACKENDS, needs_netns, run_in

pytestmark = needs_netns("iptables-restore")


def _through_kernel(netns: str, text: str, variant: str) -> str:
    run_in(netns, f"iptables{variant}-restore", stdin=text)
    if variant == "":
        collected = LocalProbe(netns=netns).collect("test-node")
        assert "iptables-save" in collected["facts"], collected["errors"]
        assert collected["probe"] == "local"
        return collected["facts"]["iptables-save"]
    return run_in(netns, f"iptables{variant}-save", "-c")


def _analysis(text: str):
    result = report(parse(text))
    result["services"].sort(key=lambda s: (s["name"], s["protocol"]))
    return result


@pytest.mark.parametrize("variant", IPTABLES_BACKENDS)
def test_real_kind_dump_analyses_the_same_after_the_kernel(netns, kind_dump, variant):
    saved = _through_kernel(netns, kind_dump, variant)
    assert "[0:0] -A KUBE-SERVICES" in saved  # read back with counters
    assert _analysis(saved) == _analysis(kind_dump)


@pytest.mark.parametrize("variant", IPTABLES_BACKENDS)
def test_demo_worker_dump_analyses_the_same_after_the_kernel(netns, variant):
    text = build_demo(now=NOW).node_facts["demo-worker"]["iptables-save"]
    saved = _through_kernel(netns, text, variant)
    assert _analysis(saved) == _analysis(text)
    names = {p.name for p in service_ports(parse(saved))}
    assert {"default/kubernetes:https", "shop/web:http", "shop/web-public:http"} <= names
