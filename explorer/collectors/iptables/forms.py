"""The text forms iptables rules come in, told apart: iptables-save (also `iptables -S` and
grep'd fragments of either), or an `iptables -L` listing. Both are read into one Ruleset."""

from __future__ import annotations

from .listing import looks_like_listing, parse_listing
from .model import Ruleset
from .parse import parse


def _has_save_lines(text: str) -> bool:
    return text.startswith(("-A ", "*")) or "\n-A " in text or "\n*" in text


def read_rules(text: str) -> Ruleset:
    """iptables-save text or an `iptables -L` listing, whichever `text` is. Raises ValueError
    (NotIptablesSave, NotIptablesListing) when it is neither."""
    if not _has_save_lines(text) and looks_like_listing(text):  # the cheap test first
        return parse_listing(text)
    return parse(text)
