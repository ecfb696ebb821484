"""The state every part of the demo generator shares while the cluster is built."""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta

from .ids import Ids
from .nodes import NodeSlot, cluster_cidr, plan_nodes
from .pods import Placement

SERVICE_CIDR = "10.96.0.0/12"
KUBERNETES_SERVICE_IP = "10.96.0.1"
DNS_SERVICE_IP = "10.96.0.10"
CLUSTER_DOMAIN = "cluster.local"
CLUSTER_AGE = timedelta(days=41, hours=3, minutes=12)


class DemoBuilder:
    def __init__(
        self, *, seed: int, now: datetime, cluster: str, node_count: int, events: bool = True
    ) -> None:
        self.ids = Ids(seed)
        self.now = now
        self.born = now - CLUSTER_AGE
        self.cluster = cluster
        self.nodes: list[NodeSlot] = plan_nodes(cluster, node_count)
        self.node_by_name = {slot.name: slot for slot in self.nodes}
        self.cluster_cidr = cluster_cidr(node_count)
        self.objects: list[dict] = []
        self.with_events = events
        self._service_ips = {KUBERNETES_SERVICE_IP, DNS_SERVICE_IP}
        self._service_net = ipaddress.ip_network(SERVICE_CIDR)

    # ---- nodes -------------------------------------------------------------------------

    @property
    def control_plane(self) -> NodeSlot:
        return self.nodes[0]

    @property
    def gpu_node(self) -> NodeSlot:
        return next(slot for slot in self.nodes if slot.role == "gpu")

    @property
    def workers(self) -> list[NodeSlot]:
        """Untainted workers, where ordinary workloads land."""
        return [slot for slot in self.nodes if slot.role == "worker"]

    def placement(self, slot: NodeSlot, host_network: bool = False) -> Placement:
        return Placement(slot.name, slot.ip, slot.ip if host_network else slot.allocate_ip())

    # ---- time and addresses --------------------------------------------------------------

    def at(
        self, days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0
    ) -> datetime:
        """A moment after the cluster was born."""
        return self.born + timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)

    def ago(
        self, days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0
    ) -> datetime:
        return self.now - timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)

    def cluster_ip(self) -> str:
        """A free ClusterIP, picked at random as the API server's allocator does."""
        size = self._service_net.num_addresses
        while True:
            candidate = str(
                self._service_net.network_address + self.ids.rng.randrange(16, size - 1)
            )
            if candidate not in self._service_ips:
                self._service_ips.add(candidate)
                return candidate

    # ---- output --------------------------------------------------------------------------

    def add(self, *objects: dict) -> None:
        self.objects.extend(objects)

    def add_events(self, *events: dict) -> None:
        if self.with_events:
            self.objects.extend(events)
