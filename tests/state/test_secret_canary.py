"""A Secret's values never reach a state dump, a bundle, an error or a log line.

Decision (DESIGN: "whatever else carries a value (the last-applied annotation) is dropped at
ingest"): a Secret loses `data`, `stringData` and its last-applied annotation. Another object's
last-applied annotation is its own configuration and is kept — unless it describes a Secret (a
Secret's manifest copied onto a ConfigMap or Deployment), which would repeat that Secret's values.
"""

from __future__ import annotations

import base64
import io
import logging

import orjson
import pytest
import zstandard

from explorer.lib.choices import ADDED, MODIFIED
from explorer.lib.redact import LAST_APPLIED
from explorer.snapshots.bundle import FORMAT, bundle_to_bytes, decode_bundle
from explorer.snapshots.object_files import LoadError, load_files, parse_objects
from explorer.state.cluster_state import ClusterState
from explorer.state.state_dump import dump_state

CANARY = "CANARY-7f3a9c1e-do-not-leak"
CANARY_B64 = base64.b64encode(CANARY.encode()).decode()
SECRET_MANIFEST = orjson.dumps(
    {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "db", "namespace": "shop"},
        "stringData": {"password": CANARY},
    }
).decode()


def secret(**meta) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": "db",
            "namespace": "shop",
            "uid": "uid-secret",
            "annotations": {LAST_APPLIED: SECRET_MANIFEST, "team": "payments"},
            **meta,
        },
        "type": "Opaque",
        "data": {"password": CANARY_B64, "raw": CANARY},
        "stringData": {"password": CANARY},
    }


def carrier(kind: str, last_applied: str) -> dict:
    return {
        "kind": kind,
        "metadata": {
            "name": f"{kind.lower()}-x",
            "namespace": "shop",
            "annotations": {LAST_APPLIED: last_applied},
        },
    }


def assert_no_canary(blob: bytes | str) -> None:
    text = blob.decode(errors="replace") if isinstance(blob, bytes) else blob
    assert CANARY not in text
    assert CANARY_B64 not in text


@pytest.fixture(autouse=True)
def log_lines():
    """Every log line of the test at DEBUG, formatted as it is emitted (as a real handler would,
    before ingest redacts the objects a lazy message might point at)."""
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    assert_no_canary(lines.getvalue())


def test_secret_loaded_from_a_file_keeps_metadata_but_no_value(tmp_path, log_lines):
    path = tmp_path / "secret.yaml"
    path.write_bytes(
        orjson.dumps(
            {"kind": "SecretList", "items": [{k: v for k, v in secret().items() if k != "kind"}]}
        )
    )
    state = load_files([path])
    held = state.get("Secret", "shop", "db")
    assert held["type"] == "Opaque" and held["metadata"]["annotations"] == {"team": "payments"}
    assert "data" not in held and "stringData" not in held
    assert_no_canary(orjson.dumps(dump_state(state)))
    logged = log_lines.getvalue()
    assert "explorer.snapshots.object_files DEBUG secret.yaml" in logged  # logging ran


def test_secret_from_watch_events_and_relists_keeps_no_value():
    state = ClusterState()
    state.apply({"type": ADDED, "object": secret()})
    state.apply({"type": MODIFIED, "object": secret(resourceVersion="2")})
    state.replace("Secret", [secret(resourceVersion="3")], "3")
    assert_no_canary(orjson.dumps(dump_state(state)))


def test_secret_watched_as_partial_object_metadata_loses_its_last_applied_annotation():
    partial = {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": secret()["metadata"],
    }
    state = ClusterState()
    change = state.apply({"type": ADDED, "object": partial}, kind="Secret")
    assert change.object["kind"] == "Secret" and change.object["apiVersion"] == "v1"
    assert change.object["metadata"]["annotations"] == {"team": "payments"}
    assert_no_canary(orjson.dumps(dump_state(state)))


def test_bundle_bytes_hold_no_secret_value():
    state = ClusterState("prod")
    state.upsert(secret())
    data = bundle_to_bytes(state)
    assert_no_canary(data)
    assert_no_canary(zstandard.ZstdDecompressor().decompress(data))


def test_hand_edited_bundle_with_secret_values_is_redacted_on_read():
    body = {"format": FORMAT, "version": 1, "cluster": "c", "objects": {"Secret": [secret()]}}
    for data in (orjson.dumps(body), zstandard.ZstdCompressor().compress(orjson.dumps(body))):
        state = decode_bundle(data).state
        assert state.get("Secret", "shop", "db") is not None
        assert_no_canary(orjson.dumps(dump_state(state)))


@pytest.mark.parametrize("kind", ["ConfigMap", "Deployment"])
def test_other_object_carrying_a_secrets_last_applied_annotation_loses_it(kind):
    state = ClusterState()
    held = state.upsert(carrier(kind, SECRET_MANIFEST)).object
    assert held["kind"] == kind
    assert LAST_APPLIED not in held["metadata"]["annotations"]
    assert_no_canary(orjson.dumps(dump_state(state)))


def test_configmaps_own_last_applied_annotation_is_kept():
    own = orjson.dumps({"kind": "ConfigMap", "data": {"mode": "fast"}}).decode()
    held = ClusterState().upsert(carrier("ConfigMap", own)).object
    assert held["metadata"]["annotations"][LAST_APPLIED] == own


def test_load_errors_never_quote_a_secret_value():
    broken = f"kind: Secret\nmetadata: {{name: db}}\nstringData:\n  password: {CANARY}\n  bad: [\n"
    cases = [
        broken,
        broken.replace("kind: Secret\n", ""),
        orjson.dumps({"metadata": {"name": "db"}, "data": {"password": CANARY}}).decode(),
        f'{{"kind": "Secret", "stringData": {{"password": "{CANARY}"}}, ',
        orjson.dumps({"kind": "Secret", "stringData": {"password": CANARY}}).decode(),
    ]
    for text in cases:
        with pytest.raises(LoadError) as caught:
            parse_objects(text, "secret.yaml")
        assert_no_canary(str(caught.value))
