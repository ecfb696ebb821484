"""etcd read through the node agent: a real Celery worker consuming a control-plane node's queue,
with that "node's" etcd client certificates (a real TLS etcd of the module's own, client
certificates required), Redis as broker, result store and channel layer, and this process as
the web process asking through `AgentEtcdReader`."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import redis

from explorer.etcd import readers
from explorer.etcd.access import EtcdAccessError
from explorer.etcd.errors import EtcdUnreachable
from explorer.etcd.listing_read import SizeCache, read_listing
from explorer.jobs.etcd_agent import agent_access, etcd_read
from explorer.jobs.etcd_reader import AgentEtcdReader
from explorer.jobs.etcd_wire import EtcdAgentOff
from explorer.lib.choices import WATCHING
from explorer.state import store
from explorer.state.store import ClusterStates
from tests.etcd.certs import make_certs
from tests.etcd.writes import put_many
from tests.etcd_server import EtcdServer, etcd_installed, running_etcd

from ..streaming.conftest import channel_layers, redis_available
from .celery_workers import celery_through, celery_worker

pytestmark = [
    pytest.mark.skipif(not redis_available(), reason="no Redis at 127.0.0.1:6379"),
    pytest.mark.skipif(not etcd_installed(), reason="Debian's etcd-server is not installed"),
]

NODE = "cp-1"  # the control-plane node whose agent holds the etcd client certificates
OFF_NODE = "cp-off"  # a node whose agent was not given the way
SECRET_VALUE = b"the-secret-token-value-9f3e"


@pytest.fixture(scope="module")
def etcd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EtcdServer]:
    home = tmp_path_factory.mktemp("etcd")
    with running_etcd(home, certs=make_certs(home / "pki")) as server:
        yield server


def _agent_env(redis_url: str, home: Path, **extra: str) -> dict[str, str]:
    return {
        "REDIS_URL": redis_url,
        "EXPLORER_STATE_DIR": str(home / "state"),
        "DATABASE_URL": f"sqlite:///{home / 'agent.sqlite3'}",
        "EXPLORER_NODE_ACCESS": "",
        **extra,
    }


@pytest.fixture(scope="module")
def agent(
    etcd: EtcdServer, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[subprocess.Popen]:
    """The agent of NODE, turned on for etcd, with the certificates kubeadm would give it."""
    home = tmp_path_factory.mktemp("agent")
    certs = etcd.certs
    assert certs is not None
    env = _agent_env(
        redis_url,
        home,
        EXPLORER_NODE_ACCESS="etcd-agent",
        EXPLORER_AGENT_ETCD_ENDPOINTS=etcd.endpoint,
        EXPLORER_AGENT_ETCD_CA_FILE=str(certs.ca_file),
        EXPLORER_AGENT_ETCD_CERT_FILE=str(certs.client_cert),
        EXPLORER_AGENT_ETCD_KEY_FILE=str(certs.client_key),
    )
    name = f"etcd-agent-{os.getpid()}@{socket.gethostname()}"
    pool = ("threads", "--concurrency", "4")  # a watch holds a slot while reads go on
    with celery_worker(name, [f"node.{NODE}"], env, home / "worker.log", pool=pool) as process:
        yield process


@pytest.fixture
def via_redis(agent: subprocess.Popen, redis_url: str, settings: Any) -> Iterator[None]:
    """This process as a web process of the team install: no etcd of its own, Redis between."""
    settings.REDIS_URL = redis_url
    settings.CHANNEL_LAYERS = channel_layers(redis_url)
    with celery_through(redis_url):
        yield


@pytest.fixture
def reader(via_redis: None) -> AgentEtcdReader:
    return AgentEtcdReader("prod", NODE, timeout=30, watch_seconds=60)


def _put(etcd: EtcdServer, key: str, value: bytes) -> int:
    """Write with etcdctl (the test's own set-up: the explorer only reads); the revision."""
    answer = orjson.loads(etcd.ctl("put", "-w", "json", key, input=value))  # binary-safe
    return int(answer["header"]["revision"])


def test_the_agent_reads_status_keys_and_values_with_the_nodes_own_certificates(
    etcd: EtcdServer, reader: AgentEtcdReader
) -> None:
    first = _put(etcd, "/registry/pods/status-ns/web", b"k8s\x00pod-web")
    last = _put(etcd, "/registry/pods/status-ns/db", b"k8s\x00pod-db")

    status = reader.status()
    assert status.revision >= last
    assert status.db_size > 0
    assert [member.client_urls for member in status.members] == [(etcd.endpoint,)]
    assert reader.revision() >= last

    listed = list(reader.keys("/registry/pods/status-ns/"))
    assert [r.key for r in listed] == [
        b"/registry/pods/status-ns/db",
        b"/registry/pods/status-ns/web",
    ]
    assert [r.value for r in listed] == [None, None]  # keys only
    assert listed[1].mod_revision == first
    assert reader.count("/registry/pods/status-ns/") == 2

    stored = reader.value("/registry/pods/status-ns/web")
    assert stored is not None
    assert stored.record.value == b"k8s\x00pod-web"
    assert (stored.size, stored.withheld, stored.encryption) == (
        len(b"k8s\x00pod-web"),
        False,
        None,
    )
    assert reader.value("/registry/pods/status-ns/none") is None


def test_a_listing_goes_page_by_page_at_one_revision(
    etcd: EtcdServer, reader: AgentEtcdReader
) -> None:
    for index in range(7):
        _put(etcd, f"/registry/configmaps/paged/cm-{index}", b"{}")
    first_page, more = reader.keys_page("/registry/configmaps/paged/", limit=3)
    assert more
    assert len(first_page) == 3
    every = list(reader.keys("/registry/configmaps/paged/", page=3))
    assert [r.key for r in every] == [
        f"/registry/configmaps/paged/cm-{i}".encode() for i in range(7)
    ]


def test_a_secrets_value_never_leaves_the_agent(
    etcd: EtcdServer, reader: AgentEtcdReader, redis_url: str
) -> None:
    key = "/registry/secrets/default/token"
    _put(etcd, key, b"k8s\x00" + SECRET_VALUE)
    _put(etcd, key, b"k8s\x00" + SECRET_VALUE + b"-2")

    stored = reader.value(key)
    assert stored is not None
    assert stored.withheld
    assert stored.record.value is None
    assert stored.size == len(b"k8s\x00" + SECRET_VALUE + b"-2")
    history = reader.history(key)
    assert [v.record.version for v in history.versions] == [2, 1]
    assert all(v.withheld and v.record.value is None for v in history.versions)

    # what the agent puts on the queue, as it is stored in Redis
    raw = etcd_read.apply_async(
        kwargs={"node": NODE, "call": "history", "args": {"key": base64.b64encode(key.encode())}}
    )
    answer = orjson.dumps(raw.get(timeout=30))
    # under another prefix than the agent was told (--etcd-prefix): still withheld
    _put(etcd, "/kube/secrets/default/token", b"k8s\x00" + SECRET_VALUE)
    elsewhere = reader.value("/kube/secrets/default/token")
    assert elsewhere is not None
    assert (elsewhere.withheld, elsewhere.record.value) == (True, None)

    for text in (answer, _everything_in(redis_url)):
        assert SECRET_VALUE not in text
        assert base64.b64encode(b"k8s\x00" + SECRET_VALUE)[:16] not in text
    raw.forget()


def _everything_in(redis_url: str) -> bytes:
    """Every value of every key of the database (results, queues, channel messages)."""
    client = redis.Redis.from_url(redis_url)
    found = []
    for name in client.scan_iter():
        kind = client.type(name)
        if kind == b"string":
            found.append(client.get(name) or b"")
        elif kind == b"list":
            found += client.lrange(name, 0, -1)
        elif kind == b"set":
            found += client.smembers(name)
        elif kind == b"zset":
            found += client.zrange(name, 0, -1)
        elif kind == b"hash":
            found += [k + v for k, v in client.hgetall(name).items()]
    return b"\n".join(found)


def _etcds_own_lengths(etcd: EtcdServer) -> dict[str, int]:
    answer = orjson.loads(etcd.ctl("get", "/registry/", "--prefix", "-w", "json"))
    return {
        base64.b64decode(kv["key"]).decode(): len(base64.b64decode(kv.get("value", "")))
        for kv in answer.get("kvs") or []
    }


def test_the_pages_size_twenty_thousand_keys_through_the_agent_within_the_budget(
    etcd: EtcdServer, reader: AgentEtcdReader, redis_url: str
) -> None:
    put_many(
        etcd,
        [
            (f"/registry/events/sized-{n % 11}/e-{n:05d}", "e" * (40 + n % 700))
            for n in range(20_000)
        ],
    )
    _put(etcd, "/registry/configmaps/sized/plain", b"PLAIN-VALUE-IN-NO-ANSWER")
    _put(etcd, "/registry/secrets/sized/token", b"k8s:enc:aescbc:v1:key1:" + SECRET_VALUE)

    started = time.monotonic()
    listing = read_listing(reader, "the node agent on cp-1", sizes=SizeCache(), with_leases=False)
    took = time.monotonic() - started

    assert took < 8.0  # the page's budget
    assert listing.unsized == 0 and len(listing.keys) >= 20_002
    assert {k.key: k.size for k in listing.keys} == _etcds_own_lengths(etcd)
    secret = next(k for k in listing.keys if k.key == "/registry/secrets/sized/token")
    assert secret.size == len(b"k8s:enc:aescbc:v1:key1:" + SECRET_VALUE)
    assert secret.encryption == "aescbc v1 key1"
    # what the agent puts on the queue, as it is stored in Redis: no value at all, anyone's
    raw = etcd_read.apply_async(
        kwargs={"node": NODE, "call": "sizes_page", "args": {"limit": 50_000}}
    )
    answer = orjson.dumps(raw.get(timeout=30))
    assert len(orjson.loads(answer)["answer"]["sized"]) == len(listing.keys)
    for text in (answer, _everything_in(redis_url), orjson.dumps(listing.as_json())):
        assert SECRET_VALUE not in text
        assert b"PLAIN-VALUE-IN-NO-ANSWER" not in text
        assert base64.b64encode(b"PLAIN-VALUE-IN-NO-ANSWER")[:16] not in text
        assert base64.b64encode(b"k8s:enc:aescbc:v1:key1:" + SECRET_VALUE)[:16] not in text
    raw.forget()


def test_sizes_through_the_agent_go_page_by_page_at_one_revision(
    etcd: EtcdServer, reader: AgentEtcdReader
) -> None:
    for index in range(7):
        _put(etcd, f"/registry/configmaps/sized-pages/cm-{index}", b"x" * (index + 1))
    sized = reader.sizes("/registry/configmaps/sized-pages/", page=3)
    first = [next(sized) for _ in range(4)]  # the second page is asked for
    _put(etcd, "/registry/configmaps/sized-pages/cm-6", b"written since")
    rest = list(sized)
    assert [s.record.text[-4:] for s in first + rest] == [f"cm-{i}" for i in range(7)]
    assert [s.size for s in first + rest] == [1, 2, 3, 4, 5, 6, 7]  # as of the first page
    assert all(s.record.value is None for s in first + rest)


@pytest.fixture
def prod_read_through_the_agent(via_redis: None) -> Iterator[None]:
    """ "prod", a cluster this web process watches and whose etcd it reads through the agent."""
    states = ClusterStates()
    states.add("prod", None)
    states.status("prod", "Pod", WATCHING)
    store.install(states)
    readers.register("prod", "the node agent on cp-1", lambda: AgentEtcdReader("prod", NODE))
    yield
    readers.unregister("prod")
    store.uninstall(states)


@pytest.mark.django_db(transaction=True)
async def test_the_etcd_page_read_through_the_agent_has_every_size_and_no_value(
    etcd: EtcdServer, prod_read_through_the_agent: None, client: Any, redis_url: str
) -> None:
    _put(etcd, "/registry/configmaps/page/plain", b"PLAIN-VALUE-OF-THE-PAGE")
    _put(etcd, "/registry/secrets/page/token", b"k8s:enc:aescbc:v1:key1:" + SECRET_VALUE)

    answer = (await client.get("/api/etcd/overview", {"cluster": "prod"})).content
    model = orjson.loads(answer)
    page = (await client.get("/etcd/", {"cluster": "prod"})).content

    assert model["origin"]["way"] == "the node agent on cp-1" and model["problem"] == ""
    assert model["unsized"] == 0
    assert model["space"]["total_bytes"] == sum(_etcds_own_lengths(etcd).values())
    rows = {row["resource"]: row for row in model["encryption"]}
    assert rows["secrets"]["unread"] == 0 and rows["secrets"]["encrypted"] >= 1
    for text in (answer, page, _everything_in(redis_url)):
        assert SECRET_VALUE not in text
        assert b"PLAIN-VALUE-OF-THE-PAGE" not in text
        assert base64.b64encode(b"k8s:enc:aescbc:v1:key1:" + SECRET_VALUE)[:16] not in text


def test_history_comes_back_to_the_compaction_point_through_the_agent(
    etcd: EtcdServer, reader: AgentEtcdReader
) -> None:
    key = "/registry/configmaps/history/settings"
    revisions = [_put(etcd, key, f'{{"v": {n}}}'.encode()) for n in range(1, 5)]
    history = reader.history(key)
    assert [v.record.value for v in history.versions] == [
        f'{{"v": {n}}}'.encode() for n in (4, 3, 2, 1)
    ]
    assert (history.compacted, history.not_read) == (0, 0)

    etcd.ctl("compact", str(revisions[2]))
    history = reader.history(key)
    assert [v.record.version for v in history.versions] == [4, 3]
    assert history.compacted == 2  # versions 1 and 2 are gone: a fact, not an error


def test_leases_and_their_keys_through_the_agent(etcd: EtcdServer, reader: AgentEtcdReader) -> None:
    granted = etcd.ctl("lease", "grant", "3660").decode()  # "lease 694d... granted with TTL(3660s)"
    lease_hex = granted.split()[1]
    etcd.ctl("put", "--lease", lease_hex, "/registry/events/default/e1", input=b"k8s\x00e")
    lease_id = int(lease_hex, 16)

    lease = reader.lease(lease_id)
    assert lease is not None
    assert lease.granted_ttl == 3660
    assert 0 < lease.remaining <= 3660
    assert lease.keys == (b"/registry/events/default/e1",)
    assert lease_id in [found.id for found in reader.leases()]
    assert reader.lease(lease_id + 1) is None


def test_the_watch_relays_events_through_the_channel_layer_without_values(
    etcd: EtcdServer, via_redis: None
) -> None:
    # segments of 2 s: the watch is renewed while it is iterated, with no event lost or repeated
    reader = AgentEtcdReader("prod", NODE, timeout=30, watch_seconds=2)
    with reader.watch("/registry/") as watch:
        written = []
        for index in range(3):
            written.append(_put(etcd, f"/registry/pods/watched/p{index}", b"k8s\x00pod"))
            time.sleep(1.5)
        written.append(_put(etcd, "/registry/secrets/watched/s", b"k8s\x00" + SECRET_VALUE))
        etcd.ctl("del", "/registry/pods/watched/p0")
        events = []
        deadline = time.monotonic() + 30
        while len(events) < 5 and time.monotonic() < deadline:
            event = watch.next_event(timeout=1)
            if event is not None:
                events.append(event)
        assert watch.segments >= 2
    assert [(e.type, e.key) for e in events] == [
        ("put", b"/registry/pods/watched/p0"),
        ("put", b"/registry/pods/watched/p1"),
        ("put", b"/registry/pods/watched/p2"),
        ("put", b"/registry/secrets/watched/s"),
        ("delete", b"/registry/pods/watched/p0"),
    ]
    assert [e.revision for e in events[:4]] == written
    assert [e.size for e in events[:4]] == [7, 7, 7, len(SECRET_VALUE) + 4]
    assert [e.secret for e in events] == [False, False, False, True, False]
    assert not hasattr(events[3], "value")
    assert watch.ended


def test_an_agent_without_the_way_turned_on_says_so(
    etcd: EtcdServer, redis_url: str, tmp_path: Path, settings: Any
) -> None:
    certs = etcd.certs
    assert certs is not None
    env = _agent_env(
        redis_url,
        tmp_path,
        EXPLORER_AGENT_ETCD_ENDPOINTS=etcd.endpoint,
        EXPLORER_AGENT_ETCD_CA_FILE=str(certs.ca_file),
        EXPLORER_AGENT_ETCD_CERT_FILE=str(certs.client_cert),
        EXPLORER_AGENT_ETCD_KEY_FILE=str(certs.client_key),
    )
    settings.REDIS_URL = redis_url
    settings.CHANNEL_LAYERS = channel_layers(redis_url)
    name = f"etcd-off-{os.getpid()}@{socket.gethostname()}"
    with (
        celery_worker(name, [f"node.{OFF_NODE}"], env, tmp_path / "worker.log"),
        celery_through(redis_url),
    ):
        reader = AgentEtcdReader("prod", OFF_NODE, timeout=30)
        with pytest.raises(EtcdAgentOff) as refused:
            reader.status()
        with pytest.raises(EtcdAgentOff):
            reader.watch()
    assert str(refused.value) == (
        "etcd through the node agent is not turned on (EXPLORER_NODE_ACCESS does not include "
        "etcd-agent) on this node"
    )


def test_a_node_without_an_agent_is_unreachable_within_the_timeout(via_redis: None) -> None:
    reader = AgentEtcdReader("prod", "no-agent-here", timeout=2)
    started = time.monotonic()
    with pytest.raises(EtcdUnreachable, match="the node agent on no-agent-here did not answer"):
        reader.revision()
    assert time.monotonic() - started < 10
    with pytest.raises(EtcdUnreachable, match="no-agent-here did not start the watch within 2s"):
        reader.watch()
    assert time.monotonic() - started < 20


def test_the_agent_finds_kubeadms_etcd_files_under_its_probe_root(
    etcd: EtcdServer, redis_url: str, tmp_path: Path, settings: Any
) -> None:
    certs = etcd.certs
    assert certs is not None
    pki = tmp_path / "host" / "etc/kubernetes/pki"
    (pki / "etcd").mkdir(parents=True)
    # no apiserver-etcd-client pair on this node: the health check's pair is used
    for source, target in (
        (certs.ca_file, pki / "etcd/ca.crt"),
        (certs.client_cert, pki / "etcd/healthcheck-client.crt"),
        (certs.client_key, pki / "etcd/healthcheck-client.key"),
    ):
        target.write_bytes(source.read_bytes())
    env = _agent_env(
        redis_url,
        tmp_path,
        EXPLORER_NODE_ACCESS="etcd-agent",
        EXPLORER_PROBE_ROOT=str(tmp_path / "host"),
        EXPLORER_AGENT_ETCD_ENDPOINTS=etcd.endpoint,
    )
    settings.REDIS_URL = redis_url
    name = f"etcd-kubeadm-{os.getpid()}@{socket.gethostname()}"
    with (
        celery_worker(name, ["node.cp-kubeadm"], env, tmp_path / "worker.log"),
        celery_through(redis_url),
    ):
        status = AgentEtcdReader("prod", "cp-kubeadm", timeout=30).status()
    assert [member.client_urls for member in status.members] == [(etcd.endpoint,)]


def test_an_agent_without_the_nodes_etcd_files_says_which_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPLORER_PROBE_ROOT", str(tmp_path))
    with pytest.raises(EtcdAccessError) as missing:
        agent_access()
    assert str(missing.value) == (
        f"ca_file: '{tmp_path}/etc/kubernetes/pki/etcd/ca.crt' is not a readable file"
    )
