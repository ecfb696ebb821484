"""etcd data files read without etcd: the real one from auger's test data, and files with history
made by the tests' own etcd 3.4 (`etcdctl snapshot save`, and the member's own db file), checked
against what that etcd answered while it ran."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import pytest

from explorer.etcd.boltdb import BoltError
from explorer.etcd.datafile import (
    DataFileError,
    FutureRevision,
    RevisionCompacted,
    RevisionUnavailable,
    open_data_file,
)
from explorer.etcd.records import KeyRecord, record_from_gateway, record_from_protobuf
from tests.etcd import bolt_builder as bb
from tests.etcd_server import etcd_installed, running_etcd

AUGER = Path("/tmp/shared/fixtures/real/etcd/auger/boltdb")
SECRET_VALUE = b"s3cr3t-token-value"
BIG_VALUE = bytes(range(256)) * 80  # 20,480 bytes: a value on overflow pages


# -- the real data file -------------------------------------------------------------------------


def test_the_real_data_file_lists_exactly_the_keys_of_its_keys_txt():
    with open_data_file(AUGER / "db") as data:
        listed = [entry.record.text for entry in data.live_keys()]

    assert listed == (AUGER / "keys.txt").read_text().split()


def test_the_real_data_file_gives_each_key_the_revisions_its_summary_claims():
    with open_data_file(AUGER / "db") as data:
        live = {entry.record.text: entry.record for entry in data.live_keys()}

    for item in ("page2item0", "page2item1", "page2item2"):
        key = (AUGER / f"{item}-key.txt").read_text().strip()
        claimed = dict(
            line.split(": ", 1) for line in (AUGER / f"{item}-summary.txt").read_text().splitlines()
        )
        record = live[key]
        assert claimed["Key"] == key
        assert (record.version, record.create_revision, record.mod_revision, record.lease) == (
            int(claimed["Version"]),
            int(claimed["CreateRevision"]),
            int(claimed["ModRevision"]),
            int(claimed["Lease"]),
        )


def test_the_real_data_file_holds_the_pods_value_byte_for_byte():
    expected = record_from_protobuf((AUGER / "page2item1.bin").read_bytes())

    with open_data_file(AUGER / "db") as data:
        at_latest = data.as_of(data.current_revision)
        history = data.history(expected.key)

    assert at_latest[expected.key] == expected
    assert [entry.record for entry in history] == [expected]
    assert at_latest[expected.key].value.startswith(b"k8s\x00")


def test_the_real_data_file_reports_its_compaction_and_that_older_revisions_are_gone():
    with open_data_file(AUGER / "db") as data:
        compacted = data.compacted_revision
        with pytest.raises(RevisionCompacted, match="compacted"):
            data.as_of(82702)
        with pytest.raises(FutureRevision):
            data.as_of(data.current_revision + 1)

    assert compacted == 241828
    assert data.current_revision == 241828  # the compaction point is past the last write


def test_the_real_data_file_names_its_member_and_cluster_version():
    with open_data_file(AUGER / "db") as data:
        members = data.members
        version = data.cluster_version

    assert [(m.name, m.peer_urls) for m in members] == [
        ("default", ("https://kubernetes-master:2380",))
    ]
    assert version == "3.2.0"


# -- data files with history of the tests' own making -------------------------------------------


@dataclass
class MadeFiles:
    snapshot: Path
    member_db: Path
    revisions: dict[str, int] = field(default_factory=dict)  # step → revision etcd answered
    lease_id: int = 0
    endpoint: str = ""
    at: dict[int, dict[bytes, KeyRecord]] = field(default_factory=dict)  # etcdctl get --rev
    compacted_refused: bool = False


def _revision(output: bytes) -> int:
    return json.loads(output)["header"]["revision"]


def _keyspace(etcd, revision: int) -> dict[bytes, KeyRecord]:
    answer = json.loads(etcd.ctl("get", "", "--prefix", f"--rev={revision}", "-w", "json"))
    records = [record_from_gateway(kv) for kv in answer.get("kvs", [])]
    return {record.key: record for record in records}


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> MadeFiles:
    """One etcd 3.4 history: puts, updates, deletes, a lease, a transaction of 300 puts, a value
    on overflow pages, a physical compaction, then a snapshot and the stopped member's db."""
    if not etcd_installed():
        pytest.skip("etcd and etcdctl not installed (Debian's etcd-server and etcd-client)")
    work = tmp_path_factory.mktemp("made")
    files = MadeFiles(work / "snapshot.db", work / "member.db")
    steps = files.revisions
    with running_etcd(work) as etcd:
        files.endpoint = etcd.endpoint

        def put(step: str, key: str, value: bytes, *flags: str) -> None:
            steps[step] = _revision(etcd.ctl("put", "-w", "json", *flags, key, input=value))

        def delete(step: str, key: str) -> None:
            steps[step] = _revision(etcd.ctl("del", "-w", "json", key))

        put("web v1", "/registry/pods/default/web", b"v1")
        put("web v2", "/registry/pods/default/web", b"v2")
        put("cfg c1", "/registry/configmaps/default/cfg", b"c1")
        put("secret", "/registry/secrets/default/token", SECRET_VALUE)
        files.lease_id = int(etcd.ctl("lease", "grant", "600").split()[1], 16)
        put("event", "/registry/events/default/ev", b"e1", f"--lease={files.lease_id:x}")
        delete("cfg deleted", "/registry/configmaps/default/cfg")
        put("web v3", "/registry/pods/default/web", b"v3")
        put("cfg c2", "/registry/configmaps/default/cfg", b"c2")
        etcd.ctl("compact", str(steps["cfg c1"]), "--physical")
        delete("web deleted", "/registry/pods/default/web")
        for batch in range(3):
            ops = "".join(
                f"put /registry/leases/kube-node-lease/node-{batch * 100 + n:04d} renew-{n}\n"
                for n in range(100)
            )
            steps[f"leases {batch}"] = _revision(
                etcd.ctl("txn", "-w", "json", input=f"\n{ops}\n\n".encode())
            )
        put("big", "/registry/configmaps/default/big", BIG_VALUE)
        for revision in range(steps["cfg c1"], steps["big"] + 1):
            files.at[revision] = _keyspace(etcd, revision)
        try:
            etcd.ctl("get", "/registry", "--prefix", f"--rev={steps['web v2']}")
        except subprocess.CalledProcessError as error:
            files.compacted_refused = b"compacted" in error.stderr
        etcd.ctl("snapshot", "save", str(files.snapshot))
        data_dir = etcd.data_dir
    # the server has stopped: its db file is whole
    shutil.copyfile(data_dir / "member" / "snap" / "db", files.member_db)
    return files


