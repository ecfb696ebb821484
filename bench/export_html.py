"""Benchmark: a 10,000-pod snapshot's one-file export opened in Chromium from file://, against the
same export carrying Plotly's full strict bundle (what the app served before the partial one).

Builds the demo at N nodes x M pods in this process, exports it (`export_html`, the default
level of detail), and opens the file --repeat times in headless Chromium with every request that
is not the file blocked, alternating with the peer: a copy whose inline Plotly is the full
strict bundle (plotly.js-strict-dist-min 3.7.0, read from git history) and whose CSP allows it
by its hash. Times are from navigation start to the overview drawn (#overview[data-drawn]) and
to the workload hierarchy drawn; medians, and the ratios export/peer (goal: the overview under
5 s). Usage:
  python bench/export_html.py [--nodes 52] [--pods-per-node 200] [--repeat 3]
"""

from __future__ import annotations

import base64
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _harness import ROOT, arguments, machine

from teamkit.browser import CHROMIUM, CHROMIUM_ARGS

STRICT_BUNDLE = "b289c6b^:static/vendor/plotly-strict.min.js"  # the last commit that held it
PARTIAL_BUNDLE = ROOT / "static" / "vendor" / "plotly-explorer.min.js"
PAGES = {"overview": ("#/", "#overview"), "hierarchy": ("#/workloads/", "#hierarchy")}


def sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def with_strict_bundle(html: str) -> str:
    """The same export with Plotly's full strict bundle inline in place of the partial one."""
    strict = subprocess.run(
        ["git", "show", STRICT_BUNDLE], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    partial = PARTIAL_BUNDLE.read_text(encoding="utf-8")
    assert f"<script>{partial}</script>" in html
    html = html.replace(f"<script>{partial}</script>", f"<script>{strict}</script>")
    assert sha256(partial) in html  # in the CSP (its quotes HTML-escaped)
    return html.replace(sha256(partial), sha256(strict))


def open_times(browser, path: Path) -> dict[str, float]:
    """Seconds from navigation start to each page's figure drawn, in a fresh context."""
    times = {}
    for name, (route, figure) in PAGES.items():
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
        )
        page = context.new_page()
        page.goto(path.as_uri() + route, wait_until="commit")
        page.wait_for_selector(f"{figure}[data-drawn]", timeout=120_000)
        times[name] = page.evaluate("() => performance.now()") / 1000
        context.close()
    return times


def main() -> None:
    args = arguments(__doc__.split("\n")[0], nodes=52, pods_per_node=200, repeat=3)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "explorer.settings")
    import django

    django.setup()
    from playwright.sync_api import sync_playwright

    from explorer.demo import build_demo
    from explorer.snapshots.export_html import export_html

    state = build_demo(args.nodes, args.pods_per_node)
    taken_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    about = {
        "title": "bench",
        "cluster": "demo",
        "taken_at": taken_at,
        "notes_html": "",
        "pins": [],
    }
    start = time.perf_counter()
    html = export_html(state, {**about, "pins": []}).decode()  # type: ignore[arg-type]
    built = time.perf_counter() - start
    print(f"machine: {machine()}")
    print(f"demo: {state.count('Node')} nodes, {state.count('Pod'):,} pods")
    with tempfile.TemporaryDirectory() as scratch:
        export, peer = Path(scratch) / "export.html", Path(scratch) / "strict.html"
        export.write_text(html, encoding="utf-8")
        peer.write_text(with_strict_bundle(html), encoding="utf-8")
        print(f"export: built in {built:.2f} s, {export.stat().st_size / 1e6:.2f} MB")
        print(f"peer (strict bundle): {peer.stat().st_size / 1e6:.2f} MB")
        runs: dict[str, list[dict[str, float]]] = {"export": [], "peer": []}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            open_times(browser, export)  # a first start of Chromium's own caches, not counted
            for _ in range(args.repeat):
                runs["export"].append(open_times(browser, export))
                runs["peer"].append(open_times(browser, peer))
            browser.close()
    for name in PAGES:
        mine = statistics.median(run[name] for run in runs["export"])
        theirs = statistics.median(run[name] for run in runs["peer"])
        goal = " (goal < 5 s)" if name == "overview" else ""
        print(
            f"{name} drawn: export {mine:.2f} s{goal}, peer {theirs:.2f} s, "
            f"ratio {mine / theirs:.2f}"
        )


if __name__ == "__main__":
    main()
