"""Lists and gets over HTTP: selectors, paging, representations, errors."""

from __future__ import annotations

import aiohttp
import pytest

from explorer.apiserver import ApiServer, ApiStore

from .conftest import METADATA_ACCEPT, TABLE_ACCEPT
from .objects import pod

PODS = "/api/v1/pods"


async def _get(http: aiohttp.ClientSession, url: str, **kw) -> tuple[int, dict]:
    async with http.get(url, **kw) as response:
        return response.status, await response.json(content_type=None)


def _names(body: dict) -> list[str]:
    return [item["metadata"]["name"] for item in body["items"]]


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("app=web", ["web-1", "web-2"]),
        ("app==web,tier!=back", ["web-1"]),
        ("tier in (front, back)", ["web-1", "web-2"]),
        ("app notin (web)", ["pending-1", "coredns-1"]),
        ("tier", ["web-1", "web-2"]),
        ("!tier", ["pending-1", "coredns-1"]),
        ("k8s-app", ["coredns-1"]),
    ],
)
async def test_label_selectors(http, server: ApiServer, selector: str, expected: list[str]) -> None:
    status, body = await _get(http, server.url + PODS, params={"labelSelector": selector})
    assert status == 200
    assert sorted(_names(body)) == sorted(expected)


@pytest.mark.parametrize(
    ("path", "selector", "expected"),
    [
        (PODS, "spec.nodeName=worker-1", ["web-1", "web-2"]),
        (PODS, "status.phase!=Running", ["pending-1"]),
        (PODS, "metadata.namespace==kube-system", ["coredns-1"]),
        (PODS, "metadata.name=web-1,spec.nodeName=worker-1", ["web-1"]),
        ("/api/v1/events", "involvedObject.name=coredns-1", ["coredns-1.17b"]),
        ("/api/v1/events", "involvedObject.kind=Pod,type=Warning", ["coredns-1.17b"]),
    ],
)
async def test_field_selectors(
    http, server: ApiServer, path: str, selector: str, expected: list[str]
) -> None:
    status, body = await _get(http, server.url + path, params={"fieldSelector": selector})
    assert status == 200
    assert sorted(_names(body)) == sorted(expected)


async def test_unsupported_field_label_is_a_bad_request(http, server: ApiServer) -> None:
    status, body = await _get(http, server.url + PODS, params={"fieldSelector": "spec.color=red"})
    assert (status, body["reason"], body["message"]) == (
        400,
        "BadRequest",
        "field label not supported: spec.color",
    )


async def test_every_served_object_carries_version_uid_and_creation_time(
    http, server: ApiServer
) -> None:
    _, body = await _get(http, server.url + "/api/v1/namespaces")
    assert int(body["metadata"]["resourceVersion"]) > 0
    for item in body["items"]:
        meta = item["metadata"]
        assert meta["resourceVersion"].isdigit() and meta["uid"] and meta["creationTimestamp"]


async def test_pages_with_limit_and_continue_stay_consistent_while_objects_change(
    http, server: ApiServer, store: ApiStore
) -> None:
    for i in range(10):
        store.apply({"type": "ADDED", "object": pod("team", f"p-{i:02d}", "worker-1")})
    url = server.url + "/api/v1/namespaces/team/pods"
    _, first = await _get(http, url, params={"limit": "4"})
    assert _names(first) == ["p-00", "p-01", "p-02", "p-03"]
    assert first["metadata"]["remainingItemCount"] == 6
    store.apply({"type": "DELETED", "object": pod("team", "p-05", None)})
    store.apply({"type": "ADDED", "object": pod("team", "p-04a", "worker-1")})
    seen = _names(first)
    token = first["metadata"]["continue"]
    while token:
        _, page = await _get(http, url, params={"limit": "4", "continue": token})
        assert page["metadata"]["resourceVersion"] == first["metadata"]["resourceVersion"]
        seen += _names(page)
        token = page["metadata"].get("continue")
    assert seen == [f"p-{i:02d}" for i in range(10)]  # the list as it was at its version
    _, fresh = await _get(http, url)
    assert "p-04a" in _names(fresh) and "p-05" not in _names(fresh)


async def test_continue_token_older_than_history_gets_http_410(
    http, server: ApiServer, store: ApiStore
) -> None:
    _, first = await _get(http, server.url + PODS, params={"limit": "2"})
    store.apply({"type": "ADDED", "object": pod("default", "zz", "worker-1")})
    store.compact()
    status, body = await _get(
        http, server.url + PODS, params={"limit": "2", "continue": first["metadata"]["continue"]}
    )
    assert (status, body["reason"], body["code"]) == (410, "Expired", 410)
    assert body["message"].startswith("The provided continue parameter is too old")
    status, rest = await _get(
        http, server.url + PODS, params={"continue": body["metadata"]["continue"]}
    )
    assert status == 200 and "zz" in _names(rest)  # the inconsistent token lists what is there now


