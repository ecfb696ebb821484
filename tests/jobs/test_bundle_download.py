""" "Download a bundle of this cluster" in the embedded install: no REDIS_URL, the task on a thread
of this process, progress through the in-memory channel layer to a websocket that follows it."""

from __future__ import annotations

import asyncio
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
import zstandard
from django.test import AsyncClient
from django.urls import resolve, reverse

from explorer.apiserver import ApiStore
from explorer.jobs.dispatch import _run_here
from explorer.jobs.tasks import BUNDLE_STEPS, download_bundle
from explorer.lib.resources import RESOURCES
from explorer.snapshots.bundle import decode_bundle

from ..streaming.tabs import Tab

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_SECRET_VALUE = b"demo-only-not-a-secret"


async def body_of(response: Any) -> bytes:
    return b"".join([chunk async for chunk in response.streaming_content])


async def progress_until_finished(tab: Tab, task: str) -> list[dict[str, Any]]:
    await tab.send({"type": "follow", "task": task})
    await tab.until(
        lambda m: m["type"] == "progress" and m["task"] == task and m["state"] in ("done", "failed")
    )
    return [m for m in tab.received if m["type"] == "progress" and m["task"] == task]


async def test_a_bundle_started_from_the_page_ends_done_on_the_websocket_and_reads_back(
    watched: Any, downloads_dir: Path, client: AsyncClient, tab: Tab, store: ApiStore
) -> None:
    started = await client.post("/api/clusters/demo/bundle")
    assert started.status_code == 202
    task = started.json()["task"]
    assert started.json()["download"] == f"/downloads/{task}"

    reports = await progress_until_finished(tab, task)
    last = reports[-1]
    assert (last["state"], last["done"], last["total"]) == ("done", BUNDLE_STEPS, BUNDLE_STEPS)
    assert last["download"].startswith("demo-") and last["download"].endswith(".cxb.zst")

    response = await client.get(started.json()["download"])
    assert response.status_code == 200
    assert last["download"] in response["Content-Disposition"]
    data = await body_of(response)
    state = decode_bundle(data).state
    assert state.cluster == "demo"
    assert state.count("Pod") == store.state.count("Pod") > 0
    assert state.count("Node") == store.state.count("Node")
    secrets = list(state.list("Secret"))
    assert secrets and all("data" not in s for s in secrets)
    assert DEMO_SECRET_VALUE not in zstandard.ZstdDecompressor().decompress(data)


async def test_a_tab_following_before_the_task_runs_hears_every_kind_in_order(
    watched: Any, downloads_dir: Path, user: Any, tab: Tab, store: ApiStore
) -> None:
    task = str(uuid.uuid4())
    await tab.send({"type": "follow", "task": task})
    await asyncio.sleep(0.1)  # the follow is handled before the task starts
    kwargs = {"cluster": "demo", "user_id": user.pk}
    loop = asyncio.get_running_loop()
    threading.Thread(target=_run_here, args=(download_bundle, kwargs, task, loop)).start()

    await tab.until(lambda m: m["type"] == "progress" and m["state"] == "done")
    reports = [m for m in tab.received if m["type"] == "progress"]
    # reading (0), each kind (1..35), writing the file (still 35 done), done (36)
    assert [m["done"] for m in reports] == [*range(BUNDLE_STEPS), BUNDLE_STEPS - 1, BUNDLE_STEPS]
    assert reports[-2]["message"].startswith("writing the bundle")
    assert reports[1]["message"].startswith(f"{RESOURCES[0].kind}: ")
    pods = store.state.count("Pod")
    assert f"Pod: {pods} objects" in [m["message"] for m in reports]
    assert [m["state"] for m in reports] == ["running"] * (BUNDLE_STEPS + 1) + ["done"]


async def test_another_user_cannot_download_someone_elses_bundle(
    watched: Any, downloads_dir: Path, client: AsyncClient, tab: Tab, django_user_model: Any
) -> None:
    started = (await client.post("/api/clusters/demo/bundle")).json()
    await progress_until_finished(tab, started["task"])
    mallory = await django_user_model.objects.acreate_user("mallory", password="x-not-used-1")
    other = AsyncClient()
    await other.aforce_login(mallory)
    assert (await other.get(started["download"])).status_code == 404
    assert (await AsyncClient().get(started["download"])).status_code == 302  # to the login page


async def test_a_cluster_nobody_watches_cannot_be_bundled(
    watched: Any, downloads_dir: Path, client: AsyncClient
) -> None:
    response = await client.post("/api/clusters/elsewhere/bundle")
    assert response.status_code == 404
    assert response.json()["error"] == "no_such_cluster"


async def test_starting_a_bundle_needs_a_login_and_the_csrf_token(
    watched: Any, downloads_dir: Path, user: Any
) -> None:
    anonymous = await AsyncClient().post("/api/clusters/demo/bundle")
    assert anonymous.status_code == 401
    strict = AsyncClient(enforce_csrf_checks=True)
    await strict.aforce_login(user)
    forged = await strict.post("/api/clusters/demo/bundle")
    assert forged.status_code == 403
    assert forged.json()["error"] == "csrf_failed"
    assert not downloads_dir.exists()


async def test_a_bundle_of_a_cluster_that_cannot_be_reached_ends_failed(
    memory_layer: None, downloads_dir: Path, user: Any, tab: Tab, settings: Any, tmp_path: Path
) -> None:
    """Not watched in this process and no kubeconfig context of that name: the page is told."""
    task = str(uuid.uuid4())
    await tab.send({"type": "follow", "task": task})
    await asyncio.sleep(0.1)
    empty = tmp_path / "kubeconfig"
    empty.write_text("apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n")
    kwargs = {"cluster": "gone", "user_id": user.pk}
    with pytest.MonkeyPatch.context() as env:
        env.setenv("KUBECONFIG", str(empty))
        thread = threading.Thread(
            target=_run_here, args=(download_bundle, kwargs, task, asyncio.get_running_loop())
        )
        thread.start()
        failed = await tab.until(lambda m: m["type"] == "progress" and m["state"] == "failed")
        await asyncio.to_thread(thread.join, 5)
    assert "gone" in failed["message"]


def test_a_context_name_with_slashes_and_colons_still_names_its_bundle_endpoint() -> None:
    name = "arn:aws:eks:eu-west-1:123456789012:cluster/prod"
    url = reverse("api-cluster-bundle", args=[name])
    assert resolve(url).kwargs == {"cluster": name}
