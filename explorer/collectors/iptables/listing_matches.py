"""The words `iptables -L` prints for a rule's matches and target, back in the options
iptables-save prints for them: `/* c */ tcp dpt:80` → `-m comment --comment c -m tcp --dport 80`,
`statistic mode random probability 0.50000000000`, `recent: CHECK seconds: 10800 reap name: X
side: source mask: 255.255.255.255` (session affinity), `to:10.244.1.5:80` (DNAT), `MARK or
0x4000`, `reject-with …`, ….

Each extension prints its own words (libxt_*'s `print`); the ones read here are those
kube-proxy, CNI plugins and common firewalls use. Words of any other extension are returned
unread, never guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

_WORD = re.compile(r"\S+")
_PORT_WORD = re.compile(r"^(spts?|dpts?):(!?)(\S+)$")
_TCP_FLAGS = ("FIN", "SYN", "RST", "PSH", "ACK", "URG")
_NAT_TO = {"DNAT": "--to-destination", "SNAT": "--to-source"}
_NAT_FLAGS = {"random": "--random", "persistent": "--persistent", "random-fully": "--random-fully"}
# xt_LOG's flags, as iptables-save names them.
_LOG_FLAGS = (
    (0x01, "--log-tcp-sequence"),
    (0x02, "--log-tcp-options"),
    (0x04, "--log-ip-options"),
    (0x08, "--log-uid"),
    (0x20, "--log-macdecode"),
)
_DEFAULT_LOG_LEVEL = "4"
# Without `-n` iptables prints a port by its /etc/services name: these are the names Debian's
# gives the ports Services most often use. Other names are kept as printed.
_PORT_NAMES = {
    "ftp": "21",
    "ssh": "22",
    "smtp": "25",
    "domain": "53",
    "http": "80",
    "kerberos": "88",
    "sunrpc": "111",
    "ntp": "123",
    "snmp": "161",
    "bgp": "179",
    "ldap": "389",
    "https": "443",
    "submission": "587",
    "ldaps": "636",
    "ms-sql-s": "1433",
    "nfs": "2049",
    "mysql": "3306",
    "xmpp-client": "5222",
    "postgresql": "5432",
    "mdns": "5353",
    "amqp": "5672",
    "redis": "6379",
    "http-alt": "8080",
    "tproxy": "8081",
}


@dataclass(slots=True)
class SaveWords:
    matches: list[str] = field(default_factory=list)  # before `-j`
    target: list[str] = field(default_factory=list)  # after `-j TARGET`
    unread: list[str] = field(default_factory=list)  # listed words with no save form here


@dataclass(slots=True)
class _Piece:
    text: str
    comment: bool = False


class _Reader:
    def __init__(self, pieces: list[_Piece], target: str | None) -> None:
        self.pieces = pieces
        self.at = 0
        self.target = target
        self.found = SaveWords()
        self.negated = False

    def peek(self, offset: int = 0) -> str | None:
        index = self.at + offset
        if index < len(self.pieces) and not self.pieces[index].comment:
            return self.pieces[index].text
        return None

    def take(self) -> str:
        word = self.pieces[self.at].text
        self.at += 1
        return word

    def option(self, name: str, *values: str, negated: bool = False) -> None:
        """`[!] name values` after the match's `-m module` (a `!` word before the match, or
        one inside its words, negates its first option)."""
        words = self.found.matches
        if negated or self.negated:
            words.append("!")
            self.negated = False
        words += [name, *values]

    def match(self, length: int, module: str, option: str, *values: str, negated: bool = False):
        """Take the `length` words a match printed; add `-m module [!] option values`."""
        self.at += length
        self.found.matches += ["-m", module]
        self.option(option, *values, negated=negated)

    def read(self) -> SaveWords:
        while self.at < len(self.pieces):
            piece = self.pieces[self.at]
            if piece.comment:
                self.at += 1
                self.found.matches += ["-m", "comment", "--comment", piece.text]
                continue
            word = piece.text
            if word == "!":
                self.at += 1
                self.negated = True
                continue
            reader = _MATCHES.get(word) or _TARGETS.get(word)
            if reader is None and word.startswith("to:"):
                reader = _nat_to
            start = self.at
            if reader is None or not reader(self):
                self.at = start + 1
                self.found.unread.append(word)
            self.negated = False
        return self.found


def _number(word: str | None) -> bool:
    return word is not None and word.isdigit()


def _ports(reader: _Reader) -> bool:
    """`tcp spt:53 dpts:30000:32767 flags:0x17/0x02` (udp, sctp, udplite, dccp alike)."""
    module = reader.take()
    reader.found.matches += ["-m", module]
    while (word := reader.peek()) is not None:
        if match := _PORT_WORD.match(word):
            side, negated, value = match.groups()
            name = "--sport" if side.startswith("s") else "--dport"
            reader.option(name, _numeric_ports(value, ":"), negated=bool(negated))
        elif word.startswith("flags:"):
            flags = _tcp_flags(word.removeprefix("flags:"))
            if flags is None:
                break
            negated, mask, compare = flags
            reader.option("--tcp-flags", mask, compare, negated=negated)
        elif word.startswith("option="):
            value = word.removeprefix("option=")
            reader.option("--tcp-option", value.lstrip("!"), negated=value[:1] == "!")
        else:
            break
        reader.take()
    return True


def _numeric_ports(text: str, separators: str) -> str:
    """`http:https` → `80:443` (ports named as `-L` without `-n` prints them)."""
    for separator in separators:
        if separator in text:
            parts = text.split(separator)
            return separator.join(_numeric_ports(part, separators) for part in parts)
    return _PORT_NAMES.get(text, text)


def _tcp_flags(text: str) -> tuple[bool, str, str] | None:
    """`0x17/0x02` → (False, "FIN,SYN,RST,ACK", "SYN")."""
    negated = text.startswith("!")
    mask, slash, compare = text.lstrip("!").partition("/")
    if not slash:
        return None
    try:
        return negated, _flag_names(int(mask, 16)), _flag_names(int(compare, 16))
    except ValueError:
        return None


def _flag_names(bits: int) -> str:
    if bits == 0:
        return "NONE"
    if bits == 0x3F:
        return "ALL"
    return ",".join(name for index, name in enumerate(_TCP_FLAGS) if bits & (1 << index))


def _multiport(reader: _Reader) -> bool:
    """`multiport dports  !80,443`."""
    side, value = reader.peek(1), reader.peek(2)
    if side not in ("dports", "sports", "ports") or value is None:
        return False
    negated = value.startswith("!")
    if negated and value == "!":
        value = reader.peek(3)
        if value is None:
            return False
        reader.at += 1
    reader.match(
        3, "multiport", f"--{side}", _numeric_ports(value.lstrip("!"), ",:"), negated=negated
    )
    return True


def _statistic(reader: _Reader) -> bool:
    """`statistic mode random probability 0.50000000000` / `mode nth every 3 packet 1`."""
    if reader.peek(1) != "mode":
        return False
    mode = reader.peek(2)
    if mode == "random" and reader.peek(3) == "probability" and reader.peek(4):
        words = ["--mode", "random", "--probability", reader.peek(4) or ""]
        length = 5
    elif mode == "nth" and reader.peek(3) == "every" and reader.peek(5) == "packet":
        words = ["--mode", "nth", "--every", reader.peek(4) or "", "--packet", reader.peek(6) or ""]
        length = 7
    else:
        return False
    reader.match(length, "statistic", *words[:2])
    reader.found.matches += words[2:]
    return True


_RECENT_COMMANDS = {"CHECK": "--rcheck", "SET": "--set", "UPDATE": "--update", "REMOVE": "--remove"}


def _recent(reader: _Reader) -> bool:
    """`recent: CHECK seconds: 10800 reap name: KUBE-SEP-… side: source mask: 255.255.255.255`,
    written back in libxt_recent's save order."""
    command = _RECENT_COMMANDS.get(reader.peek(1) or "")
    if command is None:
        return False
    reader.at += 2
    seconds = hits = name = mask = side = None
    ttl = reap = False
    while (word := reader.peek()) is not None:
        value = reader.peek(1)
        if word == "seconds:" and _number(value):
            seconds = value
        elif word == "hit_count:" and _number(value):
            hits = value
        elif word == "name:" and value:
            name = value
        elif word == "mask:" and value:
            mask = value
        elif word == "side:" and value in ("source", "dest"):
            side = value
        elif word in ("reap", "TTL-Match"):
            reap, ttl = reap or word == "reap", ttl or word == "TTL-Match"
            reader.at += 1
            continue
        else:
            break
        reader.at += 2
    reader.match(0, "recent", command)
    words = reader.found.matches
    words += ["--seconds", seconds] if seconds else []
    words += ["--hitcount", hits] if hits else []
    words += ["--rttl"] if ttl else []
    words += ["--reap"] if reap else []
    words += ["--name", name] if name else []
    words += ["--mask", mask] if mask else []
    words += ["--rdest"] if side == "dest" else ["--rsource"]
    return True


