"""`nft list ruleset` / `nft list table …` text into the model. The reader follows braces line
by line: `table` → `chain` / `set` / `map` blocks; a rule or an `elements = { … }` spread over
several lines is gathered until its braces close. Blocks of other kinds (flowtables, counters,
quotas…) are kept verbatim in `NftTable.other`."""

from __future__ import annotations

import re

from explorer.lib.text import split_top_level

from .model import NftChain, NftElement, NftRuleset, NftSet, NftTable, priority
from .rules import text_rule

_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ELEMENT_COMMENT = re.compile(r'\s+comment "((?:[^"\\]|\\.)*)"')
_HEADER = re.compile(
    r"type (\S+) hook (\S+)(?: device \S+)? priority ([^;]+);(?:\s*policy (\S+);)?"
)


def _depth(line: str) -> int:
    unquoted = _QUOTED.sub("", line)
    return unquoted.count("{") - unquoted.count("}")


def _unquote(text: str) -> str:
    found = _QUOTED.search(text)
    return found.group(1).replace('\\"', '"') if found else text


def elements(body: str) -> list[NftElement]:
    """`a . tcp . 53 comment "x" : goto c, …` (the text between the outer braces)."""
    found = []
    for part in (p.strip() for p in split_top_level(body, brackets="{}", quote='"')):
        comment = None
        matched = _ELEMENT_COMMENT.search(part)
        if matched:
            comment = matched.group(1).replace('\\"', '"')
            part = part[: matched.start()] + part[matched.end() :]
        key, colon, value = part.partition(" : ")
        found.append(
            NftElement(
                tuple(k.strip() for k in key.split(" . ")),
                value.strip() if colon else None,
                comment,
            )
        )
    return found


class _Reader:
    def __init__(self) -> None:
        self.ruleset = NftRuleset()
        self.table: NftTable | None = None
        self.chain: NftChain | None = None
        self.set: NftSet | None = None
        self.other: list[str] | None = None
        self.pending: list[str] = []  # a statement whose braces have not closed yet

    def line(self, number: int, raw: str) -> None:
        line = raw.strip()
        if self.pending:
            self.pending.append(line)
            joined = " ".join(self.pending)
            if _depth(joined) > 0:
                return
            self.pending = []
            line = joined
        elif not line or line.startswith("#"):
            return
        elif _depth(line) > 0 and not line.endswith("{"):
            self.pending = [line]
            return
        if self.other is not None:
            self.other.append(raw)
            if _depth("\n".join(self.other)) <= 0:
                self.table.other.append("\n".join(self.other))  # type: ignore[union-attr]
                self.other = None
            return
        if self.chain is not None:
            self._in_chain(line)
        elif self.set is not None:
            self._in_set(line)
        elif self.table is not None:
            self._in_table(raw, line)
        elif line.startswith("table ") and line.endswith("{"):
            words = line[6:-1].split()
            family, name = (words[0], words[1]) if len(words) > 1 else ("ip", words[0])
            self.table = NftTable(family, name)
            self.ruleset.tables.append(self.table)
        else:
            self.ruleset.unparsed.append((number, raw))

    def _in_table(self, raw: str, line: str) -> None:
        table = self.table
        assert table is not None
        if line == "}":
            self.table = None
        elif line.startswith("chain ") and line.endswith("{"):
            self.chain = table.chains.setdefault(line[6:-1].strip(), NftChain(line[6:-1].strip()))
        elif line.startswith(("set ", "map ")) and line.endswith("{"):
            kind, _, name = line[:-1].strip().partition(" ")
            self.set = table.sets.setdefault(name.strip(), NftSet(name.strip(), kind))
        elif line.startswith("comment "):
            table.comment = _unquote(line[8:])
        elif line.endswith("{"):
            self.other = [raw]
        else:
            table.other.append(line)

    def _in_chain(self, line: str) -> None:
        chain = self.chain
        assert chain is not None
        header = _HEADER.match(line)
        if line == "}":
            self.chain = None
        elif header:
            chain.type, chain.hook = header.group(1), header.group(2)
            chain.priority = priority(header.group(3).strip())
            chain.policy = header.group(4)
        elif line.startswith("comment ") and _QUOTED.fullmatch(line[8:].strip()):
            chain.comment = _unquote(line[8:])
        elif line.startswith("policy "):
            chain.policy = line[7:].rstrip(";").strip()
        else:
            chain.rules.append(text_rule(line))

    def _in_set(self, line: str) -> None:
        found = self.set
        assert found is not None
        if line == "}":
            self.set = None
        elif line.startswith(("type ", "typeof ")):
            found.type = line.partition(" ")[2].rstrip(";")
        elif line.startswith("flags "):
            found.flags = [f.strip() for f in line[6:].rstrip(";").split(",")]
        elif line.startswith("comment "):
            found.comment = _unquote(line[8:])
        elif line.startswith("elements = {") and line.endswith("}"):
            found.elements = elements(line[len("elements = {") : -1])
        else:
            found.properties.append(line)


def parse_text(text: str) -> NftRuleset:
    reader = _Reader()
    for number, raw in enumerate(text.splitlines(), 1):
        reader.line(number, raw)
    return reader.ruleset
