"""Discovery and the RBAC self-check against the project's own API server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from explorer.apiserver import ApiServer, ApiStore, Policy
from explorer.kube.access_review import Access, check_access
from explorer.kube.discovery import discover
from explorer.lib.resources import BY_KIND, RESOURCES, Resource

from .served import connect, small_cluster

WIDGETS = Resource("Widget", "widgets", "example.com", "v1", True)
ANCIENT_HPA = Resource(
    "HorizontalPodAutoscaler", "horizontalpodautoscalers", "autoscaling", "v9", True
)


@pytest.fixture
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    policy = Policy(forbidden=set(getattr(request, "param", ())))
    server = ApiServer(ApiStore(small_cluster()), port=0, policy=policy)
    server.start()
    yield connect(tmp_path, server.url).api_client
    server.stop()


def test_discovery_finds_every_catalogue_resource(served) -> None:
    found = discover(served)
    assert found.not_served == {}
    assert set(found.served) == set(RESOURCES)


def test_discovery_says_why_a_resource_is_not_served(served) -> None:
    found = discover(served, [BY_KIND["Pod"], WIDGETS, ANCIENT_HPA])
    assert found.served == (BY_KIND["Pod"],)
    assert found.not_served["Widget"] == "group example.com not served"
    assert found.not_served["HorizontalPodAutoscaler"].startswith("autoscaling/v9 not served")


@pytest.mark.parametrize("served", [("secrets",)], indirect=True)
def test_a_forbidden_resource_is_not_visible_with_the_reason(served) -> None:
    access = check_access(served, [BY_KIND["ConfigMap"], BY_KIND["Secret"]])
    assert access["ConfigMap"] == Access(True)
    assert not access["Secret"].visible
    assert access["Secret"].reason.startswith("forbidden: cannot list secrets")