def _addrtype(reader: _Reader) -> bool:
    """`ADDRTYPE match src-type LOCAL dst-type !LOCAL limit-in`."""
    if reader.peek(1) != "match":
        return False
    reader.at += 2
    reader.found.matches += ["-m", "addrtype"]
    while (word := reader.peek()) is not None:
        value = reader.peek(1)
        if word in ("src-type", "dst-type") and value:
            reader.option(f"--{word}", value.lstrip("!"), negated=value[0] == "!")
            reader.at += 2
        elif word in ("limit-in", "limit-out"):
            direction = "in" if word == "limit-in" else "out"
            reader.found.matches.append(f"--limit-iface-{direction}")
            reader.at += 1
        else:
            break
    return True


def _mark(reader: _Reader) -> bool:
    """`mark match ! 0x4000/0x4000`."""
    if reader.peek(1) != "match":
        return False
    negated = reader.peek(2) == "!"
    value = reader.peek(3 if negated else 2)
    if value is None:
        return False
    reader.match(4 if negated else 3, "mark", "--mark", value, negated=negated)
    return True


def _single(module: str, option: str) -> Callable[[_Reader], bool]:
    """A match printed as `word VALUE`: `ctstate NEW`, `state NEW`."""

    def read(reader: _Reader) -> bool:
        value = reader.peek(1)
        if value is None:
            return False
        reader.match(2, module, option, value)
        return True

    return read


