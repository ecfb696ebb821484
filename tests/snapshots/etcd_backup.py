"""An etcd data file with a history, made by a real etcd 3.4 holding what kube-apiserver would
write: the demo's objects encoded as it stores them (explorer.etcd.proto_objects) under their keys
(explorer.etcd.keys), a Secret whose value holds a canary, a value encrypted at rest, a resource
the explorer does not hold, an API server record, a value that is not an object; then updates,
a deletion, a compaction and `etcdctl snapshot save`."""

from __future__ import annotations

import base64
import copy
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from explorer.demo import build_demo
from explorer.etcd.keys import key_of_object
from explorer.etcd.proto_objects import MAGIC, encode_object, read_unknown
from explorer.etcd.protowire import Writer
from explorer.lib.resources import BY_KIND

from ..etcd_server import etcd_installed, running_etcd

MOMENT = datetime(2026, 12, 6, 3, 12, tzinfo=UTC)
LATER = "2026-12-06T03:17:30Z"  # a condition written by the last update
MANAGED = "2026-12-06T03:18:45Z"  # that update's managedFields entry: the latest time of all
CANARY = b"CANARY-etcd-backup-7f3e9c"
SECRET_KEY = "/registry/secrets/shop/db-password"
ENCRYPTED_KEY = "/registry/configmaps/shop/sealed"
ENCRYPTED_SECRET_KEY = "/registry/secrets/kube-system/bootstrap-token-abcdef"
FOREIGN_KEY = "/registry/apiregistration.k8s.io/apiservices/v1.shop.example"
RECORD_KEY = "/registry/masterleases/10.0.0.1"
BROKEN_KEY = "/registry/pods/shop/broken"
MISPLACED_KEY = "/registry/configmaps/shop/not-a-config-map"  # holds a Pod
RENAMED_KEY = "/registry/pods/shop/renamed"  # holds another pod's value
UPDATED = ("shop", "web")  # a Deployment updated after the compaction
DELETED_POD = 1  # the index among the web pods of the one deleted


@dataclass
class Backup:
    path: Path
    revisions: dict[str, int] = field(default_factory=dict)  # step -> the revision etcd answered
    # key -> mod_revision, as etcdctl get answers at each revision the tests look at
    alive: dict[int, dict[str, int]] = field(default_factory=dict)
    pods: list[str] = field(default_factory=list)  # the web pods' names


def _revision(output: bytes) -> int:
    return json.loads(output)["header"]["revision"]


def _alive(etcd, revision: int) -> dict[str, int]:
    answer = json.loads(
        etcd.ctl("get", "", "--prefix", "--keys-only", f"--rev={revision}", "-w", "json")
    )
    return {
        _text(kv["key"]): int(kv["mod_revision"])
        for kv in answer.get("kvs", [])
        if _text(kv["key"]).startswith("/registry/")
    }


def _text(b64: str) -> str:
    return base64.b64decode(b64).decode()


def chosen_objects() -> list[dict]:
    """The demo's namespaces, nodes and node leases, the shop's web Deployment with its
    ReplicaSet, pods, Service and Endpoints, and five of its Events."""
    state = build_demo(now=MOMENT)
    deployment = state.get("Deployment", *UPDATED)
    replica_set = state.children(deployment["metadata"]["uid"])[0]
    pods = state.children(replica_set["metadata"]["uid"])
    chosen = [
        *state.list("Namespace"),
        *state.list("Node"),
        *state.list("Lease", "kube-node-lease"),
        deployment,
        replica_set,
        *pods,
        state.get("Service", "shop", "web"),
        state.get("Endpoints", "shop", "web"),
        *list(state.list("Event", "shop"))[:5],
        next(state.list("CustomResourceDefinition")),  # stored as JSON, as kube-apiserver does
    ]
    return [copy.deepcopy(obj) for obj in chosen]


def stored_value(obj: dict) -> bytes:
    """The value kube-apiserver writes: protobuf for built-in kinds, JSON for CRDs; neither
    carries the resourceVersion."""
    if obj["kind"] != "CustomResourceDefinition":
        return encode_object(obj)
    stored = copy.deepcopy(obj)
    stored["metadata"].pop("resourceVersion", None)
    return orjson.dumps(stored)


