"""`python manage.py analyze etcd FILE` as a user runs it, in a subprocess, on files made by a
real etcd and on the real kubeadm listing."""

import base64
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from explorer.etcd.analysis import EtcdFileKind, is_bolt_file, kind_of
from explorer.etcd.proto_objects import encode_object

from .analyze_cli import analyze as _analyze

MANAGE = Path(__file__).resolve().parents[2] / "manage.py"
KUBEADM = "etcd/kubeadm-v1.28-single-node-etcdctl-keys-only.txt"


def _subprocess(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(MANAGE), "analyze", "etcd", *args],
        input=stdin,
        capture_output=True,
        timeout=120,
    )


def _one_line_refusal(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in lines[0]
    return lines[0]


CANARY = "canary-4f9d2e-never-shown"


def _pod(name: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "uid": f"uid-{name}"},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
    }


@pytest.fixture
def populated(etcd):
    """Keys as kube-apiserver writes them: protobuf values, and a Secret holding a canary."""
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "db", "namespace": "default"},
        "data": {"password": CANARY},
    }
    event = {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": "web-1.17f", "namespace": "default"},
        "involvedObject": {"kind": "Pod", "name": "web-1"},
        "reason": "Pulled",
    }
    node = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-1"}}
    for key, obj in (
        ("/registry/pods/default/web-1", _pod("web-1")),
        ("/registry/pods/default/web-2", _pod("web-2")),
        ("/registry/events/default/web-1.17f", event),
        ("/registry/minions/node-1", node),
    ):
        etcd.ctl("put", key, input=encode_object(obj))  # from stdin: argv holds no NUL
    etcd.ctl("put", "/registry/secrets/default/db", input=orjson.dumps(secret))
    return etcd


def test_the_real_kubeadm_listing_is_summarised_as_json(real_fixtures):
    done = _subprocess(str(real_fixtures / KUBEADM), "--json")

    assert done.returncode == 0, done.stderr
    document = orjson.loads(done.stdout)
    assert document["keys"] == 298
    assert document["resources"][0] == {
        "group": "rbac.authorization.k8s.io",
        "resource": "clusterroles",
        "count": 64,
        "segment": "clusterroles",
        "namespaces": 0,
        "record": False,
        "custom": False,
    }
    assert {"group": "", "resource": "nodes"}.items() <= next(
        r for r in document["resources"] if r["segment"] == "minions"
    ).items()
    assert document["unknown"] == []


def test_a_real_etcds_listing_is_read_from_stdin(populated):
    listing = populated.ctl("get", "/registry", "--prefix", "--keys-only")
    done = _analyze("-", stdin=listing)

    assert done.returncode == 0, done.stderr
    text = done.stdout.decode()
    assert text.startswith("5 etcd keys under /registry (lines)\n")
    rows = [line.split() for line in text.splitlines()]
    assert ["pods", "(core)", "2", "1", "pods"] in rows
    assert ["nodes", "(core)", "1", "-", "minions"] in rows


def test_a_real_etcds_json_listing_gives_the_same_counts(populated):
    as_json = populated.ctl("get", "/registry", "--prefix", "--keys-only", "-w", "json")
    done = _analyze("-", "--json", stdin=as_json)

    assert done.returncode == 0, done.stderr
    counts = {r["resource"]: r["count"] for r in orjson.loads(done.stdout)["resources"]}
    assert counts == {"pods": 2, "events": 1, "nodes": 1, "secrets": 1}


def test_a_real_data_file_lists_its_keys_with_etcds_revisions_and_no_value(populated, tmp_path):
    snapshot = tmp_path / "snapshot.db"
    populated.ctl("snapshot", "save", str(snapshot))
    listed = orjson.loads(
        populated.ctl("get", "/registry", "--prefix", "--keys-only", "-w", "json")
    )

    done = _analyze(str(snapshot), "--json")

    assert is_bolt_file(snapshot.read_bytes())
    assert done.returncode == 0, done.stderr
    document = orjson.loads(done.stdout)
    revisions = {key["key"]: key["mod_revision"] for key in document["keys"]}
    for kv in listed["kvs"]:
        key = base64.b64decode(kv["key"]).decode()
        assert revisions[key] == kv["mod_revision"], key
    assert CANARY.encode() not in done.stdout
    assert base64.b64encode(CANARY.encode()) not in done.stdout


@pytest.mark.parametrize("form", [(), ("-w", "json")], ids=["text", "json"])
def test_real_get_output_is_decoded_to_the_object(populated, form):
    output = populated.ctl("get", "/registry/pods/default/web-1", *form)

    done = _analyze("-", "--json", stdin=output)

    assert kind_of(output)[0] is EtcdFileKind.GET_OUTPUT
    assert done.returncode == 0, done.stderr
    document = orjson.loads(done.stdout)
    assert document["key"] == "/registry/pods/default/web-1"
    assert (document["encoding"], document["kind"], document["uid"]) == (
        "protobuf",
        "Pod",
        "uid-web-1",
    )
    assert document["object"] == _pod("web-1")


def test_get_prefix_output_decodes_every_value_and_never_a_secrets(populated):
    output = populated.ctl("get", "/registry/", "--prefix")

    done = _analyze("-", "--json", stdin=output)

    assert done.returncode == 0, done.stderr
    documents = orjson.loads(done.stdout)
    assert {d["kind"] for d in documents} == {"Pod", "Event", "Node", "Secret"}
    secret = next(d for d in documents if d["key"] == "/registry/secrets/default/db")
    assert secret["object"] is None and secret["head"] is None
    assert CANARY.encode() not in done.stdout


def test_get_output_mangled_by_a_terminal_is_decoded_as_far_as_it_survives(populated):
    output = populated.ctl("get", "/registry/pods/default/web-1").replace(b"\n", b"\r\n")

    done = _analyze("-", stdin=output)

    assert done.returncode == 0, done.stderr
    text = done.stdout.decode()
    assert text.startswith("key: /registry/pods/default/web-1")
    assert "problem:" in text


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00\xff" * 100,
        b"hello\nworld\n",
        b"/usr/bin/python3\n/etc/passwd\n",  # paths, but no Kubernetes key
        b'{"kvs": [{"key": 5}]}',
        b"[1, 2]",
    ],
)
def test_a_file_of_no_etcd_kind_is_one_line_and_exit_code_2(tmp_path, content):
    path = tmp_path / "file.bin"
    path.write_bytes(content)

    _one_line_refusal(_analyze(str(path), "--json"))


def test_a_missing_file_is_one_line_and_exit_code_2(tmp_path):
    line = _one_line_refusal(_subprocess(str(tmp_path / "missing.txt")))

    assert (
        line == f"CommandError: cannot read {tmp_path / 'missing.txt'}: No such file or directory"
    )
