"""The browser harness of tests/browser (Debian Chromium, the real app over the demo cluster),
with the app's downloads in a directory of this package's own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.app import LiveApp, start_app
from tests.browser.conftest import (  # noqa: F401  (fixtures, used by name)
    CHROMIUM,
    artifacts,
    browser,
    context,
    demo,
    logged_in_page,
    page,
)


@pytest.fixture(scope="package")
def live_app(demo, tmp_path_factory, artifacts) -> Iterator[LiveApp]:  # noqa: F811
    import os

    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing (scripts/test-deps installs it)")
    workdir = tmp_path_factory.mktemp("jobs-app")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("EXPLORER_DOWNLOAD_DIR", str(workdir / "downloads"))
        app = start_app(workdir, demo.kubeconfig, artifacts / "jobs-app.log")
    yield app
    app.stop()
