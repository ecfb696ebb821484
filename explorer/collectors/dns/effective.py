"""The resolv.conf the kubelet writes into a pod (pkg/kubelet/network/dns, GetPodDNS).

The base comes from the dnsPolicy: ClusterFirst (and ClusterFirstWithHostNet) get the cluster
DNS Service IP, `<ns>.svc.<domain> svc.<domain> <domain>` followed by the node's search list
and `options ndots:5`; Default gets the node's file as the kubelet reads it (hostNetwork pods
with ClusterFirst too); None starts empty. dnsConfig is then merged in for every policy:
nameservers and searches appended without duplicates, options overriding by name. Last, the
limits: 3 nameservers, 32 search domains (none over 253 characters) and 2048 characters of
search line (the kubelet's expanded limits, the only ones since 1.28).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from explorer.lib.objects import namespace_of, spec_of

from .resolv import ResolvConf, render_resolv_conf

MAX_NAMESERVERS = 3
MAX_SEARCH_PATHS = 32
MAX_SEARCH_CHARS = 2048
MAX_DOMAIN_LENGTH = 253
CLUSTER_OPTIONS = ("ndots:5",)


@dataclass(frozen=True, slots=True)
class KubeletHostFile:
    """The node's resolv.conf as the kubelet parses it: `#` comments only, every nameserver,
    the last `search` line (trailing dots dropped; `domain` is not read), the last `options`."""

    nameservers: tuple[str, ...]
    search: tuple[str, ...]
    options: tuple[str, ...]


def read_host_file(text: str) -> KubeletHostFile:
    servers: list[str] = []
    search: list[str] = []
    options: list[str] = []
    for line in text.splitlines():
        trimmed = line.strip()
        if trimmed.startswith("#"):
            continue
        fields = trimmed.split()
        if not fields:
            continue
        if fields[0] == "nameserver" and len(fields) > 1:
            servers.append(fields[1])
        elif fields[0] == "search":
            search = [f.removesuffix(".") for f in fields[1:]]
        elif fields[0] == "options":
            options = fields[1:]
    return KubeletHostFile(tuple(servers), tuple(search), tuple(options))


@dataclass
class PodDns:
    policy: str  # as the pod asks
    applied: str  # "cluster", "host" or "none": the base the kubelet used
    conf: ResolvConf
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return render_resolv_conf(self.conf)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _merge_options(options: list[str], extra: list[dict]) -> list[str]:
    # The kubelet merges through a Go map, so its order is not defined; existing options keep
    # their place and the pod's come after, which is what a reader expects.
    merged = list(options)
    for option in extra:
        name = option.get("name") or ""
        value = option.get("value")
        merged = [o for o in merged if o.split(":", 1)[0] != name]
        merged.append(f"{name}:{value}" if value else name)
    return merged


def _fit_search(search: list[str], notes: list[str]) -> list[str]:
    fitted = search[:MAX_SEARCH_PATHS]
    fitted = [s for s in fitted if len(s) <= MAX_DOMAIN_LENGTH]
    line = len(" ".join(fitted))
    while fitted and line > MAX_SEARCH_CHARS:
        line -= len(fitted.pop()) + 1
    if fitted != search:
        notes.append("search line limits were exceeded; the kubelet kept: " + " ".join(fitted))
    return fitted


def pod_dns(
    pod: dict, cluster_dns: list[str], cluster_domain: str, node_resolv_conf: str
) -> PodDns:
    """The pod's effective resolv.conf, with notes on why it is what it is."""
    spec = spec_of(pod)
    namespace = namespace_of(pod) or "default"
    policy = spec.get("dnsPolicy") or "ClusterFirst"
    host = read_host_file(node_resolv_conf)
    notes: list[str] = []
    servers: list[str]
    if policy == "None":
        applied, servers, search, options = "none", [], [], []
        notes.append("dnsPolicy None: only what dnsConfig says")
    elif policy == "ClusterFirstWithHostNet" or (
        policy == "ClusterFirst" and not spec.get("hostNetwork")
    ):
        applied = "cluster" if cluster_dns else "host"
        servers, search, options = list(host.nameservers), list(host.search), list(host.options)
        if cluster_dns:
            servers = list(cluster_dns)
            search = _unique(
                [
                    f"{namespace}.svc.{cluster_domain}",
                    f"svc.{cluster_domain}",
                    cluster_domain,
                    *search,
                ]
            )
            options = list(CLUSTER_OPTIONS)
        else:
            notes.append("the kubelet knows no cluster DNS: it falls back to the node's file")
    else:
        applied = "host"
        servers, search, options = list(host.nameservers), list(host.search), list(host.options)
        if policy == "ClusterFirst":
            notes.append(
                "hostNetwork with dnsPolicy ClusterFirst gets the node's resolv.conf "
                "(ClusterFirstWithHostNet would give the cluster's)"
            )
    config = spec.get("dnsConfig") or {}
    if config:
        servers = _unique(servers + list(config.get("nameservers") or []))
        search = _unique(search + list(config.get("searches") or []))
        options = _merge_options(options, list(config.get("options") or []))
    if len(servers) > MAX_NAMESERVERS:
        notes.append(f"only {MAX_NAMESERVERS} nameservers are kept: " + " ".join(servers[:3]))
        servers = servers[:MAX_NAMESERVERS]
    search = _fit_search(search, notes)
    conf = ResolvConf(nameservers=servers, search=search, search_from="search" if search else "")
    conf.options = options
    return PodDns(policy, applied, conf, notes)
