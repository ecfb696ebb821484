"""etcd read with etcdctl through exec in the etcd static pod (the opt-in etcd-exec way), against
the project's API server: the demo's objects (its etcd pod, with kubeadm's flags), whose exec of
etcdctl in that pod runs the real etcdctl against a real etcd of the test's own."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from explorer.apiserver import ApiServer, ApiStore
from explorer.demo import build_demo
from explorer.etcd.errors import EtcdError
from explorer.etcd.listing_read import SizeCache, read_listing
from explorer.kube import etcd_exec
from explorer.kube.config import load_kubeconfig
from explorer.kube.etcd_exec import etcd_pod
from explorer.kube.pod_exec import run_in_pod
from explorer.probes import node_sources
from explorer.probes.node_sources import NodeSource
from explorer.runtime.etcd_exec_reader import UNKNOWN_SIZE, ExecEtcdReader
from tests.etcd_server import EtcdServer

from ..streaming.conftest import kubeconfig_for

CLUSTER = "demo-exec"
SECRET_VALUE = b"k8s\x00exec-secret-value-41c7"


def _put(etcd: EtcdServer, key: str, value: bytes) -> int:
    return int(orjson.loads(etcd.ctl("put", "-w", "json", key, input=value))["header"]["revision"])


@pytest.fixture
def server(etcd: EtcdServer, tmp_path: Path) -> Iterator[ApiServer]:
    served = ApiServer(ApiStore(build_demo()), etcd_endpoint=etcd.endpoint).start()
    node_sources.register(CLUSTER, NodeSource(kubeconfig=kubeconfig_for(tmp_path, served.url)))
    yield served
    node_sources.unregister(CLUSTER)
    served.stop()


@pytest.fixture
def api_client(server: ApiServer, tmp_path: Path) -> Iterator[Any]:
    """A client of the test's own to the API server."""
    (tmp_path / "direct").mkdir()
    connected = load_kubeconfig(str(kubeconfig_for(tmp_path / "direct", server.url))).connect()
    yield connected.api_client
    connected.api_client.close()


class Printed(list):
    """What etcdctl printed in the etcd pod, run by run, and the argv of each run."""

    argvs: list[list[str]]


@pytest.fixture
def execs(printed: Printed) -> list[list[str]]:
    """Every argv the reader execs (recorded on the way through, then run for real)."""
    return printed.argvs


@pytest.fixture
def printed(monkeypatch: pytest.MonkeyPatch) -> Printed:
    """Every output of etcdctl that came into this process (recorded on the way through)."""
    seen = Printed()
    seen.argvs = []

    def recording(api_client: Any, namespace: str, pod: str, argv: Any, *rest: Any) -> Any:
        seen.argvs.append(list(argv))
        ran = run_in_pod(api_client, namespace, pod, argv, *rest)
        seen.append(ran.stdout)
        return ran

    monkeypatch.setattr(etcd_exec, "run_in_pod", recording)
    return seen


def test_the_etcd_pods_own_flags_make_the_etcdctl_command(api_client: Any) -> None:
    pod = etcd_pod(api_client)
    pki = "/etc/kubernetes/pki/etcd"
    assert (pod.namespace, pod.name, pod.container) == (
        "kube-system",
        "etcd-demo-control-plane",
        "etcd",
    )
    assert pod.argv(["get", "/registry/pods/", "--keys-only"]) == [
        "etcdctl",
        "--endpoints=https://127.0.0.1:2379",
        "--command-timeout=10s",
        f"--cacert={pki}/ca.crt",
        f"--cert={pki}/server.crt",
        f"--key={pki}/server.key",
        "-w",
        "json",
        "get",
        "/registry/pods/",
        "--keys-only",
    ]
    for write in (["put", "k", "v"], ["del", "k"], ["compact", "3"], ["lease", "revoke", "1"]):
        with pytest.raises(ValueError, match="is not a read"):
            pod.argv(write)


