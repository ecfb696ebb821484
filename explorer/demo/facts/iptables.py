"""What `iptables-save` prints on a node whose kube-proxy runs in iptables mode (v1.33), with
flannel's chains and the kubelet's canaries.

kube-proxy's rule generation is followed closely. What it programs (endpoints filtered as
`CategorizeEndpoints` does, chain names by the hash rule) comes from
explorer.collectors.kubeproxy.expected, the implementation drift checks nodes against; this
module only writes it out as rules. Rules are written the way iptables-save prints them back:
IP header matches first (`-s`, `-d`, `-p`), then the matches in the order given, probabilities
as the kernel stores them (eleven decimals), built-in chains with counters, user chains sorted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from explorer.collectors.kubeproxy.expected import ExpectedEndpoint, ExpectedPort, expected_ports
from explorer.lib import kubeproxy

MASQ_MARK = "0x4000/0x4000"
BUILTINS = {
    "mangle": ("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"),
    "filter": ("INPUT", "FORWARD", "OUTPUT"),
    "nat": ("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"),
}
VERSION = "v1.8.9 (nf_tables)"


@dataclass
class Table:
    name: str
    chains: dict[str, list[str]] = field(default_factory=dict)

    def chain(self, name: str) -> list[str]:
        return self.chains.setdefault(name, [])

    def add(self, chain: str, rule: str) -> None:
        self.chain(chain).append(f"-A {chain} {rule}")


def comment(text: str) -> str:
    """`-m comment --comment X` with xtables' quoting (quoted unless alphanumeric)."""
    quoted = text if text.isalnum() else '"' + text.replace('"', '\\"') + '"'
    return f"-m comment --comment {quoted}"


def _balance(nat: Table, chain: str, spn: str, endpoints: list[ExpectedEndpoint]) -> None:
    for endpoint in endpoints:
        rule = comment(f"{spn} -> {endpoint.address}")
        if endpoint.rule_probability is not None:
            probability = kubeproxy.saved_probability(endpoint.rule_probability)
            rule += f" -m statistic --mode random --probability {probability}"
        nat.add(chain, f"{rule} -j {endpoint.chain}")


def _without_endpoints(port: ExpectedPort) -> tuple[str, str]:
    """The comment and target of the filter rule for a port with nothing to send to."""
    if not port.has_endpoints:
        return f"{port.name} has no endpoints", "REJECT --reject-with icmp-port-unreachable"
    return f"{port.name} has no local endpoints", "DROP"


def _service_port(filter_: Table, nat: Table, port: ExpectedPort, cluster_cidr: str) -> None:
    spn, proto = port.name, port.protocol
    svc_chain, svl_chain, ext_chain = port.chain, port.local_chain, port.external_chain
    match = (
        f"-d {port.cluster_ip}/32 -p {proto} {comment(spn + ' cluster IP')} -m {proto} "
        f"--dport {port.port}"
    )
    if port.has_internal:
        nat.add("KUBE-SERVICES", f"{match} -j {port.internal_chain}")
        nat.add(port.internal_chain, f"! -s {cluster_cidr} {match} -j KUBE-MARK-MASQ")
    else:
        text, target = _without_endpoints(port)
        filter_.add(
            "KUBE-SERVICES",
            f"-d {port.cluster_ip}/32 -p {proto} {comment(text)} -m {proto} "
            f"--dport {port.port} -j {target}",
        )
    node_port = port.node_port
    if node_port:
        if port.has_endpoints:
            nat.add(
                "KUBE-NODEPORTS",
                f"-p {proto} {comment(spn)} -m {proto} --dport {node_port} -j {ext_chain}",
            )
            if not port.external_local:
                nat.add(
                    ext_chain,
                    f"{comment(f'masquerade traffic for {spn} external destinations')}"
                    " -j KUBE-MARK-MASQ",
                )
            else:
                nat.add(
                    ext_chain,
                    f"-s {cluster_cidr} "
                    f"{comment(f'pod traffic for {spn} external destinations')} "
                    f"-j {svc_chain}",
                )
                nat.add(
                    ext_chain,
                    comment(f"masquerade LOCAL traffic for {spn} external destinations")
                    + " -m addrtype --src-type LOCAL "
                    "-j KUBE-MARK-MASQ",
                )
                nat.add(
                    ext_chain,
                    comment(f"route LOCAL traffic for {spn} external destinations")
                    + f" -m addrtype --src-type LOCAL "
                    f"-j {svc_chain}",
                )
            if port.has_external:
                nat.add(ext_chain, f"-j {svl_chain if port.external_local else svc_chain}")
        if not port.has_external:
            text, target = _without_endpoints(port)
            filter_.add(
                "KUBE-EXTERNAL-SERVICES",
                f"-p {proto} {comment(text)} -m addrtype --dst-type LOCAL -m {proto} "
                f"--dport {node_port} -j {target}",
            )
    if port.cluster_endpoints:
        _balance(nat, svc_chain, spn, port.cluster_endpoints)
    if port.local_endpoints:
        _balance(nat, svl_chain, spn, port.local_endpoints)
    for endpoint in port.reachable:
        sep = endpoint.chain
        nat.add(sep, f"-s {endpoint.ip}/32 {comment(spn)} -j KUBE-MARK-MASQ")
        nat.add(
            sep, f"-p {proto} {comment(spn)} -m {proto} -j DNAT --to-destination {endpoint.address}"
        )


