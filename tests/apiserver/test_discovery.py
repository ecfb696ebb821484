"""Discovery documents and the access reviews, over HTTP."""

from __future__ import annotations

import aiohttp
import pytest

from explorer.apiserver import ApiServer, Policy, Rule
from explorer.apiserver.protowire import decode_review
from explorer.lib.resources import RESOURCES

AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"


async def test_aggregated_discovery_lists_every_catalogued_resource(
    http: aiohttp.ClientSession, server: ApiServer
) -> None:
    found = {}
    for path in ("/api", "/apis"):
        async with http.get(server.url + path, headers={"Accept": AGGREGATED}) as response:
            assert (
                response.headers["Content-Type"]
                == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
            )
            body = await response.json(content_type=None)
        assert body["kind"] == "APIGroupDiscoveryList"
        for group in body["items"]:
            for version in group["versions"]:
                for resource in version["resources"]:
                    found[(resource["responseKind"]["group"], resource["resource"])] = resource
    for resource in RESOURCES:
        entry = found[(resource.group, resource.plural)]
        assert entry["verbs"] == ["get", "list", "watch"]
        assert entry["scope"] == ("Namespaced" if resource.namespaced else "Cluster")
        assert entry.get("shortNames", []) == list(resource.short_names)
    assert found[("", "pods")]["subresources"][0]["subresource"] == "log"


async def test_legacy_discovery_for_clients_that_do_not_aggregate(
    http: aiohttp.ClientSession, server: ApiServer
) -> None:
    async with http.get(server.url + "/api") as response:
        assert (await response.json())["versions"] == ["v1"]
    async with http.get(server.url + "/apis") as response:
        groups = {g["name"] for g in (await response.json())["groups"]}
    assert {"apps", "batch", "authorization.k8s.io"} <= groups
    async with http.get(server.url + "/apis/apps/v1") as response:
        resources = {r["name"]: r for r in (await response.json())["resources"]}
    assert resources["deployments"]["shortNames"] == ["deploy"]
    assert resources["deployments"]["categories"] == ["all"]
    assert resources["deployments"]["singularName"] == "deployment"
    async with http.get(server.url + "/api/v1") as response:
        assert "pods/log" in {r["name"] for r in (await response.json())["resources"]}


@pytest.mark.parametrize(
    "policy",
    [Policy([Rule("secrets", verbs=frozenset({"list"}), namespaces=frozenset({"default"}))])],
)
async def test_access_review_answers_from_the_policy(
    http: aiohttp.ClientSession, server: ApiServer
) -> None:
    async def allowed(**attributes: str) -> bool:
        review = {
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SelfSubjectAccessReview",
            "spec": {"resourceAttributes": attributes},
        }
        async with http.post(
            server.url + "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", json=review
        ) as response:
            assert response.status == 201
            return (await response.json())["status"]["allowed"]

    assert not await allowed(verb="list", resource="secrets", namespace="default")
    assert await allowed(verb="list", resource="secrets", namespace="other")
    assert await allowed(verb="get", resource="secrets", namespace="default")
    assert not await allowed(verb="delete", resource="pods", namespace="default")


@pytest.mark.parametrize("policy", [Policy(forbidden={"nodes"})])
async def test_rules_review_lists_what_may_be_read(
    http: aiohttp.ClientSession, server: ApiServer
) -> None:
    review = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectRulesReview",
        "spec": {"namespace": "default"},
    }
    async with http.post(
        server.url + "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", json=review
    ) as response:
        rules = (await response.json())["status"]["resourceRules"]
    readable = {
        r for rule in rules if rule["verbs"] == ["get", "list", "watch"] for r in rule["resources"]
    }
    assert "pods" in readable and "pods/log" not in readable and "nodes" not in readable
    assert any(rule["resources"] == ["pods/log"] and rule["verbs"] == ["get"] for rule in rules)


@pytest.mark.parametrize("policy", [Policy(forbidden={"nodes", "deployments.apps"})])
async def test_forbidden_reads_get_the_real_403_status(
    http: aiohttp.ClientSession, server: ApiServer
) -> None:
    async with http.get(server.url + "/api/v1/nodes") as response:
        body = await response.json()
    assert response.status == 403 and body["reason"] == "Forbidden"
    assert body["message"] == (
        'nodes is forbidden: User "system:anonymous" cannot list resource "nodes" '
        'in API group "" at the cluster scope'
    )
    async with http.get(
        server.url + "/apis/apps/v1/namespaces/default/deployments/web"
    ) as response:
        body = await response.json()
    assert body["message"] == (
        'deployments.apps "web" is forbidden: User "system:anonymous" cannot get resource '
        '"deployments" in API group "apps" in the namespace "default"'
    )
    async with http.get(server.url + "/api/v1/pods", params={"watch": "true"}) as response:
        assert response.status == 200  # pods stay readable


def test_protobuf_access_review_as_kubectl_sends_it() -> None:
    body = (
        b"k8s\x00\n2\n\x17authorization.k8s.io/v1\x12\x17SelfSubjectAccessReview\x12C\n\x10\n\x00\x12\x00"
        b'\x1a\x00"\x00*\x002\x008\x00B\x00\x12%\n#\n\x0bkube-system\x12\x03get\x1a\x00"\x00*\x04pods2\x00'
        b':\x03log\x1a\x08\x08\x00\x12\x00\x1a\x00 \x00\x1a\x00"\x00'
    )
    review = decode_review(body)
    assert review["kind"] == "SelfSubjectAccessReview"
    assert review["spec"]["resourceAttributes"] == {
        "namespace": "kube-system",
        "verb": "get",
        "resource": "pods",
        "name": "log",
    }
