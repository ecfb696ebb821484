"""Probes fetch a node's raw facts (iptables-save, ip6tables-save, nft JSON, resolv.conf); they
do not parse them (explorer.collectors.iptables, .nft, .dns do, in the views).

- `LocalProbe`: on the node itself — the agent, a Celery worker consuming `node.<node>`;
- `exec.ExecProbe`: agentless, `pods/exec` in the node's kube-proxy pod through the API server
  (import it from `explorer.collectors.probes.exec`: it needs explorer.kube, which views, that
  import this package for NODE_FACTS_KIND, may not);
- `RecordedProbe`: facts recorded in a ClusterState (the demo cluster, a bundle).

Each is a `Probe`: `collect(node) -> NodeFacts` (explorer/collectors/probes/facts.py).
"""

from .facts import FACTS, NODE_FACTS_KIND, NodeFacts, Probe, merged, reached
from .local import LocalProbe
from .recorded import RecordedProbe

__all__ = [
    "FACTS",
    "NODE_FACTS_KIND",
    "LocalProbe",
    "NodeFacts",
    "Probe",
    "RecordedProbe",
    "merged",
    "reached",
]