def _static_rules(
    mangle: Table, filter_: Table, nat: Table, cluster_cidr: str, pod_cidr: str
) -> None:
    for table in (mangle, filter_, nat):
        table.chain("KUBE-KUBELET-CANARY")
        table.chain("KUBE-PROXY-CANARY")
    mangle.chain("KUBE-IPTABLES-HINT")
    lb_firewall = (
        '-m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer '
        'firewall" -j KUBE-PROXY-FIREWALL'
    )
    portals = (
        '-m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" '
        "-j KUBE-SERVICES"
    )
    external = (
        '-m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible '
        'service portals" -j KUBE-EXTERNAL-SERVICES'
    )
    for chain in (
        "KUBE-PROXY-FIREWALL",
        "KUBE-NODEPORTS",
        "KUBE-SERVICES",
        "KUBE-EXTERNAL-SERVICES",
        "KUBE-FIREWALL",
        "KUBE-FORWARD",
        "FLANNEL-FWD",
    ):
        filter_.chain(chain)
    filter_.add("INPUT", lb_firewall)
    filter_.add(
        "INPUT", '-m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS'
    )
    filter_.add("INPUT", external)
    filter_.add("INPUT", "-j KUBE-FIREWALL")
    filter_.add("FORWARD", lb_firewall)
    filter_.add("FORWARD", '-m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD')
    filter_.add("FORWARD", portals)
    filter_.add("FORWARD", external)
    filter_.add("FORWARD", '-m comment --comment "flanneld forward" -j FLANNEL-FWD')
    filter_.add("OUTPUT", lb_firewall)
    filter_.add("OUTPUT", portals)
    filter_.add("OUTPUT", "-j KUBE-FIREWALL")
    filter_.add(
        "FLANNEL-FWD", f'-s {cluster_cidr} -m comment --comment "flanneld forward" -j ACCEPT'
    )
    filter_.add(
        "FLANNEL-FWD", f'-d {cluster_cidr} -m comment --comment "flanneld forward" -j ACCEPT'
    )
    filter_.add(
        "KUBE-FIREWALL",
        '! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block '
        'incoming localnet connections" -m conntrack ! --ctstate '
        "RELATED,ESTABLISHED,DNAT -j DROP",
    )
    filter_.add("KUBE-FORWARD", "-m conntrack --ctstate INVALID -j DROP")
    filter_.add(
        "KUBE-FORWARD",
        f'-m comment --comment "kubernetes forwarding rules" -m mark --mark {MASQ_MARK} -j ACCEPT',
    )
    filter_.add(
        "KUBE-FORWARD",
        '-m comment --comment "kubernetes forwarding conntrack rule" '
        "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
    )
    for chain in (
        "KUBE-SERVICES",
        "KUBE-NODEPORTS",
        "KUBE-POSTROUTING",
        "KUBE-MARK-MASQ",
        "FLANNEL-POSTRTG",
    ):
        nat.chain(chain)
    nat.add("PREROUTING", '-m comment --comment "kubernetes service portals" -j KUBE-SERVICES')
    nat.add("OUTPUT", '-m comment --comment "kubernetes service portals" -j KUBE-SERVICES')
    nat.add(
        "POSTROUTING", '-m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING'
    )
    nat.add("POSTROUTING", '-m comment --comment "flanneld masq" -j FLANNEL-POSTRTG')
    masq = '-m comment --comment "flanneld masq"'
    nat.add("FLANNEL-POSTRTG", f"-m mark --mark {MASQ_MARK} {masq} -j RETURN")
    nat.add("FLANNEL-POSTRTG", f"-s {pod_cidr} -d {cluster_cidr} {masq} -j RETURN")
    nat.add("FLANNEL-POSTRTG", f"-s {cluster_cidr} -d {pod_cidr} {masq} -j RETURN")
    nat.add("FLANNEL-POSTRTG", f"! -s {cluster_cidr} -d {pod_cidr} {masq} -j RETURN")
    nat.add(
        "FLANNEL-POSTRTG", f"-s {cluster_cidr} ! -d 224.0.0.0/4 {masq} -j MASQUERADE --random-fully"
    )
    nat.add(
        "FLANNEL-POSTRTG",
        f"! -s {cluster_cidr} -d {cluster_cidr} {masq} -j MASQUERADE --random-fully",
    )
    nat.add("KUBE-MARK-MASQ", f"-j MARK --set-xmark {MASQ_MARK}")
    nat.add("KUBE-POSTROUTING", f"-m mark ! --mark {MASQ_MARK} -j RETURN")
    nat.add("KUBE-POSTROUTING", "-j MARK --set-xmark 0x4000/0x0")
    nat.add(
        "KUBE-POSTROUTING",
        '-m comment --comment "kubernetes service traffic requiring SNAT" '
        "-j MASQUERADE --random-fully",
    )


