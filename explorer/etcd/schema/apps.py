"""apps/v1: Deployment, ReplicaSet, StatefulSet, DaemonSet and ControllerRevision, with their specs,
statuses, strategies and conditions (field numbers: k8s.io/api apps/v1 `generated.proto`; JSON
names, omitempty and pointers: its `types.go`). Every apps kind is stored as apps/v1.

The pod template is core's `core.v1.PodTemplateSpec`; a StatefulSet's volumeClaimTemplates are
`core.v1.PersistentVolumeClaim`s whose apiVersion and kind the protobuf does not carry.
"""

from __future__ import annotations

from .fields import f, kind, message

OBJECT_META = "meta.v1.ObjectMeta"
SELECTOR = "meta.v1.LabelSelector"
POD_TEMPLATE = "core.v1.PodTemplateSpec"
CLAIM = "core.v1.PersistentVolumeClaim"


def _condition(name: str, *, last_update: bool = False) -> None:
    """The condition of an apps controller: type and status always shown, times as meta.v1.Time."""
    times = (
        (f(6, "lastUpdateTime", "time"), f(7, "lastTransitionTime", "time"))
        if last_update
        else (f(3, "lastTransitionTime", "time"),)
    )
    message(
        name,
        f(1, "type", "string", omitempty=False),
        f(2, "status", "string", omitempty=False),
        *times,
        f(4, "reason", "string"),
        f(5, "message", "string"),
    )


# Deployment
message(
    "apps.v1.Deployment",
    f(1, "metadata", OBJECT_META),
    f(2, "spec", "apps.v1.DeploymentSpec"),
    f(3, "status", "apps.v1.DeploymentStatus"),
)
message(
    "apps.v1.DeploymentSpec",
    f(1, "replicas", "int32", pointer=True),
    f(2, "selector", SELECTOR, pointer=True, omitempty=False),
    f(3, "template", POD_TEMPLATE, omitempty=False),
    f(4, "strategy", "apps.v1.DeploymentStrategy"),
    f(5, "minReadySeconds", "int32"),
    f(6, "revisionHistoryLimit", "int32", pointer=True),
    f(7, "paused", "bool"),
    f(9, "progressDeadlineSeconds", "int32", pointer=True),
    f(10, "podReplacementPolicy", "string", pointer=True),
)
message(
    "apps.v1.DeploymentStrategy",
    f(1, "type", "string"),
    f(2, "rollingUpdate", "apps.v1.RollingUpdateDeployment", pointer=True),
)
message(
    "apps.v1.RollingUpdateDeployment",
    f(1, "maxUnavailable", "intorstring", pointer=True),
    f(2, "maxSurge", "intorstring", pointer=True),
)
message(
    "apps.v1.DeploymentStatus",
    f(1, "observedGeneration", "int64"),
    f(2, "replicas", "int32"),
    f(3, "updatedReplicas", "int32"),
    f(7, "readyReplicas", "int32"),
    f(4, "availableReplicas", "int32"),
    f(5, "unavailableReplicas", "int32"),
    f(9, "terminatingReplicas", "int32", pointer=True),
    f(6, "conditions", "apps.v1.DeploymentCondition", repeated=True),
    f(8, "collisionCount", "int32", pointer=True),
)
_condition("apps.v1.DeploymentCondition", last_update=True)

# ReplicaSet
message(
    "apps.v1.ReplicaSet",
    f(1, "metadata", OBJECT_META),
    f(2, "spec", "apps.v1.ReplicaSetSpec"),
    f(3, "status", "apps.v1.ReplicaSetStatus"),
)
message(
    "apps.v1.ReplicaSetSpec",
    f(1, "replicas", "int32", pointer=True),
    f(4, "minReadySeconds", "int32"),
    f(2, "selector", SELECTOR, pointer=True, omitempty=False),
    f(3, "template", POD_TEMPLATE),
)
message(
    "apps.v1.ReplicaSetStatus",
    f(1, "replicas", "int32", omitempty=False),
    f(2, "fullyLabeledReplicas", "int32"),
    f(4, "readyReplicas", "int32"),
    f(5, "availableReplicas", "int32"),
    f(7, "terminatingReplicas", "int32", pointer=True),
    f(3, "observedGeneration", "int64"),
    f(6, "conditions", "apps.v1.ReplicaSetCondition", repeated=True),
)
_condition("apps.v1.ReplicaSetCondition")

