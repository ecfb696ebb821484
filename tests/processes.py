"""What tests need to run the app's own processes: a free port, `manage.py` with an environment."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import IO

from teamkit.processes import free_port

__all__ = ["MANAGE", "REPO", "free_port", "manage"]

REPO = Path(__file__).resolve().parents[1]
MANAGE = str(REPO / "manage.py")


def manage(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    """Run `manage.py ARGS` in the repository with `env`; its standard output."""
    done = subprocess.run(
        [sys.executable, MANAGE, *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    return done.stdout


def serve_api(*args: str, stderr: IO | int = subprocess.PIPE) -> tuple[subprocess.Popen, str]:
    """`manage.py apiserver --port 0 ARGS` (the project's API server, a port of its choosing):
    the process and its URL, once it says where it listens."""
    process = subprocess.Popen(
        [sys.executable, MANAGE, "apiserver", "--port", "0", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    line = process.stdout.readline()  # type: ignore[union-attr]
    url = next((word for word in line.split() if word.startswith("http://")), "")
    return process, url.rstrip(")")
