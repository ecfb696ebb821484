"""What one browser tab is owed, sent at the pace it reads.

A websocket server cannot tell whether a browser keeps up (daphne buffers whatever it is given),
so the browser acknowledges what it has handled: every message carries `seq` and the page answers
`{"type": "ack", "seq": N}`. At most `window` messages are ever unacknowledged; the rest wait
here. What waits is bounded: status and progress messages replace their older selves, a full
model replaces the deltas of its subscription, and when more than `capacity` deltas pile up they
are all dropped — their subscriptions are owed a fresh full model instead (`put` says which).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

Slot = tuple[str, ...]  # ("delta", sub id, version) | ("full", sub id) | ("status", cluster) | ...
WINDOW = 8
CAPACITY = 64


class Outbox:
    def __init__(self, window: int = WINDOW, capacity: int = CAPACITY) -> None:
        self.window = window
        self.capacity = capacity
        self.sent = 0  # seq of the last message handed out
        self.acked = 0
        self._waiting: OrderedDict[Slot, dict[str, Any]] = OrderedDict()
        self._deltas = 0

    def __len__(self) -> int:
        return len(self._waiting)

    def put(self, slot: Slot, message: dict[str, Any]) -> set[str]:
        """Queue `message`; a later message for the same slot replaces it in place. Returns
        the subscriptions whose deltas were dropped to keep within capacity (owed a full)."""
        if slot[0] == "full":
            self.forget(slot[1])
        if slot not in self._waiting and slot[0] == "delta":
            self._deltas += 1
        self._waiting[slot] = message
        return self._overflow() if self._deltas > self.capacity else set()

    def waiting(self, slot: Slot) -> dict[str, Any] | None:
        """The message queued for `slot` and not yet sent, if any."""
        return self._waiting.get(slot)

    def forget(self, sub: str) -> None:
        """Drop what waits for one subscription (it was unsubscribed, or is owed a full)."""
        for slot in [s for s in self._waiting if s[0] in ("delta", "full") and s[1] == sub]:
            self._remove(slot)

    def ack(self, seq: int) -> None:
        if self.acked < seq <= self.sent:
            self.acked = seq

    def take(self) -> list[dict[str, Any]]:
        """The messages to send now, each stamped with its `seq`."""
        ready = []
        while self._waiting and self.sent - self.acked < self.window:
            slot, message = next(iter(self._waiting.items()))
            self._remove(slot)
            self.sent += 1
            ready.append({**message, "seq": self.sent})
        return ready

    def _overflow(self) -> set[str]:
        dropped = {slot[1] for slot in self._waiting if slot[0] == "delta"}
        for sub in dropped:
            self.forget(sub)
        return dropped

    def _remove(self, slot: Slot) -> None:
        del self._waiting[slot]
        if slot[0] == "delta":
            self._deltas -= 1
