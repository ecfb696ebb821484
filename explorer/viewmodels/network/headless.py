"""Headless Services (`clusterIP: None`): kube-proxy writes no rules for them, by design — the
cluster DNS answers their names with the ready pods' own IPs, and clients connect to a pod
directly. The service chain page says so in words instead of drawing nothing."""

from __future__ import annotations

import ipaddress

from explorer.lib.objects import name_of, namespace_of, spec_of
from explorer.state.cluster_state import ClusterState
from explorer.state.records import records

SERVICE_NAME_LABEL = "kubernetes.io/service-name"


def headless_services(state: ClusterState) -> dict[str, list[str]]:
    """ns/name of each headless Service → the addresses DNS answers its name with (its
    EndpointSlices' ready endpoints)."""
    found = {
        f"{namespace_of(svc)}/{name_of(svc)}": []
        for svc in state.list("Service")
        if spec_of(svc).get("clusterIP") == "None"
    }
    for eps in records(state, "EndpointSlice"):  # their records: none unpacked
        key = f"{eps.namespace}/{eps.labels.get(SERVICE_NAME_LABEL, '')}"
        if key not in found:
            continue
        for endpoint in eps.endpoints:
            if endpoint.ready:
                found[key].extend(endpoint.addresses)
    return {key: sorted(set(addresses), key=_numeric) for key, addresses in sorted(found.items())}


def _numeric(address: str) -> tuple[int, int, str]:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return (7, 0, address)
    return (ip.version, int(ip), address)


def why_no_rules(service: str, addresses: list[str]) -> str:
    """The words for one headless Service."""
    namespace, _, name = service.partition("/")
    answers = ", ".join(addresses) if addresses else "no pod is ready now"
    return (
        f"{service} is a headless Service (clusterIP: None), so kube-proxy writes no rules for "
        f"it, by design: DNS answers {name}.{namespace}.svc with the pod IPs themselves "
        f"({answers}), and clients connect to a pod directly."
    )


def not_drawn(services: list[str]) -> str:
    """The note for the every-Service drawing."""
    return (
        f"Not drawn: {', '.join(services)}, headless (clusterIP: None) — no rules by design; "
        "DNS answers with the pod IPs and clients connect to the pods directly."
    )