# StatefulSet
message(
    "apps.v1.StatefulSet",
    f(1, "metadata", OBJECT_META),
    f(2, "spec", "apps.v1.StatefulSetSpec"),
    f(3, "status", "apps.v1.StatefulSetStatus"),
)
message(
    "apps.v1.StatefulSetSpec",
    f(1, "replicas", "int32", pointer=True),
    f(2, "selector", SELECTOR, pointer=True, omitempty=False),
    f(3, "template", POD_TEMPLATE, omitempty=False),
    f(4, "volumeClaimTemplates", CLAIM, repeated=True, type_meta=("v1", "PersistentVolumeClaim")),
    f(5, "serviceName", "string", omitempty=False),
    f(6, "podManagementPolicy", "string"),
    f(7, "updateStrategy", "apps.v1.StatefulSetUpdateStrategy"),
    f(8, "revisionHistoryLimit", "int32", pointer=True),
    f(9, "minReadySeconds", "int32"),
    f(
        10,
        "persistentVolumeClaimRetentionPolicy",
        "apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy",
        pointer=True,
    ),
    f(11, "ordinals", "apps.v1.StatefulSetOrdinals", pointer=True),
)
message(
    "apps.v1.StatefulSetUpdateStrategy",
    f(1, "type", "string"),
    f(2, "rollingUpdate", "apps.v1.RollingUpdateStatefulSetStrategy", pointer=True),
)
message(
    "apps.v1.RollingUpdateStatefulSetStrategy",
    f(1, "partition", "int32", pointer=True),
    f(2, "maxUnavailable", "intorstring", pointer=True),
)
message(
    "apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy",
    f(1, "whenDeleted", "string"),
    f(2, "whenScaled", "string"),
)
message("apps.v1.StatefulSetOrdinals", f(1, "start", "int32", omitempty=False))
message(
    "apps.v1.StatefulSetStatus",
    f(1, "observedGeneration", "int64"),
    f(2, "replicas", "int32", omitempty=False),
    f(3, "readyReplicas", "int32"),
    f(4, "currentReplicas", "int32"),
    f(5, "updatedReplicas", "int32"),
    f(6, "currentRevision", "string"),
    f(7, "updateRevision", "string"),
    f(9, "collisionCount", "int32", pointer=True),
    f(10, "conditions", "apps.v1.StatefulSetCondition", repeated=True),
    f(11, "availableReplicas", "int32", omitempty=False),
)
_condition("apps.v1.StatefulSetCondition")

# DaemonSet
message(
    "apps.v1.DaemonSet",
    f(1, "metadata", OBJECT_META),
    f(2, "spec", "apps.v1.DaemonSetSpec"),
    f(3, "status", "apps.v1.DaemonSetStatus"),
)
message(
    "apps.v1.DaemonSetSpec",
    f(1, "selector", SELECTOR, pointer=True, omitempty=False),
    f(2, "template", POD_TEMPLATE, omitempty=False),
    f(3, "updateStrategy", "apps.v1.DaemonSetUpdateStrategy"),
    f(4, "minReadySeconds", "int32"),
    f(6, "revisionHistoryLimit", "int32", pointer=True),
)
message(
    "apps.v1.DaemonSetUpdateStrategy",
    f(1, "type", "string"),
    f(2, "rollingUpdate", "apps.v1.RollingUpdateDaemonSet", pointer=True),
)
message(
    "apps.v1.RollingUpdateDaemonSet",
    f(1, "maxUnavailable", "intorstring", pointer=True),
    f(2, "maxSurge", "intorstring", pointer=True),
)
message(
    "apps.v1.DaemonSetStatus",
    f(1, "currentNumberScheduled", "int32", omitempty=False),
    f(2, "numberMisscheduled", "int32", omitempty=False),
    f(3, "desiredNumberScheduled", "int32", omitempty=False),
    f(4, "numberReady", "int32", omitempty=False),
    f(5, "observedGeneration", "int64"),
    f(6, "updatedNumberScheduled", "int32"),
    f(7, "numberAvailable", "int32"),
    f(8, "numberUnavailable", "int32"),
    f(9, "collisionCount", "int32", pointer=True),
    f(10, "conditions", "apps.v1.DaemonSetCondition", repeated=True),
)
_condition("apps.v1.DaemonSetCondition")

# ControllerRevision: the DaemonSet and StatefulSet controllers' history (data is a patch, JSON).
message(
    "apps.v1.ControllerRevision",
    f(1, "metadata", OBJECT_META),
    f(2, "data", "rawextension"),
    f(3, "revision", "int64", omitempty=False),
)

for _kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ControllerRevision"):
    kind("apps/v1", _kind, f"apps.v1.{_kind}")
