"""The networking pages in Chromium over the real app and the churning demo: the facts are
collected with the page's own "Collect now", then each page draws from them."""

from __future__ import annotations

import itertools

import pytest

from explorer.collectors.iptables import parse, service_ports

from .app import HOSTILE

NODE = "demo-worker"
FIGURE = "#service-chain [data-figure]"
DRAWN = """selector => {
  const element = document.querySelector(selector);
  return element && element.dataset.drawn && element.dataset.drawn !== 'empty';
}"""
SANKEY_LABELS = """() => Array.from(document.querySelectorAll('#service-chain .sankey-node text'))
  .map(t => t.textContent)"""


def _collected(page, fresh: bool = False) -> None:
    """Press "Collect now" (unless the app already holds rules and `fresh` is not asked for),
    and wait for the collection to finish."""
    page.wait_for_selector(".network-notes p", timeout=15_000)
    if fresh or "has been collected" in page.locator(".network-notes").text_content():
        page.click("#collect-job [data-job-start]")
        page.wait_for_function(
            "() => document.querySelector('#collect-job [data-job-progress]').dataset.state"
            " === 'done'",
            timeout=60_000,
        )


def test_service_chain_page_draws_the_web_service_to_its_three_pods(logged_in_page, artifacts):
    page = logged_in_page
    page.goto(f"/network/service-chain?node={NODE}&service=shop/web")
    _collected(page, fresh=True)  # rules as of now: the churn replaces pods
    page.wait_for_function(DRAWN, arg=FIGURE, timeout=30_000)
    labels = [box["text"] for box in _settled(page, "#service-chain .sankey-node text")]
    pods = [label for label in labels if label.startswith("web-")]
    endpoints = [label for label in labels if label.startswith("→ ")]
    # 3 replicas; a rolling update the churn started may add its new pods for a while
    # each endpoint is drawn with its pod as it was when the rules were taken (under churn it
    # may be gone since), never without one
    assert len(pods) == len(endpoints) and len(pods) in (3, 4, 5, 6)
    assert all(pod.startswith("web-") for pod in pods)
    assert any(label.startswith("ClusterIP ") for label in labels)
    assert any(label.startswith("KUBE-SVC-") for label in labels)
    assert "taken" in page.locator(".network-notes").text_content()
    page.screenshot(path=artifacts / "network-service-chain.png", full_page=True)
    assert page.problems.exceptions == [], page.problems.exceptions


def test_a_jump_link_in_the_chain_browser_moves_to_the_chain(logged_in_page, artifacts):
    page = logged_in_page
    page.goto(f"/network/chains?node={NODE}")
    _collected(page)
    page.wait_for_function(DRAWN, arg="#chain-browser", timeout=30_000)
    target = "#chain-nat_2FKUBE-SERVICES"
    link = page.locator('a.jump[data-anchor="nat/KUBE-SERVICES"]').first
    link.click()
    page.wait_for_function(
        "selector => document.querySelector(selector).classList.contains('target')", arg=target
    )
    assert page.locator(target).get_attribute("open") is not None
    top = page.evaluate(f"() => document.querySelector('{target}').getBoundingClientRect().top")
    assert -5 <= top < 200  # scrolled to the top of the window (sub-pixel rounding aside)
    assert page.evaluate("() => window.location.hash") == target
    page.screenshot(path=artifacts / "network-chain-browser.png")
    page.fill("[data-chain-filter]", "shop/web:http")
    page.wait_for_function(
        "() => document.querySelector('[data-filter-status]').textContent.includes('match')"
    )
    shown = page.locator("details.chain:not([hidden]) summary strong").all_text_contents()
    assert "KUBE-SERVICES" in shown and "PREROUTING" not in shown
    page.screenshot(path=artifacts / "network-chain-browser-filtered.png")


def test_dns_trace_ends_at_the_service_and_links_to_its_chain(logged_in_page, artifacts):
    page = logged_in_page
    page.goto("/network/dns?name=api")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('select[name=pod] option'))"
        ".some(o => o.value.startsWith('shop/web-'))"
    )
    pod = page.evaluate(
        "() => Array.from(document.querySelectorAll('select[name=pod] option'))"
        ".map(o => o.value).find(v => v.startsWith('shop/web-'))"
    )
    page.select_option("select[name=pod]", pod)
    page.click("form.controls button[type=submit]")
    page.wait_for_function(DRAWN, arg="#dns-trace", timeout=30_000)
    rows = [
        row.locator("td").all_text_contents() for row in page.locator("table.steps tbody tr").all()
    ]
    assert rows[0][1] == "api.shop.svc.cluster.local."
    assert rows[0][3] == "A" and rows[0][5].startswith("NOERROR: A ")
    page.screenshot(path=artifacts / "network-dns-trace.png", full_page=True)
    page.click("a[data-next=service-chain]")
    page.wait_for_url("**/network/service-chain?**service=shop%2Fapi**")
    page.wait_for_function(DRAWN, arg=FIGURE, timeout=30_000)


