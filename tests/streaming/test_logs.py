"""Logs followed over a tab's websocket: slots are freed as soon as a log ends, and following
the same log again replaces the follow instead of taking another slot."""

from __future__ import annotations

from typing import Any

import pytest

from explorer.streaming.consumers import MAX_LOGS

from .tabs import Tab

pytestmark = pytest.mark.django_db(transaction=True)

DB = {"cluster": "demo", "namespace": "shop", "pod": "db-0", "container": "postgres"}


def _lines_for(log_id: str):
    return lambda m: m["type"] == "log" and m["id"] == log_id and m["lines"]


def _limit_error(m: dict[str, Any]) -> bool:
    return m["type"] == "error" and "at most" in m["message"]


async def test_following_the_same_log_again_takes_no_new_slot(runtime, tab: Tab) -> None:
    for n in range(MAX_LOGS + 4):
        await tab.send({"type": "logs", "id": f"l{n}", **DB, "tail": 5})
        await tab.until(_lines_for(f"l{n}"))
    assert not any(_limit_error(m) for m in tab.received)


async def test_an_ended_log_frees_its_slot_at_once(runtime, tab: Tab) -> None:
    for n in range(MAX_LOGS):  # each ends at once: the API knows no such pod
        missing = {**DB, "pod": f"gone-{n}"}
        await tab.send({"type": "logs", "id": f"gone{n}", **missing})
        ended = await tab.until(lambda m, n=n: m["type"] == "log" and m["id"] == f"gone{n}")
        assert ended["end"] is True
    await tab.send({"type": "logs", "id": "db", **DB, "tail": 5})
    await tab.until(_lines_for("db"))
    assert not any(_limit_error(m) for m in tab.received)


async def test_a_tab_follows_at_most_max_logs_different_logs(runtime, store, tab: Tab) -> None:
    running = [p for p in store.state.list("Pod") if p["status"].get("phase") == "Running"]
    assert len(running) > MAX_LOGS
    for n, pod in enumerate(running[:MAX_LOGS]):
        meta, container = pod["metadata"], pod["spec"]["containers"][0]["name"]
        target = {"namespace": meta["namespace"], "pod": meta["name"], "container": container}
        await tab.send({"type": "logs", "id": f"l{n}", **DB, **target, "tail": 1})
        await tab.until(lambda m, n=n: m["type"] == "log" and m["id"] == f"l{n}")
    await tab.send({"type": "logs", "id": "one-too-many", **DB})
    error = await tab.until(lambda m: m["type"] == "error" and m["id"] == "one-too-many")
    assert error["message"] == f"at most {MAX_LOGS} logs followed per page"
