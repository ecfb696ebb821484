"""iptables-save / ip6tables-save as data: parse (every table, chain, policy, counter and rule,
unknown lines kept verbatim), render back, and read kube-proxy's Service chains off the result.

    ruleset = parse(text)          # model.Ruleset
    render(ruleset)                # the same rules, as iptables-save prints them
    service_ports(ruleset)         # services.ServicePort per Service port, with endpoint shares
"""

from .model import Chain, Rule, Ruleset, Table
from .parse import NotIptablesSave, parse
from .render import render
from .services import ServicePort, service_ports

__all__ = [
    "Chain",
    "NotIptablesSave",
    "Rule",
    "Ruleset",
    "ServicePort",
    "Table",
    "parse",
    "render",
    "service_ports",
]
