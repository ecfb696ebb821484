"""Services and what the endpoint controllers derive from them: EndpointSlices (every selected
pod with an IP, with ready/serving/terminating as the EndpointSlice controller sets them) and
the legacy Endpoints the endpoints controller mirrors (terminating pods left out)."""

from __future__ import annotations

from datetime import datetime

from explorer.lib.objects import status_of

from .clock import ts
from .ids import Ids
from .meta import new_object, owner_ref
from .workloads import is_ready

MANAGED_BY = "endpointslice-controller.k8s.io"
MAX_ENDPOINTS_PER_SLICE = 100


def service_port(
    name: str, port: int, target, protocol: str = "TCP", node_port: int | None = None
) -> dict:
    spec = {"name": name} if name else {}
    if node_port:
        spec["nodePort"] = node_port
    spec.update({"port": port, "protocol": protocol, "targetPort": target})
    return spec


def service(
    ids: Ids,
    namespace: str,
    name: str,
    ports: list[dict],
    selector: dict | None,
    *,
    created: datetime,
    cluster_ip: str,
    kind: str = "ClusterIP",
    labels: dict | None = None,
    annotations: dict | None = None,
    external_policy: str = "Cluster",
    internal_policy: str = "Cluster",
    publish_not_ready: bool = False,
) -> dict:
    spec: dict = {
        "clusterIP": cluster_ip,
        "clusterIPs": [cluster_ip],
    }
    if kind in ("NodePort", "LoadBalancer"):
        spec["externalTrafficPolicy"] = external_policy
    spec.update(
        {
            "internalTrafficPolicy": internal_policy,
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
            "ports": ports,
        }
    )
    if publish_not_ready:
        spec["publishNotReadyAddresses"] = True
    if selector:
        spec["selector"] = selector
    spec["sessionAffinity"] = "None"
    spec["type"] = kind
    return new_object(
        "Service",
        name,
        ids.uid(),
        created,
        namespace=namespace,
        labels=labels,
        annotations=annotations,
        spec=spec,
        status={"loadBalancer": {}},
    )


def is_headless(svc: dict) -> bool:
    return svc["spec"].get("clusterIP") == "None"


def _in_endpoints(pod: dict, include_terminating: bool) -> bool:
    status = status_of(pod)
    if not status.get("podIP"):
        return False
    if not include_terminating and pod["metadata"].get("deletionTimestamp"):
        return False
    policy = pod["spec"].get("restartPolicy", "Always")
    phase = status.get("phase")
    if policy == "Never":
        return phase not in ("Failed", "Succeeded")
    if policy == "OnFailure":
        return phase != "Succeeded"
    return True


def _resolve_ports(svc: dict, pod: dict) -> list[dict] | None:
    ports = []
    for port in svc["spec"].get("ports") or ():
        target = port.get("targetPort", port["port"])
        if isinstance(target, str):
            number = next(
                (
                    p["containerPort"]
                    for c in pod["spec"]["containers"]
                    for p in c.get("ports") or ()
                    if p.get("name") == target and p.get("protocol", "TCP") == port["protocol"]
                ),
                None,
            )
            if number is None:
                return None
            target = number
        entry = {"name": port.get("name", "")}
        entry.update({"port": target, "protocol": port["protocol"]})
        ports.append(entry)
    return ports


def slice_endpoint(svc: dict, pod: dict) -> dict:
    terminating = bool(pod["metadata"].get("deletionTimestamp"))
    ready = is_ready(pod) or bool(svc["spec"].get("publishNotReadyAddresses"))
    endpoint: dict = {
        "addresses": [pod["status"]["podIP"]],
        "conditions": {
            "ready": ready and not terminating,
            "serving": ready,
            "terminating": terminating,
        },
    }
    spec = pod["spec"]
    if spec.get("hostname") and spec.get("subdomain") == svc["metadata"]["name"]:
        endpoint["hostname"] = spec["hostname"]
    endpoint["nodeName"] = spec.get("nodeName", "")
    endpoint["targetRef"] = {
        "kind": "Pod",
        "name": pod["metadata"]["name"],
        "namespace": pod["metadata"]["namespace"],
        "uid": pod["metadata"]["uid"],
    }
    return endpoint


def endpoint_slices(
    ids: Ids, svc: dict, pods: list[dict], when: datetime, existing: list[dict] = ()
) -> list[dict]:
    """The Service's EndpointSlices for these (already selected) pods, reusing the names and
    UIDs of existing slices; slices with nothing to change are returned unchanged."""
    members = sorted(
        (p for p in pods if _in_endpoints(p, include_terminating=True)),
        key=lambda p: p["metadata"]["name"],
    )
    ports: list[dict] | None = None
    endpoints = []
    for pod in members:
        resolved = _resolve_ports(svc, pod)
        if resolved is None:
            continue
        ports = ports or resolved
        endpoints.append(slice_endpoint(svc, pod))
    if ports is None:
        ports = [] if not svc["spec"].get("ports") else None
    chunks = [
        endpoints[i : i + MAX_ENDPOINTS_PER_SLICE]
        for i in range(0, len(endpoints), MAX_ENDPOINTS_PER_SLICE)
    ] or [[]]
    old = sorted(existing, key=lambda s: s["metadata"]["name"])
    slices = []
    for index, chunk in enumerate(chunks):
        previous = old[index] if index < len(old) else None
        slices.append(_slice(ids, svc, chunk, ports, when, previous))
    return slices