def test_corefile_page_shows_the_order_a_query_passes(logged_in_page, artifacts):
    page = logged_in_page
    page.goto("/network/corefile")
    page.wait_for_function(DRAWN, arg="#corefile", timeout=30_000)
    plugins = page.locator(".plugin-chain .plugin").all_text_contents()
    assert plugins.index("cache") < plugins.index("kubernetes") < plugins.index("forward")
    assert page.locator(".plugin-chain .order-note").count() >= 1
    page.screenshot(path=artifacts / "network-corefile.png", full_page=True)


def _hostile_dump(demo) -> str:
    text = demo.store.state.node_facts[NODE]["iptables-save"]
    rule = (
        f'-A KUBE-SERVICES -d 10.96.178.167/32 -p tcp -m comment --comment "{HOSTILE}" '
        "-m tcp --dport 81 -j KUBE-SVC-67NZLRHBNDSAWJRO"
    )
    return text.replace("-A KUBE-SERVICES ", rule + "\n-A KUBE-SERVICES ", 1)


def test_pasted_rules_are_drawn_and_hostile_comments_run_nothing(logged_in_page, artifacts, demo):
    page = logged_in_page
    page.goto("/network/paste")
    dump = _hostile_dump(demo)
    web = next(p for p in service_ports(parse(dump)) if p.name == "shop/web:http")
    page.fill("#paste-text", dump)
    page.click("form.paste button[type=submit]")
    page.wait_for_function(DRAWN, arg=FIGURE, timeout=30_000)
    page.select_option("select[data-service-filter]", "shop/web")
    page.wait_for_function(
        "() => { const labels = Array.from("
        "document.querySelectorAll('#service-chain .sankey-node text'), t => t.textContent);"
        " return labels.length && labels.every(t => !t.startsWith('ClusterIP 10.96.0.10')); }"
    )
    labels = page.evaluate(SANKEY_LABELS)
    drawn = sorted(label for label in labels if label.startswith("→ "))
    assert drawn == sorted(f"→ {e.address}" for e in web.endpoints) and len(drawn) >= 3
    page.locator("#service-chain").screenshot(path=artifacts / "network-pasted-sankey.png")
    page.fill("[data-chain-filter]", "onerror")
    page.wait_for_function(
        "() => document.querySelector('[data-filter-status]').textContent.includes('match')"
    )
    assert HOSTILE in page.locator("#chain-browser").text_content()
    page.screenshot(path=artifacts / "network-pasted-chains-filtered.png")
    assert page.locator("img[src='x']").count() == 0
    assert page.problems.dialogs == []
    assert "/network/pasted/" in page.url  # the address bar holds the permalink
    page.reload()  # which draws the same analysis again
    page.wait_for_function(DRAWN, arg=FIGURE, timeout=30_000)
    assert page.problems.dialogs == []


def test_packet_trace_from_a_node_to_the_web_service_ends_at_its_pods(
    logged_in_page, artifacts, demo
):
    page = logged_in_page
    page.goto(f"/network/service-chain?node={NODE}&service=shop/web")
    _collected(page, fresh=True)  # rules as of now: the churn replaces pods
    cluster_ip = demo.store.state.get("Service", "shop", "web")["spec"]["clusterIP"]
    page.goto(f"/network/packet-trace?source=node:{NODE}&destination={cluster_ip}:80/tcp")
    page.wait_for_function(DRAWN, arg="#packet-trace", timeout=30_000)
    ends = page.locator("ul.ends li").all_text_contents()
    # rules taken at collection: under churn an endpoint's pod may have gone since
    assert len(ends) >= 3 and all(": DNAT " in end and ":8080" in end for end in ends)
    assert any(" → pod shop/web-" in end for end in ends)
    shares = [float(end.split("%")[0]) for end in ends]
    assert sum(shares) == pytest.approx(100, abs=0.5)
    assert page.locator("table.steps tr.matched").count() >= 3
    steps = page.locator("table.steps").first.text_content()
    assert "% of new connections)" in steps and "(probability 0." not in steps  # not 0.6666…
    page.screenshot(path=artifacts / "network-packet-trace.png", full_page=True)


