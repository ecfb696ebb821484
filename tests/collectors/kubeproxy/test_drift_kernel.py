"""Drift against what a real kernel holds: the demo's rules restored in a network namespace,
one endpoint removed with iptables, read back with iptables-save."""

import shlex

from explorer.collectors.iptables import parse
from explorer.collectors.kubeproxy import drift
from tests.netns import needs_netns, run_in

from .conftest import expected_on
from .drifting import web_endpoint_chains

pytestmark = needs_netns("iptables-restore")


def test_kernel_rules_minus_one_endpoint_drift_by_exactly_that_endpoint(demo, netns):
    node = "demo-worker"
    run_in(netns, "iptables-restore", stdin=demo.node_facts[node]["iptables-save"])
    expected = expected_on(demo, node)
    assert drift.iptables_drift(node, expected, parse(run_in(netns, "iptables-save"))) == []

    jump, sep = web_endpoint_chains(run_in(netns, "iptables-save", "-t", "nat"))[0]
    run_in(netns, "iptables", "-t", "nat", "-D", *shlex.split(jump)[1:])
    run_in(netns, "iptables", "-t", "nat", "-F", sep)
    run_in(netns, "iptables", "-t", "nat", "-X", sep)
    saved = run_in(netns, "iptables-save", "-c")
    assert sep not in saved

    items = drift.iptables_drift(node, expected, parse(saved))
    assert [(i["kind"], i["service"], i["endpoint_chain"]) for i in items] == [
        (drift.MISSING_ENDPOINT, "shop/web:http", sep)
    ]
