"""Does one iptables rule match one new packet? The matches kube-proxy and its neighbours use,
evaluated the way the kernel would for the first packet of a connection; anything else is
"maybe" with a note saying so, never an error.

A rule's verdict is a `Verdict`: matched (True/False/None for maybe), the reasons (one line per
match that decided, or was not understood), and the `-m statistic --probability` the rule
branches on, if any.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from functools import lru_cache

from explorer.collectors.iptables.model import Option, Rule

PROTOCOL_NUMBERS = {"icmp": "1", "tcp": "6", "udp": "17", "sctp": "132", "icmpv6": "58"}
_TARGET_FLAGS = ("-j", "--jump", "-g", "--goto")
_IGNORED = frozenset({"-m", "--match", "--comment", "--mode", "--limit-iface-in"})


@dataclass(frozen=True)
class Packet:
    """The first packet of a connection, as the nat table sees it."""

    source: str
    destination: str
    port: int
    protocol: str  # tcp, udp, sctp (lower case)
    source_port: int | None = None  # usually unknown: an ephemeral port
    in_interface: str | None = None
    out_interface: str | None = None


@dataclass(frozen=True)
class Where:
    """What the node knows about itself that matches depend on."""

    local_addresses: frozenset[str] = frozenset()  # addrtype LOCAL: the node's own addresses


@dataclass
class Verdict:
    matched: bool | None  # None: may match (something here is not understood)
    reasons: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # the options that did not match
    probability: float | None = None  # -m statistic --mode random: matches this often


@lru_cache(maxsize=4096)
def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def in_networks(address: str, values: str) -> bool | None:
    """Whether `address` is in any of the comma-separated networks (None when unreadable)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    known = False
    for value in values.split(","):
        network = _network(value)
        if network is None:
            continue
        known = True
        if ip.version == network.version and ip in network:
            return True
    return False if known else None


def _in_ports(port: int | None, values: str) -> bool | None:
    if port is None:
        return None
    for value in values.split(","):
        low, _, high = value.partition(":")
        if not low.isdigit() or (high and not high.isdigit()):
            return None
        if int(low) <= port <= int(high or low):
            return True
    return False


def _interface(name: str | None, pattern: str) -> bool | None:
    if name is None:
        return None
    return name.startswith(pattern[:-1]) if pattern.endswith("+") else name == pattern


def _protocol(packet: Packet, value: str) -> bool:
    value = value.lower()
    return value == "all" or value in (packet.protocol, PROTOCOL_NUMBERS.get(packet.protocol))


def _mark(mark: int, value: str) -> bool | None:
    wanted, _, mask = value.partition("/")
    try:
        return (mark & (int(mask, 0) if mask else 0xFFFFFFFF)) == int(wanted, 0)
    except ValueError:
        return None


def _addrtype(address: str, where: Where, types: str) -> bool:
    kind = "LOCAL" if address in where.local_addresses or address.startswith("127.") else "UNICAST"
    return kind in types.upper().split(",")


def match_options(rule: Rule) -> list[Option]:
    """The options before the target (`-j`/`-g`): what the packet must match."""
    found = []
    for option in rule.options:
        if option.name in _TARGET_FLAGS:
            break
        found.append(option)
    return found


class _Evaluator:
    def __init__(self, packet: Packet, where: Where, mark: int) -> None:
        self.packet, self.where, self.mark = packet, where, mark

    def option(self, option: Option) -> tuple[bool | None, str]:
        """(matched, why) for one option, negation not yet applied."""
        name, value, p = option.name, option.values[0] if option.values else "", self.packet
        if name in ("-s", "--source"):
            return in_networks(p.source, value), f"source {p.source} against {value}"
        if name in ("-d", "--destination"):
            return in_networks(p.destination, value), f"destination {p.destination} against {value}"
        if name in ("-p", "--protocol"):
            return _protocol(p, value), f"protocol {p.protocol} against {value}"
        if name in ("--dport", "--destination-port", "--dports", "--ports"):
            return _in_ports(p.port, value), f"destination port {p.port} against {value}"
        if name in ("--sport", "--source-port", "--sports"):
            found = _in_ports(p.source_port, value)
            return found, f"source port {p.source_port or 'unknown'} against {value}"
        if name in ("-i", "--in-interface"):
            return _interface(p.in_interface, value), (
                f"in-interface {p.in_interface or 'unknown'} against {value}"
            )
        if name in ("-o", "--out-interface"):
            return _interface(p.out_interface, value), (
                f"out-interface {p.out_interface or 'unknown'} against {value}"
            )
        if name == "--dst-type":
            return _addrtype(p.destination, self.where, value), f"destination address type {value}"
        if name == "--src-type":
            return _addrtype(p.source, self.where, value), f"source address type {value}"
        if name == "--mark":
            return _mark(self.mark, value), f"mark {self.mark:#x} against {value}"
        if name in ("--ctstate", "--state"):
            return "NEW" in value.upper().split(","), f"connection state NEW against {value}"
        if name == "--rcheck" or name == "--update":
            return False, "session affinity: a new client is not in the recent list yet"
        if name == "--set" and option.module == "recent":
            return True, "session affinity: the client is added to the recent list"
        if name == "--syn":
            return True, "the first packet of a TCP connection is a SYN"
        return None, f"{option.module or 'match'} {name} {' '.join(option.values)}".strip()


def evaluate(rule: Rule, packet: Packet, where: Where, mark: int) -> Verdict:
    """Whether `rule` matches the packet (with the current mark)."""
    # Fast path: most of a big KUBE-SERVICES fails on its destination; no need to tokenize.
    spec = rule.spec
    if "! " not in spec and "--probability" not in spec:
        destination = rule.value("-d")
        if destination is not None and in_networks(packet.destination, destination) is False:
            why = f"destination {packet.destination} against {destination}"
            return Verdict(False, [why], ["-d"])
    evaluator = _Evaluator(packet, where, mark)
    verdict = Verdict(True)
    for option in match_options(rule):
        if option.name in _IGNORED:
            continue
        if option.name == "--probability":
            try:
                verdict.probability = float(option.values[0])
            except (IndexError, ValueError):
                verdict.matched = None
                verdict.reasons.append(f"unreadable probability {option.values}")
            continue
        if option.name in ("--every", "--packet"):
            if verdict.matched:
                verdict.matched = None
            verdict.reasons.append("statistic --mode nth depends on earlier packets: may match")
            continue
        matched, why = evaluator.option(option)
        if matched is not None and option.negated:
            matched, why = not matched, f"not ({why})"
        if matched is False:
            verdict.matched = False
            verdict.failed.append(("! " if option.negated else "") + option.name)
            verdict.reasons.append(f"{why}: no")
        elif matched is None:
            if verdict.matched is not False:
                verdict.matched = None
            verdict.reasons.append(f"{why}: not understood here, may match")
        else:
            verdict.reasons.append(f"{why}: yes")
    return verdict
