"""An etcd data file made by a real etcd, reconstructed as the ClusterState of a revision: exactly
the objects alive then, each with resourceVersion = its key's mod_revision; a Secret from its key
only; what cannot be held counted; the moment inferred from the objects; the key index extra
without values; the Secret's canary nowhere."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from explorer.etcd.datafile import FutureRevision, RevisionCompacted, open_data_file
from explorer.etcd.keys import key_of_object
from explorer.lib.resources import BY_KIND
from explorer.snapshots.bundle import bundle_to_bytes, decode_bundle
from explorer.snapshots.extras import captured_extras
from explorer.snapshots.from_etcd import EXTRA_NAME, state_as_of
from explorer.state.state_dump import dump_state

from .etcd_backup import (
    BROKEN_KEY,
    CANARY,
    ENCRYPTED_KEY,
    FOREIGN_KEY,
    LATER,
    MANAGED,
    MISPLACED_KEY,
    RECORD_KEY,
    RENAMED_KEY,
    SECRET_KEY,
)


@pytest.fixture
def data_file(etcd_backup):
    with open_data_file(etcd_backup.path) as opened:
        yield opened


def keys_held(state) -> dict[str, str]:
    """Each object's etcd key -> its resourceVersion."""
    return {
        key_of_object(obj, BY_KIND[kind]): obj["metadata"]["resourceVersion"]
        for kind in state.kinds()
        for obj in state.list(kind)
    }


NOT_HELD = {ENCRYPTED_KEY, FOREIGN_KEY, RECORD_KEY, BROKEN_KEY, MISPLACED_KEY, RENAMED_KEY}


@pytest.mark.parametrize("step", ["broken", "updated", "deleted"])
def test_the_state_as_of_a_revision_holds_exactly_the_keys_alive_then_with_their_revisions(
    etcd_backup, data_file, step
):
    revision = etcd_backup.revisions[step]

    state, found = state_as_of(data_file, revision)

    alive = etcd_backup.alive[revision]  # what etcdctl get --rev answered
    expected = {key: str(mod) for key, mod in alive.items() if key not in NOT_HELD}
    assert keys_held(state) == expected
    assert found.revision == revision and found.keys == len(alive)
    assert sum(found.held.values()) == len(expected)


def test_an_earlier_revision_has_the_deleted_pod_and_the_deployment_before_its_update(
    etcd_backup, data_file
):
    before, _ = state_as_of(data_file, etcd_backup.revisions["broken"])
    latest, _ = state_as_of(data_file)
    gone = etcd_backup.pods[1]

    assert before.get("Pod", "shop", gone) is not None
    assert latest.get("Pod", "shop", gone) is None
    assert "v" not in before.get("Deployment", "shop", "web")["metadata"]["labels"]
    assert latest.get("Deployment", "shop", "web")["metadata"]["labels"]["v"] == "2"
    assert "managedFields" not in latest.get("Deployment", "shop", "web")["metadata"]
    assert latest.get("Deployment", "shop", "web")["metadata"]["resourceVersion"] == str(
        etcd_backup.revisions["updated"]
    )


def test_a_secret_is_held_from_its_key_alone_encrypted_or_not(etcd_backup, data_file):
    state, found = state_as_of(data_file)

    assert state.get("Secret", "shop", "db-password") == {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": "db-password",
            "namespace": "shop",
            "resourceVersion": str(etcd_backup.revisions["secret"]),
        },
    }
    assert state.get("Secret", "kube-system", "bootstrap-token-abcdef")["metadata"] == {
        "name": "bootstrap-token-abcdef",
        "namespace": "kube-system",
        "resourceVersion": str(etcd_backup.revisions["encrypted secret"]),
    }
    assert (found.secrets, found.encrypted_secrets) == (2, 1)
    assert "Secrets encrypted at rest: 1 of 2" in found.summary()
    assert "Secret" not in state.not_visible  # held, from their keys


def test_what_cannot_be_held_is_counted_by_resource_never_dropped(etcd_backup, data_file):
    state, found = state_as_of(data_file)

    assert found.encrypted == {"configmaps": 1}
    assert found.undecoded == {"configmaps": 1, "pods": 2}
    assert found.not_held == {"apiservices.apiregistration.k8s.io": 1}
    assert found.records == {"masterleases": 1}
    assert sorted(found.problems) == sorted(
        [
            f"{BROKEN_KEY}: not a protobuf message either: field number 0 at byte 0",
            f"{MISPLACED_KEY}: a Pod under a key of configmaps",
            f"{RENAMED_KEY}: the value names shop/{etcd_backup.pods[0]}, not its key's object",
        ]
    )
    assert state.not_visible["ConfigMap"] == (
        "encrypted at rest in the etcd data file: 1 values cannot be shown"
    )
    assert "encrypted at rest, not shown: configmaps 1" in found.summary()


