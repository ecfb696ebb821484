"""Scale knobs: more app pods per node and more Services, cheap enough for 30,000 pods.

Filler workloads are Deployments of realistic sizes in `team-NN` namespaces, spread so every
untainted worker holds `pods_per_node` of them. They carry full pod objects (a few KB each) but
no Events, which would only multiply the object count.

A busy cluster also has pods waiting for a node: one in `PENDING_EVERY` beside the filler, in
Deployments of their own — batch jobs that ask more than any node holds, and canaries pinned to
an instance type the cluster has none of (waiting for an autoscaler) — each with the scheduler's
FailedScheduling events (explorer/demo/cluster.py).
"""

from __future__ import annotations

from . import images
from .builder import DemoBuilder
from .network import service, service_port
from .pods import container, http_probe, pod_template
from .workloads import deployment

SIZES = (3, 5, 8, 12, 20, 40, 2, 6)
PENDING_EVERY = 500  # one pod in this many waits for a node
PENDING_SIZES = (5, 10, 20)
MISSING_INSTANCE_TYPE = "m7i.48xlarge"
DEPLOYMENTS_PER_NAMESPACE = 40


def filler_namespaces(b: DemoBuilder, pods_per_node: int | None) -> list[str]:
    total = (pods_per_node or 0) * len(b.workers)
    if not total:
        return []
    deployments = 0
    placed = 0
    while placed < total:
        placed += SIZES[deployments % len(SIZES)]
        deployments += 1
    count = -(-deployments // DEPLOYMENTS_PER_NAMESPACE)
    return [f"team-{index:02d}" for index in range(count)]


def _template(index: int) -> dict:
    image = images.WORKER_IMAGES[index % len(images.WORKER_IMAGES)]
    app = image.rsplit("/", 1)[-1].split(":")[0]
    cpu = ("50m", "100m", "200m", "250m")[index % 4]
    memory = ("64Mi", "128Mi", "256Mi")[index % 3]
    return pod_template(
        {"app.kubernetes.io/name": f"{app}-{index}", "app.kubernetes.io/part-of": app},
        [
            container(
                app,
                image,
                ports=[("http", 8080, "TCP"), ("metrics", 9102, "TCP")],
                env=[
                    {"name": "LOG_LEVEL", "value": "info"},
                    {
                        "name": "POD_IP",
                        "valueFrom": {
                            "fieldRef": {"apiVersion": "v1", "fieldPath": "status.podIP"}
                        },
                    },
                ],
                requests={"cpu": cpu, "memory": memory},
                limits={"memory": memory} if index % 3 else {"cpu": cpu, "memory": memory},
                liveness=http_probe("/healthz", "http", delay=10),
                readiness=http_probe("/ready", "http", period=5),
                security={
                    "allowPrivilegeEscalation": False,
                    "capabilities": {"drop": ["ALL"]},
                    "readOnlyRootFilesystem": True,
                    "runAsNonRoot": True,
                },
            )
        ],
        service_account="default",
        security_context={"seccompProfile": {"type": "RuntimeDefault"}},
    )


def fill(
    b: DemoBuilder, pods_per_node: int | None, services: int | None, namespaces: list[str]
) -> None:
    workers = b.workers
    total = (pods_per_node or 0) * len(workers)
    created = b.at(days=10)
    names: list[tuple[str, str, dict]] = []  # (namespace, name, selector)
    with_events, b.with_events = b.with_events, False
    cursor = 0
    index = 0
    while cursor < total:
        size = min(SIZES[index % len(SIZES)], total - cursor)
        namespace = namespaces[index // DEPLOYMENTS_PER_NAMESPACE]
        template = _template(index)
        nodes = [workers[(cursor + i) % len(workers)] for i in range(size)]
        name = template["metadata"]["labels"]["app.kubernetes.io/name"]
        deployment(b, namespace, name, template, size, created=created, nodes=nodes)
        names.append((namespace, name, dict(template["metadata"]["labels"])))
        cursor += size
        index += 1
    b.with_events = with_events
    _pending(b, total // PENDING_EVERY, namespaces)
    wanted = len(names) if services is None else services
    targets = names or [
        ("shop", "web", {"app.kubernetes.io/name": "web", "app.kubernetes.io/part-of": "shop"})
    ]
    for number in range(wanted):
        namespace, name, selector = targets[number % len(targets)]
        svc_name = name if number < len(targets) else f"{name}-{number // len(targets)}"
        b.add(
            service(
                b.ids,
                namespace,
                svc_name,
                [service_port("http", 80, "http"), service_port("metrics", 9102, "metrics")]
                if names
                else [service_port("http", 80, "http")],
                selector,
                created=created,
                cluster_ip=b.cluster_ip(),
                labels=selector,
            )
        )


def _pending_template(index: int) -> dict:
    template = _template(index)
    labels = template["metadata"]["labels"]
    kind = "batch" if index % 2 == 0 else "canary"
    name = f"{kind}-{labels['app.kubernetes.io/name']}"
    labels["app.kubernetes.io/name"] = name
    (app,) = template["spec"]["containers"]
    if kind == "batch":  # more than any worker holds
        app["resources"] = {"requests": {"cpu": "64", "memory": "256Gi"}}
    else:  # an instance type no node has
        template["spec"]["nodeSelector"] = {
            "node.kubernetes.io/instance-type": MISSING_INSTANCE_TYPE
        }
    return template


def _pending(b: DemoBuilder, wanted: int, namespaces: list[str]) -> None:
    index = 0
    while wanted > 0 and namespaces:
        size = min(PENDING_SIZES[index % len(PENDING_SIZES)], wanted)
        template = _pending_template(index)
        name = template["metadata"]["labels"]["app.kubernetes.io/name"]
        namespace = namespaces[index % len(namespaces)]
        created = b.ago(minutes=20 + 7 * index)
        deployment(b, namespace, name, template, size, created=created, nodes=[])
        wanted -= size
        index += 1
