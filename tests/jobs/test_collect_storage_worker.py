"""The node side of the storage chain through a real agent: a Celery worker started in a mount
and PID namespace of its own (`unshare -m -p -f --mount-proc`), where tmpfs filesystems are
mounted at the kubelet-shaped paths of one demo claim's volume (its staging mount, and the pod's
bind of it, with the vol_data.json kubelet writes beside it) under a kubelet root of the test's
own (EXPLORER_PROBE_KUBELET_ROOT). A collection reads the namespace's real mount table
(/proc/1/mountinfo: the worker is PID 1 there) and the volume's statvfs, the facts reach the
watcher over Redis, and the pages drawn from the watcher's state — the claim's, the volume's,
the node's — find the mounted claim mounted with its bytes, and the other claim missing."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from django.test import AsyncClient

from explorer.apiserver import ApiStore
from explorer.collectors.storage.names import attachment_name, pod_volume_dir, staging_path
from explorer.jobs.collect import collect_cluster
from explorer.viewmodels.objects.page import object_view
from explorer.viewmodels.workloads.node_volumes import node_volumes

from ..streaming.conftest import redis_available
from ..streaming.tabs import Tab
from .celery_workers import celery_worker
from .test_bundle_download import progress_until_finished
from .test_collect_worker import agent_env, held_facts, home, via_redis, watcher

pytestmark = [
    pytest.mark.root,
    pytest.mark.skipif(os.geteuid() != 0, reason="mount namespaces need root"),
    pytest.mark.skipif(shutil.which("unshare") is None, reason="util-linux unshare is missing"),
    pytest.mark.skipif(not redis_available(), reason="no Redis at 127.0.0.1:6379"),
    pytest.mark.django_db(transaction=True),
]
__all__ = ["agent_env", "home", "via_redis", "watcher"]  # fixtures shared with test_collect_worker

NODE = "demo-worker"
MOUNTED, UNMOUNTED = ("shop", "data-db-0"), ("shop", "data-db-1")
TMPFS_BYTES = 8 * 1024 * 1024
WRITTEN = 1024 * 1024
WORKER_NAME = f"storage-agent-{os.getpid()}@{socket.gethostname()}"


def kubelet_root(home: Path) -> Path:
    return home / "kubelet"


def claims_volume(store: ApiStore, claim: tuple[str, str]) -> tuple[dict, dict]:
    """The pod on the node that mounts the claim, and its volume."""
    volume = store.state.volume_for_claim(*claim)
    (pod,) = [
        p
        for p in store.state.pods_on_node(NODE)
        if any(
            (v.get("persistentVolumeClaim") or {}).get("claimName") == claim[1]
            for v in p["spec"].get("volumes") or ()
        )
    ]
    return pod, volume


@pytest.fixture(scope="module")
def worker(
    agent_env: dict[str, str], home: Path, demo_store: ApiStore
) -> Iterator[subprocess.Popen]:
    """The agent of NODE (and the collection's worker), in namespaces of its own where the
    claim's volume is mounted as kubelet and the CSI driver mount it."""
    root = kubelet_root(home)
    pod, volume = claims_volume(demo_store, MOUNTED)
    csi = volume["spec"]["csi"]
    staging = Path(staging_path(csi["driver"], csi["volumeHandle"], str(root)))
    volume_dir = Path(pod_volume_dir(pod["metadata"]["uid"], volume["metadata"]["name"], str(root)))
    for directory in (staging, volume_dir / "mount"):
        directory.mkdir(parents=True)
    data = {
        "attachmentID": attachment_name(csi["volumeHandle"], csi["driver"], NODE),
        "driverName": csi["driver"],
        "nodeName": NODE,
        "specVolID": volume["metadata"]["name"],
        "volumeHandle": csi["volumeHandle"],
        "volumeLifecycleMode": "Persistent",
    }
    (volume_dir / "vol_data.json").write_bytes(orjson.dumps(data))
    script = (
        "set -e; "
        f'mount -t tmpfs -o size={TMPFS_BYTES} tmpfs "{staging}"; '
        f'head -c {WRITTEN} /dev/zero > "{staging}/written"; '
        f'mount --bind "{staging}" "{volume_dir}/mount"; '
        'exec "$@"'
    )
    wrap = (
        "unshare", "--mount", "--propagation", "private", "--pid", "--fork", "--mount-proc",
        "--kill-child=SIGTERM", "sh", "-c", script, "sh",
    )  # fmt: skip
    env = {
        **agent_env,
        "EXPLORER_PROBE_ROOT": "/",
        "EXPLORER_PROBE_KUBELET_ROOT": str(root),
        "EXPLORER_PROBE_CGROUPS": "0",
    }
    queues = ["default", f"node.{NODE}"]
    with celery_worker(WORKER_NAME, queues, env, home / "storage-worker.log", wrap=wrap) as process:
        yield process


async def collect(client: AsyncClient) -> list[dict]:
    tab = await Tab.open(client.cookies["sessionid"].value)
    try:
        task = str(uuid.uuid4())
        await tab.send({"type": "follow", "task": task})
        await asyncio.sleep(0.1)
        await asyncio.to_thread(
            collect_cluster.apply_async, kwargs={"cluster": "demo"}, task_id=task
        )
        return await asyncio.wait_for(progress_until_finished(tab, task), 60)
    finally:
        await tab.close()


def rows_of(model: dict, section_id: str) -> list[list[Any]]:
    (found,) = [s for s in model["sections"] if s["id"] == section_id]
    return found["rows"]


def text(cell: Any) -> str:
    return cell["text"] if isinstance(cell, dict) else str(cell)


async def test_the_agent_in_a_mount_namespace_finds_the_claims_mounts_and_the_pages_show_them(
    watcher: Any, user: Any, client: AsyncClient, demo_store: ApiStore, home: Path
) -> None:
    started = time.time()
    reports = await collect(client)

    assert reports[-1]["message"] == "demo: 3 of 3 nodes collected"
    agent = next(r["message"] for r in reports if r["message"].startswith(f"{NODE}:"))
    assert agent.startswith(f"{NODE}: local probe read ") and "storage" in agent
    held = (await held_facts(watcher, [NODE]))[NODE]
    fact = held["storage"]
    assert (fact["probe"], fact["kubelet_root"]) == ("local", str(kubelet_root(home)))
    pod, volume = claims_volume(demo_store, MOUNTED)
    mount = pod_volume_dir(pod["metadata"]["uid"], volume["metadata"]["name"], fact["kubelet_root"])
    assert f" {mount}/mount " in fact["mountinfo"], "the namespace's own table, at PID 1"
    (measured,) = [v for v in fact["volumes"] if v.get("usage")]
    assert measured["usage"]["capacity_bytes"] == TMPFS_BYTES
    assert measured["usage"]["used_bytes"] == WRITTEN
    assert orjson.loads(measured["vol_data"])["nodeName"] == NODE

    with watcher.states.read("demo") as state:
        claim_page = object_view(
            state,
            {"cluster": "demo", "kind": "PersistentVolumeClaim", "namespace": "shop",
             "name": MOUNTED[1]},
        )  # fmt: skip
        volume_page = object_view(
            state,
            {"cluster": "demo", "kind": "PersistentVolume", "namespace": "-",
             "name": volume["metadata"]["name"]},
        )  # fmt: skip
        other_page = object_view(
            state,
            {"cluster": "demo", "kind": "PersistentVolumeClaim", "namespace": "shop",
             "name": UNMOUNTED[1]},
        )  # fmt: skip
        node_page = node_volumes(state, {"cluster": "demo", "name": NODE})

    for page in (claim_page, volume_page):  # the chain read from either end
        on_node = [[text(c) for c in row] for row in rows_of(page, "on-the-node")]
        assert on_node[0][2:4] == ["pod mount", "mounted: tmpfs from tmpfs"]
        assert on_node[0][5] == f"{mount}/mount"
        assert on_node[1][2] == "staging" and on_node[1][3] == "mounted: tmpfs from tmpfs"
        assert on_node[0][4].endswith("(local probe)")
        taken = on_node[0][4].removesuffix(" (local probe)")
        assert time.strftime("%Y-%m-%dT", time.gmtime(started)) in taken
        (usage,) = rows_of(page, "usage")
        assert usage[2] == {
            "text": "1.0 MiB of 8.0 MiB (12%)",
            "bar": {"value": WRITTEN, "max": TMPFS_BYTES},
        }
        assert text(usage[4]).startswith("statvfs of the mount, ")
    other = [[text(c) for c in row] for row in rows_of(other_page, "on-the-node")]
    assert other[0][3] == "missing"
    by_claim = {(r["what"], r["claim_text"]): r["verdict"] for r in node_page["rows"]}
    assert by_claim[("pod mount", "shop/data-db-0")] == "mounted"
    assert by_claim[("pod mount", "shop/data-db-1")] == "missing"
