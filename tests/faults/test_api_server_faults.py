"""The API server cuts every watch, forgets its history and restarts, with changes made at each
step: the watcher (`manage.py watch`) catches up, and a tab shows what a fresh list holds."""

from __future__ import annotations

from explorer.apiserver import ApiStore
from explorer.demo.readiness_flips import ReadinessFlips
from explorer.runtime.demo_cluster import DemoCluster
from teamkit.processes import wait_until
from teamkit.served import listing, sandwiched
from teamkit.tab import Tab

from ..streaming.test_live import new_pod


class Changes:
    """Pods made, made ready or not, and deleted, through the store, as controllers would."""

    def __init__(self, store: ApiStore) -> None:
        self.store = store
        self.flips = ReadinessFlips(store.state)
        self.made: list[dict] = []

    def __call__(self) -> None:
        pod = new_pod(self.store, f"web-fault-{len(self.made)}")
        self.store.apply({"type": "ADDED", "object": pod})
        self.made.append(pod)
        self.store.apply(self.flips.step())
        if len(self.made) > 1:
            self.store.apply({"type": "DELETED", "object": self.made[-2]})


def test_after_the_api_server_cuts_compacts_and_restarts_the_tab_shows_a_fresh_list(
    demo: DemoCluster, tab: Tab
) -> None:
    store, server = demo.store, demo.server
    change = Changes(store)
    server.drop_watches()
    change()  # while the watches are cut: resumed from the history
    store.compact()
    change()
    server.drop_watches()
    change()  # the history gone: the watches' versions get 410 Gone, and the watcher relists
    server.stop()
    change()  # while the server is down
    store.compact()
    server.start()  # a restart: same port, history forgotten
    change()

    def shows_a_fresh_list() -> bool:
        fresh = listing(server.url, "demo")
        return sandwiched(tab.model(), fresh, fresh)

    wait_until(shows_a_fresh_list, 30, "the tab showing what a fresh list holds", interval=0.2)
    assert f"pod/shop/web-fault-{len(change.made) - 1}" in tab.model()["sectors"]
