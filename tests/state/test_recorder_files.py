"""The flight recorder's files: pruned by age and size without ever starting the window at a
moment that cannot be rebuilt, read up to where a crash cut them short, private."""

from __future__ import annotations

import random
import stat
from pathlib import Path

import pytest

from explorer.state.change_log import Retention
from explorer.state.recorded_moments import NotRecorded, rebuild, recorded_window, state_at
from explorer.state.recorder_files import (
    SEGMENT_SECONDS,
    alive,
    checkpoints,
    directory_for,
    segments,
)
from explorer.state.store import ClusterStates

from .recording import T0, Clock, as_json

CLUSTER = "c1"
KEEP, INTERVAL, STEP = 1800.0, 300.0, 20.0


def pod(name: str, version: int) -> dict:
    meta = {"name": name, "namespace": "shop", "resourceVersion": str(version)}
    return {"kind": "Pod", "metadata": meta, "spec": {"nodeName": f"n{version % 3}"}}


def recorded(root: Path, steps: int, **retention) -> tuple[Clock, dict[float, bytes]]:
    """A seeded churn of pods, one event every STEP seconds; the state held after each."""
    clock, rng = Clock(), random.Random(5)
    states = ClusterStates(
        [CLUSTER],
        Retention(
            directory=root, clock=clock, keep_seconds=KEEP, checkpoint_seconds=INTERVAL, **retention
        ),
    )
    states.replace(CLUSTER, "Pod", [pod("a", 1)], "1")
    held = {}
    for version in range(2, steps + 2):
        clock.advance(STEP)
        name = rng.choice("abcdefgh")
        with states.read(CLUSTER) as state:
            exists = state.get("Pod", "shop", name) is not None
        kind = rng.choice(["MODIFIED", "DELETED"]) if exists else "ADDED"
        states.event(CLUSTER, "Pod", {"type": kind, "object": pod(name, version)})
        with states.read(CLUSTER) as state:
            held[clock()] = as_json(state)
            log = state.change_log
        log.flush()  # as its thread does at least every second: a block of the segment at a time
    states.close()
    return clock, held


def held_at(held: dict[float, bytes], moment: float) -> bytes:
    return held[max(m for m in held if m <= moment)]


def test_the_window_after_pruning_starts_at_the_checkpoint_before_the_retention(
    tmp_path: Path,
) -> None:
    clock, held = recorded(tmp_path, steps=360)  # two hours, kept half an hour
    directory = directory_for(tmp_path, CLUSTER)

    earliest, latest = recorded_window(tmp_path, CLUSTER)

    horizon = clock() - KEEP
    assert horizon - INTERVAL - STEP < earliest <= horizon
    assert latest >= max(held)
    assert as_json(state_at(tmp_path, CLUSTER, earliest)) == held_at(held, earliest)
    with pytest.raises(NotRecorded):
        state_at(tmp_path, CLUSTER, earliest - 1)
    assert min(c.at for c in checkpoints(directory)) == earliest
    assert all(start + SEGMENT_SECONDS > earliest for start, _ in segments(directory))


def test_past_the_size_limit_the_window_moves_on_to_a_later_checkpoint(tmp_path: Path) -> None:
    _, unlimited = recorded(tmp_path / "all", steps=360)
    everything = sum(p.stat().st_size for p in (tmp_path / "all").rglob("*"))

    clock, held = recorded(tmp_path / "some", steps=360, max_bytes=everything // 4)

    earliest, _ = recorded_window(tmp_path / "some", CLUSTER)
    assert earliest > clock() - KEEP  # not all of the retention fitted
    assert held == unlimited
    for moment in [earliest, *[m for m in held if m > earliest][::17]]:
        assert as_json(state_at(tmp_path / "some", CLUSTER, moment)) == held_at(held, moment)


def test_a_checkpoint_cut_short_falls_back_to_the_one_before(tmp_path: Path) -> None:
    _, held = recorded(tmp_path, steps=60)
    directory = directory_for(tmp_path, CLUSTER)
    *_, previous, newest = checkpoints(directory)
    newest.path.write_bytes(newest.path.read_bytes()[:-100])
    (directory / (newest.path.name.replace(".json", "-x.json") + ".partial")).write_bytes(b"x")

    moment = newest.at + STEP / 2
    rebuilt = rebuild(tmp_path, CLUSTER, moment)
    assert rebuilt.checkpoint_at == previous.at
    assert as_json(rebuilt.state) == held_at(held, moment)

    first, second = checkpoints(directory)[:2]
    first.path.write_bytes(first.path.read_bytes()[:50])
    assert recorded_window(tmp_path, CLUSTER)[0] == second.at
    with pytest.raises(NotRecorded):
        state_at(tmp_path, CLUSTER, first.at + 1)


def test_a_segment_cut_short_by_a_crash_still_gives_the_moments_before_the_break(
    tmp_path: Path,
) -> None:
    _, held = recorded(tmp_path, steps=50)
    start, segment = segments(directory_for(tmp_path, CLUSTER))[-1]
    whole = segment.read_bytes()
    segment.write_bytes(whole[: len(whole) // 2])

    moments = sorted(held)
    right = [as_json(state_at(tmp_path, CLUSTER, moment)) == held[moment] for moment in moments]
    up_to_the_break = right.index(False)
    assert not any(right[up_to_the_break:])  # the entries after the break are lost
    assert moments[up_to_the_break - 1] > start  # those before it in the segment still count


def test_the_recorders_files_are_0600_in_0700_directories(tmp_path: Path) -> None:
    root = tmp_path / "state" / "changes"
    recorded(root, steps=20)
    directory = directory_for(root, CLUSTER)

    assert alive(directory) and checkpoints(directory) and segments(directory)
    for made in (tmp_path / "state", root, directory):
        assert stat.S_IMODE(made.stat().st_mode) == 0o700
    assert {stat.S_IMODE(path.stat().st_mode) for path in directory.iterdir()} == {0o600}
    assert T0  # the clock the recording ran on
