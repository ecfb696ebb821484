"""autoscaling: HorizontalPodAutoscaler as autoscaling/v2 and as autoscaling/v1 (field numbers:
k8s.io/api autoscaling/v2 and v1 `generated.proto`; JSON tags: their `types.go`).

Which version etcd holds depends on the release that wrote the value. autoscaling/v2 went GA in
1.23, whose autoscaling install.go still put v1 first in the version priority ("TODO: move v2 to
the front of the list in 1.24"), so 1.23 and older store HPAs as autoscaling/v1 — with the v2-only
parts (metrics, conditions, behavior) in `autoscaling.alpha.kubernetes.io/*` annotations. Current
releases store autoscaling/v2 (kube-apiserver's etcd storage test expects an HPA created through
autoscaling/v1 to be in etcd as autoscaling/v2). An HPA not rewritten since an upgrade keeps the
version it was written in, so both tables are needed.
"""

from __future__ import annotations

from .fields import f, kind, message

OBJECT_META = "meta.v1.ObjectMeta"


def _reference(name: str) -> None:
    message(
        name,
        f(1, "kind", "string", omitempty=False),
        f(2, "name", "string", omitempty=False),
        f(3, "apiVersion", "string"),
    )


# autoscaling/v2
V2 = "autoscaling.v2"
message(
    f"{V2}.HorizontalPodAutoscaler",
    f(1, "metadata", OBJECT_META),
    f(2, "spec", f"{V2}.HorizontalPodAutoscalerSpec"),
    f(3, "status", f"{V2}.HorizontalPodAutoscalerStatus"),
)
message(
    f"{V2}.HorizontalPodAutoscalerSpec",
    f(1, "scaleTargetRef", f"{V2}.CrossVersionObjectReference", omitempty=False),
    f(2, "minReplicas", "int32", pointer=True),
    f(3, "maxReplicas", "int32", omitempty=False),
    f(4, "metrics", f"{V2}.MetricSpec", repeated=True),
    f(5, "behavior", f"{V2}.HorizontalPodAutoscalerBehavior", pointer=True),
)
_reference(f"{V2}.CrossVersionObjectReference")
message(
    f"{V2}.MetricSpec",
    f(1, "type", "string", omitempty=False),
    f(2, "object", f"{V2}.ObjectMetricSource", pointer=True),
    f(3, "pods", f"{V2}.PodsMetricSource", pointer=True),
    f(4, "resource", f"{V2}.ResourceMetricSource", pointer=True),
    f(7, "containerResource", f"{V2}.ContainerResourceMetricSource", pointer=True),
    f(5, "external", f"{V2}.ExternalMetricSource", pointer=True),
)
message(
    f"{V2}.ObjectMetricSource",
    f(1, "describedObject", f"{V2}.CrossVersionObjectReference", omitempty=False),
    f(2, "target", f"{V2}.MetricTarget", omitempty=False),
    f(3, "metric", f"{V2}.MetricIdentifier", omitempty=False),
)
message(
    f"{V2}.PodsMetricSource",
    f(1, "metric", f"{V2}.MetricIdentifier", omitempty=False),
    f(2, "target", f"{V2}.MetricTarget", omitempty=False),
)
message(
    f"{V2}.ResourceMetricSource",
    f(1, "name", "string", omitempty=False),
    f(2, "target", f"{V2}.MetricTarget", omitempty=False),
)
message(
    f"{V2}.ContainerResourceMetricSource",
    f(1, "name", "string", omitempty=False),
    f(2, "target", f"{V2}.MetricTarget", omitempty=False),
    f(3, "container", "string", omitempty=False),
)
message(
    f"{V2}.ExternalMetricSource",
    f(1, "metric", f"{V2}.MetricIdentifier", omitempty=False),
    f(2, "target", f"{V2}.MetricTarget", omitempty=False),
)
message(
    f"{V2}.MetricIdentifier",
    f(1, "name", "string", omitempty=False),
    f(2, "selector", "meta.v1.LabelSelector", pointer=True),
)
message(
    f"{V2}.MetricTarget",
    f(1, "type", "string", omitempty=False),
    f(2, "value", "quantity", pointer=True),
    f(3, "averageValue", "quantity", pointer=True),
    f(4, "averageUtilization", "int32", pointer=True),
)
message(
    f"{V2}.HorizontalPodAutoscalerBehavior",
    f(1, "scaleUp", f"{V2}.HPAScalingRules", pointer=True),
    f(2, "scaleDown", f"{V2}.HPAScalingRules", pointer=True),
)
message(
    f"{V2}.HPAScalingRules",
    f(3, "stabilizationWindowSeconds", "int32", pointer=True),
    f(1, "selectPolicy", "string", pointer=True),
    f(2, "policies", f"{V2}.HPAScalingPolicy", repeated=True),
    f(4, "tolerance", "quantity", pointer=True),
)
message(
    f"{V2}.HPAScalingPolicy",
    f(1, "type", "string", omitempty=False),
    f(2, "value", "int32", omitempty=False),
    f(3, "periodSeconds", "int32", omitempty=False),
)
message(
    f"{V2}.HorizontalPodAutoscalerStatus",
    f(1, "observedGeneration", "int64", pointer=True),
    f(2, "lastScaleTime", "time", pointer=True),
    f(3, "currentReplicas", "int32"),
    f(4, "desiredReplicas", "int32", omitempty=False),
    f(5, "currentMetrics", f"{V2}.MetricStatus", repeated=True, omitempty=False),
    f(6, "conditions", f"{V2}.HorizontalPodAutoscalerCondition", repeated=True),
)
message(
    f"{V2}.HorizontalPodAutoscalerCondition",
    f(1, "type", "string", omitempty=False),
    f(2, "status", "string", omitempty=False),
    f(3, "lastTransitionTime", "time"),
    f(4, "reason", "string"),
    f(5, "message", "string"),
    f(6, "observedGeneration", "int64"),
)
message(
    f"{V2}.MetricStatus",
    f(1, "type", "string", omitempty=False),
    f(2, "object", f"{V2}.ObjectMetricStatus", pointer=True),
    f(3, "pods", f"{V2}.PodsMetricStatus", pointer=True),
    f(4, "resource", f"{V2}.ResourceMetricStatus", pointer=True),
    f(7, "containerResource", f"{V2}.ContainerResourceMetricStatus", pointer=True),
    f(5, "external", f"{V2}.ExternalMetricStatus", pointer=True),
)
message(
    f"{V2}.ObjectMetricStatus",
    f(1, "metric", f"{V2}.MetricIdentifier", omitempty=False),
    f(2, "current", f"{V2}.MetricValueStatus", omitempty=False),
    f(3, "describedObject", f"{V2}.CrossVersionObjectReference", omitempty=False),
)
message(
    f"{V2}.PodsMetricStatus",
    f(1, "metric", f"{V2}.MetricIdentifier", omitempty=False),
    f(2, "current", f"{V2}.MetricValueStatus", omitempty=False),
)
message(
    f"{V2}.ResourceMetricStatus",
    f(1, "name", "string", omitempty=False),
    f(2, "current", f"{V2}.MetricValueStatus", omitempty=False),
)
message(
    f"{V2}.ContainerResourceMetricStatus",
    f(1, "name", "string", omitempty=False),
    f(2, "current", f"{V2}.MetricValueStatus", omitempty=False),
    f(3, "container", "string", omitempty=False),
)
message(
    f"{V2}.ExternalMetricStatus",
    f(1, "metric", f"{V2}.MetricIdentifier", omitempty=False),
    f(2, "current", f"{V2}.MetricValueStatus", omitempty=False),
)
message(
    f"{V2}.MetricValueStatus",
    f(1, "value", "quantity", pointer=True),
    f(2, "averageValue", "quantity", pointer=True),
    f(3, "averageUtilization", "int32", pointer=True),
)

