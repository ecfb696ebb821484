"""kube-proxy seen from the cluster and from the node: what it should program (expected), what a
node has against that (drift), how one packet walks the nat table (trace), and which proxy mode
each node runs (mode)."""
