"""The page that starts a long job shows its progress bar, then offers the file (make run's
embedded mode: the job runs in the web process, its progress comes over the page's websocket)."""

from __future__ import annotations

from pathlib import Path

from explorer.snapshots.bundle import decode_bundle


def test_download_a_bundle_shows_a_progress_bar_then_a_link_to_the_file(
    logged_in_page, demo, artifacts: Path
) -> None:
    page = logged_in_page
    problems = page.problems
    before = len(problems.console_errors)  # the login page's own (a missing favicon) are not ours
    form = page.locator("form#bundle-job")
    form.locator("[data-job-start]").click()
    link = form.locator("a[data-job-result]")
    link.wait_for(state="visible")

    bar = form.locator("progress[data-job-progress]")
    assert bar.is_visible()
    assert bar.get_attribute("data-state") == "done"
    assert page.evaluate(
        "() => { const b = document.querySelector('progress[data-job-progress]');"
        " return b.value === b.max && b.max > 1; }"
    )
    assert "objects" in form.locator("[data-job-message]").inner_text()
    page.screenshot(path=artifacts / "bundle-progress-done.png")

    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith("demo-")
    state = decode_bundle(Path(download.value.path()).read_bytes()).state
    assert state.count("Pod") > 0
    assert problems.console_errors[before:] == []
    assert (problems.exceptions, problems.failed_requests, problems.dialogs) == ([], [], [])
