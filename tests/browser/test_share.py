"""A share link in Chromium, against the real app watching the demo cluster under a canary name:
staff make the link on the snapshot page; the viewer's browser follows every link its pages draw
(after their scripts ran), and no response and no websocket frame carries the live cluster's
name, another snapshot's title or cluster, or a user's name; revoking closes the viewer's
websocket and the next page answers 410."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .app import LiveApp, start_app
from .conftest import PageProblems

TAG = secrets.token_hex(5)
LIVE, CREATOR, STAFF = f"live-canary-{TAG}", f"creator-canary-{TAG}", f"staff-canary-{TAG}"
STAFF_PASSWORD = secrets.token_urlsafe(12)
OTHER_TITLE, OTHER_CLUSTER = f"title-canary-{TAG}", f"cluster-canary-{TAG}"
CANARIES = {
    "live cluster": LIVE,
    "other snapshot's title": OTHER_TITLE,
    "other snapshot's cluster": OTHER_CLUSTER,
    "snapshot creator": CREATOR,
    "staff user": STAFF,  # makes the links (not the app's admin: Plotly draws "js-plotly-tester")
}
SHARED_TITLE = "Checkout outage at 03:12"
# Pages of each kind the crawl opens at most (a demo has dozens of pods and objects).
PER_ROUTE = {"pod": 3, "node": 2, "object": 8}
MAX_PAGES = 45

# Run in the app's own environment (its database, its snapshot directory).
MAKE_SNAPSHOTS = f"""
from datetime import UTC, datetime, timedelta
from django.contrib.auth import get_user_model
from explorer.demo import build_demo
from explorer.snapshots import store
users = get_user_model().objects
creator = users.create_user({CREATOR!r}, password="not-used-{TAG}")
staff = users.create_user({STAFF!r}, password={STAFF_PASSWORD!r}, is_staff=True)
taken = datetime.now(UTC) - timedelta(hours=1)
shared = store.keep(build_demo(cluster="incident-east", seed=1), title={SHARED_TITLE!r},
                    taken_at=taken, creator=creator, notes="Look at **checkout**.")
store.keep(build_demo(cluster={OTHER_CLUSTER!r}, seed=2), title={OTHER_TITLE!r}, taken_at=taken,
           creator=staff, imported=True)