def test_status_keys_values_and_history_through_etcdctl_in_the_etcd_pod(
    etcd: EtcdServer, server: ApiServer, execs: list[list[str]]
) -> None:
    for index in range(5):
        _put(etcd, f"/registry/configmaps/ns/cm-{index}", b'{"v": 1}')
    revisions = [
        _put(etcd, "/registry/configmaps/ns/cm-2", f'{{"v": {n}}}'.encode()) for n in (2, 3)
    ]
    reader = ExecEtcdReader(CLUSTER)

    status = reader.status()
    assert status.revision == revisions[-1] == reader.revision()
    assert status.db_size > 0
    assert [m.client_urls for m in status.members] == [(etcd.endpoint,)]
    assert (status.compact_revision, status.compact_revision_from) == (0, "bisection")

    keys = list(reader.keys("/registry/configmaps/ns/", page=2))
    assert [r.key for r in keys] == [f"/registry/configmaps/ns/cm-{i}".encode() for i in range(5)]
    assert reader.count("/registry/configmaps/") == 5

    stored = reader.value("/registry/configmaps/ns/cm-2")
    assert stored is not None
    assert (stored.record.value, stored.size, stored.withheld) == (b'{"v": 3}', 8, False)
    older = reader.value("/registry/configmaps/ns/cm-2", revision=revisions[0])
    assert older is not None
    assert older.record.value == b'{"v": 2}'

    history = reader.history("/registry/configmaps/ns/cm-2")
    assert [v.record.version for v in history.versions] == [3, 2, 1]
    etcd.ctl("compact", str(revisions[-1]))
    history = reader.history("/registry/configmaps/ns/cm-2")
    assert ([v.record.version for v in history.versions], history.compacted) == ([3], 2)
    assert reader.status().compact_revision == revisions[-1]
    assert all(argv[0] == "etcdctl" and "-w" in argv for argv in execs)


def test_a_secrets_value_is_never_asked_for_over_exec(
    etcd: EtcdServer, server: ApiServer, execs: list[list[str]]
) -> None:
    key = "/registry/secrets/default/token"
    _put(etcd, key, SECRET_VALUE)
    _put(etcd, key, SECRET_VALUE + b"-2")
    reader = ExecEtcdReader(CLUSTER)

    stored = reader.value(key)
    assert stored is not None
    assert stored.withheld
    assert (stored.record.value, stored.size, stored.encryption) == (None, UNKNOWN_SIZE, None)
    assert stored.record.version == 2
    history = reader.history(key)
    assert [v.record.version for v in history.versions] == [2, 1]
    assert all(v.record.value is None for v in history.versions)

    asked = [argv for argv in execs if key in argv]
    assert len(asked) == 3
    assert all("--keys-only" in argv for argv in asked)

    # a cluster whose --etcd-prefix is not the one assumed: its Secrets are still keys-only
    _put(etcd, "/kube/secrets/default/token", SECRET_VALUE)
    elsewhere = reader.value("/kube/secrets/default/token")
    assert elsewhere is not None
    assert (elsewhere.withheld, elsewhere.record.value) == (True, None)
    assert "--keys-only" in execs[-1]


def test_the_api_servers_etcd_pod_runs_no_etcdctl_write(etcd: EtcdServer, api_client: Any) -> None:
    _put(etcd, "/registry/configmaps/ns/kept", b"{}")
    argv = ["etcdctl", "del", "/registry/configmaps/ns/kept"]
    ran = run_in_pod(api_client, "kube-system", "etcd-demo-control-plane", argv, "etcd")
    assert ran.exit_code == 1
    assert "runs only etcdctl reads" in ran.stderr
    assert etcd.ctl("get", "/registry/configmaps/ns/kept", "--print-value-only") == b"{}\n"


def test_the_exec_way_cannot_watch_and_says_so(server: ApiServer) -> None:
    with pytest.raises(EtcdError, match="etcdctl through exec cannot watch"):
        ExecEtcdReader(CLUSTER).watch()


