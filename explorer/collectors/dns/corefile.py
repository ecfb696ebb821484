"""A Corefile, read the way CoreDNS's Caddy parser reads it.

Tokens are separated by white space; `"…"` and `` `…` `` quote; `#` starts a comment where a
token could start; a `{` or `}` token opens or closes a block. A directive is a token that
starts a line inside a block, its arguments the tokens after it on the same line. A server
block starts with its keys (`.:53`, `cluster.local:53`, `tls://.:853`, `a.org, b.org`), a
snippet with `(name)`. `import` pulls a snippet or files in; what cannot be found is kept as an
unresolved import. `{$VAR}` environment references stay verbatim (CoreDNS substitutes them
when it starts).
"""

from __future__ import annotations

import fnmatch
import ipaddress
from dataclasses import dataclass, field


class CorefileError(ValueError):
    """Text that is not a Corefile; str() names the line."""


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    line: int
    end_line: int  # a quoted token may span lines
    quoted: bool = False

    @property
    def opens(self) -> bool:
        return self.text == "{" and not self.quoted

    @property
    def closes(self) -> bool:
        return self.text == "}" and not self.quoted


@dataclass
class Directive:
    name: str
    args: list[str]
    block: list[Directive] = field(default_factory=list)
    line: int = 0
    source: str = ""  # "" for the Corefile itself, else the import it came from

    def sub(self, name: str) -> list[Directive]:
        """The nested directives called `name` (e.g. `pods` inside `kubernetes`)."""
        return [d for d in self.block if d.name == name]


@dataclass(frozen=True, slots=True)
class ServerKey:
    text: str  # as written
    scheme: str  # dns, tls, grpc, https, quic, https3
    zone: str  # "." or a name ending in a dot; a reverse zone for a CIDR key
    port: str  # digits, or an env reference kept verbatim
    cidr: str = ""  # the network a reverse-zone key was written as


@dataclass
class ServerBlock:
    keys: list[ServerKey]
    directives: list[Directive]
    line: int = 0
    source: str = ""
    unresolved_imports: list[str] = field(default_factory=list)

    @property
    def zones(self) -> list[str]:
        return [key.zone for key in self.keys]

    def plugins(self, name: str) -> list[Directive]:
        return [d for d in self.directives if d.name == name]


@dataclass
class Corefile:
    blocks: list[ServerBlock]
    snippets: dict[str, list[Directive]] = field(default_factory=dict)
    unresolved_imports: list[str] = field(default_factory=list)  # top level: server files

    def server_for(self, qname: str, port: str = "53") -> ServerBlock | None:
        """The server block CoreDNS hands a query for `qname` to: the longest zone that
        contains it among the blocks listening on `port` (plain DNS)."""
        best: tuple[int, ServerBlock] | None = None
        for block in self.blocks:
            for key in block.keys:
                if key.scheme != "dns" or key.port != port:
                    continue
                if in_zone(qname, key.zone) and (best is None or len(key.zone) > best[0]):
                    best = (len(key.zone), block)
        return best[1] if best else None


DEFAULT_PORTS = {"dns": "53", "tls": "853", "quic": "853", "grpc": "443", "https": "443"}
DEFAULT_PORTS["https3"] = "443"


def fqdn(name: str) -> str:
    name = name.strip().lower()
    return "." if name in ("", ".") else name.rstrip(".") + "."


def in_zone(qname: str, zone: str) -> bool:
    qname, zone = fqdn(qname), fqdn(zone)
    return zone == "." or qname == zone or qname.endswith("." + zone)


# ---- lexing ----------------------------------------------------------------------------


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, line, size = 0, 1, len(text)
    while i < size:
        ch = text[i]
        if ch == "\n":
            line += 1
            i += 1
        elif ch.isspace():
            i += 1
        elif ch == "#":
            while i < size and text[i] != "\n":
                i += 1
        elif ch in '"`':
            start_line, i, chars = line, i + 1, []
            while i < size and text[i] != ch:
                if ch == '"' and text[i] == "\\" and i + 1 < size and text[i + 1] in '"\\':
                    i += 1
                if text[i] == "\n":
                    line += 1
                chars.append(text[i])
                i += 1
            if i >= size:
                raise CorefileError(f"line {start_line}: unterminated quoted string")
            i += 1
            tokens.append(Token("".join(chars), start_line, line, quoted=True))
        else:
            start = i
            while i < size and not text[i].isspace():
                i += 1
            tokens.append(Token(text[start:i], line, line))
    return tokens


# ---- parsing ---------------------------------------------------------------------------


class _Reader:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def same_line(self, after: Token) -> bool:
        nxt = self.peek()
        return nxt is not None and nxt.line == after.end_line


def _directives(reader: _Reader, closing: bool, source: str) -> list[Directive]:
    """Directives up to the matching `}` (closing) or the end of the tokens."""
    out: list[Directive] = []
    while (token := reader.peek()) is not None:
        if token.closes:
            if not closing:
                raise CorefileError(f"line {token.line}: unexpected '}}'")
            reader.take()
            return out
        if token.opens:
            raise CorefileError(f"line {token.line}: '{{' without a directive before it")
        out.append(_directive(reader, source))
    if closing:
        raise CorefileError("unexpected end of the Corefile: a block is not closed")
    return out


