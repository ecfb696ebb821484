"""`iptables -L` listings (what blog posts and tickets show most) read into the model that
iptables-save text is read into (model.Ruleset): `-L -n`, `-v` (counters and interfaces), `-x`,
`--line-numbers`, of any table, from iptables or ip6tables; protocols as the numbers iptables
1.8.9 prints with `-n` (`6`) or as the names earlier releases print (`tcp`).

A listing does not name its table. A command line before it (`# iptables -t nat -L -n`) does;
otherwise each run of chains (a run ends where a chain's name comes again) is placed by what
it holds: kube-proxy's service chains and NAT targets are nat, REJECT or FORWARD filter, and so
on; a run that gives no sign lands in UNKNOWN_TABLE, as a grep'd iptables-save fragment does.

Each rule's `spec` is what iptables-save prints for it (listing_matches turns the listing's
words back into options), so `service_ports` and the pages read it as they read iptables-save.
A line whose words are not all read is also kept in `Ruleset.unparsed`: nothing is dropped
silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from explorer.lib import kubeproxy
from explorer.lib.gc_pause import gc_paused

from . import tokens
from .listing_matches import save_words
from .model import UNKNOWN_TABLE, Chain, Counters, Rule, Ruleset

CHAIN_LINE = re.compile(
    r"^Chain (\S+) \((?:policy (\S+)(?: (\d+[KMGTPEZ]?) packets, (\d+[KMGTPEZ]?) bytes)?"
    r"|(\d+) references)\)\s*$"
)
# A command line that lists rules: `$ sudo iptables -t nat -nvL --line-numbers`.
_COMMAND = re.compile(r"(?:^|[\s/])(ip6?tables)(?:-legacy|-nft)?\s+(.*)$")
_LISTS = re.compile(r"(?:^|\s)(?:-[a-zA-Z]*L[a-zA-Z]*|--list)(?:\s|$)")
_TABLE_OPTION = re.compile(r"(?:^|\s)(?:-t\s*|--table[=\s]+)(\w+)")
_SUFFIXES = {"K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18}
# Protocols iptables 1.8.9 prints as numbers, by the names iptables-save prints for them.
_PROTOCOLS = {
    "0": "all",
    "1": "icmp",
    "6": "tcp",
    "17": "udp",
    "33": "dccp",
    "50": "esp",
    "51": "ah",
    "58": "ipv6-icmp",
    "132": "sctp",
    "135": "mh",
    "136": "udplite",
}
_PROTOCOL_NAMES = frozenset(_PROTOCOLS.values()) | {"icmpv6", "gre", "ipv6", "igmp", "vrrp"}
_BUILT_IN = ("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING")  # in hook order
_OPT = frozenset({"--", "-f", "!f"})
_ANYWHERE = frozenset({"0.0.0.0/0", "::/0", "anywhere"})
_NAT_TARGETS = frozenset({"DNAT", "SNAT", "MASQUERADE", "REDIRECT", "NETMAP"})
_NAT_CHAINS = frozenset({"KUBE-MARK-MASQ", "KUBE-POSTROUTING"})
_FILTER_CHAINS = frozenset(
    {"KUBE-FORWARD", "KUBE-FIREWALL", "KUBE-EXTERNAL-SERVICES", "KUBE-PROXY-FIREWALL"}
)
_KUBE_PROXY_NAT_PREFIXES = (*kubeproxy.PER_SERVICE_PREFIXES, kubeproxy.ENDPOINT)


class NotIptablesListing(ValueError):
    """The text holds no `Chain NAME (…)` heading."""


def looks_like_listing(text: str) -> bool:
    if not (text.startswith("Chain ") or "\nChain " in text):
        return False
    return any(CHAIN_LINE.match(line) for line in text.splitlines() if line.startswith("Chain "))


@dataclass(slots=True)
class _Columns:
    """Which of the optional columns the listing prints (from its heading line)."""

    number: bool = False
    counters: bool = False
    interfaces: bool = False


@dataclass(slots=True)
class _Run:
    """Chains listed together: one table (`table` None until known)."""

    table: str | None
    chains: dict[str, Chain]
    ipv6: bool = False


def _count(word: str) -> int:
    """`123`, or `12K` as `-v` without `-x` rounds it (to thousands, …)."""
    if word[-1:] in _SUFFIXES:
        return int(word[:-1]) * _SUFFIXES[word[-1]]
    return int(word)


def _is_protocol(word: str) -> bool:
    word = word.removeprefix("!")
    return word.isdigit() or word in _PROTOCOL_NAMES


class _Parser:
    def __init__(self) -> None:
        self.ruleset = Ruleset()
        self.runs: list[_Run] = []
        self.columns = _Columns()
        self.chain: Chain | None = None

    def read(self, text: str) -> Ruleset:
        for number, raw in enumerate(text.splitlines(), start=1):
            self.line(number, raw.rstrip())
        if not any(run.chains for run in self.runs):
            raise NotIptablesListing("no `Chain NAME (policy …)` heading found")
        self.place()
        return self.ruleset

    def line(self, number: int, line: str) -> None:
        if heading := CHAIN_LINE.match(line):
            self.start_chain(heading)
        elif not line.strip():
            self.chain = None
        elif self.chain is not None and _is_column_heading(line):
            words = line.split()
            self.columns = _Columns("num" in words, "pkts" in words, "in" in words)
        elif self.chain is not None and self.rule(number, line):
            pass
        elif command := _listing_command(line):
            tool, table = command
            self.runs.append(_Run(table, {}, ipv6=tool == "ip6tables"))
            self.chain = None
        elif not line.lstrip().startswith("#"):  # iptables-nft's `# Warning: …` lines
            self.ruleset.unparsed.append((number, line))

    def start_chain(self, heading: re.Match[str]) -> None:
        name, policy, packets, octets, _ = heading.groups()
        if not self.runs or _starts_a_listing(name, self.runs[-1].chains):
            previous = self.runs[-1] if self.runs else None
            self.runs.append(_Run(None, {}, ipv6=bool(previous and previous.ipv6)))
        counters = (_count(packets), _count(octets)) if packets and octets else None
        self.chain = Chain(name, policy, counters)
        self.runs[-1].chains[name] = self.chain
        self.columns = _Columns()

    def rule(self, number: int, line: str) -> bool:
        assert self.chain is not None
        listed = _listed_rule(line, self.columns)
        if listed is None:
            return False
        words, counters, target, extra = listed
        if any(":" in word for word in words):
            self.runs[-1].ipv6 = True
        goto = extra.startswith("[goto]")
        found = save_words(extra.removeprefix("[goto]"), target)
        words += found.matches
        if target:
            words += ["-g" if goto else "-j", target, *found.target]
        self.chain.rules.append(Rule(self.chain.name, tokens.join(words), counters))
        if found.unread:
            self.ruleset.unparsed.append((number, line))
        return True

    def place(self) -> None:
        """Each run's chains into its table (a table listed twice is one table)."""
        for run in self.runs:
            table = self.ruleset.table(run.table or _table_of(run.chains))
            for chain in run.chains.values():
                table.chains[chain.name] = chain
            if run.ipv6:
                self.ruleset.family = "ipv6"
        for name in [name for name, table in self.ruleset.tables.items() if not table.chains]:
            del self.ruleset.tables[name]