def secret_value() -> bytes:
    """A Secret as kube-apiserver stores it, with `data` (field 2, which the explorer's table
    leaves out on purpose) holding the canary."""
    meta = {"name": "db-password", "namespace": "shop", "uid": "5e0c2e1a-0000-4000-8000-00000000db"}
    body = encode_object({"apiVersion": "v1", "kind": "Secret", "metadata": meta, "type": "Opaque"})
    envelope_raw = bytes(read_unknown(body).raw)
    entry = Writer().string(1, "password").bytes(2, CANARY)
    raw = envelope_raw + Writer().message(2, entry).done()
    type_meta = Writer().string(1, "v1").string(2, "Secret")
    envelope = Writer().message(1, type_meta).bytes(2, raw).string(3, "").string(4, "")
    return MAGIC + envelope.done()


def make_backup(workdir: Path) -> Backup:
    backup = Backup(workdir / "backup.db")
    steps = backup.revisions
    with running_etcd(workdir) as etcd:

        def put(step: str, key: str, value: bytes) -> None:
            steps[step] = _revision(etcd.ctl("put", "-w", "json", key, input=value))

        objects = chosen_objects()
        for obj in objects:
            put("objects", key_of_object(obj, BY_KIND[obj["kind"]]), stored_value(obj))
        backup.pods = [obj["metadata"]["name"] for obj in objects if obj["kind"] == "Pod"]
        put("secret", SECRET_KEY, secret_value())
        put("encrypted", ENCRYPTED_KEY, b"k8s:enc:aescbc:v1:key1:" + bytes(range(48)))
        put("encrypted secret", ENCRYPTED_SECRET_KEY, b"k8s:enc:aescbc:v1:key1:" + CANARY * 3)
        put(
            "foreign",
            FOREIGN_KEY,
            b'{"kind":"APIService","apiVersion":"apiregistration.k8s.io/v1"}',
        )
        put("record", RECORD_KEY, b"k8s\x00\n\x0c\n\x02v1\x12\x06Endpoints")
        first_pod = encode_object(next(obj for obj in objects if obj["kind"] == "Pod"))
        put("misplaced", MISPLACED_KEY, first_pod)
        put("renamed", RENAMED_KEY, first_pod)
        put("broken", BROKEN_KEY, b"\x00\x01 not an object")
        etcd.ctl("compact", str(steps["broken"]), "--physical")
        deployment = next(obj for obj in objects if obj["kind"] == "Deployment")
        deployment["metadata"]["labels"] = {**deployment["metadata"].get("labels", {}), "v": "2"}
        deployment.setdefault("status", {}).setdefault("conditions", []).append(
            {
                "type": "Progressing",
                "status": "True",
                "lastUpdateTime": LATER,
                "lastTransitionTime": LATER,
                "reason": "NewReplicaSetAvailable",
                "message": "updated",
            }
        )
        deployment["metadata"]["managedFields"] = [
            {
                "manager": "kubectl-scale",
                "operation": "Update",
                "apiVersion": "apps/v1",
                "time": MANAGED,
                "fieldsType": "FieldsV1",
                "fieldsV1": {"f:spec": {"f:replicas": {}}},
                "subresource": "scale",
            }
        ]
        put("updated", key_of_object(deployment, BY_KIND["Deployment"]), encode_object(deployment))
        gone = f"/registry/pods/shop/{backup.pods[DELETED_POD]}"
        steps["deleted"] = _revision(etcd.ctl("del", "-w", "json", gone))
        for step in ("broken", "updated", "deleted"):
            backup.alive[steps[step]] = _alive(etcd, steps[step])
        etcd.ctl("snapshot", "save", str(backup.path))
    return backup


@pytest.fixture(scope="session")
def etcd_backup(tmp_path_factory) -> Backup:
    """One data file with history, made by a real etcd (for the tests that import it)."""
    if not etcd_installed():
        pytest.skip("etcd and etcdctl not installed (Debian's etcd-server and etcd-client)")
    return make_backup(tmp_path_factory.mktemp("etcd-backup"))
