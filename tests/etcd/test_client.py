"""The etcd client against a real etcd (Debian's etcd 3.4 through its JSON gateway): paging,
values on demand, history back to the compaction point, status, leases and the live watch."""

from __future__ import annotations

import threading

import pytest

from explorer.etcd.access import access_from_settings
from explorer.etcd.client import EtcdClient
from explorer.etcd.errors import FutureRevision, RevisionCompacted
from tests.etcd.writes import put_many, revision_of


def _client(etcd, **settings) -> EtcdClient:
    return EtcdClient(access_from_settings({"endpoints": etcd.endpoint, **settings}))


def test_paging_2500_keys_in_pages_of_1000_gives_every_key_once_in_order_with_the_count(etcd):
    names = [f"/registry/pods/default/pod-{n:05d}" for n in range(2500)]
    put_many(etcd, [(name, "x") for name in reversed(names)])
    put_many(etcd, [("/registry-other/a", "x"), ("/registrx", "x"), ("/regis", "x")])
    client = _client(etcd)

    first, more_after_first = client.keys_page("/registry/", limit=1000)
    second, more_after_second = client.keys_page("/registry/", after=first[-1].key, limit=1000)
    third, more_after_third = client.keys_page("/registry/", after=second[-1].key, limit=1000)
    everything = list(client.keys(page=1000))

    assert [len(first), len(second), len(third)] == [1000, 1000, 500]
    assert (more_after_first, more_after_second, more_after_third) == (True, True, False)
    assert [r.text for r in first + second + third] == names
    assert [r.text for r in everything] == names
    assert client.count("/registry/") == 2500
    assert client.count("/registry") == 2501  # the bare prefix also matches /registry-other


def test_serializable_reads_answer_from_the_member_asked(etcd):
    put_many(etcd, [(f"/registry/pods/default/p{n}", "x") for n in range(30)])
    access = access_from_settings({"endpoints": etcd.endpoint})

    local = EtcdClient(access, serializable=True)

    assert local.count() == 30
    assert [r.text for r in local.keys(page=7)] == sorted(
        f"/registry/pods/default/p{n}" for n in range(30)
    )


def test_a_keys_only_page_carries_revisions_version_and_lease_but_no_value(etcd):
    etcd.ctl("put", "/registry/configmaps/default/c", "one")
    etcd.ctl("put", "/registry/configmaps/default/c", "two")
    lease = etcd.ctl("lease", "grant", "300").split()[1].decode()
    etcd.ctl("put", f"--lease={lease}", "/registry/events/default/e", "event")

    records, more = _client(etcd).keys_page()

    by_key = {r.text: r for r in records}
    configmap, event = (
        by_key["/registry/configmaps/default/c"],
        by_key["/registry/events/default/e"],
    )
    assert not more
    assert (configmap.create_revision, configmap.mod_revision, configmap.version) == (2, 3, 2)
    assert event.lease == int(lease, 16)
    assert configmap.value is None and event.value is None


def test_a_value_is_read_on_demand_now_and_as_it_was_at_an_earlier_revision(etcd):
    etcd.ctl("put", "/registry/configmaps/default/c", "first")
    etcd.ctl("put", "/registry/configmaps/default/c", "second")
    client = _client(etcd)

    now = client.value("/registry/configmaps/default/c")
    before = client.value("/registry/configmaps/default/c", revision=2)
    missing = client.value("/registry/configmaps/default/none")

    assert now is not None and before is not None
    assert (now.record.value, now.record.mod_revision, now.size) == (b"second", 3, 6)
    assert (before.record.value, before.record.mod_revision) == (b"first", 2)
    assert now.encryption is None and not now.withheld
    assert missing is None
    assert client.revision() == 3


def test_history_after_a_compaction_keeps_the_later_revisions_and_counts_the_rest_as_gone(etcd):
    for n in range(1, 6):
        etcd.ctl("put", "/registry/configmaps/default/c", f"v{n}")  # revisions 2 to 6
    etcd.ctl("compact", "4")  # after the 3rd write

    history = _client(etcd).history("/registry/configmaps/default/c")

    assert [v.record.value for v in history.versions] == [b"v5", b"v4", b"v3"]
    assert [v.record.mod_revision for v in history.versions] == [6, 5, 4]
    assert history.compacted == 2
    assert history.not_read == 0


def test_history_of_an_uncompacted_key_reaches_its_creation(etcd):
    etcd.ctl("put", "/registry/other", "noise")
    for n in range(1, 4):
        etcd.ctl("put", "/registry/configmaps/default/c", f"v{n}")
        etcd.ctl("put", "/registry/other", "noise")

    history = _client(etcd).history("/registry/configmaps/default/c")

    assert [v.record.value for v in history.versions] == [b"v3", b"v2", b"v1"]
    assert [v.record.version for v in history.versions] == [3, 2, 1]
    assert (history.compacted, history.not_read) == (0, 0)


def test_history_reads_back_at_most_the_versions_asked_and_counts_the_rest_unread(etcd):
    for n in range(1, 6):
        etcd.ctl("put", "/registry/configmaps/default/c", f"v{n}")

    history = _client(etcd).history("/registry/configmaps/default/c", max_versions=2)

    assert [v.record.value for v in history.versions] == [b"v5", b"v4"]
    assert (history.compacted, history.not_read) == (0, 3)


