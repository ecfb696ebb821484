"""Text or JSON, detected by the first character."""

from __future__ import annotations

from .json_form import parse_json
from .model import NftRuleset
from .text_form import parse_text


class NotNftables(ValueError):
    """Neither `nft list` text nor `nft -j` JSON with a table in it."""


def parse(text: str) -> NftRuleset:
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            ruleset = parse_json(stripped)
        # orjson's own errors are ValueErrors; the others are JSON of the wrong shape met deep
        # inside a rule or a set (a list where an object is, an element of one item…)
        except (AttributeError, IndexError, KeyError, TypeError, ValueError) as error:
            raise NotNftables(f"not nft -j JSON: {error}") from None
    else:
        ruleset = parse_text(text)
    if not ruleset.tables:
        raise NotNftables("no nftables table found")
    return ruleset
