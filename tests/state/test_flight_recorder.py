"""The flight recorder: any moment in its window rebuilt from the files alone equals the state
the store held then (objects, node facts, resource versions, what could not be seen), from the
checkpoint before it and at most one interval of entries; what changed between two moments."""

from __future__ import annotations

from pathlib import Path

import pytest

from explorer.lib.choices import LISTING
from explorer.state.change_log import ChangeLog, Retention
from explorer.state.cluster_state import Change
from explorer.state.node_facts import NODE_FACTS_KIND
from explorer.state.recorded_moments import (
    NotRecorded,
    changes_between,
    rebuild,
    recorded_window,
    state_at,
)
from explorer.state.recorder_files import checkpoints, directory_for

from .recording import CLUSTER, T0, Clock, RecordingStore, as_json

INTERVAL = 30.0


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def recording(tmp_path: Path, clock: Clock):
    store = RecordingStore(tmp_path, clock, seed=7, checkpoint_seconds=INTERVAL)
    store.list_everything()
    yield store
    store.close()


def churned(recording: RecordingStore, clock: Clock, steps: int) -> dict[float, bytes]:
    """Churn for `steps` steps a few seconds apart; the state the store held at moments
    chosen at random between them."""
    held: dict[float, bytes] = {}
    for _ in range(steps):
        clock.advance(recording.rng.choice([1.0, 2.5, 4.0]))
        recording.step()
        if recording.rng.random() < 0.25:
            clock.advance(0.5)
            held[clock()] = recording.held()
    return held


def test_a_moment_rebuilt_from_disk_equals_the_state_the_store_held_then(
    recording: RecordingStore, clock: Clock, tmp_path: Path
) -> None:
    held = churned(recording, clock, 60)
    assert len(held) >= 5 and len(set(held.values())) == len(held)  # the cluster moved on

    live = recording.log()
    for moment, expected in list(held.items())[::3]:  # in the process: the log flushes first
        assert as_json(live.state_at(moment)) == expected
    recording.close()

    for moment, expected in held.items():  # in any process: from the files alone
        assert as_json(state_at(tmp_path, CLUSTER, moment)) == expected


def test_rebuilding_a_moment_replays_at_most_one_checkpoint_interval(
    recording: RecordingStore, clock: Clock, tmp_path: Path
) -> None:
    held = churned(recording, clock, 80)
    recording.close()
    steps = 4.0 + 0.5  # the longest step: a checkpoint is taken at the first write that is due
    replayed = []
    for moment in held:
        rebuilt = rebuild(tmp_path, CLUSTER, moment)
        assert moment - INTERVAL - steps <= rebuilt.checkpoint_at <= moment
        replayed.append(rebuilt.replayed)
    assert len(checkpoints(directory_for(tmp_path, CLUSTER))) >= 4
    assert max(replayed) > 0 and min(replayed) < max(replayed)


def test_the_first_checkpoint_is_written_once_every_first_list_is_in(
    tmp_path: Path, clock: Clock
) -> None:
    store = RecordingStore(tmp_path, clock, checkpoint_seconds=INTERVAL)
    kinds = sorted(store.api.state.kinds())
    for kind in kinds:
        store.states.status(CLUSTER, kind, LISTING)
    for kind in kinds[:-1]:
        store.list_kind(kind)
        clock.advance(0.1)
    store.log().flush()
    assert checkpoints(directory_for(tmp_path, CLUSTER)) == []
    assert recorded_window(tmp_path, CLUSTER) is None

    store.list_kind(kinds[-1])
    first = clock()
    clock.advance(5)
    store.step()
    store.close()

    (checkpoint,) = checkpoints(directory_for(tmp_path, CLUSTER))
    assert first <= checkpoint.at < first + 1
    assert recorded_window(tmp_path, CLUSTER)[0] == checkpoint.at
    with pytest.raises(NotRecorded) as before:
        state_at(tmp_path, CLUSTER, first - 1)
    assert "is before the recorder's window" in str(before.value)
    assert "\n" not in str(before.value)


