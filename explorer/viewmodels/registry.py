"""Every view by name. View modules import only `base`; this module imports them all."""

from __future__ import annotations

from .base import View, ViewError
from .network import (
    chain_browser,
    corefile,
    dns_trace,
    drift,
    index,
    packet_trace,
    proxy_mode,
    service_chain,
)
from .objects import page as object_page
from .overview import VIEW as OVERVIEW
from .storage import page as storage_page
from .workloads import (
    cgroup_tree,
    events,
    headroom,
    headroom_fit,
    headroom_history,
    hierarchy,
    node,
    node_volumes,
    pod,
    scheduling,
    scheduling_history,
    search,
)

NETWORK = (
    service_chain.VIEW,
    chain_browser.VIEW,
    corefile.VIEW,
    dns_trace.VIEW,
    index.VIEW,
    proxy_mode.VIEW,
    drift.VIEW,
    packet_trace.VIEW,
)
WORKLOADS = (
    hierarchy.VIEW,
    pod.VIEW,
    scheduling.VIEW,
    scheduling_history.VIEW,
    node.VIEW,
    cgroup_tree.VIEW,
    node_volumes.VIEW,
    events.VIEW,
    search.VIEW,
    object_page.VIEW,
)
STORAGE = (storage_page.VIEW,)
SCHEDULING = (headroom.VIEW, headroom_fit.VIEW, headroom_history.VIEW)
VIEWS: dict[str, View] = {
    view.name: view for view in (OVERVIEW, *NETWORK, *WORKLOADS, *STORAGE, *SCHEDULING)
}


def get_view(name: str) -> View:
    view = VIEWS.get(name) if isinstance(name, str) else None
    if view is None:
        raise ViewError(f"no such view: {str(name)[:40]!r}")
    return view