def _slice(
    ids: Ids,
    svc: dict,
    endpoints: list[dict],
    ports: list[dict] | None,
    when: datetime,
    previous: dict | None,
) -> dict:
    name = svc["metadata"]["name"]
    labels = dict(svc["metadata"].get("labels") or {})
    labels["endpointslice.kubernetes.io/managed-by"] = MANAGED_BY
    if is_headless(svc):
        labels["service.kubernetes.io/headless"] = ""
    labels["kubernetes.io/service-name"] = name
    if previous is not None:
        if previous.get("endpoints") == (endpoints or None) and previous.get("ports") == ports:
            return previous
        slice_name, uid = previous["metadata"]["name"], previous["metadata"]["uid"]
    else:
        slice_name, uid = f"{name}-{ids.suffix()}", ids.uid()
    obj = new_object(
        "EndpointSlice",
        slice_name,
        uid,
        when,
        namespace=svc["metadata"]["namespace"],
        labels=labels,
        annotations={"endpoints.kubernetes.io/last-change-trigger-time": ts(when)},
        owners=[owner_ref(svc)],
        generate_name=f"{name}-",
    )
    if previous is not None:
        obj["metadata"]["creationTimestamp"] = previous["metadata"]["creationTimestamp"]
        obj["metadata"]["generation"] = previous["metadata"].get("generation", 1) + 1
    else:
        obj["metadata"]["generation"] = 1
    obj["addressType"] = "IPv4"
    obj["endpoints"] = endpoints or None
    obj["ports"] = ports
    return obj


def legacy_endpoints(
    ids: Ids, svc: dict, pods: list[dict], when: datetime, previous: dict | None = None
) -> dict:
    """The Endpoints object: ready addresses and notReadyAddresses, no terminating pods."""
    ready, not_ready = [], []
    ports = None
    for pod in pods:
        if not _in_endpoints(pod, include_terminating=False):
            continue
        resolved = _resolve_ports(svc, pod)
        if resolved is None:
            continue
        ports = ports or resolved
        address = {"ip": pod["status"]["podIP"]}
        if pod["spec"].get("hostname") and pod["spec"].get("subdomain") == svc["metadata"]["name"]:
            address["hostname"] = pod["spec"]["hostname"]
        address["nodeName"] = pod["spec"].get("nodeName", "")
        address["targetRef"] = {
            "kind": "Pod",
            "name": pod["metadata"]["name"],
            "namespace": pod["metadata"]["namespace"],
            "uid": pod["metadata"]["uid"],
        }
        ok = is_ready(pod) or svc["spec"].get("publishNotReadyAddresses")
        (ready if ok else not_ready).append(address)
    labels = dict(svc["metadata"].get("labels") or {})
    labels["endpoints.kubernetes.io/managed-by"] = "endpoint-controller"
    if is_headless(svc):
        labels["service.kubernetes.io/headless"] = ""
    name = svc["metadata"]["name"]
    obj = new_object(
        "Endpoints",
        name,
        previous["metadata"]["uid"] if previous else ids.uid(),
        when,
        namespace=svc["metadata"]["namespace"],
        labels=dict(sorted(labels.items())),
        annotations={"endpoints.kubernetes.io/last-change-trigger-time": ts(when)},
    )
    if previous:
        obj["metadata"]["creationTimestamp"] = previous["metadata"]["creationTimestamp"]
    if ready or not_ready:
        subset: dict = {}
        if ready:
            subset["addresses"] = sorted(ready, key=lambda a: a["ip"])
        if not_ready:
            subset["notReadyAddresses"] = sorted(not_ready, key=lambda a: a["ip"])
        subset["ports"] = [
            {k: v for k, v in p.items() if v != "" or k != "name"} for p in ports or ()
        ]
        obj["subsets"] = [subset]
    return obj


def kubernetes_endpoints(
    ids: Ids, svc: dict, apiserver_ip: str, created: datetime
) -> tuple[dict, dict]:
    """The apiserver's own EndpointSlice and Endpoints for `default/kubernetes`."""
    port = {"name": "https", "port": 6443, "protocol": "TCP"}
    eps = new_object(
        "EndpointSlice",
        "kubernetes",
        ids.uid(),
        created,
        namespace="default",
        labels={"kubernetes.io/service-name": "kubernetes"},
        addressType="IPv4",
        endpoints=[{"addresses": [apiserver_ip], "conditions": {"ready": True}}],
        ports=[port],
    )
    eps["metadata"]["generation"] = 1
    legacy = new_object(
        "Endpoints",
        "kubernetes",
        ids.uid(),
        created,
        namespace="default",
        labels={"endpointslice.kubernetes.io/skip-mirror": "true"},
        subsets=[{"addresses": [{"ip": apiserver_ip}], "ports": [dict(port)]}],
    )
    return eps, legacy
