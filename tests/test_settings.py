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
        (
            "EXPLORER_ETCD_AGENT_TIMEOUT",
            "0",
            "EXPLORER_ETCD_AGENT_TIMEOUT=0: expected a number in [1, 600]",
        ),
        (
            "EXPLORER_ETCD_ENDPOINTS",
            "etcd:2379",
            "EXPLORER_ETCD_ENDPOINTS: 'etcd:2379' is not like",
        ),
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
        EXPLORER_NODE_ACCESS="exec, nodes-proxy, etcd-agent, etcd-exec",
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"EXPLORER_ETCD_CA_FILE": "/nonexistent/ca.crt"},
            "EXPLORER_ETCD_CA_FILE: '/nonexistent/ca.crt' is not a readable file",
        ),
        ({"EXPLORER_ETCD_TIMEOUT": "0"}, "EXPLORER_ETCD_TIMEOUT=0: expected a number in [1, 300]"),
        ({"EXPLORER_ETCD_PREFIX": "registry"}, "EXPLORER_ETCD_PREFIX: 'registry': expected a key"),
        (
            {"EXPLORER_ETCD_CERT_FILE": __file__},
            "EXPLORER_ETCD_KEY_FILE: a client certificate needs both its cert and key file",
        ),
    ],
)
def test_a_bad_etcd_setting_stops_start_up_with_one_line_naming_it(env, message):
    result = _check(EXPLORER_ETCD_ENDPOINTS="https://10.0.0.10:2379", **env)
    assert result.returncode != 0
    assert result.stderr.strip().startswith(f"settings: {message}")
    assert len(result.stderr.strip().splitlines()) == 1


def test_etcd_settings_pass_the_check_and_are_unused_without_endpoints():
    certificate = __file__  # any readable file: the check is that it is there
    good = _check(
        EXPLORER_ETCD_ENDPOINTS="https://10.0.0.10:2379, https://10.0.0.11:2379",
        EXPLORER_ETCD_CA_FILE=certificate,
        EXPLORER_ETCD_CERT_FILE=certificate,
        EXPLORER_ETCD_KEY_FILE=certificate,
        EXPLORER_ETCD_TIMEOUT="10",
        EXPLORER_ETCD_PREFIX="/kubernetes.io",
    )
    unused = _check(EXPLORER_ETCD_PREFIX="not checked without endpoints")
    assert good.returncode == 0, good.stderr
    assert unused.returncode == 0, unused.stderr
