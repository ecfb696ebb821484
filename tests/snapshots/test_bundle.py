from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest
import zstandard

from explorer.snapshots.bundle import (
    FORMAT,
    About,
    BundleError,
    Pin,
    bundle_to_bytes,
    decode_bundle,
    open_bundle,
    read_bundle,
    write_bundle,
)
from explorer.snapshots.object_files import load_files
from explorer.state.cluster_state import ClusterState
from explorer.state.state_dump import dump_state


@pytest.fixture
def state(real_fixtures) -> ClusterState:
    state = load_files([real_fixtures / "kubectl"], cluster="minikube")
    state.set_node_facts("datagen-1-34", {"resolv.conf": "nameserver 10.96.0.10\n", "cgroup": 2})
    state.resource_versions["Pod"] = "1234"
    state.not_visible["Secret"] = "forbidden: cannot list secrets"
    return state


def compress(body: dict) -> bytes:
    return zstandard.ZstdCompressor().compress(orjson.dumps(body))


def test_bundle_round_trips_objects_node_facts_and_versions(state, tmp_path):
    path = write_bundle(state, tmp_path / "incident.cxb.zst")
    loaded = read_bundle(path)
    assert dump_state(loaded) == dump_state(state)
    assert loaded.cluster == "minikube"
    assert loaded.node_facts["datagen-1-34"]["resolv.conf"] == "nameserver 10.96.0.10\n"
    # indexes are rebuilt, not just objects
    assert len(loaded.pods_on_node("datagen-1-34")) == 24  # all minikube pods but the Pending one
    assert loaded.volume_for_claim("openshift-sdn", "task-pvc-volume") is not None


def test_bundle_is_zstd_compressed_versioned_json_with_its_creation_time(state):
    data = bundle_to_bytes(state, created=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    body = orjson.loads(zstandard.ZstdDecompressor().decompress(data))
    assert (body["format"], body["version"], body["created"]) == (FORMAT, 2, "2026-01-02T03:04:05Z")
    assert sorted(body["objects"]) == [
        "Endpoints",
        "Node",
        "PersistentVolume",
        "Pod",
        "StorageClass",
    ]
    assert len(data) < len(orjson.dumps(body)) / 4


def test_open_bundle_reports_when_it_was_made(state, tmp_path):
    path = write_bundle(state, tmp_path / "b", created=datetime(2026, 1, 2, tzinfo=UTC))
    assert open_bundle(path).created == "2026-01-02T00:00:00Z"
    assert not (tmp_path / "b.partial").exists()


def test_uncompressed_hand_edited_bundle_is_read(state):
    raw = zstandard.ZstdDecompressor().decompress(bundle_to_bytes(state))
    assert decode_bundle(raw).state.count("Pod") == state.count("Pod")


def one_line(error: pytest.ExceptionInfo) -> str:
    message = str(error.value)
    assert "\n" not in message
    return message


def test_newer_bundle_version_is_refused_with_a_clear_message():
    newer = compress({"format": FORMAT, "version": 3, "objects": {}})
    with pytest.raises(BundleError) as caught:
        decode_bundle(newer, "future.cxb.zst")
    assert one_line(caught) == (
        "future.cxb.zst: bundle version 3 comes from a newer Cluster Explorer; "
        "this one reads version 2"
    )


def test_a_version_1_bundle_is_still_read_as_taken_when_it_was_created(state):
    body = {"format": FORMAT, "version": 1, "created": "2025-05-01T10:00:00Z", **dump_state(state)}
    bundle = decode_bundle(compress(body), "old.cxb.zst")
    assert bundle.version == 1
    assert bundle.state.count("Pod") == state.count("Pod")
    assert bundle.about["taken_at"] == "2025-05-01T10:00:00Z"
    assert bundle.extras == {}


def test_what_a_bundle_says_of_its_moment_comes_back_with_it(state):
    about = About(
        title="03:12 checkout outage",
        notes="**web** lost its endpoints",
        pins=[Pin(kind="Service", namespace="shop", name="web", note="look here")],
        taken_at="2026-12-06T03:12:00.000Z",
    )
    bundle = decode_bundle(bundle_to_bytes(state, about=about, extras={"etcd": {"keys": 3}}))
    assert bundle.about == about
    assert bundle.extras == {"etcd": {"keys": 3}}


def test_a_bundle_that_decompresses_past_the_limit_is_refused_before_it_is_held():
    bomb = zstandard.ZstdCompressor(level=19).compress(b"{" + b" " * (64 * 2**20))
    assert len(bomb) < 64 * 1024
    with pytest.raises(BundleError) as caught:
        decode_bundle(bomb, "bomb.cxb.zst", max_bytes=8 * 2**20)
    assert one_line(caught) == "bomb.cxb.zst: bundle decompresses to more than 8 MiB: refused"


@pytest.mark.parametrize("version", [0, "1", None, True, 1.5])
def test_unknown_bundle_version_is_refused(version):
    with pytest.raises(BundleError, match="unknown bundle version"):
        decode_bundle(compress({"format": FORMAT, "version": version}))


def test_truncated_bundle_is_refused(state):
    data = bundle_to_bytes(state)
    with pytest.raises(BundleError) as caught:
        decode_bundle(data[: len(data) // 2], "cut.cxb.zst")
    assert one_line(caught) == "cut.cxb.zst: bundle is truncated (its zstd data ends early)"


def test_corrupt_bundle_is_refused(state):
    data = bytearray(bundle_to_bytes(state))
    data[4:40] = b"\xff" * 36
    with pytest.raises(BundleError) as caught:
        decode_bundle(bytes(data), "bad")
    assert one_line(caught).startswith("bad: bundle is corrupt")


def test_compressed_non_json_is_a_corrupt_bundle():
    with pytest.raises(BundleError, match=r"bundle is corrupt \(invalid JSON at line 1"):
        decode_bundle(zstandard.ZstdCompressor().compress(b"hello"))


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04 a zip file",
        b"",
        b'{"kind": "Pod", "metadata": {"name": "x"}}',
        zstandard.ZstdCompressor().compress(b"[1, 2]"),
    ],
)
def test_non_bundle_file_is_refused(data):
    with pytest.raises(BundleError, match="not a cluster-explorer bundle"):
        decode_bundle(data)


@pytest.mark.parametrize(
    "body",
    [
        {"objects": []},
        {"objects": {"Pod": [1]}},
        {"objects": {"Pod": {"a": {}}}},
        {"node_facts": {"n": "text"}},
        {"resource_versions": {"Pod": 5}},
    ],
)
def test_bundle_of_the_wrong_shape_is_corrupt(body):
    with pytest.raises(BundleError, match="bundle is corrupt"):
        decode_bundle(compress({"format": FORMAT, "version": 1, **body}))


def test_missing_bundle_file_is_a_bundle_error(tmp_path):
    with pytest.raises(BundleError, match="cannot read"):
        read_bundle(tmp_path / "absent.cxb.zst")


def test_node_fact_that_is_not_json_data_is_a_bundle_error():
    state = ClusterState()
    state.set_node_facts("n", {"raw": b"\x00bytes"})
    with pytest.raises(BundleError, match="not JSON data"):
        bundle_to_bytes(state)
