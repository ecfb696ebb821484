from __future__ import annotations

from explorer.lib.choices import BACKOFF, ERROR, LISTING, NOT_VISIBLE, WATCHING
from explorer.streaming.cluster_status import summarise


def test_every_kind_watching_or_not_visible_is_live() -> None:
    status = summarise("demo", {"Pod": (WATCHING, ""), "Secret": (NOT_VISIBLE, "forbidden")}, {})
    assert (status["state"], status["reason"]) == ("live", "")


def test_a_kind_backing_off_makes_the_cluster_reconnecting_with_its_reason() -> None:
    kinds = {"Pod": (BACKOFF, "connection refused (retrying in 1.6s)"), "Node": (WATCHING, "")}
    status = summarise("demo", kinds, {})
    assert status["state"] == "reconnecting"
    assert status["reason"] == "Pod: connection refused (retrying in 1.6s)"


def test_an_error_outranks_backing_off_and_listing() -> None:
    kinds = {"Pod": (BACKOFF, "x"), "Node": (ERROR, "401 Unauthorized"), "Lease": (LISTING, "")}
    assert summarise("demo", kinds, {})["state"] == "error"


def test_nothing_reported_yet_is_connecting() -> None:
    assert summarise("demo", {}, {"Secret": "forbidden"}) == {
        "cluster": "demo",
        "state": "connecting",
        "reason": "waiting for the first list",
        "not_visible": {"Secret": "forbidden"},
    }
