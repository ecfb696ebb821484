"""pods/log over HTTP: text from the node facts, container choice errors, tail, follow."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from explorer.apiserver import ApiServer, ApiStore, Policy

from .objects import pod

LOG = "/api/v1/namespaces/default/pods/{name}/log"


async def _log(
    http: aiohttp.ClientSession, server: ApiServer, name: str, **params: str
) -> tuple[int, str]:
    async with http.get(server.url + LOG.format(name=name), params=params) as response:
        return response.status, await response.text()


async def test_log_text_comes_from_the_pods_node(http, server: ApiServer) -> None:
    assert await _log(http, server, "web-1") == (200, "line one\nline two\nline three\n")
    assert await _log(http, server, "web-1", tailLines="1") == (200, "line three\n")
    assert await _log(http, server, "web-1", container="app", limitBytes="4") == (200, "line")


async def test_timestamps_prefix_every_line(http, server: ApiServer) -> None:
    status, text = await _log(http, server, "web-1", timestamps="true", tailLines="2")
    assert status == 200
    lines = text.splitlines()
    assert [line.split(" ", 1)[1] for line in lines] == ["line two", "line three"]
    assert all(line.split(" ", 1)[0].endswith("Z") and "T" in line for line in lines)


async def test_a_pod_with_several_containers_needs_one_named(
    http, server: ApiServer, store: ApiStore
) -> None:
    store.apply(
        {
            "type": "ADDED",
            "object": pod("default", "duo", "worker-1", containers=("app", "sidecar")),
        }
    )
    status, text = await _log(http, server, "duo")
    assert status == 400
    assert (
        '"message":"a container name must be specified for pod duo, choose one of: [app sidecar]"'
        in text
    )
    status, text = await _log(http, server, "duo", container="nope")
    assert status == 400 and "container nope is not valid for pod duo" in text
    assert await _log(http, server, "duo", container="sidecar") == (200, "")


async def test_log_of_a_container_waiting_to_start_says_so(
    http, server: ApiServer, store: ApiStore
) -> None:
    store.apply(
        {"type": "ADDED", "object": pod("default", "new", "worker-1", waiting="ContainerCreating")}
    )
    status, text = await _log(http, server, "new")
    assert status == 400
    assert 'container \\"app\\" in pod \\"new\\" is waiting to start: ContainerCreating' in text


async def test_log_of_a_missing_pod_is_not_found(http, server: ApiServer) -> None:
    status, text = await _log(http, server, "ghost")
    assert status == 404 and 'pods \\"ghost\\" not found' in text


@pytest.mark.parametrize("policy", [Policy(forbidden={"pods/log"})])
async def test_pod_logs_can_be_forbidden_apart_from_pods(http, server: ApiServer) -> None:
    status, text = await _log(http, server, "web-1")
    assert status == 403
    assert (
        'cannot get resource \\"pods/log\\" in API group \\"\\" in the namespace \\"default\\"'
        in text
    )
    async with http.get(server.url + "/api/v1/namespaces/default/pods/web-1") as response:
        assert response.status == 200


async def test_follow_streams_what_is_appended(http, server: ApiServer, store: ApiStore) -> None:
    url = server.url + LOG.format(name="web-1")
    async with http.get(url, params={"follow": "true", "tailLines": "1"}) as response:
        assert await response.content.readline() == b"line three\n"
        logs = {"default/web-1/app": "line one\nline two\nline three\nline four\n"}
        await asyncio.to_thread(store.set_node_facts, "worker-1", {"logs": logs})
        assert await asyncio.wait_for(response.content.readline(), 5) == b"line four\n"
        store.apply({"type": "DELETED", "object": pod("default", "web-1", None)})
        assert (
            await asyncio.wait_for(response.content.read(), 5) == b""
        )  # the pod went: the stream ends