def _starts_a_listing(name: str, listed: dict[str, Chain]) -> bool:
    """Whether chain `name` begins another listing: `iptables -L` prints a table's built-in
    chains first, in hook order, then its own chains, each once."""
    if name in listed:
        return True
    if name not in _BUILT_IN:
        return False
    last = [_BUILT_IN.index(chain) if chain in _BUILT_IN else len(_BUILT_IN) for chain in listed]
    return bool(last) and max(last) >= _BUILT_IN.index(name)


def _is_column_heading(line: str) -> bool:
    words = line.split()
    return "target" in words and "prot" in words and "destination" in words


def _listing_command(line: str) -> tuple[str, str] | None:
    """(`iptables` or `ip6tables`, table) of a command line that lists rules."""
    found = _COMMAND.search(line)
    if found is None or not _LISTS.search(found.group(2)):
        return None
    table = _TABLE_OPTION.search(found.group(2))
    return found.group(1), table.group(1) if table else "filter"


class _Listed(NamedTuple):
    header: list[str]  # the IP-header options, as iptables-save writes them
    counters: Counters | None
    target: str  # "" for a rule that only counts
    extra: str  # the text after the destination column: matches and the target's options


def _has_target(words: list[str], at: int) -> bool:
    """Whether the word at `at` is a target rather than the protocol (an empty target column
    leaves only spaces). After the target come the protocol and then the `opt` column
    (`--`; older ip6tables leave that blank too)."""
    if words[at + 2] in _OPT:
        return True
    return _is_protocol(words[at + 1]) and not _is_protocol(words[at])


