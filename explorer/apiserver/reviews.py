"""SelfSubjectAccessReview and SelfSubjectRulesReview, answered from the Policy."""

from __future__ import annotations

from explorer.lib.objects import spec_of
from explorer.lib.resources import RESOURCES

from .discovery_documents import AUTHORIZATION_GROUP, REVIEWS, SUBRESOURCES
from .policy import READ_VERBS, Policy

NON_RESOURCE_URLS = [
    "/api",
    "/api/*",
    "/apis",
    "/apis/*",
    "/healthz",
    "/livez",
    "/readyz",
    "/version",
]


def access_review(policy: Policy, review: dict) -> dict:
    spec = spec_of(review)
    attributes = spec.get("resourceAttributes")
    if attributes is None:
        non_resource = spec.get("nonResourceAttributes") or {}
        allowed = non_resource.get("verb", "get") == "get"
        reason = "" if allowed else "the explorer's API server is read-only"
    else:
        plural = attributes.get("resource", "")
        if attributes.get("subresource"):
            plural = f"{plural}/{attributes['subresource']}"
        verb = attributes.get("verb", "")
        allowed = policy.allows(
            verb, attributes.get("group", ""), plural, attributes.get("namespace", "")
        )
        reason = "" if allowed or verb in READ_VERBS else "the explorer's API server is read-only"
    status = {"allowed": allowed}
    if reason:
        status["reason"] = reason
    return {
        "kind": "SelfSubjectAccessReview",
        "apiVersion": "authorization.k8s.io/v1",
        "metadata": {"creationTimestamp": None},
        "spec": spec,
        "status": status,
    }


def rules_review(policy: Policy, review: dict) -> dict:
    spec = spec_of(review)
    namespace = spec.get("namespace", "")
    grouped: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for resource in RESOURCES:
        subresources = [f"{resource.plural}/{s}" for s, _ in SUBRESOURCES.get(resource.plural, ())]
        for plural, verbs_served in [(resource.plural, READ_VERBS)] + [
            (s, ("get",)) for s in subresources
        ]:
            verbs = tuple(
                v for v in verbs_served if policy.allows(v, resource.group, plural, namespace)
            )
            if verbs:
                grouped.setdefault((resource.group, verbs), []).append(plural)
    rules = [
        {"verbs": list(verbs), "apiGroups": [group], "resources": plurals}
        for (group, verbs), plurals in grouped.items()
    ]
    rules.append(
        {
            "verbs": ["create"],
            "apiGroups": [AUTHORIZATION_GROUP],
            "resources": [p for p, _ in REVIEWS],
        }
    )
    return {
        "kind": "SelfSubjectRulesReview",
        "apiVersion": "authorization.k8s.io/v1",
        "metadata": {"creationTimestamp": None},
        "spec": spec,
        "status": {
            "resourceRules": rules,
            "nonResourceRules": [{"verbs": ["get"], "nonResourceURLs": NON_RESOURCE_URLS}],
            "incomplete": False,
        },
    }
