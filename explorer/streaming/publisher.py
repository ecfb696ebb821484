"""The publisher: the watcher side's view models, computed once and pushed to every subscriber.

It listens to the process's cluster states (explorer/state/store.py, which the watchers feed),
and keeps one publication per subscribed (view, parameters): the last model sent and its version.
Consumers (web side, possibly other processes) talk to it over the channel layer only:
- requests come on `publisher_channel(cluster)`: `publisher.full` (send the whole model to
  `reply`) and `publisher.want` (keep the publication alive; a consumer repeats it while it
  stays subscribed, and a publication nobody wants for WANT_LEASE seconds is forgotten);
- node facts come on the same channel: `publisher.node_facts` (`{"cluster", "facts": NodeFacts}`,
  sent by a collection job in a Celery worker; explorer/jobs/collect.py) are put into the
  cluster's state (the store tells every listener, this one included, and views that list
  `NODE_FACTS_KIND` in their kinds are rebuilt);
- models go out as `view.full` to the asking consumer, `view.delta` to the view's group, and the
  cluster's connection state as `cluster.status` to its status group.

Warming: once a cluster is first live, the views of the pages a user opens first (`WARM`: the
overview, the whole workload hierarchy) are built before anyone asks, and kept as any
publication is; at 165,000 pods their first builds take seconds the first tab would wait for.

Coalescing: the first change after a quiet spell is published at once; changes arriving within
`window` seconds of the last publication are merged into one delta sent when the window ends.
A view that offers `update` is given the changes gathered since (at most MAX_PENDING; beyond,
or when a kind was marked dirty without its changes, it is built whole).

Scheduling: each publication a change concerns (its view's kinds, and `View.concerns`) keeps
what it has not seen (its own `_Pending`) until it is brought up to date. A flush refreshes them
one by one — the quick ones first (whose last refreshes cost under a tenth of the window, in CPU
time), then the others, each group by response ratio ((time stale + cost) / cost) — and stops
once it has spent `window` seconds and made one slow refresh, leaving the rest to the next
flush. A costly refresh (over COSTLY) makes its publication wait PACE times that long, and every
other costly one of the cluster wait in proportion too, so that together they take at most
about COSTLY_SHARE of the time. Without this, at 30,000 pods and 200 pod changes a second, views
rebuilt whole at every change (DNS traces, the workloads hierarchy, proxy mode: 0.1-0.2 s each,
seconds on a busy machine) made flushes of 2-9 s, the overview waited for them, and their builds
held the state's lock so long that the watcher fell seconds behind the API server
(bench/load_mixed.py).

Encoding: models and deltas are serialised to JSON once, here, and travel as text (`model_json`,
`ops_json`): the in-memory layer deep-copies a message for every channel it reaches, and every
consumer would serialise the same ops again.

Work happens on the publisher's own thread (building models may take tens of milliseconds on a
big cluster, and must not stall a web server's event loop); only the channel-layer calls run on
`loop` — its own, or the ASGI server's when the layer is the in-memory one, which is bound to
the loop its consumers run on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import orjson
from channels.exceptions import ChannelFull

from explorer.state.cluster_state import Change
from explorer.state.node_facts import NODE_FACTS_KIND, NodeFacts
from explorer.state.store import ClusterStates
from explorer.viewmodels.base import View, ViewError, params_of
from explorer.viewmodels.registry import get_view

from .cluster_status import LIVE, ClusterStatus, status_of
from .delta import diff
from .names import publisher_channel, status_group, view_group

log = logging.getLogger(__name__)

COALESCE_WINDOW = 0.1
WANT_LEASE = 300.0
WATCHER_TURN = 0.02  # seconds at least between a flush and the next (at most the window)
MAX_OUTGOING = 1000  # layer calls waiting on the loop; beyond, deltas are dropped (clients resync)
MAX_PENDING = 5000  # changes kept for views' updates between flushes; beyond, views are built
PACE = 10  # a costly publication waits PACE times the cost of its last refresh before the next
COSTLY = 0.05  # seconds: a refresh that takes longer is costly
COSTLY_SHARE = 0.25  # of the time, at most, in costly refreshes (a cluster's, all together)
_STATUS = ""  # the dirty mark for "the connection state may have changed"
# the views of the pages a user opens first, with the parameters those pages ask for
WARM: tuple[tuple[str, dict[str, str]], ...] = (
    ("overview", {}),
    ("hierarchy", {"namespace": "*", "size": "count"}),
)
NODE_FACTS_MESSAGE = "publisher.node_facts"


@dataclass
class _Publication:
    view: View
    params: dict[str, str]
    group: str
    memo: Any
    model: dict[str, Any]
    encoded: bytes | None = None  # the model as JSON, made when first asked for
    # Versions start from the clock, so a publication made again (after a lease ran out or in a
    # restarted process) never reuses numbers a client has seen: it sees a gap and resyncs.
    version: int = field(default_factory=lambda: time.time_ns() // 1_000_000)
    wanted_at: float = field(default_factory=time.monotonic)
    # CPU seconds a refresh takes, diffing and encoding included (not its first build: a view
    # that follows changes is far cheaper afterwards)
    cost: float = 0.0
    not_before: float = 0.0  # monotonic time of its next refresh at the earliest (pacing)
    waiting: _Pending | None = None  # what it has not seen yet
    stale_since: float = 0.0  # monotonic time since which `waiting` has been waiting

    def ratio(self, now: float) -> float:
        """Its response ratio: how long it has been stale and would take, over what it takes."""
        cost = max(self.cost, 0.001)
        return (now - self.stale_since + cost) / cost

    @property
    def cluster(self) -> str:
        return self.params["cluster"]

    def model_json(self) -> bytes:
        if self.encoded is None:
            self.encoded = orjson.dumps(self.model)
        return self.encoded


@dataclass
class _Pending:
    """What a cluster's next flush must bring up to date."""

    kinds: set[str] = field(default_factory=set)
    changes: list[Change] = field(default_factory=list)
    blind: set[str] = field(default_factory=set)  # kinds marked dirty without their changes

    def add(self, kinds: set[str], changes: list[Change] | None) -> None:
        self.kinds |= kinds
        if changes is None or len(self.changes) + len(changes) > MAX_PENDING:
            self.blind |= kinds
        else:
            self.changes += changes

    def merge(self, other: _Pending, view: View) -> None:
        """Add what `other` holds for `view` (its changes only when it follows changes)."""
        mine = other.kinds & (view.kinds | {_STATUS})
        if view.update is None:
            self.kinds |= mine
            return
        self.add(mine, [c for c in other.changes if c.kind in view.kinds])
        self.blind |= other.blind & view.kinds


