"""A live DNS trace, run in a web request: the pod's resolv.conf is worked out from the cluster's
state, then its nameserver is asked each query the pod's C library would send
(explorer.collectors.dns.resolver.stub_walk), and the answers go into the trace view.

Only when EXPLORER_DNS_LIVE is on (the app then sends DNS queries from its own network, which
reaches the cluster DNS when it runs in the cluster). EXPLORER_DNS_LIVE_SERVER (`ip` or
`ip:port`) asks another server instead, e.g. a `kubectl port-forward` to CoreDNS.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from explorer.collectors.dns.queries import candidates, query_types
from explorer.collectors.dns.resolver import stub_walk
from explorer.lib.resources import RESOURCES
from explorer.snapshots.capture import StateUnavailable, cluster_state
from explorer.viewmodels.network.dns_trace import dns_context, dns_trace

_KINDS = {"Pod", "Service", "EndpointSlice", "ConfigMap", "Namespace", "Node"}
TIMEOUT = 2.0


class LiveLookupError(Exception):
    """No trace can be made; str() is one line for the page."""


def _server(default: str) -> tuple[str, int]:
    override = str(getattr(settings, "EXPLORER_DNS_LIVE_SERVER", "") or "")
    if not override:
        return default, 53
    host, _, port = override.rpartition(":") if override.count(":") == 1 else (override, "", "")
    return (host or override), int(port) if port.isdigit() else 53


def live_trace(cluster: str, namespace: str, pod: str, name: str) -> dict[str, Any]:
    try:
        state = cluster_state(cluster, lambda *_: None, [r for r in RESOURCES if r.kind in _KINDS])
    except StateUnavailable as error:
        raise LiveLookupError(str(error)) from None
    context = dns_context(state, namespace, pod)
    if context is None:
        raise LiveLookupError(f"No pod {namespace}/{pod} in cluster {cluster}.")
    conf = context.dns.conf
    qtypes, _ = query_types(conf)
    server, port = _server(conf.used_nameservers[0] if conf.used_nameservers else "127.0.0.1")
    walk = stub_walk(candidates(name, conf), qtypes, server, port, TIMEOUT)
    return dns_trace(state, namespace, pod, name, live=walk, context=context)