@pytest.fixture(params=["snapshot", "member_db"])
def made_file(request, made):
    with open_data_file(getattr(made, request.param)) as data:
        yield data


def test_a_snapshot_carries_the_sha256_trailer_and_the_member_db_does_not(made):
    with open_data_file(made.snapshot) as snapshot, open_data_file(made.member_db) as member:
        assert snapshot.bolt.has_trailer
        assert not member.bolt.has_trailer
        assert snapshot.bolt.size % snapshot.bolt.page_size == 32


def test_every_revision_the_file_holds_is_read_in_order_with_its_changes(made, made_file):
    steps = made.revisions
    held = list(made_file.revisions())

    numbers = [changes.revision for changes in held]
    assert numbers == sorted(set(numbers))
    assert numbers[0] == steps["web v2"]  # web v1 was compacted away, web v2 survives
    assert numbers[-1] == made_file.current_revision == steps["big"]
    transaction = next(c for c in held if c.revision == steps["leases 1"])
    assert [change.sub for change in transaction.changes] == list(range(100))
    assert transaction.changes[0].key == b"/registry/leases/kube-node-lease/node-0100"
    deletion = next(c for c in held if c.revision == steps["web deleted"])
    assert [(c.key, c.deleted) for c in deletion.changes] == [(b"/registry/pods/default/web", True)]


def test_the_key_space_as_of_each_revision_equals_what_etcd_answered_then(made, made_file):
    assert made.at, "etcd was asked for its key space at every revision from the compaction on"
    for revision, expected in made.at.items():
        assert made_file.as_of(revision) == expected, f"revision {revision}"


def test_as_of_sees_a_key_before_its_deletion_and_not_after(made, made_file):
    steps = made.revisions
    cfg = b"/registry/configmaps/default/cfg"

    before = made_file.as_of(steps["cfg deleted"] - 1)
    after = made_file.as_of(steps["cfg deleted"])
    again = made_file.as_of(steps["cfg c2"])

    assert before[cfg].value == b"c1"
    assert cfg not in after
    assert (again[cfg].value, again[cfg].version, again[cfg].create_revision) == (
        b"c2",
        1,
        steps["cfg c2"],
    )


def test_history_lists_every_held_revision_of_a_key_including_its_deletion(made, made_file):
    steps = made.revisions

    history = made_file.history("/registry/pods/default/web")

    assert [(h.revision, h.deleted, h.record.value, h.record.version) for h in history] == [
        (steps["web v2"], False, b"v2", 2),
        (steps["web v3"], False, b"v3", 3),
        (steps["web deleted"], True, b"", 0),
    ]


def test_a_compacted_revision_is_reported_gone_not_as_an_error(made, made_file):
    steps = made.revisions

    assert made.compacted_refused, "etcd itself refused the compacted revision"
    assert made_file.compacted_revision == steps["cfg c1"]
    with pytest.raises(RevisionCompacted, match=f"revision {steps['web v1']} is compacted"):
        made_file.as_of(steps["web v1"])
    with pytest.raises(FutureRevision, match="past the last revision"):
        made_file.as_of(steps["big"] + 1)
    assert steps["web v1"] not in [
        h.revision for h in made_file.history("/registry/pods/default/web")
    ]


