"""RBAC self-check: may this user list and watch each resource, cluster-wide?

SelfSubjectAccessReview per verb and resource; a server that will not answer reviews (404, 403 on
the review itself) is asked for the list instead, and a 403 there means "not visible".
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from kubernetes.client import ApiClient

from explorer.lib.objects import status_of
from explorer.lib.resources import RESOURCES, Resource

from .transport import JSON, METADATA_LIST, ApiError, get_json, request_json

REVIEW_PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"
VERBS = ("list", "watch")


@dataclass(frozen=True)
class Access:
    visible: bool
    reason: str = ""  # why not, e.g. "forbidden: cannot list secrets"


class _ReviewsUnavailable(Exception):
    pass


def check_access(
    api_client: ApiClient, resources: Iterable[Resource] = RESOURCES
) -> dict[str, Access]:
    """kind -> Access per resource; raises only when the server cannot be reached."""
    resources = tuple(resources)
    with ThreadPoolExecutor(max_workers=8) as pool:
        try:
            return dict(pool.map(lambda r: (r.kind, _review(api_client, r)), resources))
        except _ReviewsUnavailable:
            return dict(pool.map(lambda r: (r.kind, _try_list(api_client, r)), resources))


def _review(api_client: ApiClient, resource: Resource) -> Access:
    for verb in VERBS:
        body = {
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SelfSubjectAccessReview",
            "spec": {
                "resourceAttributes": {
                    "verb": verb,
                    "group": resource.group,
                    "resource": resource.plural,
                }
            },
        }
        try:
            status: dict[str, Any] = request_json(api_client, "POST", REVIEW_PATH, body=body)
        except ApiError as error:
            if error.forbidden or error.not_found or error.code == 405:
                raise _ReviewsUnavailable from None
            raise
        review = status_of(status)
        if not review.get("allowed"):
            because = review.get("reason") or review.get("evaluationError") or ""
            reason = f"forbidden: cannot {verb} {resource.name}"
            return Access(False, f"{reason} ({because})" if because else reason)
    return Access(True)


def _try_list(api_client: ApiClient, resource: Resource) -> Access:
    accept = METADATA_LIST if resource.metadata_only else JSON
    try:
        get_json(api_client, resource.path(), {"limit": 1}, accept)
    except ApiError as error:
        if error.forbidden:
            return Access(False, f"forbidden: cannot list {resource.name}")
        if error.not_found:
            return Access(False, f"not served: {resource.path()}")
        raise
    return Access(True)
