"""The pod page's "Why Pending, node by node" and "Why not that node?" in Chromium over the real
app and the demo, with a screenshot of the Pending GPU pod's page."""

from __future__ import annotations

from .app import HOSTILE


def _trainer(demo) -> str:
    return next(
        p["metadata"]["name"]
        for p in demo.store.state.list("Pod", "shop")
        if p["metadata"]["name"].startswith("trainer-") and not p["spec"].get("nodeName")
    )


def test_the_pending_gpu_pod_shows_each_node_s_verdict_per_plugin_and_the_scheduler_agreeing(
    logged_in_page, demo, artifacts
):
    page = logged_in_page
    page.goto(f"/pods/shop/{_trainer(demo)}")
    section = page.locator("#pod-sched")
    section.locator("table.verdicts tbody tr").first.wait_for()
    ours = page.locator("#pod-sched-ours").inner_text()
    theirs = page.locator("#pod-sched-theirs").inner_text()
    assert ours == theirs and ours.startswith(
        "0/3 nodes are available: 1 Insufficient nvidia.com/gpu"
    )
    assert page.locator("#pod-sched-agree").inner_text() == "They agree, byte for byte."
    # the demo's control plane records kube-scheduler's --config file: once a collection has
    # brought it the weights are its profile's, until then the defaults, with why
    words = page.locator("#pod-sched-profile").inner_text()
    assert words.startswith(
        "Weights from the scheduler's configuration read on node demo-control-plane at "
    ) or words.startswith("Default weights: the scheduler's configuration was not read because ")
    worker = section.locator("tr[data-node='demo-worker']")
    assert "rejected by NodeResourcesFit" in worker.inner_text()
    assert "Insufficient nvidia.com/gpu" in worker.inner_text()
    gpu = section.locator("tr[data-node='demo-gpu-worker']").locator("td").all_inner_texts()
    assert gpu[2:6] == [
        "pass",
        "pass",
        "node(s) had untolerated taint {nvidia.com/gpu: present}",
        "",
    ]
    # a pod not yet scheduled has no bar of how long each step took, and no stray "null" for it
    page.locator("#pod-started table tbody tr").first.wait_for()
    assert "null" not in page.locator("#pod-started").inner_text()
    page.wait_for_timeout(200)
    section.screenshot(path=artifacts / "pod-pending-node-by-node.png")
    page.screenshot(path=artifacts / "pod-pending-scheduling.png", full_page=True)
    assert page.problems.exceptions == [], page.problems.exceptions


def test_why_not_that_node_answers_for_a_running_pod_and_keeps_names_as_text(
    logged_in_page, demo, artifacts
):
    page = logged_in_page
    page.goto("/pods/shop/db-0")
    select = page.locator("#why-not-node")
    select.locator("option[value='demo-gpu-worker']").wait_for(state="attached")
    select.select_option("demo-gpu-worker")
    verdict = page.locator("#why-not-verdict")
    verdict.wait_for()
    assert verdict.inner_text() == (
        "Not demo-gpu-worker: TaintToleration rejects it: "
        "node(s) had untolerated taint {nvidia.com/gpu: present}."
    )
    assert page.locator("#pod-sched").is_hidden()  # a running pod has no pending table
    page.locator("#pod-why-not").screenshot(path=artifacts / "pod-why-not-node.png")
    home = demo.store.state.get("Pod", "shop", "db-0")["spec"]["nodeName"]
    select.select_option(home)
    page.locator("#why-not-scores table.scores tbody tr").first.wait_for()
    assert page.locator("#why-not-verdict").inner_text().startswith(f"It fits on {home}")
    page.locator("#pod-why-not").screenshot(path=artifacts / "pod-why-not-home-scores.png")
    assert HOSTILE not in page.content() or page.locator("img[src=x]").count() == 0
    assert page.problems.exceptions == [] and page.problems.dialogs == []


def test_a_pending_pod_of_high_priority_shows_the_pods_a_preemption_would_evict(
    logged_in_page, artifacts
):
    page = logged_in_page
    page.goto("/pods/default/train-llm")
    row = page.locator("#pod-sched-preemption tr[data-node='demo-gpu-worker']")
    row.wait_for()
    cells = row.locator("td").all_inner_texts()
    assert cells[:4] == ["demo-gpu-worker", "nominated", "default/notebook-0 (priority 0)",
                         "default/notebook"]  # fmt: skip
    assert (
        page.locator("#pod-preempt-headline")
        .inner_text()
        .startswith(
            "A preemption could make room on 1 node: the scheduler would nominate demo-gpu-worker"
        )
    )
    words = page.locator("#pod-priority-words").inner_text()
    assert "It has priority 100000 from PriorityClass research-high." in words
    page.wait_for_timeout(200)
    page.locator("#pod-sched").screenshot(path=artifacts / "pod-pending-preemption.png")
    page.locator("#pod-priority").screenshot(path=artifacts / "pod-priority.png")
    assert page.problems.exceptions == [], page.problems.exceptions


def test_a_gated_pod_s_page_says_it_is_gated(logged_in_page, artifacts):
    page = logged_in_page
    page.goto("/pods/default/import-batch")
    stuck = page.locator("#pod-stuck [data-concern='gated']")
    stuck.wait_for()
    assert (
        stuck.locator(".why-headline")
        .inner_text()
        .startswith(
            "It is gated: the scheduler does not try it until its scheduling gate "
            "example.com/wait-for-dataset is removed"
        )
    )
    assert "Scheduling is blocked due to non-empty scheduling gates" in stuck.inner_text()
    page.wait_for_timeout(200)
    page.locator("#pod-stuck").screenshot(path=artifacts / "pod-gated.png")
    assert page.problems.exceptions == [], page.problems.exceptions