def _match_set(reader: _Reader) -> bool:
    """`match-set KUBE-CLUSTER-IP dst,dst`."""
    name, flags = reader.peek(1), reader.peek(2)
    if name is None or flags is None:
        return False
    reader.match(3, "set", "--match-set", name, flags)
    return True


def _icmp(module: str, option: str) -> Callable[[_Reader], bool]:
    """`icmptype 3 code 1` (ip6tables: `ipv6-icmptype 128`); type 255 is `any`."""

    def read(reader: _Reader) -> bool:
        kind = reader.peek(1)
        if not _number(kind):
            return False
        value = "any" if kind == "255" else kind or ""
        reader.at += 2
        code = reader.peek(1) if reader.peek() == "code" else None
        if _number(code):
            value += f"/{code}"
        reader.match(2 if _number(code) else 0, module, option, value)
        return True

    return read


def _limit(reader: _Reader) -> bool:
    """`limit: avg 3/min burst 7`."""
    if reader.peek(1) != "avg" or reader.peek(3) != "burst":
        return False
    rate, burst = reader.peek(2) or "", reader.peek(4) or ""
    reader.match(5, "limit", "--limit", rate)
    reader.found.matches += ["--limit-burst", burst]
    return True


def _owner(reader: _Reader) -> bool:
    """`owner UID match 1000` / `owner GID match 1000`."""
    kind, value = reader.peek(1), reader.peek(3)
    if kind not in ("UID", "GID") or reader.peek(2) != "match" or value is None:
        return False
    reader.match(4, "owner", f"--{kind.lower()}-owner", value)
    return True


def _pkttype(reader: _Reader) -> bool:
    """`PKTTYPE = multicast`."""
    if reader.peek(1) != "=" or reader.peek(2) is None:
        return False
    value = reader.peek(2) or ""
    reader.match(3, "pkttype", "--pkt-type", value)
    return True


_MATCHES: dict[str, Callable[[_Reader], bool]] = {
    **dict.fromkeys(("tcp", "udp", "sctp", "udplite", "dccp"), _ports),
    "multiport": _multiport,
    "statistic": _statistic,
    "recent:": _recent,
    "ADDRTYPE": _addrtype,
    "mark": _mark,
    "ctstate": _single("conntrack", "--ctstate"),
    "state": _single("state", "--state"),
    "match-set": _match_set,
    "icmptype": _icmp("icmp", "--icmp-type"),
    "ipv6-icmptype": _icmp("icmp6", "--icmpv6-type"),
    "limit:": _limit,
    "owner": _owner,
    "PKTTYPE": _pkttype,
}


# --- targets ---------------------------------------------------------------------------------


def _nat_to(reader: _Reader) -> bool:
    """DNAT's and SNAT's `to:10.244.1.5:80` (one per range)."""
    option = _NAT_TO.get(reader.target or "")
    word = reader.peek() or ""
    if option is None or not word.startswith("to:") or len(word) == 3:
        return False
    reader.take()
    reader.found.target += [option, word[3:]]
    return True