def test_history_stops_at_a_deletion_the_key_was_made_again_after(etcd):
    etcd.ctl("put", "/registry/configmaps/default/c", "old life")
    etcd.ctl("del", "/registry/configmaps/default/c")
    etcd.ctl("put", "/registry/configmaps/default/c", "new life")

    history = _client(etcd).history("/registry/configmaps/default/c")

    assert [v.record.value for v in history.versions] == [b"new life"]


def test_a_compacted_revision_is_reported_gone_and_a_future_one_as_not_reached(etcd):
    for n in range(1, 6):
        etcd.ctl("put", "/registry/configmaps/default/c", f"v{n}")
    etcd.ctl("compact", "4")
    client = _client(etcd)

    with pytest.raises(RevisionCompacted) as gone:
        client.value("/registry/configmaps/default/c", revision=3)
    with pytest.raises(FutureRevision) as future:
        client.value("/registry/configmaps/default/c", revision=1000)

    assert str(gone.value) == "revision 3 is gone: etcd compacted its history"
    assert str(future.value) == "revision 1000 is in the future: etcd has not reached it yet"


def test_status_reports_the_db_the_raft_state_the_members_and_the_compact_revision(etcd):
    put_many(etcd, [(f"/registry/pods/default/p{n}", "x" * 100) for n in range(200)])
    etcd.ctl("compact", "2")
    client = _client(etcd)

    status = client.status()

    assert status.version.startswith("3.")
    assert status.db_size > 0 and 0 < (status.db_size_in_use or 0) <= status.db_size
    assert status.leader == status.member_id != 0
    assert status.raft_index > 0 and status.raft_term > 0
    assert status.revision == revision_of(etcd)
    assert [m.client_urls for m in status.members] == [(etcd.endpoint,)]
    assert (status.compact_revision, status.compact_revision_from) == (2, "bisection")


def test_the_compact_revision_is_kube_apiservers_record_when_it_wrote_one(etcd):
    for n in range(10):
        etcd.ctl("put", "/registry/configmaps/default/c", f"v{n}")
    etcd.ctl("put", "compact_rev_key", "7")  # as kube-apiserver writes it: decimal text
    etcd.ctl("compact", "7")

    assert _client(etcd).compact_revision() == (7, "compact_rev_key")


def test_nothing_compacted_is_a_compact_revision_of_zero(etcd):
    for n in range(5):
        etcd.ctl("put", "/registry/configmaps/default/c", f"v{n}")

    assert _client(etcd).compact_revision() == (0, "bisection")


def test_leases_list_their_granted_and_remaining_ttl_and_the_keys_attached(etcd):
    lease = etcd.ctl("lease", "grant", "3660").split()[1].decode()
    etcd.ctl("put", f"--lease={lease}", "/registry/events/default/a", "1")
    etcd.ctl("put", f"--lease={lease}", "/registry/events/default/b", "2")
    etcd.ctl("lease", "grant", "60")
    client = _client(etcd)

    leases = {lease.id: lease for lease in client.leases()}
    events_lease = client.lease(int(lease, 16))

    assert len(leases) == 2
    assert events_lease == leases[int(lease, 16)]
    assert events_lease.granted_ttl == 3660 and 3600 < events_lease.remaining <= 3660
    assert sorted(events_lease.keys) == [
        b"/registry/events/default/a",
        b"/registry/events/default/b",
    ]
    assert client.lease(12345) is None


def _watch_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "etcd-watch" and t.is_alive()]


def test_the_watch_sees_puts_and_deletes_in_order_and_cancels_cleanly(etcd):
    etcd.ctl("put", "/registry/configmaps/default/before", "x")
    client = _client(etcd)
    watch = client.watch()

    etcd.ctl("put", "/registry/configmaps/default/c", "hello")
    etcd.ctl("put", "/registry-other/not-watched", "x")
    etcd.ctl("put", "/registry/configmaps/default/c", "hello again")
    etcd.ctl("del", "/registry/configmaps/default/c")
    seen = [watch.next_event(timeout=10) for _ in range(3)]
    watch.cancel()

    assert [(e.type, e.text, e.revision, e.size) for e in seen] == [
        ("put", "/registry/configmaps/default/c", 3, 5),
        ("put", "/registry/configmaps/default/c", 5, 11),
        ("delete", "/registry/configmaps/default/c", 6, 0),
    ]
    assert seen[1].version == 2 and seen[1].create_revision == 3
    assert watch.ended and list(watch) == [] and watch.next_event(timeout=0.1) is None
    assert _watch_threads() == []


def test_a_watch_from_an_earlier_revision_replays_history_and_ends_with_its_block(etcd):
    etcd.ctl("put", "/registry/configmaps/default/c", "one")
    etcd.ctl("put", "/registry/configmaps/default/c", "two")

    with _client(etcd).watch(start_revision=2) as watch:
        replayed = [watch.next_event(timeout=10) for _ in range(2)]

    assert [e.revision for e in replayed] == [2, 3]
    assert _watch_threads() == []


def test_a_watch_from_a_compacted_revision_reports_it_gone(etcd):
    for n in range(5):
        etcd.ctl("put", "/registry/configmaps/default/c", f"v{n}")
    etcd.ctl("compact", "5")

    watch = _client(etcd).watch(start_revision=2)
    with pytest.raises(RevisionCompacted) as gone:
        watch.next_event(timeout=10)

    assert gone.value.compact_revision == 5
    assert str(gone.value) == "revision 2 is gone: etcd compacted its history (compacted up to 5)"
    watch.cancel()
    assert _watch_threads() == []