def _directive(reader: _Reader, source: str) -> Directive:
    head = reader.take()
    directive = Directive(head.text, [], line=head.line, source=source)
    last = head
    while reader.same_line(last):
        token = reader.peek()
        assert token is not None
        if token.closes:
            break
        reader.take()
        if token.opens:
            directive.block = _directives(reader, closing=True, source=source)
            break
        directive.args.append(token.text)
        last = token
    return directive


def parse_key(text: str) -> ServerKey:
    raw = text.rstrip(",")
    scheme, rest = ("dns", raw)
    if "://" in raw:
        scheme, rest = raw.split("://", 1)
        scheme = scheme.lower()
    host, port = rest, DEFAULT_PORTS.get(scheme, "53")
    if rest.startswith("["):  # [::1]:53 style is not a zone; keep it whole
        host, _, tail = rest[1:].partition("]")
        port = tail.lstrip(":") or port
    elif ":" in rest:
        head, _, tail = rest.rpartition(":")
        if tail.isdigit() or tail.startswith("{$"):
            host, port = head, tail
    host = host or "."
    if "/" in host:
        try:
            network = ipaddress.ip_network(host, strict=False)
        except ValueError:
            return ServerKey(raw, scheme, fqdn(host), port)
        return ServerKey(raw, scheme, _reverse_zone(network), port, cidr=str(network))
    return ServerKey(raw, scheme, host if host.startswith("{$") else fqdn(host), port)


def _reverse_zone(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> str:
    """The reverse zone covering a CIDR, cut at the last whole label as CoreDNS does."""
    step = 8 if network.version == 4 else 4
    labels = network.prefixlen // step
    pointer = network.network_address.reverse_pointer.split(".")
    total = 4 if network.version == 4 else 32
    return ".".join(pointer[total - labels :]) + "."


def _keys(reader: _Reader) -> list[Token]:
    keys = [reader.take()]
    while True:
        nxt = reader.peek()
        if nxt is None or nxt.opens:
            return keys
        if reader.same_line(keys[-1]) or keys[-1].text.endswith(","):
            keys.append(reader.take())
        else:
            return keys


def parse_corefile(text: str, includes: dict[str, str] | None = None, source: str = "") -> Corefile:
    """Parse a Corefile. `includes` maps import paths (e.g. `custom/x.override`, as the files
    are mounted next to the Corefile) to their text, for `import` to splice in."""
    includes = includes or {}
    reader = _Reader(tokenize(text))
    corefile = Corefile(blocks=[])
    while (token := reader.peek()) is not None:
        if token.opens or token.closes:
            raise CorefileError(f"line {token.line}: unexpected '{token.text}' outside a block")
        if token.text == "import" and not token.quoted:
            reader.take()
            pattern = reader.take().text if reader.same_line(token) else ""
            _import_servers(corefile, pattern, includes)
            continue
        if token.text.startswith("(") and token.text.endswith(")"):
            reader.take()
            if not (reader.peek() and reader.peek().opens):  # type: ignore[union-attr]
                raise CorefileError(f"line {token.line}: snippet {token.text} needs a block")
            reader.take()
            corefile.snippets[token.text[1:-1]] = _directives(reader, True, source)
            continue
        keys = _keys(reader)
        nxt = reader.peek()
        if nxt is not None and nxt.opens:
            reader.take()
            directives = _directives(reader, closing=True, source=source)
        elif not corefile.blocks:  # a lone server block may go without braces
            directives = _directives(reader, closing=False, source=source)
        else:
            raise CorefileError(f"line {keys[0].line}: server block {keys[0].text} has no '{{'")
        block = ServerBlock(
            [parse_key(k.text) for k in keys if k.text != ","], [], keys[0].line, source
        )
        block.directives = _expand(directives, corefile.snippets, includes, block)
        corefile.blocks.append(block)
    return corefile


def parse_directives(text: str, source: str = "") -> list[Directive]:
    """Plugin lines without a server block around them (an AKS `*.override` file)."""
    return _directives(_Reader(tokenize(text)), closing=False, source=source)


def _matching(pattern: str, includes: dict[str, str]) -> list[str]:
    pattern = pattern.removeprefix("/etc/coredns/")
    return sorted(path for path in includes if fnmatch.fnmatchcase(path, pattern))


def _import_servers(corefile: Corefile, pattern: str, includes: dict[str, str]) -> None:
    found = _matching(pattern, includes)
    if pattern in corefile.snippets or not found:
        corefile.unresolved_imports.append(pattern)
        return
    for path in found:
        corefile.blocks.extend(parse_corefile(includes[path], includes, source=path).blocks)


def _expand(
    directives: list[Directive],
    snippets: dict[str, list[Directive]],
    includes: dict[str, str],
    block: ServerBlock,
    depth: int = 0,
) -> list[Directive]:
    out: list[Directive] = []
    for directive in directives:
        if directive.name != "import" or not directive.args:
            out.append(directive)
            continue
        pattern = directive.args[0]
        if depth > 10:
            raise CorefileError(f"line {directive.line}: import {pattern} nests too deep")
        if pattern in snippets:
            out.extend(_expand(snippets[pattern], snippets, includes, block, depth + 1))
            continue
        found = _matching(pattern, includes)
        if not found:
            block.unresolved_imports.append(pattern)
        for path in found:
            imported = parse_directives(includes[path], source=path)
            out.extend(_expand(imported, snippets, includes, block, depth + 1))
    return out