async def test_list_at_too_large_version_times_out_as_a_real_server_does(
    http, server: ApiServer, store: ApiStore
) -> None:
    status, body = await _get(
        http, server.url + PODS, params={"resourceVersion": str(store.resource_version + 50)}
    )
    assert (status, body["reason"]) == (504, "Timeout")


async def test_partial_object_metadata_list(http, server: ApiServer) -> None:
    status, body = await _get(
        http, server.url + "/api/v1/secrets", headers={"Accept": METADATA_ACCEPT}
    )
    assert status == 200
    assert (body["kind"], body["apiVersion"]) == ("PartialObjectMetadataList", "meta.k8s.io/v1")
    item = body["items"][0]
    assert item["kind"] == "PartialObjectMetadata"
    assert set(item) == {"kind", "apiVersion", "metadata"}
    assert item["metadata"]["name"] == "db-credentials"


async def test_secret_served_whole_has_no_values(http, server: ApiServer) -> None:
    status, body = await _get(
        http, server.url + "/api/v1/namespaces/default/secrets/db-credentials"
    )
    assert status == 200 and body["kind"] == "Secret" and body["apiVersion"] == "v1"
    assert "data" not in body and "stringData" not in body


@pytest.mark.parametrize(
    ("include", "object_kind"),
    [("Metadata", "PartialObjectMetadata"), ("Object", "Pod"), ("None", None)],
)
async def test_table_rows_carry_the_object_asked_for(
    http, server: ApiServer, include: str, object_kind
) -> None:
    params = {"includeObject": include, "labelSelector": "app=web"}
    _, table = await _get(http, server.url + PODS, params=params, headers={"Accept": TABLE_ACCEPT})
    assert table["kind"] == "Table" and table["apiVersion"] == "meta.k8s.io/v1"
    assert [c["name"] for c in table["columnDefinitions"]] == [
        "Name", "Ready", "Status", "Restarts", "Age",
        "IP", "Node", "Nominated Node", "Readiness Gates",
    ]  # fmt: skip
    assert [row["cells"][0] for row in table["rows"]] == ["web-1", "web-2"]
    assert table["rows"][0]["cells"][5:7] == ["10.244.1.5", "worker-1"]
    assert [(row.get("object") or {}).get("kind") for row in table["rows"]] == [object_kind] * 2


async def test_default_table_for_kinds_without_a_printer(
    http, server: ApiServer, store: ApiStore
) -> None:
    store.apply(
        {
            "type": "ADDED",
            "object": {
                "kind": "ClusterRole",
                "metadata": {"name": "view", "creationTimestamp": "2024-05-01T10:00:00Z"},
            },
        }
    )
    _, table = await _get(
        http,
        server.url + "/apis/rbac.authorization.k8s.io/v1/clusterroles",
        headers={"Accept": TABLE_ACCEPT},
    )
    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "Created At"]
    assert table["rows"][0]["cells"] == ["view", "2024-05-01T10:00:00Z"]


async def test_get_of_a_missing_object_is_a_not_found_status(http, server: ApiServer) -> None:
    status, body = await _get(
        http, server.url + "/apis/apps/v1/namespaces/default/deployments/nope"
    )
    assert status == 404
    assert body == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'deployments.apps "nope" not found',
        "reason": "NotFound",
        "details": {"name": "nope", "group": "apps", "kind": "deployments"},
        "code": 404,
    }


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/widgets",
        "/apis/apps/v2/deployments",
        "/nothing/here",
        "/api/v1/namespaces/default/nodes",
    ],
)
async def test_unknown_paths_are_not_found(http, server: ApiServer, path: str) -> None:
    status, body = await _get(http, server.url + path)
    assert (status, body["kind"], body["reason"]) == (404, "Status", "NotFound")


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_writes_get_method_not_allowed(http, server: ApiServer, method: str) -> None:
    async with http.request(
        method, server.url + "/api/v1/namespaces/default/pods/web-1", json={}
    ) as response:
        body = await response.json()
    assert (response.status, body["reason"], body["code"]) == (405, "MethodNotAllowed", 405)


async def test_accept_without_json_is_not_acceptable(http, server: ApiServer) -> None:
    status, body = await _get(
        http, server.url + PODS, headers={"Accept": "application/vnd.kubernetes.protobuf"}
    )
    assert (status, body["reason"]) == (406, "NotAcceptable")