def test_leases_through_etcdctl_in_the_etcd_pod(etcd: EtcdServer, server: ApiServer) -> None:
    lease_hex = etcd.ctl("lease", "grant", "3660").decode().split()[1]
    etcd.ctl("put", "--lease", lease_hex, "/registry/events/default/e1", input=b"k8s\x00e")
    lease_id = int(lease_hex, 16)
    reader = ExecEtcdReader(CLUSTER)

    lease = reader.lease(lease_id)
    assert lease is not None
    assert (lease.id, lease.granted_ttl, lease.keys) == (
        lease_id,
        3660,
        (b"/registry/events/default/e1",),
    )
    assert [found.id for found in reader.leases()] == [lease_id]
    assert reader.lease(lease_id + 1) is None


def _etcds_own_lengths(etcd: EtcdServer) -> dict[bytes, int]:
    answer = orjson.loads(etcd.ctl("get", "/registry/", "--prefix", "-w", "json"))
    return {
        base64.b64decode(kv["key"]): len(base64.b64decode(kv.get("value", "")))
        for kv in answer.get("kvs") or []
    }


def test_sizes_through_etcdctl_read_every_value_but_a_secrets(
    etcd: EtcdServer, server: ApiServer, printed: Printed
) -> None:
    for index in range(9):
        _put(etcd, f"/registry/configmaps/ns/cm-{index}", b"v" * (index + 1))
    secrets = [
        "/registry/secrets/default/token",
        "/registry/secrets/kube-system/bootstrap",
        "/registry/example.com/secrets/ns/crd-named-secrets",  # a /secrets/ segment: kept out
    ]
    for key in secrets:
        _put(etcd, key, SECRET_VALUE)
    _put(etcd, "/registry/services/specs/ns/web", b"k8s:enc:aescbc:v1:key1:sealed")
    reader = ExecEtcdReader(CLUSTER)

    sized = list(reader.sizes(page=3))  # pages that hold Secrets between other keys

    lengths = _etcds_own_lengths(etcd)
    assert [s.record.key for s in sized] == sorted(lengths)
    by_key = {s.record.key: s for s in sized}
    for key, length in lengths.items():
        expected = None if key.decode() in secrets else length
        assert by_key[key].size == expected, key
    assert all(by_key[key.encode()].secret for key in secrets)
    sealed = by_key[b"/registry/services/specs/ns/web"].encryption
    assert sealed is not None and sealed.key_name == "key1"
    assert all(s.record.value is None for s in sized)
    # no output of etcdctl that came into this process held a Secret's value
    assert len(printed) > 4
    for output in printed:
        assert base64.b64encode(SECRET_VALUE).decode() not in output
        assert "exec-secret-value" not in output


def test_the_pages_say_how_many_secrets_exec_could_not_size_and_do_not_ask_again(
    etcd: EtcdServer, server: ApiServer, execs: list[list[str]]
) -> None:
    for index in range(300):
        _put(etcd, f"/registry/configmaps/ns/cm-{index:03d}", b"{}")
    key = "/registry/secrets/default/token"
    _put(etcd, key, SECRET_VALUE)
    way = "etcdctl through exec in the etcd pod"
    reader, sizes = ExecEtcdReader(CLUSTER), SizeCache()

    first = read_listing(reader, way, sizes=sizes, with_leases=False)
    execs.clear()
    again = read_listing(reader, way, sizes=sizes, with_leases=False)

    for listing in (first, again):
        assert len(listing.keys) == 301 and listing.unsized == 1
        assert [k.size for k in listing.keys if k.size is not None] == [2] * 300
        assert f"Secrets without a size: 1 ({way} cannot size a value without reading it)" in (
            listing.problems
        )
    assert not [argv for argv in execs if key in argv]  # the keys listed, nothing read again