def _listed_rule(line: str, columns: _Columns) -> _Listed | None:
    spans = [(m.group(), m.end()) for m in re.finditer(r"\S+", line)]
    words = [word for word, _ in spans]
    at = 1 if columns.number else 0
    counters: Counters | None = None
    if columns.counters:
        try:
            counters = (_count(words[at]), _count(words[at + 1]))
        except (IndexError, ValueError):
            return None
        at += 2
    if len(words) < at + 3:
        return None
    target = words[at] if _has_target(words, at) else ""
    at += 1 if target else 0
    protocol = words[at]
    if not _is_protocol(protocol):
        return None
    at += 1
    fragment = words[at] if at < len(words) and words[at] in _OPT else None
    at += 1 if fragment else 0
    interfaces = ("*", "*")
    if columns.interfaces:
        interfaces = (words[at], words[at + 1]) if len(words) >= at + 4 else ("", "")
        at += 2
    if len(words) < at + 2:
        return None
    header = _address("-s", words[at]) + _address("-d", words[at + 1])
    header += _interface("-i", interfaces[0]) + _interface("-o", interfaces[1])
    header += _protocol(protocol) + _fragment(fragment)
    return _Listed(header, counters, target, line[spans[at + 1][1] :].strip())


def _address(option: str, value: str) -> list[str]:
    if value in _ANYWHERE:
        return []
    negated, value = value.startswith("!"), value.removeprefix("!")
    if "/" not in value and value.replace(".", "").isdigit():
        value += "/32"
    elif "/" not in value and ":" in value:
        value += "/128"
    return ["!", option, value] if negated else [option, value]


def _interface(option: str, value: str) -> list[str]:
    if value in ("*", ""):
        return []
    return ["!", option, value[1:]] if value.startswith("!") else [option, value]


def _protocol(word: str) -> list[str]:
    negated, word = word.startswith("!"), word.removeprefix("!")
    name = _PROTOCOLS.get(word, word)
    if name == "all":
        return []
    return ["!", "-p", name] if negated else ["-p", name]


def _fragment(opt: str | None) -> list[str]:
    return {"-f": ["-f"], "!f": ["!", "-f"]}.get(opt or "", [])


def _table_of(chains: dict[str, Chain]) -> str:
    """The table a run of chains belongs to, by the signs it holds."""
    names = set(chains)
    targets = {rule.target for chain in chains.values() for rule in chain.rules}
    if {"PREROUTING", "FORWARD", "POSTROUTING"} <= names:
        return "mangle"
    if (
        targets & _NAT_TARGETS
        or names & _NAT_CHAINS
        or any(name.startswith(_KUBE_PROXY_NAT_PREFIXES) for name in names | targets if name)
        or {"PREROUTING", "POSTROUTING"} <= names
    ):
        return "nat"
    if targets & {"CT", "NOTRACK"} or names == {"PREROUTING", "OUTPUT"}:
        return "raw"
    if names & {"INPUT", "FORWARD", "OUTPUT"} or names & _FILTER_CHAINS or "REJECT" in targets:
        return "filter"
    return UNKNOWN_TABLE


def parse_listing(text: str) -> Ruleset:
    with gc_paused():
        return _Parser().read(text)
