"""kube-proxy's nftables mode as data: `nft list ruleset` / `nft list table ip kube-proxy` text
and `nft -j list ruleset` JSON read into one model (tables, chains, rules, sets, verdict maps),
and the same per-Service-port analysis as the iptables one.

    ruleset = parse(text)      # text or JSON, detected
    service_ports(ruleset)     # explorer.collectors.iptables.ServicePort per Service port
"""

from .model import NftChain, NftRule, NftRuleset, NftSet, NftTable
from .parse import NotNftables, parse
from .services import service_ports

__all__ = [
    "NftChain",
    "NftRule",
    "NftRuleset",
    "NftSet",
    "NftTable",
    "NotNftables",
    "parse",
    "service_ports",
]
