"""The shape of a DNS answer, computed or live, so that both can be compared."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

ADDRESS_TYPES = ("A", "AAAA")
FORWARDED = "FORWARDED"  # computed: sent upstream, its answer cannot be computed here
NOT_COMPUTED = "NOT COMPUTED"  # computed: the server asked is not the cluster's DNS


@dataclass(frozen=True, slots=True)
class Record:
    name: str  # owner name, fully qualified
    type: str  # A, AAAA, CNAME, SRV, PTR, …
    ttl: int
    value: str  # address, target name, or "priority weight port target" for SRV

    def as_dict(self) -> dict:
        return {"name": self.name, "type": self.type, "ttl": self.ttl, "value": self.value}


@dataclass
class Answer:
    rcode: str  # NOERROR, NXDOMAIN, SERVFAIL, REFUSED, FORWARDED, NOT COMPUTED
    records: list[Record] = field(default_factory=list)
    by: str = ""  # the plugin that answered (kubernetes, hosts, template, forward, …)
    note: str = ""  # one sentence: why this answer
    forwarded_to: list[str] = field(default_factory=list)
    service: str = ""  # ns/name of the Service the name belongs to
    pods: list[str] = field(default_factory=list)  # ns/name of pods whose IPs are answered
    steps: list[str] = field(default_factory=list)  # plugins passed, in order

    @property
    def addresses(self) -> list[str]:
        return [r.value for r in self.records if r.type in ADDRESS_TYPES]

    def as_dict(self) -> dict:
        return {
            "rcode": self.rcode,
            "records": [r.as_dict() for r in self.records],
            "by": self.by,
            "note": self.note,
            "forwarded_to": self.forwarded_to,
            "service": self.service,
            "pods": self.pods,
            "steps": self.steps,
        }


def address_family_type(ip: str) -> str:
    return "AAAA" if ipaddress.ip_address(ip).version == 6 else "A"


def ip_from_reverse(qname: str) -> str | None:
    """The address a full PTR name stands for (`4.3.2.1.in-addr.arpa.` → 1.2.3.4)."""
    labels = qname.rstrip(".").lower().split(".")
    if labels[-2:] == ["in-addr", "arpa"] and len(labels) == 6:
        text = ".".join(reversed(labels[:4]))
    elif labels[-2:] == ["ip6", "arpa"] and len(labels) == 34:
        nibbles = "".join(reversed(labels[:32]))
        text = ":".join(nibbles[i : i + 4] for i in range(0, 32, 4))
    else:
        return None
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def dashed(ip: str) -> str:
    """An IP as one DNS label, as CoreDNS writes endpoint and pod names (10-244-1-9)."""
    return ip.replace(".", "-").replace(":", "-")
