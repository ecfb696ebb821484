"""Settings come from the environment; a bad value stops start-up with one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

MANAGE = Path(__file__).resolve().parents[1] / "manage.py"


def _check(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, str(MANAGE), "check"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("EXPLORER_PORT", "eighty", "EXPLORER_PORT='eighty': expected a whole number"),
        ("EXPLORER_PORT", "70000", "EXPLORER_PORT=70000: expected a number in [1, 65535]"),
        ("EXPLORER_DEMO", "maybe", "EXPLORER_DEMO='maybe': expected one of 1/0"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL: expected a URL starting with redis://"),
        ("DATABASE_URL", "mysql://db/x", "DATABASE_URL: expected a URL starting with sqlite://"),
        ("EXPLORER_SESSION_HOURS", "0", "EXPLORER_SESSION_HOURS=0: expected a number in [1, 2160]"),
        ("EXPLORER_TRUSTED_PROXIES", "proxy", "EXPLORER_TRUSTED_PROXIES: 'proxy' is not an IP"),
        ("EXPLORER_TRUSTED_ORIGINS", "explorer.example.com", "EXPLORER_TRUSTED_ORIGINS: 'explorer"),
        ("EXPLORER_NODE_ACCESS", "exec,ssh", "EXPLORER_NODE_ACCESS: 'ssh' unknown, expected a"),
    ],
)
def test_a_bad_setting_stops_start_up_with_one_line_naming_it(name, value, message):
    result = _check(**{name: value})
    assert result.returncode != 0
    assert result.stderr.strip().startswith(f"settings: {message}")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_good_settings_pass_the_check():
    result = _check(
        EXPLORER_PORT="8123",
        EXPLORER_DEMO="yes",
        REDIS_URL="redis://127.0.0.1:6379/0",
        EXPLORER_NODE_ACCESS="exec, nodes-proxy",
    )
    assert result.returncode == 0, result.stderr
