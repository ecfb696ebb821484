"""A Service's page, and its EndpointSlices' and Endpoints': the names DNS answers for it, the
chains kube-proxy programs for it on each node, its EndpointSlices and the pods behind them.

A headless Service has no chains (DNS answers with the pods' addresses) and an ExternalName one
neither (DNS answers with a CNAME); the page says so instead of linking to empty pages.
"""

from __future__ import annotations

from explorer.lib.objects import key_of, labels_of, name_of, spec_of, status_of
from explorer.state.as_of import SERVICE_NAME_LABEL
from explorer.state.cluster_state import ClusterState
from explorer.state.records import PodRecord, records

from ..links import dns_link, object_link, service_chain_link
from ..network.dns_trace import cluster_dns_domain
from ..workloads.pod import selects
from .briefs import brief
from .sections import Cell, Described, Section, linked, pairs, section, to, to_named

MAX_NODES = 10
HEADLESS = "None"


def describe_service(state: ClusterState, service: dict) -> Described:
    spec = spec_of(service)
    kind = str(spec.get("type") or "ClusterIP")
    ips = [ip for ip in spec.get("clusterIPs") or [spec.get("clusterIP")] if ip]
    facts: list[tuple[str, Cell]] = [
        ("type", kind + (" (headless)" if HEADLESS in ips else "")),
        ("cluster IP", ", ".join(ips) or "none"),
        ("ports", ", ".join(_port(p) for p in spec.get("ports") or ()) or "none"),
        ("selector", pairs(spec.get("selector")) or "none: its endpoints are managed by hand"),
    ]
    if spec.get("externalName"):
        facts.append(("external name", str(spec["externalName"])))
    slices = slices_of(state, service)
    return Described(
        facts,
        [
            _dns_names(state, service, slices),
            _chains(state, service, slices),
            _slices(slices),
            _pods(state, service, slices),
        ],
    )


def describe_slice(state: ClusterState, endpoint_slice: dict) -> Described:
    namespace, _ = key_of(endpoint_slice)
    service = labels_of(endpoint_slice).get(SERVICE_NAME_LABEL, "")
    facts: list[tuple[str, Cell]] = [
        ("Service", to_named("Service", namespace, service) or "none named"),
        ("address type", str(endpoint_slice.get("addressType") or "")),
        ("ports", ", ".join(_port(p) for p in endpoint_slice.get("ports") or ()) or "none"),
    ]
    rows = [_endpoint_row(state, namespace, e) for e in _endpoints(endpoint_slice)]
    endpoints = section(
        "endpoints",
        "Endpoints",
        ["address", "pod", "node", "ready", "serving", "terminating"],
        rows,
    )
    return Described(facts, [endpoints])


def describe_endpoints(state: ClusterState, endpoints: dict) -> Described:
    namespace, name = key_of(endpoints)
    facts: list[tuple[str, Cell]] = [
        ("Service", to_named("Service", namespace, name)),
        ("note", "the legacy form: kube-proxy reads the Service's EndpointSlices instead"),
    ]
    return Described(facts, [])


def slices_of(state: ClusterState, service: dict) -> list[dict]:
    namespace, name = key_of(service)
    return [
        s
        for s in state.list("EndpointSlice", namespace)
        if labels_of(s).get(SERVICE_NAME_LABEL) == name
    ]


def _dns_names(state: ClusterState, service: dict, slices: list[dict]) -> Section:
    namespace, name = key_of(service)
    spec = spec_of(service)
    domain, source = cluster_dns_domain(state)
    full = f"{name}.{namespace}.svc.{domain}"
    if spec.get("type") == "ExternalName":
        answer = f"CNAME {spec.get('externalName', '?')}"
    elif spec.get("clusterIP") == HEADLESS:
        answer = ", ".join(_ready_addresses(slices)) or "no address: no ready endpoint"
    else:
        answer = ", ".join(spec.get("clusterIPs") or [spec.get("clusterIP") or "?"])
    tracer = _tracer(state, namespace)
    names = [
        (full, "the full name, from anywhere in the cluster"),
        (f"{name}.{namespace}", f"from any pod (its search list adds svc.{domain})"),
        (name, f"from a pod in namespace {namespace}"),
    ]
    rows: list[list[Cell]] = [[n, answer, where, _trace(tracer, n)] for n, where in names]
    for endpoint in _endpoints(*slices):
        host = endpoint.get("hostname")
        if host and (endpoint.get("addresses") or ()):
            rows.append(
                [
                    f"{host}.{full}",
                    ", ".join(endpoint["addresses"]),
                    "one pod of a headless Service (its hostname)",
                    _trace(tracer, f"{host}.{full}"),
                ]
            )
    for port in spec.get("ports") or ():
        if port.get("name"):
            srv = f"_{port['name']}._{str(port.get('protocol') or 'TCP').lower()}.{full}"
            rows.append([srv, f"SRV port {port.get('port')}", "a named port (SRV)", ""])
    note = f"Cluster domain {domain} (from {source})."
    if tracer is None:
        note += " No running pod to trace a lookup from."
    return section("dns", "DNS names", ["name", "answers", "asked", "trace"], rows, note=note)


