"""The change log: every change with the moment it was applied, the recent ones in memory, all of
them on disk in compressed segments (0600 in a 0700 directory), pruned by age and size, read back
when memory does not reach a moment, and readable up to where a crash cut a segment short."""

from __future__ import annotations

import stat
from pathlib import Path

from explorer.state.change_log import SEGMENT_SECONDS, ChangeLog, Retention
from explorer.state.cluster_state import Change

T0 = 1_800_000_000.0


def pod(name: str, version: int) -> dict:
    meta = {"name": name, "namespace": "shop", "resourceVersion": str(version)}
    return {"kind": "Pod", "metadata": meta}


def modified(name: str, version: int) -> Change:
    return Change("MODIFIED", "Pod", "shop", name, pod(name, version), pod(name, version - 1))


def test_changes_after_a_moment_come_oldest_first_with_what_each_object_was_before() -> None:
    log = ChangeLog("c1")
    log.record([Change("ADDED", "Pod", "shop", "a", pod("a", 1))], at=T0)
    log.record([modified("a", 2)], at=T0 + 1)
    log.record([Change("DELETED", "Pod", "shop", "a", pod("a", 2))], at=T0 + 2)

    after = log.after(T0)

    assert [(e.at, e.before and e.before["metadata"]["resourceVersion"]) for e in after] == [
        (T0 + 1, "1"),
        (T0 + 2, "2"),
    ]
    assert after[-1].after is None
    assert [e.at for e in log.between(T0 - 1, T0 + 1)] == [T0, T0 + 1]


def test_a_moment_older_than_memory_is_read_back_from_disk(tmp_path: Path) -> None:
    log = ChangeLog("c1", Retention(directory=tmp_path, memory_entries=3))
    for i in range(10):
        log.record([modified("a", i + 1)], at=T0 + i)

    after = log.after(T0 + 2.5)

    assert [e.at for e in after] == [T0 + i for i in range(3, 10)]
    log.close()


def test_the_log_on_disk_is_private(tmp_path: Path) -> None:
    log = ChangeLog("my/cluster", Retention(directory=tmp_path))
    log.record([modified("a", 2)], at=T0)
    log.close()

    directory = tmp_path / "my_cluster"
    (segment,) = directory.glob("changes-*")
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE(segment.stat().st_mode) == 0o600
    assert {stat.S_IMODE(path.stat().st_mode) for path in directory.iterdir()} == {0o600}


def test_segments_older_than_the_retention_are_dropped(tmp_path: Path) -> None:
    import time

    now = time.time()
    log = ChangeLog("c1", Retention(directory=tmp_path, keep_seconds=3600, memory_entries=1))
    for hours_ago in (5, 4, 3, 0.1, 0):
        log.record([modified("a", 2)], at=now - hours_ago * 3600)
    log.close()

    starts = sorted(int(p.name.split("-")[1]) for p in (tmp_path / "c1").glob("changes-*"))
    assert starts  # the recent changes are kept
    assert all(start >= now - 3600 - SEGMENT_SECONDS for start in starts)  # the old are gone


def test_segments_past_the_size_limit_are_dropped_oldest_first(tmp_path: Path) -> None:
    log = ChangeLog("c1", Retention(directory=tmp_path, max_bytes=1, memory_entries=1))
    for i in range(4):
        log.record([modified("a", i + 2)], at=T0 + i * SEGMENT_SECONDS)
    log.close()

    assert len(list((tmp_path / "c1").glob("changes-*"))) == 1  # the one being written stays


def test_a_segment_cut_short_by_a_crash_is_read_up_to_where_it_breaks_off(tmp_path: Path) -> None:
    log = ChangeLog("c1", Retention(directory=tmp_path, memory_entries=1))
    log.record([modified("a", 2)], at=T0)
    log.after(T0 - 10)  # waits until it is written out
    log.record([modified("a", 3)], at=T0 + 1)
    log.close()
    (segment,) = (tmp_path / "c1").glob("changes-*")
    segment.write_bytes(segment.read_bytes()[:-7])  # the last frame broken

    fresh = ChangeLog("c1", Retention(directory=tmp_path, memory_entries=1))
    fresh.record([modified("b", 2)], at=T0 + 2 * SEGMENT_SECONDS)
    assert [e.at for e in fresh.after(T0 - 10)][:1] == [T0]
    fresh.close()


def test_the_last_change_of_a_deleted_object_says_when_and_what_it_was(tmp_path: Path) -> None:
    log = ChangeLog("c1", Retention(directory=tmp_path, memory_entries=2))
    log.record([Change("ADDED", "Pod", "shop", "gone", pod("gone", 1))], at=T0)
    log.record([Change("DELETED", "Pod", "shop", "gone", pod("gone", 2))], at=T0 + SEGMENT_SECONDS)
    for i in range(4):  # memory moves on: the deletion is read back from disk
        log.record([modified("other", i + 1)], at=T0 + SEGMENT_SECONDS * 2 + i)

    last = log.last_of(("Pod", "shop", "gone"))

    assert last is not None and last.at == T0 + SEGMENT_SECONDS and last.after is None
    assert last.before == pod("gone", 2)
    assert log.last_of(("Pod", "shop", "other")).at == T0 + SEGMENT_SECONDS * 2 + 3
    assert log.last_of(("Pod", "shop", "never")) is None
    log.close()
