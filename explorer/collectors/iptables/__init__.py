"""iptables-save / ip6tables-save as data: parse (every table, chain, policy, counter and rule,
unknown lines kept verbatim), render back, and read kube-proxy's Service chains off the result.
An `iptables -L` listing is read into the same model.

    ruleset = parse(text)          # model.Ruleset
    ruleset = read_rules(text)     # the same from iptables-save or an `iptables -L` listing
    render(ruleset)                # the same rules, as iptables-save prints them
    service_ports(ruleset)         # services.ServicePort per Service port, with endpoint shares
    read_services(ruleset)         # the same, and the per-service chains left over from none
"""

from .forms import read_rules
from .listing import NotIptablesListing, parse_listing
from .model import Chain, Rule, Ruleset, Table
from .parse import NotIptablesSave, parse
from .render import render
from .services import ServiceChains, ServicePort, read_services, service_ports

__all__ = [
    "Chain",
    "NotIptablesListing",
    "NotIptablesSave",
    "Rule",
    "Ruleset",
    "ServiceChains",
    "ServicePort",
    "Table",
    "parse",
    "parse_listing",
    "read_rules",
    "read_services",
    "render",
    "service_ports",
]
