"""The local probe, as the agent runs it on a node: real commands, argv only, with timeouts.

The kernel tests (root) make a network namespace, load the demo's iptables-save into it with
iptables-restore, and read it back through the probe. The others put small scripts on PATH in
place of the binaries, to show what a missing, failing or hanging command gives."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest

from explorer.probes import LocalProbe
from explorer.state.cluster_state import ClusterState
from tests.netns import run_in, with_netns

COUNTERS = re.compile(r"^\[\d+:\d+\] ", re.M)


def rules(text: str) -> list[str]:
    return sorted(line for line in COUNTERS.sub("", text).splitlines() if line.startswith("-A "))


@with_netns("iptables-restore", "iptables-save", "nft")
@pytest.mark.parametrize("node", ["demo-control-plane", "demo-worker"])
def test_the_probe_reads_back_the_rules_restored_into_a_network_namespace(
    demo: ClusterState, netns: str, node: str, tmp_path: Path
) -> None:
    text = demo.node_facts[node]["iptables-save"]
    run_in(netns, "iptables-restore", stdin=text)
    resolv = tmp_path / "etc" / "netns" / netns / "resolv.conf"
    resolv.parent.mkdir(parents=True)
    resolv.write_text("nameserver 10.96.0.10\nsearch default.svc.cluster.local\n")

    collected = LocalProbe(netns=netns, root=tmp_path).collect(node)

    assert collected["probe"] == "local"
    saved = collected["facts"]["iptables-save"]
    assert rules(saved) == rules(text)
    assert re.search(r"^\[\d+:\d+\] -A KUBE-SERVICES ", saved, re.M), "counters (-c) are kept"
    assert "nftables" in orjson.loads(collected["facts"]["nft"])
    assert "ip6tables-save" in collected["facts"]  # an empty family is what the node shows
    assert collected["facts"]["resolv.conf"] == resolv.read_text()
    assert collected["errors"] == {}


@pytest.fixture
def path_of_scripts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty PATH of the test's own; `script()` puts commands in it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    return bin_dir


def script(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


def test_missing_failing_and_hanging_commands_are_each_their_facts_error(
    path_of_scripts: Path, tmp_path: Path
) -> None:
    script(path_of_scripts, "iptables-save", "echo '*filter'; echo 'COMMIT'")
    script(path_of_scripts, "ip6tables-save", "echo 'ip6tables: no IPv6 here' >&2; exit 3")
    script(path_of_scripts, "nft", "exec /bin/sleep 5")
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "resolv.conf").write_text("nameserver 192.0.2.53\n")

    collected = LocalProbe(root=tmp_path, timeout=0.5).collect("n1")

    assert collected["facts"] == {
        "iptables-save": "*filter\nCOMMIT\n",
        "resolv.conf": "nameserver 192.0.2.53\n",
    }
    assert collected["errors"] == {
        "ip6tables-save": "ip6tables-save: ip6tables: no IPv6 here",
        "nft": "nft: no answer in 0.5s",
    }


def test_a_node_without_the_tools_still_shows_its_resolv_conf(
    path_of_scripts: Path, tmp_path: Path
) -> None:
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "resolv.conf").write_text("nameserver 192.0.2.53\n")
    collected = LocalProbe(root=tmp_path).collect("ebpf-node")
    assert collected["facts"] == {"resolv.conf": "nameserver 192.0.2.53\n"}
    assert collected["errors"] == {
        "iptables-save": "iptables-save: not installed",
        "ip6tables-save": "ip6tables-save: not installed",
        "nft": "nft: not installed",
    }
