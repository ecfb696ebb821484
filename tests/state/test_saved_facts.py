"""Each node's last facts survive a restart: a store that keeps them on disk starts a cluster
with them, their time and probe included, in private files."""

from __future__ import annotations

import stat
from pathlib import Path

from explorer.state.node_facts import node_facts
from explorer.state.saved_facts import SavedFacts
from explorer.state.store import ClusterStates

RULES = "*nat\n:KUBE-SERVICES - [0:0]\nCOMMIT\n"


def test_a_restarted_store_starts_with_each_nodes_last_facts(tmp_path: Path) -> None:
    before = ClusterStates(["c/1"], saved_facts=SavedFacts(tmp_path))
    collected = node_facts("n1", "exec", {"iptables-save": RULES}, {"nft": "not installed"})
    before.put_node_facts("c/1", collected)

    after = ClusterStates(["c/1"], saved_facts=SavedFacts(tmp_path))

    with after.read("c/1") as state:
        entry = state.node_facts["n1"]
    assert entry["iptables-save"] == RULES
    assert (entry["probe"], entry["taken_at"]) == ("exec", collected["taken_at"])
    assert entry["errors"] == {"nft": "not installed"}
    (saved,) = (tmp_path / "c_1").iterdir()
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "c_1").stat().st_mode) == 0o700


def test_an_unreadable_saved_file_is_left_out_and_the_others_are_read(tmp_path: Path) -> None:
    store = ClusterStates(["c1"], saved_facts=SavedFacts(tmp_path))
    store.put_node_facts("c1", node_facts("n1", "exec", {"iptables-save": RULES}, {}))
    (tmp_path / "c1" / "n2.json.zst").write_bytes(b"not zstd")

    with ClusterStates(["c1"], saved_facts=SavedFacts(tmp_path)).read("c1") as state:
        assert list(state.node_facts) == ["n1"]