def _nat_flag(reader: _Reader) -> bool:
    if reader.target not in ("DNAT", "SNAT", "MASQUERADE", "REDIRECT"):
        return False
    reader.found.target.append(_NAT_FLAGS[reader.take()])
    return True


def _to_ports(reader: _Reader) -> bool:
    """MASQUERADE's `masq ports: 1024-65535`, REDIRECT's `redir ports 8080`."""
    word, label, value = reader.peek(), reader.peek(1), reader.peek(2)
    expected = {"masq": ("MASQUERADE", "ports:"), "redir": ("REDIRECT", "ports")}[word or ""]
    if (reader.target, label) != expected or value is None:
        return False
    reader.at += 3
    reader.found.target += ["--to-ports", value]
    return True


def _set_mark(reader: _Reader) -> bool:
    """`MARK or 0x4000` and the like, as the one `--set-xmark value/mask` iptables-save prints."""
    operation, value = reader.peek(1), reader.peek(2)
    if reader.target != "MARK" or value is None:
        return False
    try:
        number = int(value.partition("/")[0], 16)
    except ValueError:
        return False
    if operation == "or":
        xmark = f"{value}/{value}"
    elif operation == "xor":
        xmark = f"{value}/0x0"
    elif operation == "set":
        xmark = f"{value}/0xffffffff"
    elif operation == "xset":
        xmark = value
    elif operation == "and":
        xmark = f"0x0/{(~number) & 0xFFFFFFFF:#x}"
    else:
        return False
    reader.at += 3
    reader.found.target += ["--set-xmark", xmark]
    return True


def _reject(reader: _Reader) -> bool:
    value = reader.peek(1)
    if reader.target != "REJECT" or value is None:
        return False
    reader.at += 2
    reader.found.target += ["--reject-with", value]
    return True


def _log(reader: _Reader) -> bool:
    """`LOG flags 0 level 4 prefix "dropped: "`."""
    if reader.target != "LOG" or reader.peek(1) != "flags" or reader.peek(3) != "level":
        return False
    flags, level = reader.peek(2) or "", reader.peek(4) or ""
    if not flags.isdigit():
        return False
    reader.at += 5
    words = reader.found.target
    if reader.peek() == "prefix" and reader.at + 1 < len(reader.pieces):
        words += ["--log-prefix", reader.pieces[reader.at + 1].text]
        reader.at += 2
    if level != _DEFAULT_LOG_LEVEL:
        words += ["--log-level", level]
    words += [name for bit, name in _LOG_FLAGS if int(flags) & bit]
    return True


def _notrack(reader: _Reader) -> bool:
    """`CT notrack`, and the `NOTRACK` the CT target prints for the old NOTRACK target."""
    if reader.target != "CT":
        return False
    reader.at += 2 if reader.peek() == "CT" and reader.peek(1) == "notrack" else 1
    reader.found.target.append("--notrack")
    return True


_TARGETS: dict[str, Callable[[_Reader], bool]] = {
    **dict.fromkeys(_NAT_FLAGS, _nat_flag),
    "masq": _to_ports,
    "redir": _to_ports,
    "MARK": _set_mark,
    "reject-with": _reject,
    "LOG": _log,
    "CT": _notrack,
    "NOTRACK": _notrack,
}


def _pieces(text: str) -> list[_Piece]:
    """Comments (`/* … */`, as xt_comment prints them), quoted strings (LOG's prefix, printed
    without escapes) and bare words. An opening with no close reads as words: the text is
    searched for each kind of close once at most."""
    pieces: list[_Piece] = []
    comments = quotes = True
    at = 0
    while (word := _WORD.search(text, at)) is not None:
        at = word.start()
        if comments and text.startswith("/* ", at):
            close = text.find(" */", at + 2)
            if close != -1:
                pieces.append(_Piece(text[at + 3 : close], comment=True))
                at = close + 3
                continue
            comments = False
        if quotes and text.startswith('"', at):
            close = text.find('"', at + 1)
            if close != -1:
                pieces.append(_Piece(text[at + 1 : close]))
                at = close + 1
                continue
            quotes = False
        pieces.append(_Piece(word.group()))
        at = word.end()
    return pieces


def save_words(listed: str, target: str | None) -> SaveWords:
    """The options iptables-save prints for the matches and the `target` that `listed` shows."""
    return _Reader(_pieces(listed), target).read()
