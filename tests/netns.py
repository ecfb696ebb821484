"""Network namespaces for tests that need a real kernel's iptables or nftables (root).

`needs_netns(*tools)` is the marks such a test carries: it skips, with the reason, when not root
or when a tool is missing (never in CI, where scripts/test-deps installs them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

# Debian's default iptables is the nft backend; the legacy one is what older nodes run.
IPTABLES_BACKENDS = [
    pytest.param(
        variant,
        marks=pytest.mark.skipif(
            shutil.which(f"iptables{variant}-restore") is None,
            reason=f"iptables{variant}-restore not installed",
        ),
    )
    for variant in ("", "-legacy")
]


def needs_netns(*tools: str) -> list[pytest.MarkDecorator]:
    wanted = ("ip", *tools)
    return [
        pytest.mark.root,
        pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root"),
        pytest.mark.skipif(
            not all(shutil.which(tool) for tool in wanted),
            reason=f"one of {', '.join(wanted)} is missing (scripts/test-deps installs them)",
        ),
    ]


@contextmanager
def network_namespace(prefix: str = "explorer-test") -> Iterator[str]:
    """A fresh network namespace, always deleted afterwards."""
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    subprocess.run(["ip", "netns", "add", name], check=True, timeout=30)
    try:
        yield name
    finally:
        subprocess.run(["ip", "netns", "delete", name], check=False, timeout=30)


def run_in(netns: str, *argv: str, stdin: str | None = None, timeout: float = 120) -> str:
    """Run argv inside the namespace; its stdout, or the test fails with its stderr."""
    done = subprocess.run(
        ["ip", "netns", "exec", netns, *argv],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        pytest.fail(f"{' '.join(argv)} failed in netns {netns}: {done.stderr.strip()}")
    return done.stdout


def with_netns(*tools: str):
    """`needs_netns` as one decorator, for a single test in a module of other tests."""

    def decorate(test):
        for mark in needs_netns(*tools):
            test = mark(test)
        return test

    return decorate
