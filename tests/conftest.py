"""Shared test fixtures. Keep additions here small and independent of one another."""

from __future__ import annotations

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
