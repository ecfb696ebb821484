"""apimachinery: runtime.Unknown (the envelope), TypeMeta, ObjectMeta and the meta.v1 messages
every object uses (k8s.io/apimachinery/pkg/apis/meta/v1 and pkg/runtime `generated.proto`)."""

from __future__ import annotations

from .fields import f, message

message("runtime.TypeMeta", f(1, "apiVersion", "string"), f(2, "kind", "string"))
message(
    "runtime.Unknown",
    f(1, "typeMeta", "runtime.TypeMeta"),
    f(2, "raw", "bytes"),
    f(3, "contentEncoding", "string"),
    f(4, "contentType", "string"),
)
message(
    "meta.v1.ObjectMeta",
    f(1, "name", "string"),
    f(2, "generateName", "string"),
    f(3, "namespace", "string"),
    f(4, "selfLink", "string"),
    f(5, "uid", "string"),
    f(6, "resourceVersion", "string"),
    f(7, "generation", "int64"),
    f(8, "creationTimestamp", "time"),
    f(9, "deletionTimestamp", "time", pointer=True),
    f(10, "deletionGracePeriodSeconds", "int64", pointer=True),
    f(11, "labels", "string", map_of="string"),
    f(12, "annotations", "string", map_of="string"),
    f(13, "ownerReferences", "meta.v1.OwnerReference", repeated=True),
    f(14, "finalizers", "string", repeated=True),
    f(15, "clusterName", "string"),  # removed from Go in 1.25; old values still carry it
    f(17, "managedFields", "meta.v1.ManagedFieldsEntry", repeated=True),
)
message(
    "meta.v1.OwnerReference",
    f(5, "apiVersion", "string", omitempty=False),
    f(1, "kind", "string", omitempty=False),
    f(3, "name", "string", omitempty=False),
    f(4, "uid", "string", omitempty=False),
    f(6, "controller", "bool", pointer=True),
    f(7, "blockOwnerDeletion", "bool", pointer=True),
)
message(
    "meta.v1.ManagedFieldsEntry",
    f(1, "manager", "string"),
    f(2, "operation", "string"),
    f(3, "apiVersion", "string"),
    f(4, "time", "time", pointer=True),
    f(6, "fieldsType", "string"),
    f(7, "fieldsV1", "fieldsv1", pointer=True),
    f(8, "subresource", "string"),
)
message(
    "meta.v1.LabelSelector",
    f(1, "matchLabels", "string", map_of="string"),
    f(2, "matchExpressions", "meta.v1.LabelSelectorRequirement", repeated=True),
)
message(
    "meta.v1.LabelSelectorRequirement",
    f(1, "key", "string", omitempty=False),
    f(2, "operator", "string", omitempty=False),
    f(3, "values", "string", repeated=True),
)
message(
    "meta.v1.Condition",
    f(1, "type", "string", omitempty=False),
    f(2, "status", "string", omitempty=False),
    f(3, "observedGeneration", "int64"),
    f(4, "lastTransitionTime", "time", omitempty=False),
    f(5, "reason", "string", omitempty=False),
    f(6, "message", "string", omitempty=False),
)
