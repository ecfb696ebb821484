"""Words the layers share: what a watcher reports of each kind, and the types of watch events."""

from __future__ import annotations

# What a reflector is doing for one kind (explorer.kube.sink.WatchSink.status).
LISTING = "listing"
WATCHING = "watching"
BACKOFF = "backoff"
NOT_VISIBLE = "not visible"
ERROR = "error"

# Watch event types, as the API server sends them.
ADDED = "ADDED"
MODIFIED = "MODIFIED"
DELETED = "DELETED"
BOOKMARK = "BOOKMARK"

# Privileged ways to a node. Each is off unless the operator turns it on (EXPLORER_NODE_ACCESS,
# a comma-separated list of these); the demo cluster turns on its own (explorer/runtime/
# demo_cluster.py). The explorer otherwise only reads the API.
EXEC = "exec"  # pods/exec into the node's kube-proxy pod: a write in RBAC terms
NODES_PROXY = "nodes-proxy"  # the kubelet through nodes/proxy, which also reaches its own /exec
# etcd (issue 12). The node's etcd client certificates grant read-write access to all of etcd,
# every Secret included, so neither way is ever on by default; the explorer only reads.
ETCD_AGENT = "etcd-agent"  # the agent on a control-plane node reads etcd with the node's certs
ETCD_EXEC = "etcd-exec"  # etcdctl through pods/exec in the etcd static pod, with its own certs
# kube-scheduler's configuration file (issue 13): the agent on a control-plane node reads the
# file its static pod's --config names; root on the node, so it is opt-in like the others.
SCHEDULER_CONFIG = "scheduler-config"
NODE_ACCESS = (EXEC, NODES_PROXY, ETCD_AGENT, ETCD_EXEC, SCHEDULER_CONFIG)
NODE_ACCESS_SETTING = "EXPLORER_NODE_ACCESS"


def access_off(way: str) -> str:
    """Why a privileged way was not used: one line for the pages and the job's report."""
    return f"not turned on ({NODE_ACCESS_SETTING} does not include {way})"