def _concerned(publication: _Publication, pending: _Pending) -> bool:
    """May `pending` change the publication's model? Not when it holds none of the kinds its
    view reads, nor when the view says none of the changes concerns it (another pod than the
    pod page's): with 200 pod pages open, each would otherwise be built for every pod change."""
    view = publication.view
    kinds = pending.kinds & view.kinds
    if not kinds:
        return False
    if view.concerns is None or pending.blind & kinds:
        return True
    concerns, params = view.concerns, publication.params
    return any(concerns(params, c) for c in pending.changes if c.kind in kinds)


class Publisher:
    def __init__(
        self,
        states: ClusterStates,
        layer: Any,
        loop: asyncio.AbstractEventLoop | None = None,
        window: float = COALESCE_WINDOW,
        warm: tuple[tuple[str, dict[str, str]], ...] = WARM,
    ) -> None:
        """`warm`: the views built for a cluster once it is live, before any tab asks."""
        self.states = states
        self.layer = layer
        self.window = window
        self.warm = warm
        self._cond = threading.Condition()
        self._dirty: dict[str, _Pending] = {}
        self._due: dict[str, float] = {}
        self._not_before: dict[str, float] = {}  # cluster -> earliest time of its next flush
        self._costly_after: dict[str, float] = {}  # cluster -> earliest time of a costly refresh
        self._requests: list[dict[str, Any]] = []
        self._publications: dict[str, _Publication] = {}
        self._kinds: dict[str, frozenset[str]] = {}  # cluster -> kinds its publications read
        self._statuses: dict[str, ClusterStatus] = {}  # the last sent to each status group
        self._status_lock = threading.Lock()
        self._warmed: set[str] = set()  # clusters whose first pages were built before asked
        self._clusters: list[str] = []
        self._stopping = False
        self._own_loop = loop is None
        self._loop = loop or asyncio.new_event_loop()
        self.loop = self._loop  # where the layer's sends run (the embedded install: daphne's)
        self._outgoing: asyncio.Queue[tuple[str, str, dict]] = asyncio.Queue()
        self._tasks: list[asyncio.Task] = []
        self._threads: list[threading.Thread] = []

    # ---- life ----------------------------------------------------------------------------

    def start(self) -> Publisher:
        self._clusters = self.states.clusters()
        self.states.listen(self)
        if self._own_loop:
            self._spawn(self._loop.run_forever, "publisher loop")
        self._loop.call_soon_threadsafe(self._begin)
        self._spawn(self._run, "publisher")
        return self

    def stop(self) -> None:
        self.states.unlisten(self)
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        with contextlib.suppress(RuntimeError):  # the loop may be closed already
            self._loop.call_soon_threadsafe(self._end)
        for thread in self._threads:
            thread.join(5)

    def clusters(self) -> list[ClusterStatus]:
        """The connection state of every cluster this publisher serves."""
        return [self._status_of(cluster) for cluster in self._clusters]

    def _spawn(self, target: Any, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _begin(self) -> None:
        self._tasks = [asyncio.ensure_future(self._send_forever())]
        self._tasks += [asyncio.ensure_future(self._listen(c)) for c in self._clusters]

    def _end(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self._own_loop:
            self._loop.call_later(0.05, self._loop.stop)

    # ---- the loop side: requests in, layer calls out --------------------------------------

    async def _listen(self, cluster: str) -> None:
        channel = publisher_channel(cluster)
        while True:
            try:
                message = await self.layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("reading %s failed; retrying", channel)
                await asyncio.sleep(1)
                continue
            with self._cond:
                self._requests.append(message)
                self._cond.notify()

    async def _send_forever(self) -> None:
        while True:
            method, target, message = await self._outgoing.get()
            try:
                await getattr(self.layer, method)(target, message)
            except ChannelFull:
                log.info("dropped a %s for %s: its channel is full", message["type"], target)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("channel layer %s to %s failed", method, target)

    def _post(self, method: str, target: str, message: dict[str, Any]) -> None:
        if self._outgoing.qsize() >= MAX_OUTGOING and message["type"] == "view.delta":
            log.warning("channel layer behind: dropped a delta for %s", target)
            return
        with contextlib.suppress(RuntimeError):  # the loop is closed: we are stopping
            self._loop.call_soon_threadsafe(self._outgoing.put_nowait, (method, target, message))

    # ---- the store's side: changes in (explorer.state.store.Listener) ---------------------

    def changed(self, cluster: str, changes: list[Change]) -> None:
        wanted = self._kinds.get(cluster, frozenset())
        kinds = {change.kind for change in changes} & wanted
        if kinds:
            self._mark(cluster, kinds, [c for c in changes if c.kind in wanted])

    def node_facts_put(self, cluster: str, node: str) -> None:
        if NODE_FACTS_KIND in self._kinds.get(cluster, frozenset()):
            self._mark(cluster, {NODE_FACTS_KIND})

    def status_changed(self, cluster: str, kind: str, status: str, reason: str) -> None:
        # At once, on the writer's thread: not after the build the publisher's thread may be in
        # (the overview over 165,000 pods, seconds, right after their list went in).
        if self._send_status(cluster) == LIVE and self.warm and cluster not in self._warmed:
            self._warmed.add(cluster)
            self._warm(cluster)
        self._mark(cluster, {_STATUS}, [])

    def _send_status(self, cluster: str) -> str:
        """The cluster's connection state to its status group, when it changed. Worked out and
        sent under one lock, so that of two threads the later state always goes last."""
        with self._status_lock:
            status = self._status_of(cluster)
            if status != self._statuses.get(cluster):
                self._statuses[cluster] = status
                message = {"type": "cluster.status", **status}
                self._post("group_send", status_group(cluster), message)
            return status["state"]

    def _warm(self, cluster: str) -> None:
        """Build the pages a user opens first (`warm`) once the cluster is live, before anyone
        asks: at 165,000 pods their first builds take seconds, which the first tab would wait
        for. Kept as any publication is: for WANT_LEASE unless a tab wants it."""
        with self._cond:
            for view, params in self.warm:
                want = {"type": "publisher.want", "view": view, "params": {"cluster": cluster}}
                self._requests.append({**want, "params": {"cluster": cluster, **params}})
            self._cond.notify()

    def _mark(self, cluster: str, kinds: set[str], changes: list[Change] | None = None) -> None:
        """`changes`: what made `kinds` dirty; None when not known (views are then built)."""
        with self._cond:
            self._dirty.setdefault(cluster, _Pending()).add(kinds, changes)
            now = time.monotonic()
            at = max(now, self._not_before.get(cluster, now))
            if at < self._due.get(cluster, float("inf")):  # sooner than a paced publication's turn
                self._due[cluster] = at
                self._cond.notify()

    # ---- the publisher thread ------------------------------------------------------------

    def _run(self) -> None:
        next_sweep = time.monotonic() + WANT_LEASE / 10
        while True:
            with self._cond:
                requests, due = self._wait()
                if self._stopping:
                    return
            for request in requests:
                self._answer(request)
            for cluster, pending in due.items():
                self._flush(cluster, pending)
                self._rest(cluster)
            if time.monotonic() >= next_sweep:
                self._forget_unwanted()
                next_sweep = time.monotonic() + WANT_LEASE / 10

    def _wait(self) -> tuple[list[dict[str, Any]], dict[str, _Pending]]:
        """Under the lock: wait for requests or a due flush; take them."""
        while not self._stopping:
            now = time.monotonic()
            if self._requests or any(at <= now for at in self._due.values()):
                break
            timeout = min(self._due.values()) - now if self._due else WANT_LEASE / 10
            self._cond.wait(timeout)
        now = time.monotonic()
        requests, self._requests = self._requests, []
        due = {}
        for cluster in [c for c, at in self._due.items() if at <= now]:
            del self._due[cluster]
            self._not_before[cluster] = now + self.window
            due[cluster] = self._dirty.pop(cluster, None) or _Pending()
        return requests, due

    def _rest(self, cluster: str) -> None:
        """After a flush, leave the watcher a turn: building shuts it out of the state, and
        building again at once, when builds outlast the window, would let events pile up."""
        with self._cond:
            turn = time.monotonic() + min(WATCHER_TURN, self.window)
            self._not_before[cluster] = max(self._not_before[cluster], turn)
            if cluster in self._due:
                self._due[cluster] = max(self._due[cluster], turn)

    def _answer(self, request: dict[str, Any]) -> None:
        if request.get("type") == NODE_FACTS_MESSAGE:
            facts: NodeFacts = request["facts"]
            self.states.put_node_facts(str(request.get("cluster")), facts)
            return
        reply = request.get("reply") if request.get("type") == "publisher.full" else None
        try:
            view = get_view(request.get("view"))  # type: ignore[arg-type]
            params = params_of(view, request.get("params"))
        except ViewError as error:
            if reply:
                self._post("send", reply, {"type": "view.error", "message": str(error)})
            return
        group = view_group(view.name, params)
        publication = self._publications.get(group) or self._publish(view, params, group)
        if publication is None:
            if reply:
                message = f"cluster {params['cluster']!r} is not watched here"
                self._post(
                    "send", reply, {"type": "view.error", "group": group, "message": message}
                )
            return
        publication.wanted_at = time.monotonic()
        if reply:
            try:
                model_json = publication.model_json()
            except TypeError:  # a view made something JSON cannot say: a bug, not a crash
                log.exception("view %s made a model JSON cannot hold", view.name)
                self._post(
                    "send",
                    reply,
                    {"type": "view.error", "group": group, "message": "the view failed"},
                )
                return
            full = {"type": "view.full", "group": group, "model_json": model_json}
            self._post("send", reply, {**full, "version": publication.version})
            status = self._statuses.get(publication.cluster) or self._status_of(publication.cluster)
            self._post("send", reply, {"type": "cluster.status", **status})

    def _publish(self, view: View, params: dict[str, str], group: str) -> _Publication | None:
        if params["cluster"] not in self._clusters:
            return None
        cluster = params["cluster"]
        # Listen for its kinds before building, so no change falls between the build and them.
        self._kinds[cluster] = self._kinds.get(cluster, frozenset()) | view.kinds
        memo = view.memo()
        model = self._build(view, params, memo)
        if model is None:
            return None
        publication = _Publication(view, params, group, memo, model)
        self._publications[group] = publication
        self._index_kinds()
        return publication

    def _build(self, view: View, params: dict[str, str], memo: Any) -> dict[str, Any] | None:
        try:
            with self.states.read(params["cluster"]) as state:
                return view.build(state, params, memo)
        except Exception:
            log.exception("view %s failed for %s", view.name, params)
            return None

    def _update(self, publication: _Publication, pending: _Pending) -> dict[str, Any] | None:
        """The publication's model after `pending`: updated when its view can, else built."""
        view = publication.view
        if view.update is not None and not pending.blind & view.kinds:
            changes = [c for c in pending.changes if c.kind in view.kinds]
            try:
                with self.states.read(publication.cluster) as state:
                    model = view.update(state, publication.params, publication.memo, changes)
            except Exception:
                log.exception("view %s failed to update for %s", view.name, publication.params)
                model = None
            if model is not None:
                return model
        return self._build(view, publication.params, publication.memo)

    def _flush(self, cluster: str, pending: _Pending) -> None:
        kinds = pending.kinds
        if _STATUS in kinds:
            self._send_status(cluster)
        started = time.monotonic()
        ours = [p for p in self._publications.values() if p.cluster == cluster]
        for publication in ours:
            if _STATUS in kinds or _concerned(publication, pending):
                if publication.waiting is None:
                    publication.waiting, publication.stale_since = _Pending(), started
                publication.waiting.merge(pending, publication.view)
        stale = [p for p in ours if p.waiting is not None]
        quick, refreshed, slow_done = self.window / 10, False, False
        while stale:
            now = time.monotonic()
            ready = [p for p in stale if now >= self._turn_of(p)]
            if refreshed and now - started >= self.window:
                # the rest wait for the next flush, after the watcher's turn; but one slow
                # refresh a flush at least, so that quick ones never starve them
                ready = [] if slow_done else [p for p in ready if p.cost > quick]
            if not ready:
                break
            publication = min(ready, key=lambda p: (p.cost > quick, -p.ratio(now)))
            stale.remove(publication)
            slow_done = slow_done or publication.cost > quick
            changes, publication.waiting = publication.waiting, None
            cpu = time.thread_time()
            self._refresh(publication, changes)  # type: ignore[arg-type]
            refreshed, end, cpu = True, time.monotonic(), time.thread_time() - cpu
            # what the refresh cost this thread (not waits for the lock or for other threads),
            # at most twice the last: one slow turn (a garbage collection) does not make a cheap
            # view costly
            publication.cost = min(cpu, 2 * publication.cost) if publication.cost else cpu
            if publication.cost > COSTLY:
                publication.not_before = end + PACE * publication.cost
                share = publication.cost * (1 / COSTLY_SHARE - 1)
                self._costly_after[cluster] = end + share
        if stale:
            self._later(cluster, min(self._turn_of(p) for p in stale))

    def _turn_of(self, publication: _Publication) -> float:
        """When `publication` may be refreshed at the earliest: a costly one waits for its pace
        and for the cluster's share of costly refreshes."""
        if publication.cost <= COSTLY:
            return 0.0
        return max(publication.not_before, self._costly_after.get(publication.cluster, 0.0))

    def _refresh(self, publication: _Publication, pending: _Pending) -> None:
        """Bring one publication up to date; send the delta to its group."""
        model = self._update(publication, pending)
        if model is None:
            return
        ops = diff(publication.model, model)
        if not ops:
            return
        try:
            ops_json = orjson.dumps(ops)
        except TypeError:  # a view made something JSON cannot say: a bug, not a crash
            log.exception("view %s made a model JSON cannot hold", publication.view.name)
            return
        publication.model, publication.encoded = model, None
        publication.version += 1
        delta = {"type": "view.delta", "group": publication.group, "ops_json": ops_json}
        self._post("group_send", publication.group, {**delta, "version": publication.version})

    def _later(self, cluster: str, at: float) -> None:
        """A flush of `cluster` by `at` (a paced publication's turn), within the coalescing."""
        with self._cond:
            at = max(at, self._not_before.get(cluster, at))
            self._due[cluster] = min(self._due.get(cluster, at), at)

    def _status_of(self, cluster: str) -> ClusterStatus:
        return status_of(self.states, cluster)

    def _forget_unwanted(self) -> None:
        limit = time.monotonic() - WANT_LEASE
        for group in [g for g, p in self._publications.items() if p.wanted_at < limit]:
            del self._publications[group]
        self._index_kinds()

    def _index_kinds(self) -> None:
        kinds: dict[str, set[str]] = {}
        for publication in self._publications.values():
            kinds.setdefault(publication.cluster, set()).update(publication.view.kinds)
        self._kinds = {cluster: frozenset(k) for cluster, k in kinds.items()}
