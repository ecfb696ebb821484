"""resolv.conf as glibc's resolver reads it (resolv/res_init.c).

- `nameserver ADDR`: IPv4 or IPv6 (a `%scope` allowed); only the first three (MAXNS) are used.
- `search a b …` and `domain d`: whichever comes last wins; `domain d` means `search d`.
- `options`: every `options` line adds to the set; ndots is capped at 15, timeout at 30,
  attempts at 5; unknown options are ignored by glibc (kept here, to show them).
- a line whose first character is `#` or `;` is a comment; other lines are kept as unknown.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

MAXNS = 3
DEFAULT_NDOTS, DEFAULT_TIMEOUT, DEFAULT_ATTEMPTS = 1, 5, 2
NUMERIC_LIMITS = {"ndots": 15, "timeout": 30, "attempts": 5}
FLAGS = frozenset(
    {
        "debug",
        "rotate",
        "no-check-names",
        "inet6",
        "ip6-bytestring",
        "ip6-dotint",
        "no-ip6-dotint",
        "edns0",
        "single-request",
        "single-request-reopen",
        "no-tld-query",
        "use-vc",
        "no-reload",
        "trust-ad",
        "no-aaaa",
    }
)


@dataclass
class ResolvConf:
    nameservers: list[str] = field(default_factory=list)  # as listed, all of them
    search: list[str] = field(default_factory=list)  # the list that wins
    search_from: str = ""  # "search", "domain" or "" (none given)
    options: list[str] = field(default_factory=list)  # as written, in order
    sortlist: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # lines glibc ignores
    bad_nameservers: list[str] = field(default_factory=list)
    ignored_options: list[str] = field(default_factory=list)

    @property
    def used_nameservers(self) -> list[str]:
        return self.nameservers[:MAXNS]

    def _numeric(self, name: str, default: int) -> int:
        value = default
        for option in self.options:
            key, _, raw = option.partition(":")
            if key == name and raw.isdigit():
                value = min(int(raw), NUMERIC_LIMITS[name])
        return value

    @property
    def ndots(self) -> int:
        return self._numeric("ndots", DEFAULT_NDOTS)

    @property
    def timeout(self) -> int:
        return self._numeric("timeout", DEFAULT_TIMEOUT)

    @property
    def attempts(self) -> int:
        return self._numeric("attempts", DEFAULT_ATTEMPTS)

    @property
    def flags(self) -> list[str]:
        return sorted({option for option in self.options if option in FLAGS})

    def has(self, flag: str) -> bool:
        return flag in self.options


def _valid_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    return True


def parse_resolv(text: str) -> ResolvConf:
    conf = ResolvConf()
    for raw in text.splitlines():
        if not raw.strip() or raw[0] in "#;":
            continue
        words = raw.split()
        keyword, values = words[0], words[1:]
        if keyword == "nameserver" and values:
            target = conf.nameservers if _valid_address(values[0]) else conf.bad_nameservers
            target.append(values[0])
        elif keyword in ("search", "domain") and values:
            conf.search = values if keyword == "search" else values[:1]
            conf.search_from = keyword
        elif keyword == "options":
            for option in values:
                name = option.partition(":")[0]
                known = option in FLAGS or (name in NUMERIC_LIMITS and ":" in option)
                (conf.options if known else conf.ignored_options).append(option)
        elif keyword == "sortlist":
            conf.sortlist.extend(values)
        else:
            conf.unknown.append(raw.strip())
    return conf


def render_resolv_conf(conf: ResolvConf) -> str:
    """The file as the kubelet's container runtime writes it: search, nameservers, options."""
    lines = []
    if conf.search:
        lines.append("search " + " ".join(conf.search))
    lines += [f"nameserver {server}" for server in conf.nameservers]
    if conf.options:
        lines.append("options " + " ".join(conf.options))
    return "\n".join(lines) + "\n" if lines else ""
