"""Drift against what a real kernel holds: the demo's rules restored in a network namespace,
one endpoint removed with iptables, read back with iptables-save."""

import os
import shlex
import shutil
import subprocess
import uuid

import pytest

from explorer.collectors.iptables import parse
from explorer.collectors.kubeproxy import drift

from .conftest import expected_on
from .drifting import web_endpoint_chains

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
    name = f"explorer-drift-{uuid.uuid4().hex[:8]}"
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        yield name
    finally:
        subprocess.run(["ip", "netns", "delete", name], check=False)


def _in(netns: str, *argv: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        ["ip", "netns", "exec", netns, *argv],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_kernel_rules_minus_one_endpoint_drift_by_exactly_that_endpoint(demo, netns):
    node = "demo-worker"
    _in(netns, "iptables-restore", stdin=demo.node_facts[node]["iptables-save"])
    expected = expected_on(demo, node)
    assert drift.iptables_drift(node, expected, parse(_in(netns, "iptables-save"))) == []

    jump, sep = web_endpoint_chains(_in(netns, "iptables-save", "-t", "nat"))[0]
    _in(netns, "iptables", "-t", "nat", "-D", *shlex.split(jump)[1:])
    _in(netns, "iptables", "-t", "nat", "-F", sep)
    _in(netns, "iptables", "-t", "nat", "-X", sep)
    saved = _in(netns, "iptables-save", "-c")
    assert sep not in saved

    items = drift.iptables_drift(node, expected, parse(saved))
    assert [(i["kind"], i["service"], i["endpoint_chain"]) for i in items] == [
        (drift.MISSING_ENDPOINT, "shop/web:http", sep)
    ]
