"""Which way to etcd each cluster gets at start-up (explorer/runtime/etcd_readers.py): the
settings' etcd for the cluster they name, the privileged ways only when turned on, and the
control-plane node the agent's reader asks."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from explorer.apiserver import ApiServer, ApiStore
from explorer.demo import build_demo
from explorer.etcd import readers
from explorer.etcd.access import EtcdAccess
from explorer.etcd.client import EtcdClient
from explorer.jobs.etcd_reader import AgentEtcdReader, control_plane_node
from explorer.probes import node_sources
from explorer.probes.node_sources import NodeSource
from explorer.runtime.etcd_exec_reader import ExecEtcdReader
from explorer.runtime.etcd_readers import (
    EtcdReadersError,
    etcd_cluster,
    register_etcd_readers,
    unregister_etcd_readers,
)
from tests.etcd_server import EtcdServer

from ..streaming.conftest import kubeconfig_for

CLUSTERS = ["prod", "staging"]
MANAGE = Path(__file__).resolve().parents[2] / "manage.py"


@pytest.fixture
def registered() -> Iterator[dict[str, str]]:
    """What a test registered, unregistered afterwards (the registry is the process's)."""
    found: dict[str, str] = {}
    yield found
    unregister_etcd_readers({cluster: "" for cluster in [*CLUSTERS, *found]})


def test_the_settings_etcd_is_read_for_the_cluster_it_names(
    etcd: EtcdServer, settings: Any, registered: dict[str, str]
) -> None:
    settings.EXPLORER_ETCD = EtcdAccess(endpoints=(etcd.endpoint,))
    settings.EXPLORER_ETCD_CLUSTER = "staging"
    etcd.ctl("put", "/registry/namespaces/default", "{}")
    registered.update(register_etcd_readers(CLUSTERS))

    assert registered == {"staging": f"etcd at {etcd.endpoint} (EXPLORER_ETCD_ENDPOINTS)"}
    assert readers.reader_for("prod") is None
    found = readers.reader_for("staging")
    assert found is not None
    way, reader = found
    assert way == registered["staging"]
    assert isinstance(reader, EtcdClient)
    assert [r.key for r in reader.keys("/registry/")] == [b"/registry/namespaces/default"]


def test_the_settings_etcd_belongs_to_the_only_cluster_or_else_the_current_context() -> None:
    assert etcd_cluster("", ["prod"], None) == "prod"
    assert etcd_cluster("", CLUSTERS, "staging") == "staging"
    assert etcd_cluster("", [], "prod") == "prod"  # a web process that knows only its context
    assert etcd_cluster("prod", [], None) == "prod"


def test_a_settings_etcd_that_names_no_known_cluster_stops_start_up_in_one_line() -> None:
    with pytest.raises(EtcdReadersError) as unnamed:
        etcd_cluster("", CLUSTERS, None)
    assert str(unnamed.value) == (
        "EXPLORER_ETCD_ENDPOINTS is set, but not for which cluster: set EXPLORER_ETCD_CLUSTER "
        "to a kubeconfig context (prod, staging)"
    )
    with pytest.raises(EtcdReadersError, match="EXPLORER_ETCD_CLUSTER: 'dev' is not a cluster"):
        etcd_cluster("dev", CLUSTERS, "prod")


def test_the_privileged_ways_to_etcd_are_off_by_default(
    settings: Any, registered: dict[str, str]
) -> None:
    settings.EXPLORER_ETCD = None
    settings.EXPLORER_NODE_ACCESS = frozenset({"exec", "nodes-proxy"})
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    registered.update(register_etcd_readers(CLUSTERS))
    assert registered == {}
    assert [readers.reader_for(cluster) for cluster in CLUSTERS] == [None, None]


def test_the_agent_way_turned_on_reads_every_cluster_through_its_control_plane_agent(
    settings: Any, registered: dict[str, str]
) -> None:
    settings.EXPLORER_ETCD = None
    settings.EXPLORER_NODE_ACCESS = frozenset({"etcd-agent"})
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    settings.EXPLORER_ETCD_AGENT_NODE = ""
    registered.update(register_etcd_readers(CLUSTERS))
    assert registered == dict.fromkeys(CLUSTERS, "the node agent on a control-plane node")
    found = readers.reader_for("prod")
    assert found is not None
    assert isinstance(found[1], AgentEtcdReader)
    assert found[1].cluster == "prod"


def test_the_agent_way_needs_a_broker_to_reach_an_agent(
    settings: Any, registered: dict[str, str]
) -> None:
    settings.EXPLORER_ETCD = None
    settings.EXPLORER_NODE_ACCESS = frozenset({"etcd-agent"})
    settings.REDIS_URL = ""
    registered.update(register_etcd_readers(CLUSTERS))
    assert registered == {}


def test_a_reader_registered_already_is_kept(settings: Any, registered: dict[str, str]) -> None:
    own = EtcdClient(EtcdAccess(endpoints=("http://127.0.0.1:1",)))
    readers.register("prod", "the demo's own etcd", lambda: own)
    settings.EXPLORER_ETCD = None
    settings.EXPLORER_NODE_ACCESS = frozenset({"etcd-agent"})
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    registered.update(register_etcd_readers(CLUSTERS))
    assert list(registered) == ["staging"]
    assert readers.reader_for("prod") == ("the demo's own etcd", own)


@pytest.fixture
def demo_api(tmp_path: Path) -> Iterator[str]:
    """The demo cluster behind the project's API server, known to this process as `demo-api`."""
    server = ApiServer(ApiStore(build_demo())).start()
    node_sources.register("demo-api", NodeSource(kubeconfig=kubeconfig_for(tmp_path, server.url)))
    yield "demo-api"
    node_sources.unregister("demo-api")
    server.stop()


def test_the_agent_that_reads_etcd_is_on_the_node_labelled_control_plane(demo_api: str) -> None:
    assert control_plane_node(demo_api) == "demo-control-plane"


def test_the_exec_way_turned_on_reads_etcd_with_etcdctl_in_the_etcd_pod(
    settings: Any, registered: dict[str, str]
) -> None:
    settings.EXPLORER_ETCD = None
    settings.EXPLORER_NODE_ACCESS = frozenset({"etcd-exec"})
    registered.update(register_etcd_readers(CLUSTERS))
    assert registered == dict.fromkeys(CLUSTERS, "etcdctl through exec in the etcd pod")
    found = readers.reader_for("staging")
    assert found is not None
    assert isinstance(found[1], ExecEtcdReader)


def test_the_web_process_stops_in_one_line_when_the_settings_etcd_names_no_cluster(
    tmp_path: Path,
) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\n"
        "clusters:\n"
        "- {name: a, cluster: {server: 'https://10.0.0.1:6443'}}\n"
        "- {name: b, cluster: {server: 'https://10.0.0.2:6443'}}\n"
        "users:\n- {name: u, user: {token: t}}\n"
        "contexts:\n"
        "- {name: prod, context: {cluster: a, user: u}}\n"
        "- {name: staging, context: {cluster: b, user: u}}\n"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env = {
        **clean,
        "KUBECONFIG": str(kubeconfig),
        "EXPLORER_ETCD_ENDPOINTS": "http://127.0.0.1:2379",
        "EXPLORER_STATE_DIR": str(tmp_path / "state"),
    }
    result = subprocess.run(
        [sys.executable, str(MANAGE), "web", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "CommandError: EXPLORER_ETCD_ENDPOINTS is set, but not for which cluster: set "
        "EXPLORER_ETCD_CLUSTER to a kubeconfig context (prod, staging)"
    )
