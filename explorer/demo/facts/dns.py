"""resolv.conf as the node has it and as the kubelet writes it for each pod.

dnsPolicy ClusterFirst: the kube-dns ClusterIP, `<ns>.svc.<domain> svc.<domain> <domain>`
followed by the node's search list, `options ndots:5`. Default (and hostNetwork pods with
ClusterFirst): the node's resolv.conf as the kubelet reads it. ClusterFirstWithHostNet: the
cluster form even on the host network. None: what dnsConfig says.
"""

from __future__ import annotations

NODE_SEARCH = ("demo.internal",)
NODE_NAMESERVER = "172.18.0.1"


def node_resolv_conf() -> str:
    """/run/systemd/resolve/resolv.conf, the file kubeadm points the kubelet at on Ubuntu."""
    return (
        "# This is /run/systemd/resolve/resolv.conf managed by man:systemd-resolved(8).\n"
        "# Do not edit.\n"
        "#\n"
        "# This file might be symlinked as /etc/resolv.conf. If you're looking at\n"
        "# /etc/resolv.conf and seeing this text, you have followed the symlink.\n"
        "#\n"
        "# This is a dynamic resolv.conf file for connecting local clients directly to\n"
        "# all known uplink DNS servers. This file lists all configured search domains.\n"
        "#\n"
        "# Third party programs should typically not access this file directly, but only\n"
        "# through the symlink at /etc/resolv.conf. To manage man:resolv.conf(5) in a\n"
        "# different way, replace this symlink by a static file or a different symlink.\n"
        "#\n"
        "# See man:systemd-resolved.service(8) for details about the supported modes of\n"
        "# operation for /etc/resolv.conf.\n"
        "\n"
        f"nameserver {NODE_NAMESERVER}\n"
        f"search {' '.join(NODE_SEARCH)}\n"
    )


def _node_as_kubelet_writes() -> str:
    return f"search {' '.join(NODE_SEARCH)}\nnameserver {NODE_NAMESERVER}\n"


def pod_resolv_conf(pod: dict, dns_ip: str, domain: str = "cluster.local") -> str:
    spec = pod["spec"]
    policy = spec.get("dnsPolicy", "ClusterFirst")
    if policy == "ClusterFirst" and spec.get("hostNetwork"):
        policy = "Default"
    if policy == "Default":
        return _node_as_kubelet_writes()
    config = spec.get("dnsConfig") or {}
    if policy == "None":
        servers, search, options = config.get("nameservers") or [], config.get("searches") or [], []
    else:
        namespace = pod["metadata"]["namespace"]
        servers = [dns_ip]
        search = [f"{namespace}.svc.{domain}", f"svc.{domain}", domain, *NODE_SEARCH]
        search += config.get("searches") or []
        options = ["ndots:5"]
    for option in config.get("options") or ():
        text = option["name"] + (f":{option['value']}" if option.get("value") else "")
        options = [o for o in options if o.split(":")[0] != option["name"]] + [text]
    lines = []
    if search:
        lines.append("search " + " ".join(search))
    lines += [f"nameserver {server}" for server in servers]
    if options:
        lines.append("options " + " ".join(options))
    return "\n".join(lines) + "\n"
