"""scheduling.k8s.io/v1: PriorityClass (field numbers: k8s.io/api scheduling/v1 `generated.proto`;
JSON tags: its `types.go`). Stored as scheduling.k8s.io/v1. `value` has no omitempty: a class of
priority 0 still shows `value: 0`.
"""

from __future__ import annotations

from .fields import f, kind, message

message(
    "scheduling.v1.PriorityClass",
    f(1, "metadata", "meta.v1.ObjectMeta"),
    f(2, "value", "int32", omitempty=False),
    f(3, "globalDefault", "bool"),
    f(4, "description", "string"),
    f(5, "preemptionPolicy", "string", pointer=True),
)

kind("scheduling.k8s.io/v1", "PriorityClass", "scheduling.v1.PriorityClass")
