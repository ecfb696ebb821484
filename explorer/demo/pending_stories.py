"""What keeps pods Pending or not running in a real cluster, beside the scheduling stories of
`scheduling_stories.py` (pods that waited and were preempted or evicted): a training pod of high
priority that would preempt a notebook whose PodDisruptionBudget allows no disruption, its twin
of a `preemptionPolicy: Never` class that waits instead, a pod held by a scheduling gate, one
asking for a scheduler nobody runs, an image that cannot be pulled, a ConfigMap volume that
cannot be mounted, a backup of the notebook's home put on another node than the volume is
attached to (Multi-Attach), and a
Deployment whose ReplicaSet the namespace's ResourceQuota refuses. The messages are those of the
kubelet, the attach/detach controller, the ReplicaSet controller and the API server."""

from __future__ import annotations

from . import images
from .builder import DemoBuilder
from .clock import seconds, ts
from .events import kubelet_event, recorded_event
from .ids import Ids
from .meta import new_object
from .nodes import GPU_TAINT
from .pods import Placement, bind_pod, condition, container, pod_requests, pod_template
from .storage import provision
from .storage_stories import RETAIN_CLASS, claim
from .workloads import replicaset, set_deployment_status, set_replicaset_status, stored_template

STORIES_SEED = 0x9E4D1  # not scheduling_stories.py's: their uids and names never meet
HIGH = "research-high"
HIGH_WAITS = "research-high-nonpreempting"
HIGH_VALUE = 100000
GATE = "example.com/wait-for-dataset"
CUSTOM_SCHEDULER = "my-scheduler"
MISSING_IMAGE = "ghcr.io/example-shop/web:2.0.0-rc1"
MOUNT_FAILED = (
    'MountVolume.SetUp failed for volume "settings" : configmap "report-settings" not found'
)
GATED_MESSAGE = "Scheduling is blocked due to non-empty scheduling gates"
GPU_TOLERATION = {"effect": "NoSchedule", "key": GPU_TAINT["key"], "operator": "Exists"}
QUOTA = "shop-quota"
HOME_CLAIM = "notebook-home"
QUOTA_GPU = "requests.nvidia.com/gpu"


def pending_stories(b: DemoBuilder, shop_namespace: str) -> None:
    """Drawn from identities of their own (and no pod IP), so that everything the builder makes
    after them is named as it was before they existed."""
    main = b.ids
    b.ids = Ids(STORIES_SEED)
    try:
        _priority_classes(b)
        _preemption(b, "default")
        _gated(b, "default")
        _unknown_scheduler(b, "default")
        _image_pull(b, "default")
        _failed_mount(b, "default")
        _multi_attach(b, "default")
        _quota_refused(b, shop_namespace)
    finally:
        b.ids = main


def _priority_classes(b: DemoBuilder) -> None:
    for name, policy, text in (
        (HIGH, "PreemptLowerPriority", "Training runs: may preempt notebooks and batch."),
        (HIGH_WAITS, "Never", "Training runs that wait for GPUs rather than preempt."),
    ):
        b.add(
            new_object(
                "PriorityClass",
                name,
                b.ids.uid(),
                b.at(days=2),
                description=text,
                preemptionPolicy=policy,
                value=HIGH_VALUE,
            )
        )


def _gpu_pod(
    b: DemoBuilder, namespace: str, name: str, app: str, gpus: str, created, **kwargs
) -> dict:
    template = pod_template(
        {"app": app},
        [
            container(
                app,
                images.TRAINER,
                command=["python", f"{app}.py"],
                requests={"cpu": "2", "memory": "8Gi", "nvidia.com/gpu": gpus},
                limits={"memory": "8Gi", "nvidia.com/gpu": gpus},
            )
        ],
        tolerations=[dict(GPU_TOLERATION)],
        node_selector={"nvidia.com/gpu.present": "true"},
        priority_class=kwargs.pop("priority_class", None),
        volumes=kwargs.pop("volumes", None),
    )
    if template["spec"].get("volumes"):
        template["spec"]["containers"][0]["volumeMounts"] = [{"mountPath": "/home", "name": "home"}]
    return bind_pod(template, b.ids, name=name, namespace=namespace, created=created, **kwargs)


