"""What the analysis reads from one rule of `nft list` text: verdicts, numgen maps, DNAT."""

from __future__ import annotations

import re

from .model import NftRule

_COMMENT = re.compile(r'\s+comment "((?:[^"\\]|\\.)*)"\s*$')
_NUMGEN = re.compile(r"numgen (?:random|inc) mod (\d+)(?: offset (\d+))? vmap \{([^}]*)\}")
_MAP_ENTRY = re.compile(r"^\s*(\d+)\s*:\s*(?:goto|jump)\s+(\S+?)\s*$")
_VERDICT = re.compile(r"(?:^|[\s{:])(jump|goto) ([^\s,{}]+)")
_DNAT = re.compile(r"\bdnat (?:ip6? )?to (\S+)")


def text_rule(text: str) -> NftRule:
    rule = NftRule(text=text)
    found = _COMMENT.search(text)
    if found:
        rule.comment = found.group(1).replace('\\"', '"')
    rule.verdicts = [(m.group(1), m.group(2)) for m in _VERDICT.finditer(text)]
    numgen = _NUMGEN.search(text)
    if numgen:
        rule.numgen_mod = int(numgen.group(1))
        offset = int(numgen.group(2) or 0)
        for entry in numgen.group(3).split(","):
            matched = _MAP_ENTRY.match(entry)
            if matched:
                rule.numgen_map[int(matched.group(1)) - offset] = matched.group(2)
    dnat = _DNAT.search(text)
    if dnat:
        rule.dnat = dnat.group(1)
    return rule
