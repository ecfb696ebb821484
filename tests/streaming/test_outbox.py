from __future__ import annotations

from explorer.streaming.outbox import Outbox


def delta(sub: str, version: int) -> tuple[tuple[str, ...], dict]:
    return ("delta", sub, str(version)), {"type": "delta", "id": sub, "version": version}


def test_no_more_than_the_window_is_sent_before_an_ack() -> None:
    box = Outbox(window=2, capacity=10)
    for v in range(5):
        box.put(*delta("s1", v))
    assert [m["seq"] for m in box.take()] == [1, 2]
    assert box.take() == []
    box.ack(1)
    assert [m["version"] for m in box.take()] == [2]


def test_overflowing_deltas_are_dropped_and_their_subscription_is_owed_a_full() -> None:
    box = Outbox(window=1, capacity=3)
    box.take()
    owed: set[str] = set()
    for v in range(10):
        owed |= box.put(*delta("s1", v))
        box.put(("status", "demo"), {"type": "status", "n": v})
        assert len(box) <= 4
    assert owed == {"s1"}
    assert [m["n"] for m in box.take() if m["type"] == "status"] == [9]


def test_a_full_model_replaces_the_deltas_waiting_for_its_subscription() -> None:
    box = Outbox(window=10, capacity=10)
    box.sent = box.window  # nothing may go out yet
    box.put(*delta("s1", 1))
    box.put(*delta("s2", 1))
    box.put(("full", "s1"), {"type": "full", "id": "s1"})
    box.ack(box.sent)
    assert [(m["type"], m["id"]) for m in box.take()] == [("delta", "s2"), ("full", "s1")]


def test_an_ack_for_a_message_never_sent_is_ignored() -> None:
    box = Outbox(window=1, capacity=10)
    box.put(*delta("s1", 1))
    box.put(*delta("s1", 2))
    box.take()
    box.ack(99)
    assert box.take() == []
