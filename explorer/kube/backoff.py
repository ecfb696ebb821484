"""Exponential back-off with jitter, as client-go's reflector uses between failed attempts."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    """0.8 s, 1.6 s, 3.2 s, … capped at 30 s, each delay jittered by up to +`jitter`.

    `reset()` after a success so the next failure starts from `initial` again.
    """

    initial: float = 0.8
    cap: float = 30.0
    factor: float = 2.0
    jitter: float = 0.5  # fraction of the delay added at random, spreading reconnect storms
    _next: float = field(default=0.0, init=False)
    _rng: random.Random = field(default_factory=random.Random, init=False, repr=False)

    def next_delay(self) -> float:
        base = self._next or self.initial
        self._next = min(base * self.factor, self.cap)
        return min(base * (1 + self.jitter * self._rng.random()), self.cap)

    def reset(self) -> None:
        self._next = 0.0
