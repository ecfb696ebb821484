"""policy/v1: PodDisruptionBudget (field numbers: k8s.io/api policy/v1 `generated.proto`; JSON
tags: its `types.go`). Stored as policy/v1 (policy/v1beta1 is no longer served since 1.25).

The status counters have no omitempty (`disruptionsAllowed: 0` is shown); disruptedPods maps a
pod's name to a meta.v1.Time.
"""

from __future__ import annotations

from .fields import f, kind, message

message(
    "policy.v1.PodDisruptionBudget",
    f(1, "metadata", "meta.v1.ObjectMeta"),
    f(2, "spec", "policy.v1.PodDisruptionBudgetSpec"),
    f(3, "status", "policy.v1.PodDisruptionBudgetStatus"),
)
message(
    "policy.v1.PodDisruptionBudgetSpec",
    f(1, "minAvailable", "intorstring", pointer=True),
    f(2, "selector", "meta.v1.LabelSelector", pointer=True),
    f(3, "maxUnavailable", "intorstring", pointer=True),
    f(4, "unhealthyPodEvictionPolicy", "string", pointer=True),
)
message(
    "policy.v1.PodDisruptionBudgetStatus",
    f(1, "observedGeneration", "int64"),
    f(2, "disruptedPods", "time", map_of="time"),
    f(3, "disruptionsAllowed", "int32", omitempty=False),
    f(4, "currentHealthy", "int32", omitempty=False),
    f(5, "desiredHealthy", "int32", omitempty=False),
    f(6, "expectedPods", "int32", omitempty=False),
    f(7, "conditions", "meta.v1.Condition", repeated=True),
)

kind("policy/v1", "PodDisruptionBudget", "policy.v1.PodDisruptionBudget")