def _preemption(b: DemoBuilder, namespace: str) -> None:
    """A notebook holds every GPU of the GPU node, under a budget that allows no disruption;
    two training runs of a higher class want two GPUs each."""
    gpu = b.gpu_node
    started = b.ago(hours=6)
    home = claim(b, namespace, HOME_CLAIM, "20Gi", RETAIN_CLASS, started - seconds(60))
    volume, attachment = provision(b, home, gpu.name, started - seconds(60))
    volume["spec"]["persistentVolumeReclaimPolicy"] = "Retain"  # a home outlives its notebook
    notebook = _gpu_pod(
        b,
        namespace,
        "notebook-0",
        "notebook",
        str(gpu.gpus),
        started,
        placement=b.placement(gpu),
        started=started + seconds(4),
        volumes=[{"name": "home", "persistentVolumeClaim": {"claimName": HOME_CLAIM}}],
    )
    b.add(home, volume, attachment)
    budget = new_object(
        "PodDisruptionBudget",
        "notebook",
        b.ids.uid(),
        started - seconds(30),
        namespace=namespace,
        spec={"minAvailable": 1, "selector": {"matchLabels": {"app": "notebook"}}},
        status={
            "conditions": [
                {
                    "lastTransitionTime": ts(started + seconds(10)),
                    "message": "",
                    "observedGeneration": 1,
                    "reason": "InsufficientPods",
                    "status": "False",
                    "type": "DisruptionAllowed",
                }
            ],
            "currentHealthy": 1,
            "desiredHealthy": 1,
            "disruptionsAllowed": 0,
            "expectedPods": 1,
            "observedGeneration": 1,
        },
    )
    b.add(notebook, budget)
    for name, priority_class, policy in (
        ("train-llm", HIGH, "PreemptLowerPriority"),
        ("train-llm-waits", HIGH_WAITS, "Never"),
    ):
        pod = _gpu_pod(
            b,
            namespace,
            name,
            "train",
            "2",
            b.ago(minutes=2),
            placement=None,
            phase="Pending",
            priority_class=priority_class,
        )
        pod["spec"]["priority"] = HIGH_VALUE  # what the Priority admission plugin writes
        pod["spec"]["preemptionPolicy"] = policy
        b.add(pod)


def _unscheduled(b: DemoBuilder, namespace: str, name: str, **spec) -> dict:
    template = pod_template(
        {"app": name},
        [container(name, images.BUSYBOX, command=["sh", "-c", "sleep 3600"])],
    )
    template["spec"].update(spec)
    pod = bind_pod(
        template, b.ids, name=name, namespace=namespace, created=b.ago(minutes=30), placement=None
    )
    if not pod["status"].get("conditions"):  # the API server serves no empty list (omitempty)
        pod["status"].pop("conditions", None)
    return pod


def _gated(b: DemoBuilder, namespace: str) -> None:
    pod = _unscheduled(b, namespace, "import-batch", schedulingGates=[{"name": GATE}])
    created = b.ago(minutes=30)
    pod["status"]["conditions"] = [
        condition("PodScheduled", False, created, "SchedulingGated", GATED_MESSAGE)
    ]
    b.add(pod)


def _unknown_scheduler(b: DemoBuilder, namespace: str) -> None:
    b.add(_unscheduled(b, namespace, "custom-scheduled", schedulerName=CUSTOM_SCHEDULER))


def _bound_pending(b: DemoBuilder, namespace: str, name: str, template: dict, slot) -> dict:
    return bind_pod(
        template,
        b.ids,
        name=name,
        namespace=namespace,
        created=b.ago(minutes=20),
        placement=Placement(slot.name, slot.ip, ""),
        phase="Pending",
    )


def _image_pull(b: DemoBuilder, namespace: str) -> None:
    template = pod_template({"app": "canary-web"}, [container("web", MISSING_IMAGE)])
    pod = _bound_pending(b, namespace, "canary-web", template, b.workers[0])
    waiting = {"message": f'Back-off pulling image "{MISSING_IMAGE}"', "reason": "ImagePullBackOff"}
    pod["status"]["containerStatuses"][0]["state"] = {"waiting": waiting}
    first, last = b.ago(minutes=20) + seconds(2), b.ago(seconds=50)
    not_found = (
        f'Failed to pull image "{MISSING_IMAGE}": rpc error: code = NotFound desc = failed to '
        f'pull and unpack image "{MISSING_IMAGE}": failed to resolve reference '
        f'"{MISSING_IMAGE}": {MISSING_IMAGE}: not found'
    )
    b.add(pod)
    b.add_events(
        kubelet_event(
            b.ids,
            pod,
            "web",
            "Pulling",
            f'Pulling image "{MISSING_IMAGE}"',
            last,
            count=9,
            first=first,
        ),
        kubelet_event(b.ids, pod, "web", "Failed", not_found, last, True, 9, first),
        kubelet_event(b.ids, pod, "web", "Failed", "Error: ErrImagePull", last, True, 9, first),
        kubelet_event(b.ids, pod, "web", "BackOff", waiting["message"], last, False, 78, first),
        kubelet_event(
            b.ids, pod, "web", "Failed", "Error: ImagePullBackOff", last, True, 78, first
        ),
    )