def _counters(node: str, table: str, chain: str) -> str:
    digest = hashlib.sha256(f"{node}/{table}/{chain}".encode()).digest()
    packets = int.from_bytes(digest[:3], "big") * 7
    return f"[{packets}:{packets * (60 + digest[3])}]"


def _render(table: Table, node: str, when: str) -> list[str]:
    builtins = BUILTINS[table.name]
    lines = [f"# Generated by iptables-save {VERSION} on {when}", f"*{table.name}"]
    lines += [f":{chain} ACCEPT {_counters(node, table.name, chain)}" for chain in builtins]
    users = sorted(name for name in table.chains if name not in builtins)
    lines += [f":{chain} - [0:0]" for chain in users]
    for chain in (*builtins, *users):
        lines += table.chains.get(chain, [])
    lines += ["COMMIT", f"# Completed on {when}"]
    return lines


def ctime(moment: datetime) -> str:
    """C's ctime(): `Mon Jun  2 09:00:00 2025`."""
    return f"{moment:%a %b} {moment.day:2d} {moment:%H:%M:%S %Y}"


def iptables_save(
    services: list[dict],
    slices_by_service: dict[tuple[str, str], list[dict]],
    node: str,
    pod_cidr: str,
    cluster_cidr: str,
    when: datetime,
) -> str:
    mangle, filter_, nat = Table("mangle"), Table("filter"), Table("nat")
    _static_rules(mangle, filter_, nat, cluster_cidr, pod_cidr)
    for port in expected_ports(services, slices_by_service, node):
        _service_port(filter_, nat, port, cluster_cidr)
    nat.add(
        "KUBE-SERVICES",
        '-m comment --comment "kubernetes service nodeports; NOTE: this must '
        'be the last rule in this chain" -m addrtype --dst-type LOCAL '
        "-j KUBE-NODEPORTS",
    )
    stamp = ctime(when)
    lines = []
    for table in (mangle, filter_, nat):
        lines += _render(table, node, stamp)
    return "\n".join(lines) + "\n"
