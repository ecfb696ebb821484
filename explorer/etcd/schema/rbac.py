"""rbac.authorization.k8s.io/v1: Role, RoleBinding, ClusterRole (with its aggregationRule) and
ClusterRoleBinding (field numbers: k8s.io/api rbac/v1 `generated.proto`; JSON tags: its
`types.go`). Stored as rbac.authorization.k8s.io/v1.

`rules` and a rule's `verbs` have no omitempty: a role without rules shows `rules: null`.
"""

from __future__ import annotations

from .fields import f, kind, message

OBJECT_META = "meta.v1.ObjectMeta"

message(
    "rbac.v1.PolicyRule",
    f(1, "verbs", "string", repeated=True, omitempty=False),
    f(2, "apiGroups", "string", repeated=True),
    f(3, "resources", "string", repeated=True),
    f(4, "resourceNames", "string", repeated=True),
    f(5, "nonResourceURLs", "string", repeated=True),
)
message(
    "rbac.v1.Subject",
    f(1, "kind", "string", omitempty=False),
    f(2, "apiGroup", "string"),
    f(3, "name", "string", omitempty=False),
    f(4, "namespace", "string"),
)
message(
    "rbac.v1.RoleRef",
    f(1, "apiGroup", "string", omitempty=False),
    f(2, "kind", "string", omitempty=False),
    f(3, "name", "string", omitempty=False),
)
message(
    "rbac.v1.AggregationRule",
    f(1, "clusterRoleSelectors", "meta.v1.LabelSelector", repeated=True),
)

message(
    "rbac.v1.Role",
    f(1, "metadata", OBJECT_META),
    f(2, "rules", "rbac.v1.PolicyRule", repeated=True, omitempty=False),
)
message(
    "rbac.v1.ClusterRole",
    f(1, "metadata", OBJECT_META),
    f(2, "rules", "rbac.v1.PolicyRule", repeated=True, omitempty=False),
    f(3, "aggregationRule", "rbac.v1.AggregationRule", pointer=True),
)
for _binding in ("RoleBinding", "ClusterRoleBinding"):
    message(
        f"rbac.v1.{_binding}",
        f(1, "metadata", OBJECT_META),
        f(2, "subjects", "rbac.v1.Subject", repeated=True),
        f(3, "roleRef", "rbac.v1.RoleRef", omitempty=False),
    )

for _kind in ("Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"):
    kind("rbac.authorization.k8s.io/v1", _kind, f"rbac.v1.{_kind}")