def _failed_mount(b: DemoBuilder, namespace: str) -> None:
    template = pod_template(
        {"app": "report-render"},
        [
            container(
                "render",
                images.REPORT,
                mounts=[{"mountPath": "/etc/report", "name": "settings"}],
            )
        ],
        volumes=[
            {"configMap": {"defaultMode": 420, "name": "report-settings"}, "name": "settings"}
        ],
    )
    pod = _bound_pending(b, namespace, "report-render", template, b.workers[-1])
    b.add(pod)
    b.add_events(
        kubelet_event(
            b.ids,
            pod,
            "",
            "FailedMount",
            MOUNT_FAILED,
            b.ago(seconds=75),
            warning=True,
            count=18,
            first=b.ago(minutes=20) + seconds(1),
        )
    )


def _multi_attach(b: DemoBuilder, namespace: str) -> None:
    """A backup of the notebook's home put on another node than the notebook, whose
    ReadWriteOnce volume is attached to the GPU node."""
    home = _find(b, "PersistentVolumeClaim", namespace, HOME_CLAIM)
    elsewhere = next((s for s in b.workers if s.name != b.gpu_node.name), None)
    if home is None or elsewhere is None:
        return
    template = pod_template(
        {"app": "notebook-backup"},
        [
            container(
                "backup",
                images.BUSYBOX,
                command=["sh", "-c", "tar czf /backup/home.tgz -C /home ."],
                mounts=[{"mountPath": "/home", "name": "home", "readOnly": True}],
            )
        ],
        volumes=[{"name": "home", "persistentVolumeClaim": {"claimName": HOME_CLAIM}}],
    )
    pod = _bound_pending(b, namespace, "notebook-backup", template, elsewhere)
    b.add(pod)
    volume = home["spec"]["volumeName"]
    b.add_events(
        recorded_event(
            b.ids,
            pod,
            "attachdetach-controller",
            "FailedAttachVolume",
            f'Multi-Attach error for volume "{volume}" Volume is already used by pod(s) notebook-0',
            b.ago(seconds=30),
            warning=True,
            count=11,
            first=b.ago(minutes=20) + seconds(1),
        )
    )


def _quota_refused(b: DemoBuilder, namespace: str) -> None:
    """A Deployment wanting a pod of two GPUs where the quota allows two and one is used."""
    used = sum(
        pod_requests(obj["spec"]).get("nvidia.com/gpu", 0)
        for obj in b.objects
        if obj["kind"] == "Pod"
        and obj["metadata"]["namespace"] == namespace
        and obj["status"].get("phase") not in ("Succeeded", "Failed")
    )
    template = pod_template(
        {"app.kubernetes.io/name": "embeddings", "app.kubernetes.io/part-of": "shop"},
        [
            container(
                "embed",
                images.TRAINER,
                command=["python", "embed.py"],
                requests={"cpu": "2", "memory": "8Gi", "nvidia.com/gpu": "2"},
                limits={"memory": "8Gi", "nvidia.com/gpu": "2"},
            )
        ],
        tolerations=[dict(GPU_TOLERATION)],
    )
    created = b.ago(hours=1)
    deploy = new_object(
        "Deployment",
        "embeddings",
        b.ids.uid(),
        created,
        namespace=namespace,
        labels=dict(template["metadata"]["labels"]),
        annotations={"deployment.kubernetes.io/revision": "1"},
        spec={
            "progressDeadlineSeconds": 600,
            "replicas": 1,
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": dict(template["metadata"]["labels"])},
            "strategy": {"type": "Recreate"},
            "template": stored_template(template),
        },
    )
    deploy["metadata"]["generation"] = 1
    rs = replicaset(b, deploy, template, 1, created + seconds(1), revision=1)
    set_replicaset_status(rs, [])
    set_deployment_status(deploy, rs, created + seconds(1))
    refused = (
        f"exceeded quota: {QUOTA}, requested: {QUOTA_GPU}=2, used: {QUOTA_GPU}={used}, "
        f"limited: {QUOTA_GPU}=2"
    )
    pod_name = f"{rs['metadata']['name']}-{b.ids.suffix()}"
    message = f'Error creating: pods "{pod_name}" is forbidden: {refused}'
    failure = {
        "lastTransitionTime": ts(created + seconds(1)),
        "lastUpdateTime": ts(created + seconds(1)),
        "message": message.removeprefix("Error creating: "),
        "reason": "FailedCreate",
        "status": "True",
        "type": "ReplicaFailure",
    }
    deploy["status"]["conditions"].append(failure)
    b.add(deploy, rs)
    b.add_events(
        recorded_event(
            b.ids,
            rs,
            "replicaset-controller",
            "FailedCreate",
            message,
            b.ago(minutes=4),
            warning=True,
            count=17,
            first=created + seconds(1),
        )
    )


def _find(b: DemoBuilder, kind: str, namespace: str, name: str) -> dict | None:
    return next(
        (
            obj
            for obj in b.objects
            if obj["kind"] == kind
            and obj["metadata"].get("namespace") == namespace
            and obj["metadata"]["name"] == name
        ),
        None,
    )
