"""The headroom page in Chromium over the real app and the demo: the heatmap drawn with a row
per node and the GPU column, the totals, the history from the flight recorder, and where a pod
of a size fits, with the scheduler's reasons for the nodes that turn it away."""

from __future__ import annotations

from urllib.parse import urlencode


def test_the_headroom_page_draws_the_heatmap_and_answers_where_a_gpu_pod_fits(
    logged_in_page, demo, artifacts
):
    page = logged_in_page
    question = {
        "cpu": "1",
        "memory": "1Gi",
        "extended": "nvidia.com/gpu=1",
        "tolerate": "nvidia.com/gpu",
    }
    page.goto("/scheduling/headroom/?" + urlencode(question))
    figure = page.locator("#headroom-heatmap")
    figure.locator(".hm, .heatmaplayer image, .heatmaplayer").first.wait_for(state="attached")
    nodes = len(list(demo.store.state.list("Node")))
    page.locator(f"#headroom-heatmap[data-drawn='{nodes}']").wait_for()
    ticks = figure.locator(".xtick text").all_text_contents()
    assert ticks[:4] == ["cpu", "memory", "pods", "ephemeral-storage"] and "nvidia.com/gpu" in ticks
    assert "demo-gpu-worker" in figure.locator(".ytick text").all_text_contents()
    totals = page.locator("#headroom-totals tbody tr").first.locator("td").all_inner_texts()
    assert totals[0] == "cpu" and totals[3].endswith("%")
    status = page.locator("#fit-status")
    page.locator("#fit-status", has_text="it fits on").wait_for()
    assert "it fits on" in status.inner_text()
    reasons = page.locator("#fit-answer").inner_text()
    assert "Insufficient nvidia.com/gpu" in reasons or "demo-gpu-worker" in reasons
    assert "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }" in reasons
    page.locator("#headroom-history[data-drawn='1']").wait_for()
    assert (
        page.locator("#headroom-history-status").inner_text().startswith("Requested of allocatable")
    )
    page.wait_for_timeout(300)
    page.screenshot(path=artifacts / "headroom.png", full_page=True)
    assert page.problems.exceptions == [], page.problems.exceptions
    assert page.problems.dialogs == []


def test_a_question_it_cannot_read_is_said_back_as_text(logged_in_page, artifacts):
    page = logged_in_page
    page.goto("/scheduling/headroom/?" + urlencode({"cpu": "<img src=x onerror=alert(1)>"}))
    page.locator("#fit-status.error").wait_for()
    assert page.locator("#fit-status").inner_text() == (
        "cpu: '<img src=x onerror=alert(1)>' is not a quantity"
    )
    assert page.locator("img[src=x]").count() == 0
    assert page.problems.dialogs == []


def test_a_node_page_leads_to_the_headroom_of_its_cluster(logged_in_page):
    page = logged_in_page
    page.goto("/nodes/demo-worker")
    link = page.locator("#node-headroom")
    page.locator("#node-headroom[href^='/scheduling/headroom/']").wait_for()
    link.click()
    page.wait_for_url("**/scheduling/headroom/?cluster=demo")
    page.locator("#headroom-heatmap[data-drawn]").wait_for()
    assert page.problems.exceptions == []
