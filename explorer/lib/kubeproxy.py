"""kube-proxy's iptables naming and load-balancing arithmetic, as pure functions.

Chain names: kube-proxy hashes `servicePortName + protocol` (SHA-256, base32, first 16
characters) for the per-service chains (`KUBE-SVC-`, `KUBE-SVL-`, `KUBE-EXT-`, `KUBE-FW-`, and the
pre-1.24 `KUBE-XLB-`), and `servicePortName + protocol + "ip:port"` for an endpoint's `KUBE-SEP-`.
`servicePortName` is `ns/name:port` (`ns/name` for an unnamed port); protocol is lower case.

Probabilities: kube-proxy writes `1/n` with ten decimals; the statistic match stores it as a
fraction of 2^31, and `iptables-save` prints that fraction with eleven decimals. Compare them as
numbers (`parse_probability`), never as text.
"""

from __future__ import annotations

import hashlib

SERVICE = "KUBE-SVC-"
SERVICE_LOCAL = "KUBE-SVL-"
EXTERNAL = "KUBE-EXT-"
FIREWALL = "KUBE-FW-"
EXTERNAL_LOCAL_LEGACY = "KUBE-XLB-"
ENDPOINT = "KUBE-SEP-"
PER_SERVICE_PREFIXES = (SERVICE, SERVICE_LOCAL, EXTERNAL, FIREWALL, EXTERNAL_LOCAL_LEGACY)

# xt_statistic keeps the probability as a 31-bit fraction.
_STATISTIC_SCALE = 0x80000000


def service_port_name(namespace: str, name: str, port_name: str = "") -> str:
    """`ns/name:port`, or `ns/name` when the Service port has no name."""
    return f"{namespace}/{name}:{port_name}" if port_name else f"{namespace}/{name}"


_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def _hash16(text: str) -> str:
    # The first 16 base32 characters encode exactly the first 10 bytes (80 bits) of the digest;
    # this equals base64.b32encode(digest)[:16], several times faster.
    bits = int.from_bytes(hashlib.sha256(text.encode()).digest()[:10], "big")
    return "".join(_BASE32[(bits >> shift) & 31] for shift in range(75, -1, -5))


def port_proto_hash(service_port: str, protocol: str) -> str:
    return _hash16(service_port + protocol.lower())


def service_chain(service_port: str, protocol: str, prefix: str = SERVICE) -> str:
    """A per-service chain: `KUBE-SVC-…` by default, or any of PER_SERVICE_PREFIXES."""
    return prefix + port_proto_hash(service_port, protocol)


def endpoint_chain(service_port: str, protocol: str, endpoint: str) -> str:
    """`KUBE-SEP-…` of one endpoint, given as `ip:port`."""
    return ENDPOINT + _hash16(service_port + protocol.lower() + endpoint)


def kube_proxy_probability(remaining: int) -> str:
    """What kube-proxy writes for the rule that picks 1 of `remaining` endpoints."""
    return f"{1.0 / remaining:0.10f}"


def saved_probability(probability: float | str) -> str:
    """How `iptables-save` prints a probability after the kernel has stored it."""
    stored = int(float(probability) * _STATISTIC_SCALE + 0.5)  # lround: halves away from zero
    return f"{stored / _STATISTIC_SCALE:.11f}"


def parse_probability(text: str) -> float:
    return float(text)


def probabilities(count: int) -> list[float]:
    """The probability of each rule of an n-endpoint chain: 1/n, 1/(n-1), … 1 (the last rule)."""
    return [1.0 / (count - index) for index in range(count)]


def selection_shares(rule_probabilities: list[float]) -> list[float]:
    """The share of traffic each rule ends up with, walking the rules in order."""
    shares: list[float] = []
    left = 1.0
    for probability in rule_probabilities:
        shares.append(left * probability)
        left *= 1.0 - probability
    return shares


# nftables mode (1.29+) names chains by the service port spelled out, after a shorter hash of
# that same text: `service-2QRHZV4L-default/kubernetes/tcp/https`,
# `endpoint-MIBO4EMV-default/kubernetes/tcp/https__10.34.4.142/6443` (seen on real nodes).
def nft_chain_base(namespace: str, name: str, protocol: str, port_name: str = "") -> str:
    """`ns/name/proto/port` (port empty for an unnamed Service port)."""
    return f"{namespace}/{name}/{protocol.lower()}/{port_name}"


def nft_chain_hash(base: str) -> str:
    """The 8 base32 characters kube-proxy's nftables mode puts before a chain's base name."""
    return _hash16(base)[:8]


def nft_service_chain(base: str, prefix: str = "service") -> str:
    """`service-…`, or `external-…`/`firewall-…` with that prefix."""
    return f"{prefix}-{nft_chain_hash(base)}-{base}"


def nft_endpoint_chain(base: str, ip: str, port: int) -> str:
    endpoint = f"{base}__{ip}/{port}"
    return f"endpoint-{nft_chain_hash(endpoint)}-{endpoint}"
