"""What CoreDNS's kubernetes plugin answers, computed from Services, EndpointSlices and Pods.

Names in its zone are read right to left (plugin/kubernetes/parse.go):
`[endpoint | _port._proto].<service>.<namespace>.svc.<zone>` and `<a-b-c-d>.<namespace>.pod.<zone>`.
- a ClusterIP Service: A/AAAA its ClusterIP(s) of that family; a headless one: the addresses of
  its ready endpoints (not-ready ones too with publishNotReadyAddresses); ExternalName: a CNAME;
- `<hostname>.<service>…`: the endpoint with that hostname (else its dashed IP);
- SRV: one record per matching port (per endpoint for a headless Service), weight 100/n;
- `a-b-c-d.<ns>.pod.<zone>`: `pods insecure` answers the address written in the name, `verified`
  only when a pod in that namespace has it, `disabled` (the default) never;
- PTR in its reverse zones: a Service's ClusterIP, else an endpoint's address;
- the zone apex, `svc.`, `pod.` and an existing `<ns>.svc.` are empty answers (NODATA); any
  other name of its zones is NXDOMAIN — unless `fallthrough` covers it, then the next plugin
  answers (`fallthrough in-addr.arpa ip6.arpa` sends unknown reverse names to `forward`).
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from explorer.lib.objects import meta_of, spec_of, status_of

from .answers import Answer, Record, address_family_type, dashed, ip_from_reverse
from .corefile import Directive, fqdn, in_zone


@dataclass(frozen=True, slots=True)
class Endpoint:
    ip: str
    hostname: str  # from the EndpointSlice, "" when none
    pod: str  # ns/name of the targetRef pod, "" when none
    ready: bool


@dataclass
class ClusterIndex:
    """Services, their endpoints and pods by address, held as the kubernetes plugin needs."""

    services: dict[tuple[str, str], dict] = field(default_factory=dict)
    endpoints: dict[tuple[str, str], list[Endpoint]] = field(default_factory=dict)
    ports: dict[tuple[str, str], list[dict]] = field(default_factory=dict)  # from the slices
    by_cluster_ip: dict[str, tuple[str, str]] = field(default_factory=dict)
    by_endpoint_ip: dict[str, list[tuple[tuple[str, str], Endpoint]]] = field(default_factory=dict)
    pods_by_ip: dict[str, list[str]] = field(default_factory=dict)  # ip -> ns/name
    namespaces: set[str] = field(default_factory=set)

    @classmethod
    def build(
        cls,
        services: Iterable[dict],
        slices: Iterable[dict],
        pods: Iterable[dict],
        namespaces: Iterable[str] = (),
    ) -> ClusterIndex:
        index = cls(namespaces=set(namespaces))
        for svc in services:
            meta = meta_of(svc)
            key = (meta.get("namespace") or "default", meta.get("name") or "")
            index.services[key] = svc
            index.namespaces.add(key[0])
            for ip in _cluster_ips(svc):
                index.by_cluster_ip[ip] = key
        endpoints: dict[tuple[str, str], list[Endpoint]] = defaultdict(list)
        for eps in slices:
            if eps.get("addressType") not in ("IPv4", "IPv6"):
                continue
            meta = meta_of(eps)
            service = (meta.get("labels") or {}).get("kubernetes.io/service-name")
            if not service:
                continue
            key = (meta.get("namespace") or "default", service)
            index.ports.setdefault(key, list(eps.get("ports") or []))
            for item in eps.get("endpoints") or ():
                ref = item.get("targetRef") or {}
                pod = f"{ref.get('namespace') or key[0]}/{ref['name']}" if ref.get("name") else ""
                ready = (item.get("conditions") or {}).get("ready") is not False
                for ip in item.get("addresses") or ():
                    endpoint = Endpoint(ip, item.get("hostname") or "", pod, ready)
                    endpoints[key].append(endpoint)
                    index.by_endpoint_ip.setdefault(ip, []).append((key, endpoint))
        index.endpoints = dict(endpoints)
        for pod in pods:
            meta = meta_of(pod)
            index.namespaces.add(meta.get("namespace") or "default")
            for entry in status_of(pod).get("podIPs") or ():
                name = f"{meta.get('namespace')}/{meta.get('name')}"
                index.pods_by_ip.setdefault(entry.get("ip", ""), []).append(name)
        return index


def _cluster_ips(svc: dict) -> list[str]:
    spec = spec_of(svc)
    ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    return [ip for ip in ips if ip and ip != "None"]


@dataclass(frozen=True)
class KubernetesOptions:
    zones: tuple[str, ...]  # fully qualified
    pods: str = "disabled"  # disabled, insecure, verified
    fallthrough: tuple[str, ...] | None = None  # None: no fallthrough; () or ("." ,): all
    ttl: int = 5
    endpoint_pod_names: bool = False

    def falls_through(self, qname: str) -> bool:
        if self.fallthrough is None:
            return False
        return not self.fallthrough or any(in_zone(qname, z) for z in self.fallthrough)


FALLTHROUGH = "fallthrough"


def options_from(directive: Directive, block_zones: list[str]) -> KubernetesOptions:
    """What a `kubernetes` line tells the plugin: its zones (the block's when none are
    written), pod records mode, fallthrough zones, TTL (default 5 s)."""
    options = {sub.name: sub.args for sub in directive.block}
    fall = options.get("fallthrough")
    ttl = options.get("ttl") or ["5"]
    return KubernetesOptions(
        zones=tuple(fqdn(z) for z in directive.args or block_zones),
        pods=(options.get("pods") or ["disabled"])[0],
        fallthrough=None if fall is None else tuple(fqdn(z) for z in fall if z != "."),
        ttl=int(ttl[0]) if ttl[0].isdigit() else 5,
        endpoint_pod_names="endpoint_pod_names" in options,
    )


class KubernetesPlugin:
    def __init__(self, index: ClusterIndex, options: KubernetesOptions) -> None:
        self.index = index
        self.options = options

    def zone_of(self, qname: str) -> str | None:
        matches = [z for z in self.options.zones if in_zone(qname, z)]
        return max(matches, key=len) if matches else None

    def serve(self, qname: str, qtype: str) -> Answer | str:
        """The answer, or FALLTHROUGH when the next plugin gets the query."""
        qname = fqdn(qname)
        zone = self.zone_of(qname)
        if zone is None:
            return FALLTHROUGH
        if zone.endswith(("in-addr.arpa.", "ip6.arpa.")):
            answer = self._reverse(qname, qtype)
        else:
            answer = self._forward_zone(qname, qtype, zone)
        answer.by = answer.by or "kubernetes"
        if answer.rcode == "NXDOMAIN" and self.options.falls_through(qname):
            return FALLTHROUGH
        return answer

    # ---- the cluster zone ------------------------------------------------------------

    def _forward_zone(self, qname: str, qtype: str, zone: str) -> Answer:
        base = qname[: -len(zone)].rstrip(".") if zone != "." else qname.rstrip(".")
        if base in ("", "svc", "pod"):
            return Answer("NOERROR", note=f"{qname} is not a record, only a level of the zone")
        labels = base.split(".")
        kind, rest = labels[-1], labels[:-1]
        if kind not in ("svc", "pod") or len(rest) > 4:
            return Answer("NXDOMAIN", note=f"{qname} is not a Service or Pod name of {zone}")
        namespace = rest[-1]
        if len(rest) == 1:
            if namespace in self.index.namespaces:
                return Answer("NOERROR", note=f"namespace {namespace} exists; no record here")
            return Answer("NXDOMAIN", note=f"no namespace {namespace}")
        if kind == "pod":
            return self._pod(qname, qtype, namespace, rest)
        service = rest[-2]
        extra = rest[:-2]
        key = (namespace, service)
        svc = self.index.services.get(key)
        if svc is None:
            return Answer("NXDOMAIN", note=f"no Service {namespace}/{service}")
        label = f"{namespace}/{service}"
        if len(extra) == 2:
            return self._srv(qname, qtype, key, svc, extra)
        if len(extra) == 1:
            return self._endpoint_name(qname, qtype, key, extra[0])
        if len(extra) > 2:
            return Answer("NXDOMAIN", note="too many labels for a Service name")
        spec = spec_of(svc)
        if spec.get("type") == "ExternalName":
            target = fqdn(spec.get("externalName") or "")
            return Answer(
                "NOERROR",
                [Record(qname, "CNAME", self.options.ttl, target)],
                note=f"ExternalName Service {label}: an alias (CNAME) of {target}",
                service=label,
            )
        if qtype == "SRV":
            return self._srv(qname, qtype, key, svc, ["_*", "_*"])
        if qtype not in ("A", "AAAA"):
            return Answer("NOERROR", note=f"no {qtype} record for a Service", service=label)
        cluster_ips = _cluster_ips(svc)
        if cluster_ips:
            found = [ip for ip in cluster_ips if address_family_type(ip) == qtype]
            return Answer(
                "NOERROR",
                [Record(qname, qtype, self.options.ttl, ip) for ip in found],
                note=f"the ClusterIP of Service {label}" if found else f"no {qtype} ClusterIP",
                service=label,
            )
        return self._headless(qname, qtype, key, svc)

    def _serving(self, key: tuple[str, str], svc: dict) -> list[Endpoint]:
        publish = spec_of(svc).get("publishNotReadyAddresses")
        seen: dict[str, Endpoint] = {}
        for endpoint in self.index.endpoints.get(key, ()):
            if endpoint.ready or publish:
                seen.setdefault(endpoint.ip, endpoint)
        return list(seen.values())

    def _headless(self, qname: str, qtype: str, key: tuple[str, str], svc: dict) -> Answer:
        label = f"{key[0]}/{key[1]}"
        endpoints = self._serving(key, svc)
        if not endpoints:
            return Answer("NXDOMAIN", note=f"headless Service {label} has no ready endpoints")
        chosen = [e for e in endpoints if address_family_type(e.ip) == qtype]
        return Answer(
            "NOERROR",
            [Record(qname, qtype, self.options.ttl, e.ip) for e in chosen],
            note=f"headless Service {label}: the addresses of its ready endpoints",
            service=label,
            pods=[e.pod for e in chosen if e.pod],
        )

    def _hostname(self, endpoint: Endpoint) -> str:
        if endpoint.hostname:
            return endpoint.hostname
        if self.options.endpoint_pod_names and endpoint.pod:
            return endpoint.pod.split("/", 1)[1]
        return dashed(endpoint.ip)

    def _endpoint_name(self, qname: str, qtype: str, key: tuple[str, str], name: str) -> Answer:
        svc = self.index.services[key]
        label = f"{key[0]}/{key[1]}"
        matches = [e for e in self._serving(key, svc) if self._hostname(e) == name]
        if not matches:
            return Answer("NXDOMAIN", note=f"Service {label} has no endpoint named {name}")
        chosen = [e for e in matches if address_family_type(e.ip) == qtype]
        return Answer(
            "NOERROR",
            [Record(qname, qtype, self.options.ttl, e.ip) for e in chosen] if qtype else [],
            note=f"endpoint {name} of Service {label}",
            service=label,
            pods=[e.pod for e in chosen if e.pod],
        )

    def _srv(
        self, qname: str, qtype: str, key: tuple[str, str], svc: dict, extra: list[str]
    ) -> Answer:
        label = f"{key[0]}/{key[1]}"
        port_name, proto = extra[0].lstrip("_"), extra[1].lstrip("_")
        ports = [
            p
            for p in spec_of(svc).get("ports") or ()
            if port_name in ("*", p.get("name") or "")
            and proto in ("*", (p.get("protocol") or "TCP").lower())
        ]
        if not ports:
            return Answer("NXDOMAIN", note=f"Service {label} has no port _{port_name}._{proto}")
        if qtype != "SRV":
            return Answer("NOERROR", note="a port name holds SRV records only", service=label)
        host = f"{key[1]}.{key[0]}.svc.{self.zone_of(qname)}"
        targets: list[tuple[str, int]] = []
        if _cluster_ips(svc):
            targets = [(host, int(p["port"])) for p in ports]
        else:
            slice_ports = {
                (p.get("name") or "", (p.get("protocol") or "TCP").lower()): p.get("port")
                for p in self.index.ports.get(key, ())
            }
            for endpoint in self._serving(key, svc):
                for p in ports:
                    number = slice_ports.get(
                        (p.get("name") or "", (p.get("protocol") or "TCP").lower()), p["port"]
                    )
                    targets.append((f"{self._hostname(endpoint)}.{host}", int(number)))
        weight = int(100 / len(targets)) if targets else 0
        return Answer(
            "NOERROR",
            [
                Record(qname, "SRV", self.options.ttl, f"0 {weight} {port} {t}")
                for t, port in targets
            ],
            note=f"the ports of Service {label}",
            service=label,
        )

    def _pod(self, qname: str, qtype: str, namespace: str, rest: list[str]) -> Answer:
        mode = self.options.pods
        if len(rest) != 2:
            return Answer("NXDOMAIN", note="a pod name is <a-b-c-d>.<namespace>.pod.<zone>")
        if mode == "disabled":
            return Answer("NXDOMAIN", note="pod records are disabled (kubernetes { pods … })")
        label = rest[0]
        text = label.replace("-", ".") if label.count("-") == 3 else label.replace("-", ":")
        try:
            ip = str(ipaddress.ip_address(text))
        except ValueError:
            return Answer("NXDOMAIN", note=f"{label} is not an address written with dashes")
        owners = [p for p in self.index.pods_by_ip.get(ip, ()) if p.startswith(namespace + "/")]
        if mode == "verified" and not owners:
            return Answer("NXDOMAIN", note=f"pods verified: no pod in {namespace} has {ip}")
        records = [Record(qname, qtype, self.options.ttl, ip)]
        return Answer(
            "NOERROR",
            records if address_family_type(ip) == qtype else [],
            note=f"pods {mode}: the address written in the name",
            pods=owners,
        )

    # ---- reverse zones ---------------------------------------------------------------

    def _reverse(self, qname: str, qtype: str) -> Answer:
        ip = ip_from_reverse(qname)
        if ip is None:
            return Answer("NXDOMAIN", note=f"{qname} is not a whole address")
        zone = next((z for z in self.options.zones if not z.endswith(".arpa.")), "cluster.local.")
        target, note, service = "", "", ""
        if ip in self.index.by_cluster_ip:
            ns, name = self.index.by_cluster_ip[ip]
            target, service = f"{name}.{ns}.svc.{zone}", f"{ns}/{name}"
            note = f"the ClusterIP of Service {service}"
        elif ip in self.index.by_endpoint_ip:
            (ns, name), endpoint = self.index.by_endpoint_ip[ip][0]
            target, service = f"{self._hostname(endpoint)}.{name}.{ns}.svc.{zone}", f"{ns}/{name}"
            note = f"an endpoint of Service {service}"
        if not target:
            return Answer("NXDOMAIN", note=f"{ip} is no Service's ClusterIP nor endpoint")
        records = [Record(qname, "PTR", self.options.ttl, target)] if qtype == "PTR" else []
        return Answer("NOERROR", records, note=note, service=service)