def test_drift_and_proxy_mode_pages_show_every_node(logged_in_page, artifacts, demo):
    page = logged_in_page
    page.goto("/network/drift")
    page.wait_for_function(DRAWN, arg="#drift", timeout=30_000)
    nodes = {n["metadata"]["name"] for n in demo.store.state.list("Node", "")}
    shown = set(page.locator(".drift-node").evaluate_all("els => els.map(e => e.dataset.node)"))
    assert shown == nodes
    page.screenshot(path=artifacts / "network-drift.png", full_page=True)
    page.goto("/network/proxy-mode")
    page.wait_for_function(DRAWN, arg="#proxy-mode", timeout=30_000)
    modes = page.locator("#proxy-mode td.mode").all_text_contents()
    assert len(modes) == len(nodes) and set(modes) == {"iptables"}
    page.screenshot(path=artifacts / "network-proxy-mode.png", full_page=True)


TEXT_BOXES = """selector => Array.from(document.querySelectorAll(selector))
  .filter(t => t.textContent.trim())
  .map(t => { const r = t.getBoundingClientRect();
              return {text: t.textContent, left: r.left, right: r.right, top: r.top,
                      bottom: r.bottom}; })"""


def _settled(page, selector: str) -> list[dict]:
    """The text boxes once they stay put for a second (Plotly moves boxes when the churn changes
    the model)."""
    before = page.evaluate(TEXT_BOXES, selector)
    for _ in range(20):
        page.wait_for_timeout(1000)
        now = page.evaluate(TEXT_BOXES, selector)
        if now == before:
            return now
        before = now
    raise AssertionError("the figure never stood still for a second")


def _overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    return [
        (a["text"], b["text"])
        for a, b in itertools.combinations(boxes, 2)
        if a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    ]


def _columns(boxes: list[dict], *prefixes: str) -> int:
    """How many columns (left edges more than 2 px apart) the labels with these prefixes make."""
    lefts = sorted(box["left"] for box in boxes if box["text"].startswith(prefixes))
    return 1 + sum(1 for a, b in itertools.pairwise(lefts) if b - a > 2) if lefts else 0


def test_the_every_service_sankey_has_column_headers_and_no_label_overlaps_another(
    logged_in_page, artifacts
):
    page = logged_in_page
    page.goto(f"/network/service-chain?node={NODE}&service=*")
    _collected(page, fresh=True)  # rules as of now: their addresses still have their pods
    page.wait_for_function(DRAWN, arg=FIGURE, timeout=30_000)
    labels = _settled(page, "#service-chain .sankey-node text")
    headers = page.evaluate(TEXT_BOXES, "#service-chain .annotation-text")
    page.screenshot(path=artifacts / "network-service-chain-every.png", full_page=True)
    assert [h["text"] for h in headers][:2] == ["Service port", "way in"]
    assert {"KUBE-SVC/KUBE-SVL", "KUBE-SEP", "endpoint", "pod", "node"} <= {
        h["text"] for h in headers
    }
    assert len(labels) >= 40  # every Service of the demo: dozens of boxes
    assert _overlapping(labels + headers) == []
    # one x per column: a Service without endpoints stops beside the others' KUBE-SVC chains
    assert _columns(labels, "KUBE-SEP-") == _columns(labels, "→ ") == 1
    assert _columns(labels, "no endpoints", "KUBE-SVC-", "KUBE-SVL-") == 1
    figure = page.locator(FIGURE).bounding_box()  # all of it in sight: no scrolling, no clipping
    outside = [
        box
        for box in labels + headers
        if not (
            figure["x"] <= box["left"] <= box["right"] <= figure["x"] + figure["width"]
            and figure["y"] <= box["top"] <= box["bottom"] <= figure["y"] + figure["height"]
        )
    ]
    assert outside == [], (figure, outside)
    assert page.problems.exceptions == [], page.problems.exceptions


def test_a_headless_service_is_explained_once_instead_of_drawn(logged_in_page, artifacts):
    page = logged_in_page
    page.goto(f"/network/service-chain?node={NODE}&service=shop/db")
    _collected(page)
    placeholder = page.locator(f"{FIGURE} p.placeholder")
    placeholder.filter(has_text="headless").wait_for(timeout=30_000)
    text = page.locator("#service-chain").inner_text()  # the intro says what one is, in general
    assert text.count("headless Service") == 1
    assert "DNS answers db.shop.svc with the pod IPs" in text
    assert "No rules for Service" not in text
    page.locator("#service-chain").screenshot(path=artifacts / "network-service-chain-headless.png")