def _chains(state: ClusterState, service: dict, slices: list[dict]) -> Section:
    namespace, name = key_of(service)
    spec = spec_of(service)
    headers = ["node", "kube-proxy's rules for this Service"]
    if spec.get("type") == "ExternalName":
        why = "An ExternalName Service has no kube-proxy rules: DNS answers with a CNAME."
        return section("chains", "Service chains", headers, [], empty=why)
    if spec.get("clusterIP") == HEADLESS:
        why = "A headless Service has no kube-proxy rules by design: DNS answers with the pod IPs."
        return section("chains", "Service chains", headers, [], empty=why)
    behind = {e.get("nodeName") for e in _endpoints(*slices) if e.get("nodeName")}
    nodes = sorted(name_of(n) for n in state.list("Node", ""))
    nodes = sorted(nodes, key=lambda n: (n not in behind, n))
    rows: list[list[Cell]] = [
        [
            to_named("Node", "", node),
            linked(
                "its chains" + (" (runs an endpoint)" if node in behind else ""),
                service_chain_link(namespace, name, node),
            ),
        ]
        for node in nodes[:MAX_NODES]
    ]
    note = "kube-proxy programs every Service on every node, each node from its own copy of it."
    if len(nodes) > MAX_NODES:
        note += f" The first {MAX_NODES} of {len(nodes)} nodes, those running an endpoint first."
    return section("chains", "Service chains", headers, rows, note=note, empty="no node held")


def _slices(slices: list[dict]) -> Section:
    rows: list[list[Cell]] = []
    for item in slices:
        endpoints = _endpoints(item)
        ready = sum(1 for e in endpoints if (e.get("conditions") or {}).get("ready"))
        rows.append(
            [
                to(item),
                str(item.get("addressType") or ""),
                f"{ready} of {len(endpoints)} ready",
                ", ".join(_port(p) for p in item.get("ports") or ()),
            ]
        )
    return section(
        "slices",
        "EndpointSlices",
        ["EndpointSlice", "addresses", "endpoints", "ports"],
        rows,
        empty="none: no pod is behind it",
    )


def _pods(state: ClusterState, service: dict, slices: list[dict]) -> Section:
    namespace, _ = key_of(service)
    selector = spec_of(service).get("selector") or {}
    by_pod = {
        (ref.get("namespace") or namespace, ref.get("name")): endpoint
        for endpoint in _endpoints(*slices)
        if (ref := endpoint.get("targetRef") or {}).get("kind") == "Pod"
    }
    # picked by their records; only the pods shown are unpacked
    picked = {r.key for r in records(state, "Pod", namespace) if selects(selector, r.labels)}
    rows: list[list[Cell]] = []
    for key in sorted(picked | set(by_pod)):
        pod = state.get("Pod", *key)
        endpoint = by_pod.get(key)
        node = spec_of(pod).get("nodeName") or (endpoint or {}).get("nodeName") or ""
        rows.append(
            [
                to_named("Pod", *key),
                brief(pod),
                ", ".join((endpoint or {}).get("addresses") or ())
                or status_of(pod).get("podIP", ""),
                to_named("Node", "", node) or "not scheduled",
                _endpoint_state(endpoint),
            ]
        )
    return section(
        "pods",
        "Pods behind it",
        ["pod", "state", "address", "node", "as an endpoint"],
        rows,
        note="The pods its selector picks, and any other pod its EndpointSlices name.",
        empty="no pod matches its selector",
    )


def _endpoint_row(state: ClusterState, namespace: str, endpoint: dict) -> list[Cell]:
    ref = endpoint.get("targetRef") or {}
    conditions = endpoint.get("conditions") or {}
    target: Cell = ""
    if ref.get("name"):
        target = linked(
            ref["name"],
            object_link(
                str(ref.get("kind") or "Pod"), ref.get("namespace") or namespace, ref["name"]
            ),
        )
    return [
        ", ".join(endpoint.get("addresses") or ()),
        target,
        to_named("Node", "", endpoint.get("nodeName") or ""),
        *(_yes(conditions.get(c)) for c in ("ready", "serving", "terminating")),
    ]


def _endpoint_state(endpoint: dict | None) -> str:
    if endpoint is None:
        return "not an endpoint (no address yet, or not matched)"
    conditions = endpoint.get("conditions") or {}
    if conditions.get("terminating"):
        return "terminating"
    return "ready" if conditions.get("ready") else "not ready: gets no new connections"


def _tracer(state: ClusterState, namespace: str) -> dict | None:
    """A running pod to trace a lookup from: the first by name in the Service's namespace, else
    the first held. Picked by the pods' records: only that one is unpacked."""
    running = [r for r in records(state, "Pod", namespace) if _runs(r)]
    if running:
        picked = min(running, key=lambda r: r.name)
    else:
        picked = next((r for r in records(state, "Pod") if _runs(r)), None)
    return None if picked is None else state.get("Pod", picked.namespace, picked.name)


def _runs(pod: PodRecord) -> bool:
    return pod.phase == "Running" and not pod.host_network


def _trace(tracer: dict | None, name: str) -> Cell:
    if tracer is None:
        return ""
    namespace, pod = key_of(tracer)
    return linked(f"from {namespace}/{pod}", dns_link(namespace, pod, name))


def _endpoints(*slices: dict) -> list[dict]:
    return [e for s in slices for e in s.get("endpoints") or () if isinstance(e, dict)]


def _ready_addresses(slices: list[dict]) -> list[str]:
    return [
        address
        for endpoint in _endpoints(*slices)
        if (endpoint.get("conditions") or {}).get("ready")
        for address in endpoint.get("addresses") or ()
    ]


def _port(port: dict) -> str:
    name = f"{port['name']} " if port.get("name") else ""
    target = port.get("targetPort")
    node_port = f", node port {port['nodePort']}" if port.get("nodePort") else ""
    to_target = f" → {target}" if target not in (None, port.get("port")) else ""
    return f"{name}{port.get('port', '?')}/{port.get('protocol') or 'TCP'}{to_target}{node_port}"


def _yes(value: object) -> str:
    return "unknown" if value is None else "yes" if value else "no"


DESCRIBERS = {
    "Service": describe_service,
    "EndpointSlice": describe_slice,
    "Endpoints": describe_endpoints,
}
