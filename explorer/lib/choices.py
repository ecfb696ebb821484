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
NODE_ACCESS = (EXEC, NODES_PROXY)
NODE_ACCESS_SETTING = "EXPLORER_NODE_ACCESS"


def access_off(way: str) -> str:
    """Why a privileged way was not used: one line for the pages and the job's report."""
    return f"not turned on ({NODE_ACCESS_SETTING} does not include {way})"
