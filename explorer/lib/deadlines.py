"""Deadlines: keys each due at a moment, and which of them are due by now.

Setting a key again moves its moment (the earlier one is forgotten); finding the due keys costs
a look at the earliest moment when none is due.
"""

from __future__ import annotations

import heapq
import itertools
from typing import Any, Generic, TypeVar

K = TypeVar("K")


class Deadlines(Generic[K]):
    def __init__(self) -> None:
        self._due_at: dict[K, Any] = {}
        self._heap: list[tuple[Any, int, K]] = []
        self._order = itertools.count()  # ties never compare the keys

    def set(self, key: K, moment: Any) -> None:
        self._due_at[key] = moment
        heapq.heappush(self._heap, (moment, next(self._order), key))

    def discard(self, key: K) -> None:
        self._due_at.pop(key, None)

    def __len__(self) -> int:
        return len(self._due_at)

    def due(self, now: Any) -> list[K]:
        """The keys due at or before `now`, earliest first; they are forgotten."""
        found = []
        while self._heap and self._heap[0][0] <= now:
            moment, _, key = heapq.heappop(self._heap)
            if key in self._due_at and self._due_at[key] == moment:
                del self._due_at[key]
                found.append(key)
        return found
