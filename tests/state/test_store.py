"""ClusterStates: one lock per cluster, listeners told after the lock is let go, node facts parsed
before the lock is taken, and clusters it does not hold refused."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from explorer.lib.choices import BACKOFF, LISTING, NOT_VISIBLE, WATCHING
from explorer.state.change_log import Retention
from explorer.state.node_facts import IPTABLES, node_facts
from explorer.state.parsed_facts import PARSED_FACTS
from explorer.state.store import ClusterStates, UnknownCluster

from .test_cluster_state import event, pod

WAIT = 5.0


@contextmanager
def read_held(states: ClusterStates, cluster: str) -> Iterator[None]:
    """Another thread holds `cluster` for reading until the block ends."""
    reading, done = threading.Event(), threading.Event()

    def long_read() -> None:
        with states.read(cluster):
            reading.set()
            done.wait(WAIT)

    reader = threading.Thread(target=long_read)
    reader.start()
    try:
        assert reading.wait(WAIT)
        yield
    finally:
        done.set()
        reader.join()


class Recorder:
    """A store listener that keeps what it hears, and checks the cluster's lock is free then."""

    def __init__(self, states: ClusterStates) -> None:
        self.states = states
        self.heard: list[tuple] = []
        self.lock_was_free: list[bool] = []

    def _lock_free(self, cluster: str) -> bool:
        result: list[bool] = []

        def read() -> None:
            with self.states.read(cluster):
                result.append(True)

        reader = threading.Thread(target=read)
        reader.start()
        reader.join(1.0)
        return bool(result)

    def changed(self, cluster: str, changes: list) -> None:
        self.lock_was_free.append(self._lock_free(cluster))
        self.heard += [("changed", cluster, c.type, c.name) for c in changes]

    def node_facts_put(self, cluster: str, node: str) -> None:
        self.lock_was_free.append(self._lock_free(cluster))
        self.heard.append(("node facts", cluster, node))

    def status_changed(self, cluster: str, kind: str, status: str, reason: str) -> None:
        self.heard.append(("status", cluster, kind, status))


def test_a_reader_of_one_cluster_does_not_hold_up_a_write_to_another() -> None:
    states = ClusterStates(["a", "b"])
    with read_held(states, "a"):
        started = time.monotonic()
        states.event("b", "Pod", event("ADDED", pod("web-1")))
        assert time.monotonic() - started < 1.0
        with states.read("b") as state:
            assert state.get("Pod", "shop", "web-1") is not None


def test_a_write_to_a_cluster_waits_for_its_reader() -> None:
    states = ClusterStates(["a"])
    wrote = threading.Event()

    def write() -> None:
        states.event("a", "Pod", event("ADDED", pod("web-1")))
        wrote.set()

    writer = threading.Thread(target=write)
    try:
        with read_held(states, "a"):
            writer.start()
            assert not wrote.wait(0.3), "the write went in while the cluster was being read"
    finally:
        if writer.ident is not None:  # started
            writer.join()
    assert wrote.is_set()


def test_listeners_hear_every_change_in_order_once_the_lock_is_let_go() -> None:
    states = ClusterStates(["a"])
    recorder = Recorder(states)
    states.listen(recorder)
    states.replace("a", "Pod", [pod("web-1"), pod("web-2")], "5")
    states.event("a", "Pod", event("DELETED", pod("web-1")))
    states.event("a", "Pod", event("BOOKMARK", {"metadata": {"resourceVersion": "9"}}))
    assert recorder.heard == [
        ("changed", "a", "ADDED", "web-1"),
        ("changed", "a", "ADDED", "web-2"),
        ("changed", "a", "DELETED", "web-1"),
    ]
    assert recorder.lock_was_free == [True, True]
    with states.read("a") as state:
        assert state.resource_versions["Pod"] == "9"
    states.unlisten(recorder)
    states.event("a", "Pod", event("ADDED", pod("web-3")))
    assert len(recorder.heard) == 3


def test_a_kind_not_visible_is_kept_in_the_state_until_it_is_watched_again() -> None:
    states = ClusterStates(["a"])
    recorder = Recorder(states)
    states.listen(recorder)
    states.status("a", "Secret", NOT_VISIBLE, "forbidden: cannot list secrets")
    with states.read("a") as state:
        assert state.not_visible == {"Secret": "forbidden: cannot list secrets"}
    assert states.statuses("a") == {"Secret": (NOT_VISIBLE, "forbidden: cannot list secrets")}
    states.status("a", "Secret", WATCHING)
    with states.read("a") as state:
        assert state.not_visible == {}
    assert recorder.heard == [
        ("status", "a", "Secret", NOT_VISIBLE),
        ("status", "a", "Secret", WATCHING),
    ]


