"""Shared test fixtures. Keep additions here small and independent of one another."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REAL_FIXTURES = REPO / ".." / "shared" / "fixtures" / "real"


@pytest.fixture(scope="session")
def real_fixtures() -> Path:
    """Captured output from real clusters (shared/, beside the repo; in CI beside the clone)."""
    if not REAL_FIXTURES.is_dir():
        pytest.skip(f"real fixtures not found at {REAL_FIXTURES.resolve()}")
    return REAL_FIXTURES.resolve()


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI nothing skips: a skip there means a missing install step, so it fails the run."""
    outcome = yield
    report = outcome.get_result()
    if _in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped in CI, where nothing may skip: {reason}"


@pytest.fixture
def netns():
    """A fresh network namespace for the test, deleted afterwards (see tests/netns.py)."""
    from tests.netns import network_namespace

    with network_namespace() as name:
        yield name


@pytest.fixture(autouse=True)
def _forget_failed_logins():
    """Every test client comes from 127.0.0.1: one test's failed logins must not slow the next
    test's (explorer/web/login_throttle.py keeps them in the process's cache)."""
    yield
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _private_state_dir(settings, tmp_path_factory):
    """What a process keeps (change logs, saved node facts) goes to a directory of the test's."""
    settings.EXPLORER_STATE_DIR = str(tmp_path_factory.mktemp("state"))
