"""A publisher's request channel takes the burst of a crowd: 200 tabs opened together renew
their subscriptions together, and the channel's 100 places were full before the publisher read
them, losing the full models asked for in the same burst (bench/load_mixed.py: tabs told "no
watcher answers" after waiting 10 s)."""

from __future__ import annotations

from typing import Any

from explorer.streaming.names import publisher_channel


async def test_a_thousand_requests_at_once_wait_in_the_publishers_channel(layer: Any) -> None:
    channel = publisher_channel("demo")
    for n in range(1000):
        await layer.send(channel, {"type": "publisher.want", "n": n})
    received = [await layer.receive(channel) for _ in range(1000)]
    assert sorted(m["n"] for m in received) == list(range(1000))
