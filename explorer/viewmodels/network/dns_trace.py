"""DNS trace: what happens when a pod looks a name up, from its resolv.conf to an IP.

The pod's effective resolv.conf (dnsPolicy, dnsConfig, the node's file, the cluster's DNS
Service), the names the glibc stub tries in order (search list, ndots), and for each the
A/AAAA answers — computed from the cluster's Services, EndpointSlices, Pods and Corefile, or
live when the caller has asked a real server (collectors.dns.resolver.stub_walk) and passes its
answers in. The trace ends at the address the service-chain view takes over from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

import orjson

from explorer.collectors.dns.answers import FORWARDED, NOT_COMPUTED, Answer
from explorer.collectors.dns.configmap import read_source
from explorer.collectors.dns.corefile import Corefile, parse_corefile
from explorer.collectors.dns.effective import PodDns, pod_dns
from explorer.collectors.dns.kubernetes_plugin import ClusterIndex
from explorer.collectors.dns.queries import Candidate, candidates, query_types, walk_goes_on
from explorer.collectors.dns.resolv import render_resolv_conf
from explorer.collectors.dns.resolver import LiveWalk
from explorer.collectors.dns.server_model import DEFAULT_COREFILE, ServerModel, cluster_domain
from explorer.lib.objects import spec_of
from explorer.state.cluster_state import ClusterState
from explorer.state.records import PodRecord, records

from ..base import View

SENT, MAYBE_SENT, NOT_SENT = "sent", "sent if the upstream did not answer the names before", "no"


class QueryStep(TypedDict):
    name: str
    why: str
    qtype: str
    sent: str
    source: str  # "live" or "computed"
    answer: dict
    computed: dict
    agrees: bool | None  # live vs computed, None when they cannot be compared


@dataclass
class DnsContext:
    """What a trace for one pod needs, built once per pod."""

    pod: dict
    dns: PodDns
    cluster_dns: list[str]
    domain: str
    corefile_source: str
    model: ServerModel


def _dns_service_ips(state: ClusterState) -> list[str]:
    svc = state.get("Service", "kube-system", "kube-dns")
    if svc is None:
        svc = next(
            (
                s
                for s in state.list("Service", "kube-system")
                if (s["metadata"].get("labels") or {}).get("k8s-app") == "kube-dns"
            ),
            None,
        )
    spec = spec_of(svc)
    ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    return [ip for ip in ips if ip != "None"]


def _corefile(state: ClusterState) -> tuple[Corefile, str]:
    main = state.get("ConfigMap", "kube-system", "coredns")
    text = ((main or {}).get("data") or {}).get("Corefile")
    custom = state.get("ConfigMap", "kube-system", "coredns-custom")
    includes = _custom_includes(custom)
    if text:
        return parse_corefile(text, includes), "ConfigMap kube-system/coredns"
    for facts in state.node_facts.values():
        if facts.get("corefile"):
            return parse_corefile(facts["corefile"], includes), "the nodes' recorded Corefile"
    return parse_corefile(DEFAULT_COREFILE), "assumed: kubeadm's default (no Corefile visible)"


def cluster_dns_domain(state: ClusterState) -> tuple[str, str]:
    """The cluster domain the cluster DNS serves (`cluster.local` unless its Corefile says
    otherwise), and where the Corefile was read."""
    corefile, source = _corefile(state)
    return cluster_domain(corefile), source


def _custom_includes(configmap: dict | None) -> dict[str, str]:
    """AKS's coredns-custom keys, as the Corefile's `import custom/*` sees them."""
    if not configmap:
        return {}
    return read_source(orjson.dumps(configmap).decode()).includes


def _node_resolv_conf(state: ClusterState, node: str) -> str:
    return str((state.node_facts.get(node) or {}).get("resolv.conf") or "")


def _coredns_upstreams(state: ClusterState, dns_ips: list[str], domain: str) -> list[str]:
    """What `forward . /etc/resolv.conf` reaches: the CoreDNS pods' own nameservers."""
    coredns = sorted(
        r.name
        for r in records(state, "Pod", "kube-system")
        if r.labels.get("k8s-app") == "kube-dns"
    )
    for name in coredns:  # the first by name, unpacked alone
        pod = state.get("Pod", "kube-system", name)
        if pod is not None:
            node = spec_of(pod).get("nodeName") or ""
            own = pod_dns(pod, dns_ips, domain, _node_resolv_conf(state, node))
            return own.conf.used_nameservers
    return []


def _addressed(pod: PodRecord) -> dict:
    """A pod as far as ClusterIndex reads it (its namespace, name and podIPs), from its record:
    so no pod is unpacked."""
    return {
        "metadata": {"namespace": pod.namespace, "name": pod.name},
        "status": {"podIPs": [{"ip": ip} for ip in pod.ips]},
    }


def dns_context(state: ClusterState, namespace: str, pod_name: str) -> DnsContext | None:
    pod = state.get("Pod", namespace, pod_name)
    if pod is None:
        return None
    corefile, corefile_source = _corefile(state)
    domain = cluster_domain(corefile)
    dns_ips = _dns_service_ips(state)
    node = spec_of(pod).get("nodeName") or ""
    effective = pod_dns(pod, dns_ips, domain, _node_resolv_conf(state, node))
    index = ClusterIndex.build(
        state.list("Service"),
        state.list("EndpointSlice"),
        map(_addressed, records(state, "Pod")),
        (n["metadata"]["name"] for n in state.list("Namespace")),
    )
    model = ServerModel(corefile, index, _coredns_upstreams(state, dns_ips, domain))
    return DnsContext(pod, effective, dns_ips, domain, corefile_source, model)