def test_node_facts_as_of_a_moment_are_those_of_the_collection_before_it(
    recording: RecordingStore, clock: Clock, tmp_path: Path
) -> None:
    node = recording.nodes[0]
    clock.advance(1)
    recording.collect(node)
    first = recording.held()
    clock.advance(1)
    between = clock()
    clock.advance(1)
    recording.step()
    recording.collect(node)
    recording.close()

    then = state_at(tmp_path, CLUSTER, between)
    assert as_json(then) == first
    with recording.states.read(CLUSTER) as state:
        assert then.node_facts[node]["taken_at"] < state.node_facts[node]["taken_at"]


def test_node_facts_are_kept_on_disk_only(tmp_path: Path) -> None:
    log = ChangeLog("c1", Retention(directory=tmp_path))
    log.record_facts("n1", {"iptables-save": "x" * 1000, "taken_at": "2030-01-01T00:00:00Z"})
    log.record([Change("ADDED", "Pod", "shop", "a", {"kind": "Pod", "metadata": {"name": "a"}})])

    assert [entry.ref for entry in log.after(0)] == [("Pod", "shop", "a")]
    assert all(entry.ref[0] == "Pod" for entry in log._recent)
    log.close()


def test_what_changed_between_two_moments_is_each_object_once_with_its_first_and_last_state(
    recording: RecordingStore, clock: Clock, tmp_path: Path
) -> None:
    clock.advance(1)
    start = clock()
    for _ in range(12):
        clock.advance(2)
        recording.step()
    recording.collect(recording.nodes[1])
    clock.advance(1)
    end = clock()
    clock.advance(1)
    recording.step()  # after the interval
    recording.close()

    changed = changes_between(tmp_path, CLUSTER, start, end)
    then, now = state_at(tmp_path, CLUSTER, start), state_at(tmp_path, CLUSTER, end)
    objects = [c for c in changed if c.ref[0] != NODE_FACTS_KIND]
    assert objects and len({c.ref for c in objects}) == len(objects)
    for c in objects:
        assert c.before == then.get(*c.ref) and c.after == now.get(*c.ref)
        assert start < c.first_at <= c.last_at <= end and c.count >= 1
    assert any(c.count > 1 for c in objects)
    facts = [c for c in changed if c.ref[0] == NODE_FACTS_KIND]
    assert ("NodeFacts", "", recording.nodes[1]) in {c.ref for c in facts}
    assert all(c.before is None and c.after is None for c in facts)
    unchanged = {ref for ref in _refs(then) if then.get(*ref) == now.get(*ref)}
    assert not unchanged & {c.ref for c in objects}


def _refs(state) -> set[tuple[str, str, str]]:
    return {
        (kind, obj["metadata"].get("namespace", ""), obj["metadata"]["name"])
        for kind in state.kinds()
        for obj in state.list(kind)
    }


def test_a_moment_between_two_runs_of_the_recorder_was_not_recorded(
    tmp_path: Path, clock: Clock
) -> None:
    first = RecordingStore(tmp_path, clock, checkpoint_seconds=INTERVAL)
    first.list_everything()
    clock.advance(2)
    first.step()
    first.close()
    stopped = recorded_window(tmp_path, CLUSTER)[1]
    clock.advance(600)
    second = RecordingStore(tmp_path, clock, seed=1, checkpoint_seconds=INTERVAL)
    second.list_everything()
    clock.advance(2)
    second.step()
    expected = second.held()
    clock.advance(1)
    second.close()

    with pytest.raises(NotRecorded) as gap:
        state_at(tmp_path, CLUSTER, stopped + 60)
    assert "was not recorded" in str(gap.value)
    assert as_json(state_at(tmp_path, CLUSTER, clock() - 0.5)) == expected
    with pytest.raises(NotRecorded) as later:
        state_at(tmp_path, CLUSTER, clock() + 3600)
    assert "after the recorder's window" in str(later.value)


def test_a_cluster_without_a_recorder_says_so_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(NotRecorded) as none:
        state_at(tmp_path, "elsewhere", T0)
    assert str(none.value) == f"no flight recorder for cluster 'elsewhere' under {tmp_path}"
    assert recorded_window(tmp_path, "elsewhere") is None
    with pytest.raises(NotRecorded):
        ChangeLog("memory").state_at(T0)