def test_a_cluster_the_store_does_not_hold_is_refused() -> None:
    states = ClusterStates(["a"])
    with pytest.raises(UnknownCluster), states.read("elsewhere"):
        pass
    collected = node_facts("n1", "local", {IPTABLES: "*nat\nCOMMIT\n"}, {})
    assert states.put_node_facts("elsewhere", collected) is False
    assert "elsewhere" not in states
    assert states.clusters() == ["a"]


def test_node_facts_are_parsed_before_the_cluster_is_locked_and_merged_after(
    real_fixtures,
) -> None:
    text = (real_fixtures / "iptables" / "kind-v1.23.5-traefik-iptables-save.txt").read_text()
    text += "# a text of this test's own, parsed by no other\n"
    states = ClusterStates(["a"])
    recorder = Recorder(states)
    states.listen(recorder)
    collected = node_facts("n1", "local", {IPTABLES: text}, {})
    putter = threading.Thread(target=states.put_node_facts, args=("a", collected))
    try:
        with read_held(states, "a"):
            parses = PARSED_FACTS.parses
            putter.start()
            deadline = time.monotonic() + WAIT
            while PARSED_FACTS.parses == parses and time.monotonic() < deadline:
                time.sleep(0.01)
            assert PARSED_FACTS.parses == parses + 1, (
                "the facts were not parsed while the lock was held"
            )
            assert putter.is_alive(), "the facts went in while the cluster was being read"
    finally:
        if putter.ident is not None:  # started
            putter.join(WAIT)
    with states.read("a") as state:
        assert state.node_facts["n1"][IPTABLES] is text
        assert state.node_facts["n1"]["probe"] == "local"
    assert recorder.heard == [("node facts", "a", "n1")]
    assert recorder.lock_was_free == [True]


def test_a_kind_now_watching_is_told_while_a_reader_holds_the_cluster() -> None:
    """A view built for seconds over a big state, right after a list went in, must not keep the
    cluster from being reported live: a status that changes nothing under the lock waits for
    no reader."""
    states = ClusterStates(["a"])
    recorder = Recorder(states)
    states.listen(recorder)
    states.status("a", "Pod", LISTING)
    states.replace("a", "Pod", [pod("web-1")], "5")
    with read_held(states, "a"):
        started = time.monotonic()
        states.status("a", "Pod", WATCHING)
        assert time.monotonic() - started < 1.0
        assert states.statuses("a") == {"Pod": (WATCHING, "")}
        assert states.not_visible("a") == {}
        assert recorder.heard[-1] == ("status", "a", "Pod", WATCHING)


def test_a_status_that_changes_what_is_not_visible_still_waits_for_the_reader() -> None:
    states = ClusterStates(["a"])
    states.status("a", "Secret", WATCHING)
    told = threading.Event()

    def forbid() -> None:
        states.status("a", "Secret", NOT_VISIBLE, "forbidden")
        told.set()

    writer = threading.Thread(target=forbid)
    with read_held(states, "a"):
        writer.start()
        assert not told.wait(0.3), "not_visible changed while the cluster was being read"
    writer.join()
    assert states.not_visible("a") == {"Secret": "forbidden"}


def test_the_first_checkpoint_is_still_taken_when_the_last_list_fails(tmp_path) -> None:
    """A kind whose list fails (backing off) no longer holds the first checkpoint back: the
    status that says so takes it, under the lock, as before."""
    states = ClusterStates(["a"], Retention(directory=tmp_path))
    states.status("a", "Pod", LISTING)
    states.status("a", "Node", LISTING)
    states.replace("a", "Pod", [pod("web-1")], "5")
    with states.read("a") as state:
        assert not state.change_log.checkpointed  # Node is still listing
    states.status("a", "Node", BACKOFF, "connection refused")
    with states.read("a") as state:
        assert state.change_log.checkpointed
    states.close()


def test_a_page_shown_to_the_store_is_shared_before_its_list_is_handed_over() -> None:
    states = ClusterStates(["c"])
    first = {**pod("web-1", owner="sts-1", labels={"app": "web"}), "kind": "StatefulSet"}
    second = {**pod("web-2", owner="sts-1", labels={"app": "web"}), "kind": "StatefulSet"}
    assert first["metadata"]["labels"] is not second["metadata"]["labels"]

    states.page("c", "StatefulSet", [first])
    states.page("c", "StatefulSet", [second])

    assert first["metadata"]["labels"] is second["metadata"]["labels"]
    states.replace("c", "StatefulSet", [first, second], "7")
    with states.read("c") as state:
        assert state.count("StatefulSet") == 2


def test_a_page_of_a_packed_kind_is_packed_before_its_list_is_handed_over() -> None:
    states = ClusterStates(["c"])
    page = [pod("web-1", owner="rs-1", labels={"app": "web"}), pod("web-2", owner="rs-1")]

    states.page("c", "Pod", page)

    assert not any(isinstance(item, dict) for item in page)  # what the state will hold of each
    states.replace("c", "Pod", page, "7")
    with states.read("c") as state:
        assert [p["metadata"]["name"] for p in state.list("Pod")] == ["web-1", "web-2"]