def test_live_keys_are_the_keys_alive_at_the_last_revision_with_sizes(made, made_file):
    live = {entry.key: entry for entry in made_file.live_keys()}
    expected = made.at[made.revisions["big"]]

    assert sorted(live) == sorted(expected)
    for key, record in expected.items():
        assert live[key].record == KeyRecord(
            key,
            record.create_revision,
            record.mod_revision,
            record.version,
            record.lease,
            value=None,
        )
        assert live[key].size == len(record.value)
    assert live[b"/registry/configmaps/default/big"].size == len(BIG_VALUE)


def test_keys_are_counted_by_their_api_group_and_resource(made_file):
    counts = made_file.resource_counts()

    assert counts[0] == {
        "group": "coordination.k8s.io",
        "resource": "leases",
        "keys": 300,
        "bytes": 3 * sum(len(f"renew-{n}") for n in range(100)),
    }
    assert {(row["group"], row["resource"], row["keys"]) for row in counts[1:]} == {
        ("", "configmaps", 2),
        ("", "secrets", 1),
        ("", "events", 1),
    }


def test_a_revision_below_one_is_unavailable_not_compacted(made_file):
    with pytest.raises(RevisionUnavailable, match="revisions start at 1") as raised:
        made_file.as_of(0)

    assert not isinstance(raised.value, RevisionCompacted)


def test_the_lease_and_the_key_written_with_it_are_read(made, made_file):
    leases = made_file.leases
    event = made_file.as_of(made_file.current_revision)[b"/registry/events/default/ev"]

    assert [(lease.id, lease.ttl) for lease in leases] == [(made.lease_id, 600)]
    assert event.lease == made.lease_id


def test_the_member_is_the_etcd_that_wrote_the_file(made, made_file):
    assert [(m.name, m.client_urls) for m in made_file.members] == [("test", (made.endpoint,))]
    assert made_file.cluster_version.startswith("3.4")


def test_describe_and_json_never_carry_a_value_only_keys_sizes_and_revisions(made, made_file):
    described = made_file.describe()
    exported = orjson.dumps(made_file.as_json())

    for shown in (described.encode(), exported):
        assert SECRET_VALUE not in shown
        assert SECRET_VALUE.hex().encode() not in shown
        assert b"renew-" not in shown
    secret = next(k for k in made_file.as_json()["keys"] if k["key"].endswith("/token"))
    assert secret["size"] == len(SECRET_VALUE)
    assert secret["mod_revision"] == made.revisions["secret"]
    assert "leases" in described and "300 keys" in described.replace(",", "")


def test_describe_names_the_size_the_revision_range_and_the_compaction(made):
    with open_data_file(made.snapshot) as data:
        described = data.describe()

    assert f"{made.snapshot.stat().st_size:,} bytes" in described
    assert "sha256 trailer checked" in described
    assert f"readable as of {made.revisions['cfg c1']}..{made.revisions['big']}" in described
    assert f"compaction: at revision {made.revisions['cfg c1']}" in described


def test_the_snapshot_and_the_member_db_tell_the_same_history(made):
    with open_data_file(made.snapshot) as snapshot, open_data_file(made.member_db) as member:
        a, b = snapshot.as_json(), member.as_json()

    a.pop("file"), b.pop("file")
    a.pop("consistent_index"), b.pop("consistent_index")
    assert a == b


# -- files that are bolt but not etcd's ----------------------------------------------------------


def test_a_bolt_file_without_etcds_buckets_is_not_an_etcd_data_file():
    only_a_bucket = bb.bolt_file(
        {3: bb.leaf_page(3, [(b"photos", bb.inline_bucket([(b"a", b"b", 0)]), bb.BUCKET_FLAG)])},
        root=3,
    )

    with pytest.raises(DataFileError, match="not an etcd data file: no key or meta bucket"):
        open_data_file(only_a_bucket)


def test_a_key_bucket_with_a_foreign_key_is_one_clear_error():
    meta = bb.inline_bucket([])
    keys = bb.inline_bucket([(b"not-a-revision", b"\x0a\x01k", 0)])
    file = bb.bolt_file(
        {3: bb.leaf_page(3, [(b"key", keys, bb.BUCKET_FLAG), (b"meta", meta, bb.BUCKET_FLAG)])},
        root=3,
    )

    with pytest.raises(DataFileError, match="not an etcd revision key"):
        open_data_file(file)


@pytest.mark.timeout(60)
def test_random_damage_to_a_data_file_is_read_or_refused_with_one_line(made):
    real = made.member_db.read_bytes()
    chance = random.Random(11)
    for _ in range(300):
        damaged = bytearray(real)
        for _flip in range(chance.randint(1, 16)):
            damaged[chance.randrange(len(damaged))] = chance.randrange(256)
        try:
            with open_data_file(bytes(damaged)) as data:
                data.describe()
                data.as_json()
                for changes in data.revisions():
                    data.as_of(max(changes.revision, data.first_revision))
        except (BoltError, DataFileError) as error:
            assert "\n" not in str(error)
