"""The `shop` application namespace: a web Deployment behind a ClusterIP and a NodePort
(externalTrafficPolicy Local) Service, an API with an init container, a Postgres StatefulSet
behind a headless Service with ceph-rbd claims, a report CronJob, a GPU trainer that cannot be
scheduled, a Service with no endpoints, and the policies around them."""

from __future__ import annotations

from . import images
from .batch import cronjob, job_for, last_run_due, minutes_between_runs
from .builder import DemoBuilder
from .clock import seconds, ts
from .events import pod_start_events, recorded_event
from .meta import new_object
from .network import service, service_port
from .pods import container, http_probe, pod_template
from .specs import mount
from .stateful import statefulset
from .workloads import deployment

NS = "shop"
WEB_LABELS = {"app.kubernetes.io/name": "web", "app.kubernetes.io/part-of": "shop"}
API_LABELS = {"app.kubernetes.io/name": "api", "app.kubernetes.io/part-of": "shop"}
DB_LABELS = {"app.kubernetes.io/name": "db", "app.kubernetes.io/part-of": "shop"}
REPORT_SCHEDULE = "*/5 * * * *"
NON_ROOT = {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}


def web_template() -> dict:
    return pod_template(
        dict(WEB_LABELS),
        [
            container(
                "web",
                images.WEB,
                ports=[("http", 8080, "TCP")],
                requests={"cpu": "100m", "memory": "128Mi"},
                limits={"cpu": "500m", "memory": "256Mi"},
                liveness=http_probe("/healthz", "http", delay=5),
                readiness=http_probe("/healthz", "http", period=5),
                security={
                    "allowPrivilegeEscalation": False,
                    "capabilities": {"drop": ["ALL"]},
                    "readOnlyRootFilesystem": True,
                },
                mounts=[
                    mount("config", "/etc/nginx/conf.d", read_only=True),
                    mount("cache", "/var/cache/nginx"),
                    mount("tmp", "/tmp"),  # noqa: S108 - a path inside the container
                ],
            )
        ],
        volumes=[
            {"configMap": {"defaultMode": 420, "name": "web-config"}, "name": "config"},
            {"emptyDir": {}, "name": "cache"},
            {"emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}, "name": "tmp"},
        ],
        service_account="web",
        security_context=dict(NON_ROOT),
    )


def api_template(image: str = images.API) -> dict:
    return pod_template(
        dict(API_LABELS),
        [
            container(
                "api",
                image,
                ports=[("http", 8080, "TCP"), ("metrics", 9090, "TCP")],
                env=[
                    {"name": "DATABASE_HOST", "value": "db-0.db.shop.svc.cluster.local"},
                    {
                        "name": "DATABASE_PASSWORD",
                        "valueFrom": {
                            "secretKeyRef": {"key": "password", "name": "db-credentials"}
                        },
                    },
                    {"name": "GOMAXPROCS", "value": "1"},
                ],
                requests={"cpu": "500m", "memory": "512Mi"},
                limits={"cpu": "500m", "memory": "512Mi"},
                liveness=http_probe("/livez", "http", delay=10),
                readiness=http_probe("/readyz", "http", period=5),
            )
        ],
        init_containers=[
            container(
                "wait-for-db",
                images.BUSYBOX,
                command=[
                    "sh",
                    "-c",
                    "until nc -z db-0.db.shop.svc.cluster.local 5432; do sleep 2; done",
                ],
                requests={"cpu": "500m", "memory": "512Mi"},
                limits={"cpu": "500m", "memory": "512Mi"},
            )
        ],
        service_account="api",
        security_context=dict(NON_ROOT),
    )


def db_template() -> dict:
    return pod_template(
        dict(DB_LABELS),
        [
            container(
                "postgres",
                images.POSTGRES,
                ports=[("postgres", 5432, "TCP")],
                env=[
                    {
                        "name": "POSTGRES_PASSWORD",
                        "valueFrom": {
                            "secretKeyRef": {"key": "password", "name": "db-credentials"}
                        },
                    },
                    {"name": "PGDATA", "value": "/var/lib/postgresql/data/pgdata"},
                ],
                requests={"cpu": "1", "memory": "2Gi"},
                limits={"cpu": "2", "memory": "2Gi"},
                readiness={
                    "exec": {"command": ["pg_isready", "-U", "postgres"]},
                    "failureThreshold": 3,
                    "periodSeconds": 10,
                    "successThreshold": 1,
                    "timeoutSeconds": 1,
                },
                mounts=[mount("data", "/var/lib/postgresql/data")],
            )
        ],
        service_account="db",
        security_context={"fsGroup": 999},
        grace=60,
    )


def report_template() -> dict:
    return pod_template(
        {"app.kubernetes.io/name": "report", "app.kubernetes.io/part-of": "shop"},
        [container("report", images.REPORT, args=["--since=30m", "--output=s3://shop-reports/"])],
        restart_policy="OnFailure",
        service_account="default",
    )


def trainer_template() -> dict:
    return pod_template(
        {"app.kubernetes.io/name": "trainer", "app.kubernetes.io/part-of": "shop"},
        [
            container(
                "trainer",
                images.TRAINER,
                command=["python", "train.py", "--epochs=40"],
                requests={"cpu": "4", "memory": "16Gi", "nvidia.com/gpu": "1"},
                limits={"memory": "16Gi", "nvidia.com/gpu": "1"},
            )
        ],
    )


def build(b: DemoBuilder) -> None:
    ids = b.ids
    workers = b.workers
    created = b.at(days=3)
    deployment(b, NS, "web", web_template(), 3, created=created, nodes=workers)
    deployment(b, NS, "api", api_template(), 2, created=created + seconds(30), nodes=workers[::-1])
    statefulset(
        b,
        NS,
        "db",
        db_template(),
        2,
        service_name="db",
        claim="data",
        size="10Gi",
        created=created - seconds(600),
        nodes=workers,
    )
    deployment(b, NS, "trainer", trainer_template(), 1, created=b.ago(hours=5), nodes=[])
    ports = {
        "web": [service_port("http", 80, "http")],
        "api": [service_port("http", 8080, "http"), service_port("metrics", 9090, "metrics")],
    }
    b.add(
        service(
            ids,
            NS,
            "web",
            ports["web"],
            dict(WEB_LABELS),
            created=created,
            cluster_ip=b.cluster_ip(),
            labels=dict(WEB_LABELS),
        ),
        service(
            ids,
            NS,
            "web-public",
            [service_port("http", 80, "http", node_port=30080)],
            dict(WEB_LABELS),
            created=created,
            cluster_ip=b.cluster_ip(),
            kind="NodePort",
            external_policy="Local",
            labels=dict(WEB_LABELS),
        ),
        service(
            ids,
            NS,
            "api",
            ports["api"],
            dict(API_LABELS),
            created=created,
            cluster_ip=b.cluster_ip(),
            labels=dict(API_LABELS),
        ),
        service(
            ids,
            NS,
            "db",
            [service_port("postgres", 5432, "postgres")],
            dict(DB_LABELS),
            created=created - seconds(600),
            cluster_ip="None",
            labels=dict(DB_LABELS),
        ),
        service(
            ids,
            NS,
            "legacy-api",
            [service_port("", 80, 8080)],
            {"app.kubernetes.io/name": "legacy-api"},
            created=b.at(days=1),
            cluster_ip=b.cluster_ip(),
        ),
    )
    _report_cronjob(b)


def _report_cronjob(b: DemoBuilder) -> None:
    cron = cronjob(b.ids, NS, "report", REPORT_SCHEDULE, report_template(), b.at(days=3))
    every = seconds(60 * minutes_between_runs(REPORT_SCHEDULE))
    last = last_run_due(REPORT_SCHEDULE, b.now - seconds(30))  # a run that has finished
    worker = b.workers[0]
    jobs = []
    for back in (2, 1, 0):
        scheduled = last - every * back
        job, pod = job_for(b.ids, cron, scheduled, b.placement(worker), done=True)
        jobs.append(job)
        b.add(job, pod)
        b.add_events(
            recorded_event(
                b.ids,
                cron,
                "cronjob-controller",
                "SuccessfulCreate",
                f"Created job {job['metadata']['name']}",
                scheduled,
            ),
            recorded_event(
                b.ids,
                job,
                "job-controller",
                "SuccessfulCreate",
                f"Created pod: {pod['metadata']['name']}",
                scheduled,
            ),
            recorded_event(
                b.ids, job, "job-controller", "Completed", "Job completed", scheduled + seconds(24)
            ),
            recorded_event(
                b.ids,
                cron,
                "cronjob-controller",
                "SawCompletedJob",
                f"Saw completed job: {job['metadata']['name']}, condition: Complete",
                scheduled + seconds(25),
            ),
        )
        if b.with_events:
            b.add(*pod_start_events(b.ids, pod, scheduled, b.control_plane.name))
    jobs = jobs[-3:]
    cron["status"] = (
        {"lastScheduleTime": ts(last), "lastSuccessfulTime": jobs[-1]["status"]["completionTime"]}
        if jobs
        else {}
    )
    b.add(cron)


def policies(b: DemoBuilder) -> None:
    """Quota, limits, network policies, ingress, autoscaler and disruption budget."""
    ids = b.ids
    created = b.at(days=3)
    b.add(
        new_object(
            "LimitRange",
            "shop-limits",
            ids.uid(),
            created,
            namespace=NS,
            spec={
                "limits": [
                    {
                        "default": {"cpu": "500m", "memory": "512Mi"},
                        "defaultRequest": {"cpu": "100m", "memory": "128Mi"},
                        "max": {"cpu": "4", "memory": "16Gi"},
                        "type": "Container",
                    }
                ]
            },
        ),
        new_object(
            "NetworkPolicy",
            "default-deny-ingress",
            ids.uid(),
            created,
            namespace=NS,
            spec={"podSelector": {}, "policyTypes": ["Ingress"]},
        ),
        new_object(
            "NetworkPolicy",
            "db-from-api",
            ids.uid(),
            created,
            namespace=NS,
            spec={
                "ingress": [
                    {
                        "from": [{"podSelector": {"matchLabels": dict(API_LABELS)}}],
                        "ports": [{"port": 5432, "protocol": "TCP"}],
                    }
                ],
                "podSelector": {"matchLabels": dict(DB_LABELS)},
                "policyTypes": ["Ingress"],
            },
        ),
        new_object(
            "NetworkPolicy",
            "web-from-anywhere",
            ids.uid(),
            created,
            namespace=NS,
            spec={
                "ingress": [{"ports": [{"port": 8080, "protocol": "TCP"}]}],
                "podSelector": {"matchLabels": dict(WEB_LABELS)},
                "policyTypes": ["Ingress"],
            },
        ),
        new_object(
            "Ingress",
            "shop",
            ids.uid(),
            created,
            namespace=NS,
            annotations={"nginx.ingress.kubernetes.io/proxy-body-size": "8m"},
            spec={
                "ingressClassName": "nginx",
                "rules": [
                    {
                        "host": "shop.example.com",
                        "http": {
                            "paths": [
                                {
                                    "backend": {
                                        "service": {"name": "web", "port": {"name": "http"}}
                                    },
                                    "path": "/",
                                    "pathType": "Prefix",
                                },
                                {
                                    "backend": {
                                        "service": {"name": "api", "port": {"number": 8080}}
                                    },
                                    "path": "/api",
                                    "pathType": "Prefix",
                                },
                            ]
                        },
                    }
                ],
                "tls": [{"hosts": ["shop.example.com"], "secretName": "shop-tls"}],
            },
            status={"loadBalancer": {}},
        ),
        _hpa(b),
        new_object(
            "PodDisruptionBudget",
            "db",
            ids.uid(),
            created,
            namespace=NS,
            spec={"minAvailable": 1, "selector": {"matchLabels": dict(DB_LABELS)}},
            status={
                "conditions": [
                    {
                        "lastTransitionTime": ts(created + seconds(90)),
                        "message": "",
                        "observedGeneration": 1,
                        "reason": "SufficientPods",
                        "status": "True",
                        "type": "DisruptionAllowed",
                    }
                ],
                "currentHealthy": 2,
                "desiredHealthy": 1,
                "disruptionsAllowed": 1,
                "expectedPods": 2,
                "observedGeneration": 1,
            },
        ),
    )


def _hpa(b: DemoBuilder) -> dict:
    created = b.at(days=3)
    condition = {"lastTransitionTime": ts(created + seconds(60)), "status": "True"}
    return new_object(
        "HorizontalPodAutoscaler",
        "web",
        b.ids.uid(),
        created,
        namespace=NS,
        spec={
            "maxReplicas": 10,
            "metrics": [
                {
                    "resource": {
                        "name": "cpu",
                        "target": {"averageUtilization": 70, "type": "Utilization"},
                    },
                    "type": "Resource",
                }
            ],
            "minReplicas": 3,
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
        },
        status={
            "conditions": [
                {
                    **condition,
                    "message": "recommended size matches current size",
                    "reason": "ReadyForNewScale",
                    "type": "AbleToScale",
                },
                {
                    **condition,
                    "message": "the HPA was able to successfully calculate a replica "
                    "count from cpu resource utilization (percentage of request)",
                    "reason": "ValidMetricFound",
                    "type": "ScalingActive",
                },
                {
                    **condition,
                    "message": "the desired count is within the acceptable range",
                    "reason": "DesiredWithinRange",
                    "status": "False",
                    "type": "ScalingLimited",
                },
            ],
            "currentMetrics": [
                {
                    "resource": {
                        "current": {"averageUtilization": 23, "averageValue": "23m"},
                        "name": "cpu",
                    },
                    "type": "Resource",
                }
            ],
            "currentReplicas": 3,
            "desiredReplicas": 3,
            "lastScaleTime": ts(created + seconds(60)),
        },
    )