print("SHARED", shared.id)
"""


def _canary_kubeconfig(demo, directory) -> str:
    """The demo's kubeconfig with its context (the live cluster's name) renamed."""
    text = demo.kubeconfig.read_text()
    text = text.replace("current-context: demo", f"current-context: {LIVE}")
    text = text.replace("- name: demo\n  context:", f"- name: {LIVE}\n  context:")
    path = directory / "kubeconfig"
    path.write_text(text)
    path.chmod(0o600)
    return path


@pytest.fixture(scope="module")
def share_app(demo, tmp_path_factory, artifacts) -> Iterator[tuple[LiveApp, str]]:
    """The app, watching the demo as the canary cluster, with a snapshot to share (its id)."""
    workdir = tmp_path_factory.mktemp("share-app")
    app = start_app(workdir, _canary_kubeconfig(demo, workdir), artifacts / "share-app.log")
    try:
        out = app.manage("shell", "-c", MAKE_SNAPSHOTS)
        yield app, re.search(r"SHARED (\S+)", out).group(1)
    finally:
        app.stop()


@pytest.fixture
def staff_page(browser, share_app):
    app, _ = share_app
    context = browser.new_context(base_url=app.url)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto("/login/")
    page.fill("#id_username", STAFF)
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    yield page
    context.close()


def make_share_link(staff_page, snapshot_id: str, allow_download: bool = False) -> str:
    staff_page.goto(f"/snapshots/{snapshot_id}")
    staff_page.fill("input[name=days]", "2")
    if allow_download:
        staff_page.check("input[name=allow_download]")
    staff_page.click("text=Make a share link")
    url = staff_page.locator("#new-share-url").input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/share/[A-Za-z0-9_-]{43,}", url), url
    return url


class Recorder:
    """Every response body and websocket frame a page received."""

    def __init__(self, page) -> None:
        self.bodies: list[tuple[str, bytes]] = []
        self.frames: list[str] = []
        self.sockets: list = []
        page.on("response", self._response)
        page.on("websocket", self._websocket)

    def _response(self, response) -> None:
        try:
            self.bodies.append((response.url, response.body()))
        except Exception:  # a redirect, or a body the page navigated away from
            self.bodies.append((response.url, b""))

    def _websocket(self, socket) -> None:
        self.sockets.append(socket)
        socket.on("framereceived", lambda payload: self.frames.append(str(payload)))

    def leaks(self, extra: list[str]) -> list[str]:
        found = []
        for what, canary in CANARIES.items():
            for url, body in self.bodies:
                if canary.encode() in body and "/static/" not in url:  # the same for everyone
                    found.append(f"{what} in {url}")
            found += [f"{what} in a websocket frame" for f in self.frames if canary in f]
            found += [f"{what} in a page: {_around(t, canary)}" for t in extra if canary in t]
        return found


def _around(text: str, canary: str) -> str:
    at = text.find(canary)
    return "" if at < 0 else f"…{text[max(0, at - 120) : at + 60]}…"


def _route(path: str) -> str:
    first = path.strip("/").split("/")[0]
    return {"pods": "pod", "nodes": "node", "objects": "object"}.get(first, path)


def test_a_share_session_in_chromium_reaches_only_its_snapshot(
    browser, share_app, staff_page, artifacts
):
    app, snapshot_id = share_app
    link = make_share_link(staff_page, snapshot_id)
    context = browser.new_context(base_url=app.url, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        problems = PageProblems(page)
        recorder = Recorder(page)
        page.goto(link)
        assert page.url == f"{app.url}/?cluster=snapshot:{snapshot_id}"
        expect(page.locator(".frozen-banner")).to_contain_text(SHARED_TITLE)
        page.wait_for_selector("#overview .main-svg")
        page.screenshot(path=artifacts / "share-overview.png", full_page=True)
        drawn, visited, per_route = [], [], {}
        queue = [page.url]
        while queue and len(visited) < MAX_PAGES:
            url = queue.pop(0)
            route = _route(urlsplit(url).path)
            if url in visited or per_route.get(route, 0) >= PER_ROUTE.get(route, 2):
                continue
            visited.append(url)
            per_route[route] = per_route.get(route, 0) + 1
            response = page.goto(url)
            assert response.status == 200, (url, response.status)
            page.wait_for_timeout(1200)  # the page's views come over the websocket and draw
            drawn.append(page.content())
            hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
            queue += [h.split("#")[0] for h in hrefs if h.startswith(app.url + "/")]
        routes = set(per_route)
        assert {"pod", "node", "object", "/", "/workloads/", "/events/"} <= routes, routes
        assert recorder.leaks(drawn) == []
        refused = [f for f in recorder.frames if "its own snapshot only" in f or "no logs" in f]
        assert refused == [], refused[:3]
        assert problems.exceptions == [] and problems.dialogs == [], problems.exceptions
        # the pod page shows no log follow for a snapshot
        pod = next(u for u in visited if _route(urlsplit(u).path) == "pod")
        page.goto(pod)
        expect(page.locator("#pod-log-frozen")).to_be_visible()
        assert page.locator("#log-follow").count() == 0
        # other URLs, asked directly, answer 404 and name nothing
        for path in ["/snapshots/", f"/?cluster={LIVE}", "/network/paste"]:
            response = page.goto(path)
            assert response.status == 404, path
        assert recorder.leaks([page.content()]) == []
    finally:
        context.close()


def test_revoking_a_link_closes_the_viewers_websocket_and_ends_the_session(
    browser, share_app, staff_page
):
    app, snapshot_id = share_app
    link = make_share_link(staff_page, snapshot_id)
    context = browser.new_context(base_url=app.url)
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        closed = []
        page.on("websocket", lambda socket: socket.on("close", lambda s: closed.append(s.url)))
        page.goto(link)
        page.wait_for_selector("#overview .main-svg")
        assert closed == []
        staff_page.goto(f"/snapshots/{snapshot_id}")
        row = staff_page.locator("tr[data-share-link]").filter(has_text="open").first
        expect(row.locator("[data-share-openings]")).to_have_attribute("data-share-openings", "1")
        row.locator("text=Revoke").click()
        deadline = 50
        while not closed and deadline:
            page.wait_for_timeout(100)
            deadline -= 1
        assert closed, "the viewer's websocket stayed open"
        response = page.goto("/workloads/")
        assert response.status == 410
        expect(page.locator("h1")).to_have_text("This share link opens nothing")
    finally:
        context.close()


def test_a_link_that_allows_downloads_offers_the_bundle(browser, share_app, staff_page):
    app, snapshot_id = share_app
    link = make_share_link(staff_page, snapshot_id, allow_download=True)
    context = browser.new_context(base_url=app.url, accept_downloads=True)
    try:
        page = context.new_page()
        page.goto(link)
        with page.expect_download() as download:
            page.click("text=Download the bundle")
        assert download.value.suggested_filename.endswith(f"-{snapshot_id}.cxb.zst")
    finally:
        context.close()
