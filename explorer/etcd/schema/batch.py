"""batch/v1 (k8s.io/api/batch/v1 `generated.proto`): Job and CronJob."""

from __future__ import annotations

from .fields import f, kind, message

ALWAYS = {"omitempty": False}
PTR = {"pointer": True}

message(
    "batch.v1.Job",
    f(1, "metadata", "meta.v1.ObjectMeta"),
    f(2, "spec", "batch.v1.JobSpec"),
    f(3, "status", "batch.v1.JobStatus"),
)
kind("batch/v1", "Job", "batch.v1.Job")
message(
    "batch.v1.CronJob",
    f(1, "metadata", "meta.v1.ObjectMeta"),
    f(2, "spec", "batch.v1.CronJobSpec"),
    f(3, "status", "batch.v1.CronJobStatus"),
)
kind("batch/v1", "CronJob", "batch.v1.CronJob")
message(
    "batch.v1.JobSpec",
    f(1, "parallelism", "int32", **PTR),
    f(2, "completions", "int32", **PTR),
    f(3, "activeDeadlineSeconds", "int64", **PTR),
    f(4, "selector", "meta.v1.LabelSelector", **PTR),
    f(5, "manualSelector", "bool", **PTR),
    f(6, "template", "core.v1.PodTemplateSpec", **ALWAYS),
    f(7, "backoffLimit", "int32", **PTR),
    f(8, "ttlSecondsAfterFinished", "int32", **PTR),
    f(9, "completionMode", "string", **PTR),
    f(10, "suspend", "bool", **PTR),
    f(11, "podFailurePolicy", "batch.v1.PodFailurePolicy", **PTR),
    f(12, "backoffLimitPerIndex", "int32", **PTR),
    f(13, "maxFailedIndexes", "int32", **PTR),
    f(14, "podReplacementPolicy", "string", **PTR),
    f(15, "managedBy", "string", **PTR),
)
message(
    "batch.v1.JobStatus",
    f(1, "conditions", "batch.v1.JobCondition", repeated=True),
    f(2, "startTime", "time", **PTR),
    f(3, "completionTime", "time", **PTR),
    f(4, "active", "int32"),
    f(5, "succeeded", "int32"),
    f(6, "failed", "int32"),
    f(7, "completedIndexes", "string"),
    f(8, "uncountedTerminatedPods", "batch.v1.UncountedTerminatedPods", **PTR),
    f(9, "ready", "int32", **PTR),
    f(10, "failedIndexes", "string", **PTR),
    f(11, "terminating", "int32", **PTR),
)
message(
    "batch.v1.JobCondition",
    f(1, "type", "string", **ALWAYS),
    f(2, "status", "string", **ALWAYS),
    f(3, "lastProbeTime", "time", **ALWAYS),
    f(4, "lastTransitionTime", "time", **ALWAYS),
    f(5, "reason", "string"),
    f(6, "message", "string"),
)
message(
    "batch.v1.UncountedTerminatedPods",
    f(1, "succeeded", "string", repeated=True),
    f(2, "failed", "string", repeated=True),
)
message("batch.v1.PodFailurePolicy", f(1, "rules", "batch.v1.PodFailurePolicyRule", repeated=True))
message(
    "batch.v1.PodFailurePolicyRule",
    f(1, "action", "string", **ALWAYS),
    f(2, "onExitCodes", "batch.v1.PodFailurePolicyOnExitCodesRequirement", **PTR),
    f(3, "onPodConditions", "batch.v1.PodFailurePolicyOnPodConditionsPattern", repeated=True),
)
message(
    "batch.v1.PodFailurePolicyOnExitCodesRequirement",
    f(1, "containerName", "string", **PTR),
    f(2, "operator", "string", **ALWAYS),
    f(3, "values", "int32", repeated=True, **ALWAYS),
)
message(
    "batch.v1.PodFailurePolicyOnPodConditionsPattern",
    f(1, "type", "string", **ALWAYS),
    f(2, "status", "string", **ALWAYS),
)
message(
    "batch.v1.JobTemplateSpec",
    f(1, "metadata", "meta.v1.ObjectMeta"),
    f(2, "spec", "batch.v1.JobSpec"),
)
message(
    "batch.v1.CronJobSpec",
    f(1, "schedule", "string", **ALWAYS),
    f(2, "startingDeadlineSeconds", "int64", **PTR),
    f(3, "concurrencyPolicy", "string"),
    f(4, "suspend", "bool", **PTR),
    f(5, "jobTemplate", "batch.v1.JobTemplateSpec", **ALWAYS),
    f(6, "successfulJobsHistoryLimit", "int32", **PTR),
    f(7, "failedJobsHistoryLimit", "int32", **PTR),
    f(8, "timeZone", "string", **PTR),
)
message(
    "batch.v1.CronJobStatus",
    f(1, "active", "core.v1.ObjectReference", repeated=True),
    f(4, "lastScheduleTime", "time", **PTR),
    f(5, "lastSuccessfulTime", "time", **PTR),
)