def test_the_moment_is_the_latest_time_in_the_objects_and_said_to_be_inferred(
    etcd_backup, data_file
):
    _, latest = state_as_of(data_file)
    _, before = state_as_of(data_file, etcd_backup.revisions["broken"])

    # the update's managedFields time, read from the value: redaction leaves none in the object
    assert latest.taken_at == datetime.fromisoformat(MANAGED.replace("Z", "+00:00"))
    assert latest.taken_at_from == "Deployment shop/web .metadata.managedFields.time"
    assert before.taken_at is not None
    assert before.taken_at < datetime.fromisoformat(LATER.replace("Z", "+00:00"))
    assert before.taken_at.tzinfo == UTC
    assert any("inferred" in line and "no clock" in line for line in latest.summary())


def test_a_compacted_or_future_revision_is_refused_with_the_range_the_file_holds(
    etcd_backup, data_file
):
    compacted = etcd_backup.revisions["broken"]
    with pytest.raises(RevisionCompacted) as gone:
        state_as_of(data_file, compacted - 1)
    assert str(gone.value) == (
        f"revision {compacted - 1} is compacted: this file holds revisions "
        f"{compacted}..{etcd_backup.revisions['deleted']}"
    )
    with pytest.raises(FutureRevision):
        state_as_of(data_file, etcd_backup.revisions["deleted"] + 1)


def test_the_key_index_extra_lists_every_held_revision_with_sizes_and_no_value(
    etcd_backup, data_file
):
    state, found = state_as_of(data_file)

    extra = captured_extras(state)[EXTRA_NAME]

    by_key = {entry["key"]: entry["revisions"] for entry in extra["keys"]}
    deleted = f"/registry/pods/shop/{etcd_backup.pods[1]}"
    put = etcd_backup.alive[etcd_backup.revisions["broken"]][deleted]
    assert [(rev, gone) for rev, gone, _size in by_key[deleted]] == [
        (put, 0),
        (etcd_backup.revisions["deleted"], 1),
    ]
    assert by_key[deleted][1][2] == 0  # a deletion has no value
    assert [rev for rev, _gone, _size in by_key["/registry/deployments/shop/web"]][-1] == (
        etcd_backup.revisions["updated"]
    )
    sizes = {entry.key: entry.size for entry in data_file.live_keys()}
    assert by_key[SECRET_KEY] == [[etcd_backup.revisions["secret"], 0, sizes[SECRET_KEY.encode()]]]
    assert extra["reconstruction"] == found.as_json()
    assert [member["name"] for member in extra["members"]] == ["test"]
    assert set(extra) == {
        "prefix",
        "reconstruction",
        "keys",
        "leases",
        "members",
        "cluster_version",
    }


def test_the_secrets_canary_is_in_no_state_extra_or_bundle(etcd_backup, data_file):
    with etcd_backup.path.open("rb") as raw:
        assert CANARY in raw.read()  # the file holds it: the test would see a leak
    for step in ("broken", "deleted"):
        state, found = state_as_of(data_file, etcd_backup.revisions[step])
        dumped = orjson.dumps(
            {"state": dump_state(state), "extras": captured_extras(state), "found": found.as_json()}
        )
        bundle = bundle_to_bytes(state, extras=captured_extras(state))

        assert CANARY not in dumped
        assert CANARY.hex().encode() not in dumped
        assert CANARY not in orjson.dumps(dump_state(decode_bundle(bundle).state))


def test_progress_is_reported_up_to_every_key(data_file):
    reports: list[tuple[int, int]] = []

    _, found = state_as_of(data_file, on_progress=lambda done, total: reports.append((done, total)))

    assert reports[-1] == (found.keys, found.keys)


AUGER_DB = Path("/tmp/shared/fixtures/real/etcd/auger/boltdb/db")


def test_the_real_auger_data_file_is_its_job_pod_and_namespace_at_their_revisions():
    # keys.txt and the page2item summaries name the keys and their ModRevisions; the latest
    # time in job.decoded.yaml and pod.decoded.yaml (completionTime, finishedAt…) is 16:36:07
    with open_data_file(AUGER_DB) as real:
        state, found = state_as_of(real)

    assert keys_held(state) == {
        "/registry/jobs/default/pi": "82703",
        "/registry/pods/default/pi-dqtsw": "82702",
        "/registry/namespaces/default": "4",
    }
    assert found.outside_prefix == 1  # compact_rev_key
    assert found.problems == [] and found.undecoded == {} and found.not_held == {}
    assert found.taken_at == datetime(2017, 6, 27, 16, 36, 7, tzinfo=UTC)
    pod = state.get("Pod", "default", "pi-dqtsw")
    assert state.owner_chain(pod) == [state.get("Job", "default", "pi")]


def test_a_json_value_is_held_like_a_protobuf_one(etcd_backup, data_file):
    state, _ = state_as_of(data_file)

    (crd,) = state.list("CustomResourceDefinition")
    key = key_of_object(crd, BY_KIND["CustomResourceDefinition"])
    assert key.startswith("/registry/apiextensions.k8s.io/customresourcedefinitions/")
    assert crd["metadata"]["resourceVersion"] == str(
        etcd_backup.alive[etcd_backup.revisions["deleted"]][key]
    )
    assert crd["spec"]["names"]["kind"]  # the whole object, not its metadata only
