"""The write rate per resource from a live watch of the prefix: each event counted by the
resource its key names, over the last WINDOW seconds, and the model the page's bar chart is drawn
from (labels escaped for Plotly, plain beside them). The watch itself runs elsewhere
(explorer/streaming/etcd_rates.py); this is pure bookkeeping, the time given by the caller."""

from __future__ import annotations

from collections import Counter, deque
from typing import TypedDict

from explorer.etcd.keys import KeyFormError, parse_key

from ..plotly_text import plotly_text

WINDOW = 60  # seconds counted
SHOWN = 25  # resources in the chart, the busiest


class ResourceRate(TypedDict):
    resource: str  # plain, for the DOM
    label: str  # escaped, for Plotly
    puts: int  # in the window
    deletes: int
    per_minute: float


class RateModel(TypedDict):
    window: int
    watching_for: int  # seconds since the watch started (the window is not full before WINDOW)
    events: int
    revision: int
    resources: list[ResourceRate]
    problem: str  # "" while the watch runs


class WriteTally:
    def __init__(self, prefix: str, started: float, window: int = WINDOW) -> None:
        self.prefix = prefix
        self.started = started
        self.window = window
        self.revision = 0
        self.problem = ""
        # one entry a second: (second, Counter of (resource, put|delete))
        self._seconds: deque[tuple[int, Counter[tuple[str, str]]]] = deque()

    def add(self, key: str, kind: str, revision: int, now: float) -> None:
        second = int(now)
        if self._seconds and second < self._seconds[-1][0]:
            second = self._seconds[-1][0]  # a clock stepped back: counted with the latest
        if not self._seconds or self._seconds[-1][0] != second:
            self._seconds.append((second, Counter()))
        self._seconds[-1][1][(resource_of(key, self.prefix), kind)] += 1
        self.revision = max(self.revision, revision)
        self._forget(now)

    def model(self, now: float) -> RateModel:
        self._forget(now)
        total: Counter[tuple[str, str]] = Counter()
        for _, counts in self._seconds:
            total.update(counts)
        resources = sorted({resource for resource, _ in total})
        span = max(1.0, min(self.window, now - self.started))
        rows = [
            ResourceRate(
                resource=resource,
                label=plotly_text(resource),
                puts=total[(resource, "put")],
                deletes=total[(resource, "delete")],
                per_minute=round(
                    60 * (total[(resource, "put")] + total[(resource, "delete")]) / span, 2
                ),
            )
            for resource in resources
        ]
        rows.sort(key=lambda row: (-row["per_minute"], row["resource"]))
        return RateModel(
            window=self.window,
            watching_for=int(now - self.started),
            events=sum(total.values()),
            revision=self.revision,
            resources=rows[:SHOWN],
            problem=self.problem,
        )

    def _forget(self, now: float) -> None:
        oldest = int(now) - self.window
        while self._seconds and self._seconds[0][0] <= oldest:
            self._seconds.popleft()


def resource_of(key: str, prefix: str) -> str:
    try:
        parts = parse_key(key, prefix)
    except KeyFormError:
        return "(outside the prefix)"
    if not parts.known:
        return parts.segment or "(unknown form)"
    return f"{parts.resource}.{parts.group}" if parts.group else parts.resource
