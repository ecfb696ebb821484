"""A recording store for the flight recorder's tests: the demo cluster served by the project's
API store, its churn applied through a ClusterStates store that records to disk, as a watcher
would (first lists, then events, bookmarks, a kind going out of sight and back, node facts), on
a clock the test moves."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import orjson

from explorer.apiserver.store import ApiStore
from explorer.demo import build_demo
from explorer.demo.churn import DemoChurn
from explorer.demo.facts import node_facts as demo_facts
from explorer.lib.choices import BOOKMARK, LISTING, NOT_VISIBLE, WATCHING
from explorer.state.change_log import Retention
from explorer.state.node_facts import node_facts
from explorer.state.state_dump import dump_state
from explorer.state.store import ClusterStates

CLUSTER = "demo"
T0 = 1_900_000_000.0


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def copied(obj: dict) -> dict:
    return orjson.loads(orjson.dumps(obj))


def as_json(state) -> bytes:
    return orjson.dumps(dump_state(state), option=orjson.OPT_SORT_KEYS)


class RecordingStore:
    def __init__(self, root: Path, clock: Clock, seed: int = 0, **retention) -> None:
        self.clock = clock
        self.rng = random.Random(seed)
        self.api = ApiStore(build_demo(cluster=CLUSTER, seed=seed, now=self._now()))
        self.churn = DemoChurn(self.api.state, seed=seed, clock=self._now)
        self.states = ClusterStates(
            [CLUSTER], Retention(directory=root, clock=clock, memory_entries=50, **retention)
        )
        self.nodes = sorted(n["metadata"]["name"] for n in self.api.state.list("Node"))

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    def list_everything(self, kinds: list[str] | None = None) -> None:
        """The watcher's first lists: every kind reported listing first, then each listed."""
        kinds = kinds if kinds is not None else sorted(self.api.state.kinds())
        for kind in kinds:
            self.states.status(CLUSTER, kind, LISTING)
        for kind in kinds:
            self.list_kind(kind)

    def list_kind(self, kind: str) -> None:
        objects = [copied(obj) for obj in self.api.state.list(kind)]
        self.states.replace(CLUSTER, kind, objects, str(self.api.resource_version))
        self.states.status(CLUSTER, kind, WATCHING)

    def step(self) -> int:
        """One churn step (and sometimes a bookmark, a kind out of sight and back, a node's
        facts collected); the number of object events it brought."""
        records = self.api.apply_many(self.churn.step())
        for record in records:
            event = {"type": record.type, "object": copied(record.object)}
            self.states.event(CLUSTER, record.kind, event)
        roll = self.rng.random()
        if roll < 0.2:
            bookmark = {
                "kind": "Pod",
                "metadata": {"resourceVersion": str(self.api.resource_version)},
            }
            self.states.event(CLUSTER, "Pod", {"type": BOOKMARK, "object": bookmark})
        elif roll < 0.3:
            self.states.status(CLUSTER, "CSIDriver", NOT_VISIBLE, "forbidden: cannot list")
        elif roll < 0.4:
            self.states.status(CLUSTER, "CSIDriver", WATCHING)
        if self.rng.random() < 0.3:
            self.collect(self.rng.choice(self.nodes))
        return len(records)

    def collect(self, node: str) -> None:
        facts = demo_facts(self.api.state, [node])[node]
        taken_at = self._now().isoformat().replace("+00:00", "Z")
        self.states.put_node_facts(CLUSTER, node_facts(node, "recorded", facts, {}, taken_at))

    def held(self) -> bytes:
        """The store's state now, as JSON."""
        with self.states.read(CLUSTER) as state:
            return as_json(state)

    def log(self):
        with self.states.read(CLUSTER) as state:
            return state.change_log

    def close(self) -> None:
        self.states.close()
