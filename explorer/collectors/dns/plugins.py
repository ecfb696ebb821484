"""The order a query passes a server block's plugins: CoreDNS's plugin.cfg, not the Corefile.

CoreDNS builds each server block's handler chain from the directives in the order its build's
plugin.cfg lists them (generated into core/dnsserver/zdirectives.go); where a plugin sits in
the Corefile does not matter. PLUGIN_CFG is the order of CoreDNS v1.14.2 (2026-03-15). Sources
read: coredns/coredns plugin.cfg at f03a9a78 and zdirectives.go at 1086d54f (earlier
releases), the v1.12.0 notes (multisocket added), the v1.14.2 notes (proxyproto added;
"core: Reorder rewrite before acl to prevent bypass", coredns/coredns#7882). The plugins a
Kubernetes Corefile uses (errors, log, health, ready, cache, rewrite, template, hosts,
kubernetes, loop, forward) have kept this relative order through all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .corefile import Directive, ServerBlock

COREDNS_VERSION = "1.14.2"

# plugin.cfg as it ships: `<directive>:<package>`, one a line, in execution order.
PLUGIN_CFG_TEXT = """\
root:root
metadata:metadata
geoip:geoip
cancel:cancel
tls:tls
proxyproto:proxyproto
quic:quic
grpc_server:grpc_server
https:https
https3:https3
timeouts:timeouts
multisocket:multisocket
reload:reload
nsid:nsid
bufsize:bufsize
bind:bind
debug:debug
trace:trace
ready:ready
health:health
pprof:pprof
prometheus:metrics
errors:errors
log:log
dnstap:dnstap
local:local
dns64:dns64
any:any
chaos:chaos
loadbalance:loadbalance
tsig:tsig
cache:cache
rewrite:rewrite
acl:acl
header:header
dnssec:dnssec
autopath:autopath
minimal:minimal
template:template
transfer:transfer
hosts:hosts
route53:route53
azure:azure
clouddns:clouddns
k8s_external:k8s_external
kubernetes:kubernetes
file:file
auto:auto
secondary:secondary
etcd:etcd
loop:loop
forward:forward
grpc:grpc
erratic:erratic
whoami:whoami
on:github.com/coredns/caddy/onevent
sign:sign
view:view
nomad:nomad
"""
PLUGIN_CFG: tuple[str, ...] = tuple(line.split(":", 1)[0] for line in PLUGIN_CFG_TEXT.split())
ORDER = {name: index for index, name in enumerate(PLUGIN_CFG)}

# Plugins that configure the server (listeners, TLS, endpoints, reloading) and do not touch a
# query as it passes.
SETUP_ONLY = frozenset(
    {
        "root",
        "tls",
        "proxyproto",
        "quic",
        "grpc_server",
        "https",
        "https3",
        "timeouts",
        "multisocket",
        "reload",
        "bind",
        "debug",
        "ready",
        "health",
        "pprof",
        "on",
        "view",
    }
)

WHAT_IT_DOES: dict[str, str] = {
    "root": "Sets the directory other plugins read their files from.",
    "metadata": "Lets plugins attach metadata to the query for later plugins and logs.",
    "geoip": "Looks up the client's location so later plugins can answer by place.",
    "cancel": "Cancels the query's context when it runs past its deadline.",
    "tls": "Sets the certificates for DNS-over-TLS, gRPC or HTTPS listeners.",
    "proxyproto": "Reads the client's real address from a PROXY protocol header.",
    "quic": "Configures the DNS-over-QUIC listener.",
    "grpc_server": "Configures the gRPC listener.",
    "https": "Configures the DNS-over-HTTPS listener.",
    "https3": "Configures the DNS-over-HTTP/3 listener.",
    "timeouts": "Sets read, write and idle timeouts of the listeners.",
    "multisocket": "Opens several sockets on the same port (SO_REUSEPORT) for throughput.",
    "reload": "Re-reads the Corefile when it changes (the ConfigMap update reaches the pod).",
    "nsid": "Adds the server's identifier to answers that ask for it (EDNS0 NSID).",
    "bufsize": "Caps the EDNS0 buffer size the server advertises.",
    "bind": "Chooses the addresses the server listens on.",
    "debug": "Turns on debug mode: panics are not recovered.",
    "trace": "Sends a tracing span per query to a collector.",
    "ready": "Serves :8181/ready, which turns 200 once every plugin is ready (the readiness "
    "probe).",
    "health": "Serves :8080/health for the liveness probe; lameduck delays shutdown.",
    "pprof": "Serves Go profiling endpoints.",
    "prometheus": "Counts the query and its answer for the metrics endpoint (:9153).",
    "errors": "Logs any error a later plugin returns for this query.",
    "log": "Logs the query and its answer, one line each.",
    "dnstap": "Sends the query and answer to a dnstap collector.",
    "local": "Answers localhost and similar names itself, never forwarding them.",
    "dns64": "Synthesises AAAA answers from A records for IPv6-only clients.",
    "any": "Answers ANY queries with a short HINFO (RFC 8482) instead of everything.",
    "chaos": "Answers CH class queries (version.bind, hostname.bind).",
    "loadbalance": "Shuffles the A/AAAA records of the answer, round robin.",
    "tsig": "Checks and signs TSIG-authenticated queries.",
    "cache": "Answers from its cache if it has this name and type; otherwise caches the answer "
    "on the way back.",
    "rewrite": "Rewrites the query (name, type, class…) before later plugins see it, and the "
    "answer back.",
    "acl": "Refuses or drops queries from clients or for types its rules block.",
    "header": "Sets or clears header flags (e.g. ra, aa) of the answer.",
    "dnssec": "Signs answers on the fly with the zone's keys.",
    "autopath": "Walks the client's search path on the server side and answers the first hit "
    "with a CNAME, saving the stub round trips.",
    "minimal": "Strips the authority and additional sections from answers.",
    "template": "Answers names matching a regular expression from a template, or passes them on.",
    "transfer": "Allows zone transfers (AXFR/IXFR) of the zones it names.",
    "hosts": "Answers from a hosts file or inline entries; other names fall through or get "
    "NXDOMAIN.",
    "route53": "Answers from AWS Route 53 zones.",
    "azure": "Answers from Azure DNS zones.",
    "clouddns": "Answers from Google Cloud DNS zones.",
    "k8s_external": "Answers external names for Services' external or LoadBalancer IPs.",
    "kubernetes": "Answers Service and Pod names of the cluster zone (and reverse zones) from the "
    "API's Services and EndpointSlices; unknown names get NXDOMAIN unless they fall through.",
    "file": "Answers from a zone file.",
    "auto": "Answers from zone files found in a directory.",
    "secondary": "Answers from a zone transferred from a primary.",
    "etcd": "Answers from records stored in etcd (SkyDNS layout).",
    "loop": "Stops CoreDNS at start-up if its forwarding loops back to itself; otherwise passes.",
    "forward": "Sends the query to upstream resolvers and returns their answer.",
    "grpc": "Sends the query to upstream servers over gRPC.",
    "erratic": "Drops or delays queries on purpose, for testing.",
    "whoami": "Answers with the client's address and port.",
    "on": "Runs commands on server events (startup, shutdown).",
    "sign": "Signs zone files offline.",
    "view": "Selects this server block only for queries matching its expression.",
    "nomad": "Answers from Nomad's service catalogue.",
}


@dataclass(frozen=True, slots=True)
class ChainLink:
    position: int  # 1-based place in the chain; 0 for setup-only and unknown plugins
    plugin: Directive
    in_query_path: bool
    known: bool  # in this build's plugin.cfg
    what_it_does: str


def execution_chain(block: ServerBlock) -> list[ChainLink]:
    """The block's plugins in the order a query meets them, setup-only ones after, then
    plugins this build does not know (CoreDNS would refuse to start with those)."""
    ordered = sorted(
        (d for d in block.directives if d.name != "import"),
        key=lambda d: (d.name not in ORDER, d.name in SETUP_ONLY, ORDER.get(d.name, 0)),
    )
    chain: list[ChainLink] = []
    position = 0
    for directive in ordered:
        known = directive.name in ORDER
        in_path = known and directive.name not in SETUP_ONLY
        if in_path:
            position += 1
        what = WHAT_IT_DOES.get(
            directive.name, "Not in CoreDNS's plugin.cfg: an external plugin this build lacks."
        )
        chain.append(ChainLink(position if in_path else 0, directive, in_path, known, what))
    return chain