# autoscaling/v1: CPU only; what v2 adds travels in annotations.
V1 = "autoscaling.v1"
message(
    f"{V1}.HorizontalPodAutoscaler",
    f(1, "metadata", OBJECT_META),
    f(2, "spec", f"{V1}.HorizontalPodAutoscalerSpec"),
    f(3, "status", f"{V1}.HorizontalPodAutoscalerStatus"),
)
message(
    f"{V1}.HorizontalPodAutoscalerSpec",
    f(1, "scaleTargetRef", f"{V1}.CrossVersionObjectReference", omitempty=False),
    f(2, "minReplicas", "int32", pointer=True),
    f(3, "maxReplicas", "int32", omitempty=False),
    f(4, "targetCPUUtilizationPercentage", "int32", pointer=True),
)
_reference(f"{V1}.CrossVersionObjectReference")
message(
    f"{V1}.HorizontalPodAutoscalerStatus",
    f(1, "observedGeneration", "int64", pointer=True),
    f(2, "lastScaleTime", "time", pointer=True),
    f(3, "currentReplicas", "int32", omitempty=False),
    f(4, "desiredReplicas", "int32", omitempty=False),
    f(5, "currentCPUUtilizationPercentage", "int32", pointer=True),
)

kind("autoscaling/v2", "HorizontalPodAutoscaler", f"{V2}.HorizontalPodAutoscaler")
kind("autoscaling/v1", "HorizontalPodAutoscaler", f"{V1}.HorizontalPodAutoscaler")
