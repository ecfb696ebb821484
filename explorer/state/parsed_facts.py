"""Node facts parsed once: each fact's text is parsed a single time, by whoever puts it into a
state, outside any lock; views read the parse and never call a parser.

- `iptables-save`, `ip6tables-save`, `nft` → `NodeRules` (the ruleset and its Service ports,
  explorer.collectors.kubeproxy.node_rules);
- `cgroups` → `CgroupTree` (explorer.collectors.cgroups.tree_from_recorded);
- `storage` → `NodeStorage`: the mount table and the pod volume directories
  (explorer.collectors.storage.volume_dirs.node_storage);
- `volume-usage` → `[VolumeUsage]` (explorer.collectors.storage.usage.usage_from_fact).
- `scheduler-config` → `SchedulerConfig` (explorer.collectors.scheduling.config.parse_config).

The cache is one per process (`PARSED_FACTS`), shared by every state that holds the same text:
the live state of a cluster and a snapshot of it share a parse. A fact is found by its content
(a text by its hash, then equality: a collection that brings the same rules again parses nothing;
a `cgroups` fact, a dict, by its JSON). Entries are dropped least recently used first once the
texts they were made from pass the budget (`EXPLORER_PARSED_FACTS_MB`, default 512): the latest
text of every node and fact stays while the budget holds them all (a 30,000-pod node's
iptables-save is ~26 MB); one dropped is parsed again when next read.

A text that cannot be parsed is remembered too: reading it raises the same `ValueError`.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from explorer.collectors.cgroups import tree_from_recorded
from explorer.collectors.kubeproxy.node_rules import analyse_iptables, analyse_nft
from explorer.collectors.scheduling.config import parse_config
from explorer.collectors.storage.usage import usage_from_fact
from explorer.collectors.storage.volume_dirs import node_storage

from .cluster_state import ClusterState
from .node_facts import CGROUPS, IP6TABLES, IPTABLES, NFT, SCHEDULER_CONFIG, STORAGE, VOLUME_USAGE

MB = 1024 * 1024
PARSERS: dict[str, Callable[[Any], Any]] = {
    IPTABLES: analyse_iptables,
    IP6TABLES: analyse_iptables,
    NFT: analyse_nft,
    CGROUPS: tree_from_recorded,
    STORAGE: node_storage,
    VOLUME_USAGE: usage_from_fact,
    SCHEDULER_CONFIG: parse_config,
}
# What makes a dict fact worth parsing: its cgroups, its mount table, its volumes.
_BODIES = ("nodes", "mountinfo", "volumes")
_SORTED = orjson.OPT_SORT_KEYS


@dataclass(frozen=True, slots=True)
class _Entry:
    content: str | bytes  # the text parsed, or a dict fact's JSON
    parsed: Any
    error: ValueError | None


class ParsedFacts:
    """Parses of node facts, keyed by fact and content, least recently used dropped first."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._entries: OrderedDict[tuple[str, int, int], _Entry] = OrderedDict()  # LRU first
        self._size = 0
        self._lock = threading.Lock()
        self.parses = 0  # how many times a parser ran (for tests and benchmarks)

    def parse(self, fact: str, value: Any) -> Any:
        """The parse of `value` as `fact` (made now, unless this content was parsed before);
        ValueError when it cannot be parsed."""
        parser = PARSERS[fact]
        try:
            content = value if isinstance(value, str) else orjson.dumps(value, option=_SORTED)
        except orjson.JSONEncodeError as error:  # nested too deep, or not JSON data
            raise ValueError(f"{fact} cannot be read: {error}") from None
        key = (fact, hash(content), len(content))  # a str caches its hash: later reads are free
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and (entry.content is content or entry.content == content):
                self._entries.move_to_end(key)
                return _result(entry)
        try:
            parsed, error = parser(value), None
        except ValueError as failure:
            parsed, error = None, failure
        entry = _Entry(content, parsed, error)
        with self._lock:
            self.parses += 1
            old = self._entries.pop(key, None)
            self._size -= len(old.content) if old is not None else 0
            self._entries[key] = entry
            self._size += len(content)
            while self._size > self.budget and len(self._entries) > 1:
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped.content)
        return _result(entry)

    def parse_all(self, facts: Mapping[str, Any]) -> None:
        """Parse every parseable fact of a collection (before it goes into a state)."""
        for fact, value in facts.items():
            if fact in PARSERS and _parseable(value):
                with contextlib.suppress(ValueError):  # remembered: the page reading it says why
                    self.parse(fact, value)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0


def _result(entry: _Entry) -> Any:
    if entry.error is not None:
        raise entry.error
    return entry.parsed


def _parseable(value: Any) -> bool:
    return (isinstance(value, str) and bool(value.strip())) or (
        isinstance(value, Mapping) and any(value.get(body) for body in _BODIES)
    )


PARSED_FACTS = ParsedFacts(512 * MB)  # the process wiring sets the budget from the settings


def parsed_fact(state: ClusterState, node: str, fact: str) -> Any | None:
    """The parse of `node`'s `fact` in `state`: None when the node has no such fact (or an
    empty one); ValueError when its text cannot be parsed."""
    value = (state.node_facts.get(node) or {}).get(fact)
    if not _parseable(value):
        return None
    return PARSED_FACTS.parse(fact, value)
