"""DemoChurn: one step at a time, what a live cluster's controllers would write.

`step()` returns watch events (ADDED/MODIFIED/DELETED with whole objects) without touching the
state; the caller applies them (through the API server's store) before the next step. What a step
does is chosen by the time elapsed since the churn started (`pace.py`): a readiness probe of a
`shop/web` pod fails for a few steps, one of its containers restarts (failed liveness probe), the
Deployment rolls out a new ReplicaSet (`kubectl rollout restart`) and scales up and down (the
newest pod goes), kube-scheduler retries the pod it cannot place, and the `shop/report` CronJob
runs on its schedule, and a `warm-cache` pod comes now and then, waits a few seconds for a node and
is evicted through the Eviction API. Work started in one step finishes in the next ones
(ContainerCreating → Running, terminating → deleted, Job → Complete), with EndpointSlices,
Endpoints, ReplicaSet and Deployment status, the ReplicaSets beyond `revisionHistoryLimit` deleted,
Events (said again: counted; an hour after their last write: deleted, `recorder.py`) and node Lease
renewals as the controllers, kubelets and kube-apiserver write them. Deterministic for a seed;
timestamps come from `clock` (default: the wall clock).
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Callable
from datetime import datetime

from explorer.lib.events import DEFAULT_EVENT_TTL_SECONDS
from explorer.lib.objects import spec_of, status_of
from explorer.lib.selectors import selector_matches
from explorer.state.cluster_state import ClusterState

from .batch import job_for, job_name, job_ref, last_run_due, set_job_status
from .clock import micro_ts, parse_ts, seconds, ts, utcnow
from .events import kubelet_event, pod_start_events, recorded_event
from .ids import Ids, image_id, template_hash
from .meta import owner_ref
from .network import endpoint_slices, legacy_endpoints
from .pace import HUMAN_PACE, Pace, Timetable
from .pods import Placement, bind_pod, condition, copy, pod_status
from .readiness_flips import flip_readiness
from .recorder import EventRecorder
from .scheduling_stories import cache_template
from .workloads import (
    is_ready,
    replicasets_to_clean_up,
    revision_of,
    set_deployment_status,
    set_replicaset_status,
    stored_template,
)

NAMESPACE, DEPLOYMENT, CRONJOB, CACHE = "shop", "web", "report", "warm-cache"
CACHE_WAITS = (0, 1, 2, 4, 9)  # seconds a warm-cache pod waits for a node, in turn
MIN_REPLICAS = 3
LEASES_PER_STEP = 20
READINESS_BLIP_STEPS = 2  # steps a failing readiness probe keeps a pod out of its Services
EVENT_TTL = seconds(DEFAULT_EVENT_TTL_SECONDS)
Key = tuple[str, str, str]


class DemoChurn:
    def __init__(
        self,
        state: ClusterState,
        seed: int = 0,
        clock: Callable[[], datetime] | None = None,
        pace: Pace = HUMAN_PACE,
    ) -> None:
        self.state = state
        self.rng = random.Random(seed)
        self.ids = Ids(seed * 7919 + 17)
        self.cache_ids = Ids(seed * 7919 + 23)  # the warm-cache pods' own: the others' stay put
        self.clock = clock or utcnow
        self.count = 0
        self.tasks: list[tuple[int, Callable[..., None], tuple]] = []
        self.reserved: set[str] = set()
        self.lease_cursor = 0
        self._overlay: dict[Key, dict | None] = {}
        self._events: list[dict] = []
        self.now = self.clock()
        self.timetable = Timetable(self.now, pace.plan())
        self.recorder = EventRecorder(state.list("Event"), self.now, EVENT_TTL)

    # ---- the step ------------------------------------------------------------------------

    def step(self) -> list[dict]:
        self.now = self.clock()
        self._overlay, self._events = {}, []
        due = [task for task in self.tasks if task[0] <= self.count]
        self.tasks = [task for task in self.tasks if task[0] > self.count]
        for _, action, args in due:
            action(*args)
        for action in self.timetable.due(self.now):
            getattr(self, "_" + action)()
        self._cronjob()
        self._clean_up_history()
        self._sync_web()
        self._renew_leases()
        self._expire_events()
        self.count += 1
        return self._events

    def _later(self, steps: int, action: Callable[..., None], *args) -> None:
        self.tasks.append((self.count + steps, action, args))

    # ---- reading through this step's changes -----------------------------------------------

    def _get(self, kind: str, namespace: str, name: str) -> dict | None:
        key = (kind, namespace, name)
        if key in self._overlay:
            return self._overlay[key]
        return self.state.get(kind, namespace, name)

    def _list(self, kind: str, namespace: str) -> list[dict]:
        found = {o["metadata"]["name"]: o for o in self.state.list(kind, namespace)}
        for (k, ns, name), obj in self._overlay.items():
            if k == kind and ns == namespace:
                if obj is None:
                    found.pop(name, None)
                else:
                    found[name] = obj
        return list(found.values())

    def _copy(self, obj: dict) -> dict:
        data = copy(obj)
        data["metadata"].pop("resourceVersion", None)
        return data

    def _emit(self, kind: str, obj: dict, deleted: bool = False) -> None:
        key = (kind, obj["metadata"].get("namespace", ""), obj["metadata"]["name"])
        existed = self._get(*key) is not None
        self._overlay[key] = None if deleted else obj
        etype = "DELETED" if deleted else "MODIFIED" if existed else "ADDED"
        self._events.append({"type": etype, "object": obj})

    def _event(self, event: dict) -> None:
        held = lambda key: self._get("Event", *key)  # noqa: E731
        self._emit("Event", self.recorder.say(event, held, self.now))

    def _expire_events(self) -> None:
        for namespace, name in self.recorder.expired(self.now):
            event = self._get("Event", namespace, name)
            if event is not None:
                self._emit("Event", self._copy(event), deleted=True)

    # ---- the web Deployment ----------------------------------------------------------------

    def _deployment(self) -> dict:
        return self._get("Deployment", NAMESPACE, DEPLOYMENT)

    def _replicasets(self) -> list[dict]:
        uid = self._deployment()["metadata"]["uid"]
        return [
            rs
            for rs in self._list("ReplicaSet", NAMESPACE)
            if any(o.get("uid") == uid for o in rs["metadata"].get("ownerReferences") or ())
        ]

    def _current_rs(self) -> dict:
        return max(self._replicasets(), key=revision_of)

    def _clean_up_history(self) -> None:
        """Delete the old ReplicaSets beyond the Deployment's revisionHistoryLimit."""
        current = self._current_rs()["metadata"]["name"]
        old = [rs for rs in self._replicasets() if rs["metadata"]["name"] != current]
        limit = spec_of(self._deployment()).get("revisionHistoryLimit", 10)
        for rs in replicasets_to_clean_up(old, limit):
            self._emit("ReplicaSet", self._copy(rs), deleted=True)

    def _pods_of(self, rs: dict) -> list[dict]:
        uid = rs["metadata"]["uid"]
        return [
            p
            for p in self._list("Pod", NAMESPACE)
            if any(o.get("uid") == uid for o in p["metadata"].get("ownerReferences") or ())
        ]

    def _scale(self, rs: dict, replicas: int, deploy: dict | None = None) -> dict:
        rs = self._copy(rs)
        before = rs["spec"]["replicas"]
        rs["spec"]["replicas"] = replicas
        rs["metadata"]["generation"] = rs["metadata"].get("generation", 1) + 1
        rs["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] = str(
            (deploy or self._deployment())["spec"]["replicas"]
        )
        self._emit("ReplicaSet", rs)
        word = "up" if replicas > before else "down"
        self._event(
            recorded_event(
                self.ids,
                deploy or self._deployment(),
                "deployment-controller",
                "ScalingReplicaSet",
                f"Scaled {word} replica set {rs['metadata']['name']} from {before} to {replicas}",
                self.now,
            )
        )
        return rs

    def _set_replicas(self, delta: int) -> dict:
        deploy = self._copy(self._deployment())
        deploy["spec"]["replicas"] += delta
        deploy["metadata"]["generation"] = deploy["metadata"].get("generation", 1) + 1
        self._emit("Deployment", deploy)
        return deploy

    def _scale_up(self) -> None:
        deploy = self._set_replicas(+1)
        rs = self._scale(self._current_rs(), deploy["spec"]["replicas"], deploy)
        self._create_pod(rs)

    def _scale_down(self) -> None:
        rs = self._current_rs()
        live = [p for p in self._pods_of(rs) if not p["metadata"].get("deletionTimestamp")]
        if len(live) <= MIN_REPLICAS:
            return
        deploy = self._set_replicas(-1)
        self._scale(rs, deploy["spec"]["replicas"], deploy)
        victim = max(
            live, key=lambda p: (p["metadata"]["creationTimestamp"], p["metadata"]["name"])
        )
        self._terminate(victim, rs)

    def _rollout(self) -> None:
        deploy = self._copy(self._deployment())
        old = self._current_rs()
        template = copy(deploy["spec"]["template"])
        template["metadata"].pop("creationTimestamp", None)
        template["metadata"].setdefault("annotations", {})["kubectl.kubernetes.io/restartedAt"] = (
            self.now.strftime("%Y-%m-%dT%H:%M:%SZ")
        )
        revision = int(deploy["metadata"]["annotations"]["deployment.kubernetes.io/revision"]) + 1
        deploy["spec"]["template"] = stored_template(template)
        deploy["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = str(revision)
        deploy["metadata"]["generation"] = deploy["metadata"].get("generation", 1) + 1
        self._emit("Deployment", deploy)
        pod_hash = template_hash(template)
        new = self._copy(old)
        labels = {**template["metadata"]["labels"], "pod-template-hash": pod_hash}
        new["metadata"].update(
            {
                "name": f"{DEPLOYMENT}-{pod_hash}",
                "uid": self.ids.uid(),
                "creationTimestamp": ts(self.now),
                "labels": labels,
                "generation": 1,
            }
        )
        new["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = str(revision)
        new["spec"]["selector"] = {"matchLabels": dict(labels)}
        new["spec"]["template"] = stored_template(template)
        new["spec"]["template"]["metadata"]["labels"] = dict(labels)
        new["spec"]["replicas"] = 0
        new["status"] = {"observedGeneration": 1, "replicas": 0}
        self._emit("ReplicaSet", new)
        new = self._scale(new, deploy["spec"]["replicas"], deploy)
        for _ in range(deploy["spec"]["replicas"]):
            self._create_pod(new)
        self._later(2, self._retire, old["metadata"]["name"])

    def _retire(self, rs_name: str) -> None:
        old = self._get("ReplicaSet", NAMESPACE, rs_name)
        if old is None:
            return
        old = self._scale(old, 0)
        for pod in self._pods_of(old):
            if not pod["metadata"].get("deletionTimestamp"):
                self._terminate(pod, old)

    def _a_ready_pod(self) -> dict | None:
        """A copy of one of the current ReplicaSet's ready pods, picked at random."""
        ready = [
            p
            for p in self._pods_of(self._current_rs())
            if is_ready(p) and not p["metadata"].get("deletionTimestamp")
        ]
        if not ready:
            return None
        return self._copy(self.rng.choice(sorted(ready, key=lambda p: p["metadata"]["name"])))

    def _restart(self) -> None:
        pod = self._a_ready_pod()
        if pod is None:
            return
        item = pod["status"]["containerStatuses"][0]
        started = item["state"]["running"]["startedAt"]
        item["lastState"] = {
            "terminated": {
                "containerID": item["containerID"],
                "exitCode": 137,
                "finishedAt": ts(self.now - seconds(2)),
                "reason": "Error",
                "startedAt": started,
            }
        }
        item["containerID"] = f"containerd://{self.ids.container_id()}"
        item["restartCount"] += 1
        item["state"] = {"running": {"startedAt": ts(self.now)}}
        self._emit("Pod", pod)
        name = item["name"]
        self._event(
            kubelet_event(
                self.ids,
                pod,
                name,
                "Unhealthy",
                "Liveness probe failed: HTTP probe failed with statuscode: 503",
                self.now - seconds(5),
                warning=True,
                count=3,
                first=self.now - seconds(25),
            )
        )
        self._event(
            kubelet_event(
                self.ids,
                pod,
                name,
                "Killing",
                f"Container {name} failed liveness probe, will be restarted",
                self.now - seconds(5),
            )
        )
        for event in pod_start_events(self.ids, pod, self.now - seconds(2), "")[1:]:
            self._event(event)

    def _readiness_blip(self) -> None:
        """A readiness probe fails: the pod leaves its Services' endpoints for a few steps."""
        pod = self._a_ready_pod()
        if pod is None:
            return
        flip_readiness(pod, ts(self.now))
        self._emit("Pod", pod)
        self._event(
            kubelet_event(
                self.ids,
                pod,
                pod["spec"]["containers"][0]["name"],
                "Unhealthy",
                "Readiness probe failed: HTTP probe failed with statuscode: 503",
                self.now,
                warning=True,
            )
        )
        self._later(READINESS_BLIP_STEPS, self._readiness_back, pod["metadata"]["name"])

    def _readiness_back(self, name: str) -> None:
        pod = self._get("Pod", NAMESPACE, name)
        if pod is None or pod["metadata"].get("deletionTimestamp") or is_ready(pod):
            return
        pod = self._copy(pod)
        flip_readiness(pod, ts(self.now))
        self._emit("Pod", pod)

    def _retry_unschedulable(self) -> None:
        """kube-scheduler tries the pods it cannot place again and says so once more (the
        event's series), so their FailedScheduling event outlives the events' TTL."""
        waiting = {
            p["metadata"]["uid"]
            for p in self.state.list("Pod")
            if not spec_of(p).get("nodeName") and status_of(p).get("phase") == "Pending"
        }
        for event in self.state.list("Event"):
            involved = event.get("involvedObject") or {}
            if event.get("reason") != "FailedScheduling" or involved.get("uid") not in waiting:
                continue
            again = self._copy(event)
            series = again.get("series") or {"count": 1}
            again["series"] = {"count": series["count"] + 1, "lastObservedTime": micro_ts(self.now)}
            self.recorder.written(again, self.now)
            self._emit("Event", again)

    # ---- pods ------------------------------------------------------------------------------

    def _placement(self) -> Placement:
        nodes = sorted(
            (n for n in self.state.list("Node") if not spec_of(n).get("taints")),
            key=lambda n: n["metadata"]["name"],
        )
        node = nodes[self.count % len(nodes)]
        name = node["metadata"]["name"]
        used = {status_of(p).get("podIP") for p in self.state.pods_on_node(name)}
        used |= {
            status_of(p).get("podIP") for (k, _, _), p in self._overlay.items() if k == "Pod" and p
        }
        host_ip = next(
            a["address"] for a in node["status"]["addresses"] if a["type"] == "InternalIP"
        )
        for address in list(ipaddress.ip_network(node["spec"]["podCIDR"]).hosts())[1:]:
            text = str(address)
            if text not in used and text not in self.reserved:
                self.reserved.add(text)
                return Placement(name, host_ip, text)
        raise RuntimeError(f"node {name} has no free pod IP")

    def _create_pod(self, rs: dict) -> None:
        placement = self._placement()
        template = copy(rs["spec"]["template"])
        template["metadata"].pop("creationTimestamp", None)
        name = f"{rs['metadata']['name']}-{self.ids.suffix()}"
        pod = bind_pod(
            template,
            self.ids,
            name=name,
            generate_name=f"{rs['metadata']['name']}-",
            namespace=NAMESPACE,
            created=self.now,
            owners=[owner_ref(rs)],
            placement=placement,
            phase="Pending",
            started=self.now,
        )
        self._emit("Pod", pod)
        self._event(
            recorded_event(
                self.ids,
                rs,
                "replicaset-controller",
                "SuccessfulCreate",
                f"Created pod: {name}",
                self.now,
            )
        )
        self._event(pod_start_events(self.ids, pod, self.now, self._scheduler_host())[0])
        self._later(1, self._start_pod, name, placement)

    def _start_pod(self, name: str, placement: Placement, ids: Ids | None = None) -> None:
        pod = self._get("Pod", NAMESPACE, name)
        if pod is None or pod["metadata"].get("deletionTimestamp"):
            return
        ids = ids or self.ids
        pod = self._copy(pod)
        scheduled = next(
            (c for c in pod["status"].get("conditions") or () if c["type"] == "PodScheduled"),
            {"lastTransitionTime": pod["metadata"]["creationTimestamp"]},
        )
        started = parse_ts(scheduled["lastTransitionTime"])
        pod["status"] = pod_status(pod, ids, "Running", placement, started)
        self.reserved.discard(placement.pod_ip)
        self._emit("Pod", pod)
        for event in pod_start_events(ids, pod, self.now - seconds(3), "")[1:]:
            self._event(event)

    def _terminate(self, pod: dict, rs: dict) -> None:
        pod = self._copy(pod)
        grace = pod["spec"].get("terminationGracePeriodSeconds", 30)
        pod["metadata"]["deletionTimestamp"] = ts(self.now + seconds(grace))
        pod["metadata"]["deletionGracePeriodSeconds"] = grace
        self._emit("Pod", pod)
        self._event(
            recorded_event(
                self.ids,
                rs,
                "replicaset-controller",
                "SuccessfulDelete",
                f"Deleted pod: {pod['metadata']['name']}",
                self.now,
            )
        )
        for item in pod["spec"]["containers"]:
            self._event(
                kubelet_event(
                    self.ids,
                    pod,
                    item["name"],
                    "Killing",
                    f"Stopping container {item['name']}",
                    self.now,
                )
            )
        self._later(1, self._delete_pod, pod["metadata"]["name"])

    def _delete_pod(self, name: str) -> None:
        pod = self._get("Pod", NAMESPACE, name)
        if pod is not None:
            self._emit("Pod", self._copy(pod), deleted=True)

    def _scheduler_host(self) -> str:
        for node in self.state.list("Node"):
            if "node-role.kubernetes.io/control-plane" in node["metadata"].get("labels", {}):
                return node["metadata"]["name"]
        return ""

    # ---- a warm-cache pod, evicted through the Eviction API --------------------------------------

    def _caches(self) -> list[dict]:
        return [
            p
            for p in self._list("Pod", NAMESPACE)
            if p["metadata"]["name"].startswith(CACHE + "-")
            and not p["metadata"].get("deletionTimestamp")
        ]

    def _warm_cache(self) -> None:
        """A best-effort cache pod, bound some seconds after it was made (the scheduler busy)."""
        if self._caches():
            return
        placement = self._placement()
        ids = self.cache_ids
        name = f"{CACHE}-{ids.suffix()}"
        waited = CACHE_WAITS[self.count % len(CACHE_WAITS)]
        pod = bind_pod(
            cache_template(),
            ids,
            name=name,
            namespace=NAMESPACE,
            created=self.now - seconds(waited),
            placement=placement,
            phase="Pending",
            started=self.now,
        )
        self._emit("Pod", pod)
        self._event(pod_start_events(ids, pod, self.now, self._scheduler_host())[0])
        self._later(1, self._start_pod, name, placement, ids)

    def _evict_cache(self) -> None:
        """The Eviction API evicts the cache pod (a descheduler, a drain): its DisruptionTarget
        condition says so, it terminates, and it is gone the step after."""
        running = [p for p in self._caches() if status_of(p).get("phase") == "Running"]
        if not running:
            return
        pod = self._copy(running[0])
        pod["status"]["conditions"].append(
            condition(
                "DisruptionTarget",
                True,
                self.now,
                "EvictionByEvictionAPI",
                "Eviction API: evicting",
            )
        )
        grace = pod["spec"].get("terminationGracePeriodSeconds", 30)
        pod["metadata"]["deletionTimestamp"] = ts(self.now + seconds(grace))
        pod["metadata"]["deletionGracePeriodSeconds"] = grace
        self._emit("Pod", pod)
        self._event(
            kubelet_event(
                self.cache_ids, pod, "cache", "Killing", "Stopping container cache", self.now
            )
        )
        self._later(1, self._delete_pod, pod["metadata"]["name"])

    # ---- the report CronJob ------------------------------------------------------------------

    def _cronjob(self) -> None:
        """Run the report CronJob when its schedule comes round."""
        cron = self._get("CronJob", NAMESPACE, CRONJOB)
        if cron is None:
            return
        scheduled = last_run_due(cron["spec"]["schedule"], self.now)
        last = status_of(cron).get("lastScheduleTime")
        if last and scheduled <= parse_ts(last):
            return
        if self._get("Job", NAMESPACE, job_name(cron, scheduled)) is not None:
            return
        cron = self._copy(cron)
        job, pod = job_for(self.ids, cron, scheduled, self._placement(), done=False)
        self.reserved.discard(pod["status"].get("podIP", ""))
        cron["status"] = {
            **cron.get("status", {}),
            "active": [job_ref(job)],
            "lastScheduleTime": ts(scheduled),
        }
        self._emit("Job", job)
        self._emit("Pod", pod)
        self._emit("CronJob", cron)
        self._event(
            recorded_event(
                self.ids,
                cron,
                "cronjob-controller",
                "SuccessfulCreate",
                f"Created job {job['metadata']['name']}",
                self.now,
            )
        )
        self._event(
            recorded_event(
                self.ids,
                job,
                "job-controller",
                "SuccessfulCreate",
                f"Created pod: {pod['metadata']['name']}",
                self.now,
            )
        )
        # The kubelet's events follow the scheduling by a second per container (Started one more).
        containers = len(pod["spec"]["containers"]) + len(pod["spec"].get("initContainers") or ())
        started = self.now - seconds(containers + 1)
        for event in pod_start_events(self.ids, pod, started, self._scheduler_host()):
            self._event(event)
        self._later(1, self._finish_job, job["metadata"]["name"], pod["metadata"]["name"])

    def _finish_job(self, job_name_: str, pod_name: str) -> None:
        job, pod = self._get("Job", NAMESPACE, job_name_), self._get("Pod", NAMESPACE, pod_name)
        cron = self._get("CronJob", NAMESPACE, CRONJOB)
        if job is None or pod is None or cron is None:
            return
        pod, job, cron = self._copy(pod), self._copy(job), self._copy(cron)
        pod["metadata"].pop("finalizers", None)
        _complete(pod, self.now)
        set_job_status(job, parse_ts(job["metadata"]["creationTimestamp"]), done=True)
        cron["status"] = {k: v for k, v in cron.get("status", {}).items() if k != "active"}
        cron["status"]["lastSuccessfulTime"] = job["status"]["completionTime"]
        self._emit("Pod", pod)
        self._emit("Job", job)
        self._emit("CronJob", cron)
        self._event(
            recorded_event(self.ids, job, "job-controller", "Completed", "Job completed", self.now)
        )
        self._event(
            recorded_event(
                self.ids,
                cron,
                "cronjob-controller",
                "SawCompletedJob",
                f"Saw completed job: {job_name_}, condition: Complete",
                self.now,
            )
        )
        uid = cron["metadata"]["uid"]
        finished = sorted(
            (
                j
                for j in self._list("Job", NAMESPACE)
                if any(o.get("uid") == uid for o in j["metadata"].get("ownerReferences") or ())
                and j.get("status", {}).get("completionTime")
            ),
            key=lambda j: j["metadata"]["creationTimestamp"],
        )
        limit = cron["spec"].get("successfulJobsHistoryLimit", 3)
        for old in finished[: max(0, len(finished) - limit)]:
            self._emit("Job", self._copy(old), deleted=True)
            for owned in self._list("Pod", NAMESPACE):
                if any(
                    o.get("uid") == old["metadata"]["uid"]
                    for o in owned["metadata"].get("ownerReferences") or ()
                ):
                    self._emit("Pod", self._copy(owned), deleted=True)
            self._event(
                recorded_event(
                    self.ids,
                    cron,
                    "cronjob-controller",
                    "SuccessfulDelete",
                    f"Deleted job {old['metadata']['name']}",
                    self.now,
                )
            )

    # ---- what controllers derive -------------------------------------------------------------

    def _sync_web(self) -> None:
        """ReplicaSet and Deployment status, EndpointSlices and Endpoints for changed pods."""
        changed = [
            obj for (kind, ns, _), obj in self._overlay.items() if kind == "Pod" and ns == NAMESPACE
        ]
        deleted = [
            name
            for (kind, ns, name), obj in self._overlay.items()
            if kind == "Pod" and ns == NAMESPACE and obj is None
        ]
        if not changed and not deleted:
            return
        current = self._current_rs()
        old_replicas = old_ready = 0
        for rs in self._replicasets():
            pods = self._pods_of(rs)
            updated = self._copy(rs)
            set_replicaset_status(updated, pods)
            if updated.get("status") != rs.get("status"):
                self._emit("ReplicaSet", updated)
            if rs["metadata"]["name"] != current["metadata"]["name"]:
                old_replicas += updated["status"].get("replicas", 0)
                old_ready += updated["status"].get("readyReplicas", 0)
        deploy = self._copy(self._deployment())
        set_deployment_status(
            deploy,
            self._get("ReplicaSet", NAMESPACE, current["metadata"]["name"]),
            self.now,
            old_replicas,
            old_ready,
        )
        if deploy.get("status") != self._deployment().get("status"):
            self._emit("Deployment", deploy)
        pods = self._list("Pod", NAMESPACE)
        for svc in self._list("Service", NAMESPACE):
            selector = svc["spec"].get("selector")
            if not selector:
                continue
            chosen = [
                p for p in pods if selector_matches(selector, p["metadata"].get("labels") or {})
            ]
            existing = [
                s
                for s in self._list("EndpointSlice", NAMESPACE)
                if s["metadata"].get("labels", {}).get("kubernetes.io/service-name")
                == svc["metadata"]["name"]
            ]
            for eps in endpoint_slices(self.ids, svc, chosen, self.now, existing):
                if not any(eps is old for old in existing):
                    self._emit("EndpointSlice", eps)
            previous = self._get("Endpoints", NAMESPACE, svc["metadata"]["name"])
            legacy = legacy_endpoints(self.ids, svc, chosen, self.now, previous)
            if previous is None or legacy.get("subsets") != previous.get("subsets"):
                self._emit("Endpoints", legacy)

    def _renew_leases(self) -> None:
        leases = sorted(
            self.state.list("Lease", "kube-node-lease"), key=lambda lease: lease["metadata"]["name"]
        )
        for _ in range(min(LEASES_PER_STEP, len(leases))):
            lease = self._copy(leases[self.lease_cursor % len(leases)])
            self.lease_cursor += 1
            lease["spec"]["renewTime"] = micro_ts(self.now)
            self._emit("Lease", lease)


def _complete(pod: dict, now: datetime) -> None:
    """The kubelet's status once every container exited 0 (IDs kept, pod not Ready)."""
    status = pod["status"]
    status["phase"] = "Succeeded"
    for item in status.get("containerStatuses") or ():
        started = (item.get("state") or {}).get("running", {}).get("startedAt", ts(now))
        item["ready"] = False
        item["started"] = False
        item["imageID"] = item.get("imageID") or image_id(item["image"])
        item["state"] = {
            "terminated": {
                "containerID": item.get("containerID", ""),
                "exitCode": 0,
                "finishedAt": ts(now),
                "reason": "Completed",
                "startedAt": started,
            }
        }
    for cond in status.get("conditions") or ():
        if cond["type"] in ("Ready", "ContainersReady"):
            cond.update(
                {"lastTransitionTime": ts(now), "reason": "PodCompleted", "status": "False"}
            )
        if cond["type"] == "PodReadyToStartContainers":
            cond.update({"lastTransitionTime": ts(now), "status": "False"})
