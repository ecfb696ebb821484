"""storage.k8s.io/v1: StorageClass, CSIDriver, CSINode and VolumeAttachment (field numbers:
k8s.io/api storage/v1 `generated.proto`; JSON tags: its `types.go`). Stored as storage.k8s.io/v1.

Left out: CSINode's alpha `status` (field 3, storage health reports, newer than the JSON tags read
here); a decoder reports it as a field not in the table rather than guessing its form.
"""

from __future__ import annotations

from .fields import f, kind, message

OBJECT_META = "meta.v1.ObjectMeta"

message(
    "storage.v1.StorageClass",
    f(1, "metadata", OBJECT_META),
    f(2, "provisioner", "string", omitempty=False),
    f(3, "parameters", "string", map_of="string"),
    f(4, "reclaimPolicy", "string", pointer=True),
    f(5, "mountOptions", "string", repeated=True),
    f(6, "allowVolumeExpansion", "bool", pointer=True),
    f(7, "volumeBindingMode", "string", pointer=True),
    f(8, "allowedTopologies", "core.v1.TopologySelectorTerm", repeated=True),
)

# core/v1's topology selector, which among the watched kinds only a StorageClass uses; core.py
# does not define it.
message(
    "core.v1.TopologySelectorTerm",
    f(1, "matchLabelExpressions", "core.v1.TopologySelectorLabelRequirement", repeated=True),
)
message(
    "core.v1.TopologySelectorLabelRequirement",
    f(1, "key", "string", omitempty=False),
    f(2, "values", "string", repeated=True, omitempty=False),
)

message(
    "storage.v1.CSIDriver",
    f(1, "metadata", OBJECT_META),
    f(2, "spec", "storage.v1.CSIDriverSpec", omitempty=False),
)
message(
    "storage.v1.CSIDriverSpec",
    f(1, "attachRequired", "bool", pointer=True),
    f(2, "podInfoOnMount", "bool", pointer=True),
    f(3, "volumeLifecycleModes", "string", repeated=True),
    f(4, "storageCapacity", "bool", pointer=True),
    f(5, "fsGroupPolicy", "string", pointer=True),
    f(6, "tokenRequests", "storage.v1.TokenRequest", repeated=True),
    f(7, "requiresRepublish", "bool", pointer=True),
    f(8, "seLinuxMount", "bool", pointer=True),
    f(9, "nodeAllocatableUpdatePeriodSeconds", "int64", pointer=True),
    f(10, "serviceAccountTokenInSecrets", "bool", pointer=True),
    # Newest releases; every optional switch of CSIDriverSpec is a *bool.
    f(11, "preventPodSchedulingIfMissing", "bool", pointer=True),
)
message(
    "storage.v1.TokenRequest",
    f(1, "audience", "string", omitempty=False),
    f(2, "expirationSeconds", "int64", pointer=True),
)

message(
    "storage.v1.CSINode",
    f(1, "metadata", OBJECT_META),
    f(2, "spec", "storage.v1.CSINodeSpec", omitempty=False),
)
message(
    "storage.v1.CSINodeSpec",
    f(1, "drivers", "storage.v1.CSINodeDriver", repeated=True, omitempty=False),
)
message(
    "storage.v1.CSINodeDriver",
    f(1, "name", "string", omitempty=False),
    f(2, "nodeID", "string", omitempty=False),
    f(3, "topologyKeys", "string", repeated=True, omitempty=False),
    f(4, "allocatable", "storage.v1.VolumeNodeResources", pointer=True),
)
message("storage.v1.VolumeNodeResources", f(1, "count", "int32", pointer=True))

message(
    "storage.v1.VolumeAttachment",
    f(1, "metadata", OBJECT_META),
    f(2, "spec", "storage.v1.VolumeAttachmentSpec", omitempty=False),
    f(3, "status", "storage.v1.VolumeAttachmentStatus"),
)
message(
    "storage.v1.VolumeAttachmentSpec",
    f(1, "attacher", "string", omitempty=False),
    f(2, "source", "storage.v1.VolumeAttachmentSource", omitempty=False),
    f(3, "nodeName", "string", omitempty=False),
)
message(
    "storage.v1.VolumeAttachmentSource",
    f(1, "persistentVolumeName", "string", pointer=True),
    f(2, "inlineVolumeSpec", "core.v1.PersistentVolumeSpec", pointer=True),
)
message(
    "storage.v1.VolumeAttachmentStatus",
    f(1, "attached", "bool", omitempty=False),
    f(2, "attachmentMetadata", "string", map_of="string"),
    f(3, "attachError", "storage.v1.VolumeError", pointer=True),
    f(4, "detachError", "storage.v1.VolumeError", pointer=True),
)
message(
    "storage.v1.VolumeError",
    f(1, "time", "time"),
    f(2, "message", "string"),
    f(3, "errorCode", "int32", pointer=True),
)

for _kind in ("StorageClass", "CSIDriver", "CSINode", "VolumeAttachment"):
    kind("storage.k8s.io/v1", _kind, f"storage.v1.{_kind}")