def essence(answer: Answer) -> tuple[str, list[tuple[str, str]]]:
    """What must agree between a computed and a live answer: the rcode and the records'
    types and values (names and TTLs aside)."""
    return answer.rcode, sorted((r.type, r.value.lower()) for r in answer.records)


def _comparable(computed: Answer, live: Answer) -> bool | None:
    if computed.rcode in (FORWARDED, NOT_COMPUTED):
        return None
    return essence(computed) == essence(live)


def _ends_at(answer: Answer, name: str) -> dict:
    addresses = answer.addresses
    spec_kind = "pod" if answer.pods and not answer.service else "service"
    if answer.service and answer.pods:
        spec_kind = "pods (headless Service)"
    return {
        "name": name,
        "addresses": addresses,
        "service": answer.service,
        "pods": answer.pods,
        "kind": spec_kind if answer.service or answer.pods else "outside the cluster",
        "next": "service chain" if answer.service and not answer.pods else "pod (no kube-proxy)",
    }


def dns_trace(
    state: ClusterState,
    namespace: str,
    pod_name: str,
    name: str,
    live: LiveWalk | None = None,
    context: DnsContext | None = None,
) -> dict[str, Any]:
    """The trace for `name` looked up in pod namespace/pod_name (live when `live` is given)."""
    context = context or dns_context(state, namespace, pod_name)
    if context is None:
        return {"error": f"no pod {namespace}/{pod_name}"}
    conf = context.dns.conf
    names = candidates(name, conf)
    qtypes, how = query_types(conf)
    server = conf.used_nameservers[0] if conf.used_nameservers else "127.0.0.1"
    cluster_server = server in context.cluster_dns
    live_by_key = {(a.qname, a.qtype): a for a in (live.answers if live else [])}
    steps: list[QueryStep] = []
    sent, ends_at = SENT, None
    for candidate in names:
        computed = _computed(context, candidate, qtypes, server, cluster_server)
        for qtype, answer in zip(qtypes, computed, strict=True):
            got = live_by_key.get((candidate.name, qtype))
            steps.append(
                {
                    "name": candidate.name,
                    "why": candidate.why,
                    "qtype": qtype,
                    "sent": (SENT if got else NOT_SENT) if live else sent,
                    "source": "live" if got else "computed",
                    "answer": (got.answer if got else answer).as_dict()
                    | ({"elapsed_ms": round(got.elapsed_ms, 2), "error": got.error} if got else {}),
                    "computed": answer.as_dict(),
                    "agrees": _comparable(answer, got.answer) if got else None,
                }
            )
        outcome = computed
        if live:
            outcome = [live_by_key[(candidate.name, t)].answer for t in qtypes if got]
        if ends_at is None and sent != NOT_SENT and any(a.addresses for a in outcome):
            ends_at = _ends_at(_merged(outcome), candidate.name)
        sent = _after(sent, outcome)
    return {
        "pod": f"{namespace}/{pod_name}",
        "name": name,
        "source": "live" if live else "computed",
        "live_server": live.server if live else "",
        "resolv_conf": {
            "text": render_resolv_conf(conf),
            "policy": context.dns.policy,
            "base": context.dns.applied,
            "notes": context.dns.notes,
            "nameserver": server,
            "search": conf.search,
            "ndots": conf.ndots,
        },
        "cluster": {
            "dns_service_ips": context.cluster_dns,
            "domain": context.domain,
            "corefile": context.corefile_source,
            "nameserver_is_cluster_dns": cluster_server,
        },
        "query_types": qtypes,
        "query_types_how": how,
        "steps": steps,
        "ends_at": ends_at,
    }


def _after(sent: str, outcome: list[Answer]) -> str:
    """Whether the next name is sent, after these answers to this one."""
    if sent == NOT_SENT or any(a.addresses for a in outcome):
        return NOT_SENT
    if any(a.rcode in (FORWARDED, NOT_COMPUTED) for a in outcome):
        return MAYBE_SENT
    return sent if walk_goes_on([(a.rcode, 0) for a in outcome]) else NOT_SENT


def _merged(outcome: list[Answer]) -> Answer:
    hit = next(a for a in outcome if a.addresses)
    merged = Answer(hit.rcode, [r for a in outcome for r in a.records], service=hit.service)
    merged.pods = sorted({p for a in outcome for p in a.pods})
    return merged


def _computed(
    context: DnsContext, candidate: Candidate, qtypes: list[str], server: str, cluster: bool
) -> list[Answer]:
    if not cluster:
        note = f"sent to {server}, which is not the cluster DNS: its answer is not computed"
        return [Answer(NOT_COMPUTED, note=note) for _ in qtypes]
    return [context.model.answer(candidate.name, qtype) for qtype in qtypes]


def _build(state: ClusterState, params: dict[str, str], memo: Any) -> dict[str, Any]:
    return dns_trace(state, params["namespace"], params["pod"], params["name"])


VIEW = View(
    name="dns-trace",
    build=_build,
    kinds=frozenset({"Pod", "Service", "EndpointSlice", "ConfigMap", "Namespace"}),
    params=("cluster", "namespace", "pod", "name"),
)
