"""coordination.k8s.io/v1: Lease (field numbers: k8s.io/api coordination/v1 `generated.proto`;
JSON tags: its `types.go`). Stored as coordination.k8s.io/v1.

acquireTime and renewTime are meta.v1.MicroTime: six fractional digits
(`2024-01-02T03:04:05.123456Z`), unlike the whole seconds of meta.v1.Time. strategy and
preferredHolder belong to coordinated leader election (1.31 on).
"""

from __future__ import annotations

from .fields import f, kind, message

message(
    "coordination.v1.Lease",
    f(1, "metadata", "meta.v1.ObjectMeta"),
    f(2, "spec", "coordination.v1.LeaseSpec"),
)
message(
    "coordination.v1.LeaseSpec",
    f(1, "holderIdentity", "string", pointer=True),
    f(2, "leaseDurationSeconds", "int32", pointer=True),
    f(3, "acquireTime", "microtime", pointer=True),
    f(4, "renewTime", "microtime", pointer=True),
    f(5, "leaseTransitions", "int32", pointer=True),
    f(6, "strategy", "string", pointer=True),
    f(7, "preferredHolder", "string", pointer=True),
)

kind("coordination.k8s.io/v1", "Lease", "coordination.v1.Lease")
