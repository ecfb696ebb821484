"""Failed logins slow down the next ones, never lock anyone out.

Each failure is counted under three keys: the client address, the (username, address) pair and
the username alone. Past a few free failures each key asks the next attempt to wait 2, 4, 8 …
seconds after its last failure, up to a cap; an attempt that comes sooner is answered 429 without
its password being checked. The address and pair caps are long (15 minutes: one address guessing
is stopped); the username's is short (10 seconds), so that failures from anywhere — someone
else's guessing — can delay the owner of an account only by seconds. A success clears its pair.
Counts live in Django's cache (Redis when REDIS_URL is set, so every web process shares them)
and are forgotten an hour after the last failure. One-time login links count the address alone.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache

FORGET_AFTER = 3600
_RULES = {  # key kind -> (free failures, longest wait in seconds)
    "address": (5, 900),
    "pair": (3, 900),
    "user": (10, 10),
}


def _now() -> float:
    return time.time()


def _keys(username: str | None, address: str) -> dict[str, str]:
    def key(kind: str, value: str) -> str:
        return f"login-failures:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"

    keys = {"address": key("address", address)}
    if username is not None:
        name = username.strip().lower()
        keys["pair"] = key("pair", f"{name}\0{address}")
        keys["user"] = key("user", name)
    return keys


def wait_seconds(username: str | None, address: str) -> int:
    """How long the next attempt must wait (0: it may go ahead)."""
    keys = _keys(username, address)
    held = cache.get_many(list(keys.values()))
    now = _now()
    wait = 0.0
    for kind, key in keys.items():
        count, last = held.get(key, (0, 0.0))
        free, longest = _RULES[kind]
        if count >= free:
            delay = min(longest, 2 ** (count - free + 1))
            wait = max(wait, last + delay - now)
    return int(wait + 0.999) if wait > 0 else 0


def failed(username: str | None, address: str) -> None:
    keys = _keys(username, address)
    held = cache.get_many(list(keys.values()))
    now = _now()
    counted = {key: (held.get(key, (0, 0.0))[0] + 1, now) for key in keys.values()}
    cache.set_many(counted, FORGET_AFTER)


def succeeded(username: str, address: str) -> None:
    cache.delete(_keys(username, address)["pair"])
