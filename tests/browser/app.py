"""The real app for browser tests: the demo cluster behind the project's API server (in this
process, so tests can add objects and stop/start the server), and the web app in a subprocess
serving it through daphne, with its own SQLite database."""

from __future__ import annotations

import copy
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

from explorer.runtime.demo_cluster import DemoCluster

from ..processes import MANAGE, REPO, free_port, manage

USERNAME, PASSWORD = "tester", secrets.token_urlsafe(12)
HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_LINK = '<a href="https://example.invalid/">a link in a figure</a>'  # Plotly draws <a>
PROBE_POD = "xss-probe"
HOSTILE_OWNER = "<b>bold</b><script>alert(3)</script>"  # the probe pod's (missing) controller


def add_probe_pod(demo: DemoCluster) -> dict:
    """A running pod whose label value is an HTML injection attempt."""
    template = next(
        p
        for p in demo.store.state.list("Pod")
        if (p.get("status") or {}).get("phase") == "Running" and p["spec"].get("nodeName")
    )
    pod = copy.deepcopy(template)
    meta = pod["metadata"]
    meta.update(name=PROBE_POD, namespace="default", uid=str(uuid.uuid4()))
    meta["labels"] = {"app": PROBE_POD, "note": HOSTILE}
    meta["annotations"] = {"description": HOSTILE}
    for key in ("generateName", "resourceVersion"):
        meta.pop(key, None)
    owner = {
        "kind": "ReplicaSet",
        "name": HOSTILE_OWNER,
        "uid": "no-such-owner",
        "controller": True,
    }
    meta["ownerReferences"] = [{"apiVersion": "apps/v1", **owner}]
    demo.store.apply({"type": "ADDED", "object": pod})
    demo.store.apply({"type": "ADDED", "object": _probe_event(pod)})
    return pod


def _probe_event(pod: dict) -> dict:
    """An Event about the probe pod whose reason (a tick label on the timeline) is a link."""
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {
            "name": f"{PROBE_POD}.probe",
            "namespace": "default",
            "uid": str(uuid.uuid4()),
        },
        "involvedObject": {"kind": "Pod", "namespace": "default", "name": PROBE_POD},
        "reason": HOSTILE_LINK,
        "message": HOSTILE,
        "type": "Warning",
        "count": 1,
        "firstTimestamp": now,
        "lastTimestamp": now,
        "source": {"component": "kubelet"},
    }


def pod_names(demo: DemoCluster) -> set[str]:
    return {p["metadata"]["name"] for p in demo.store.state.list("Pod")}


@dataclass
class LiveApp:
    url: str
    env: dict[str, str]
    process: subprocess.Popen
    log: Path

    def manage(self, *args: str) -> str:
        return manage(self.env, *args, timeout=60)

    def login_link(self) -> str:
        out = self.manage("loginlink", "--user", USERNAME, "--base-url", self.url)
        return out.strip().removeprefix("Login: ")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def app_env(workdir: Path, kubeconfig: Path, port: int) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "DATABASE_URL", "KUBECONFIG", "EXPLORER_DEMO"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="explorer.settings",
        DATABASE_URL=f"sqlite:///{workdir / 'app.sqlite3'}",
        EXPLORER_STATE_DIR=str(workdir / "state"),
        SECRET_KEY=secrets.token_urlsafe(40),
        KUBECONFIG=str(kubeconfig),
        EXPLORER_PORT=str(port),
        EXPLORER_NODE_ACCESS="exec,nodes-proxy",  # the collections read the test's API server
        PYTHONUNBUFFERED="1",
    )
    return env


def start_app(
    workdir: Path, kubeconfig: Path, log: Path, settings: dict[str, str] | None = None
) -> LiveApp:
    """`settings`: environment variables of the app's own, besides the test's."""
    port = free_port()
    env = {**app_env(workdir, kubeconfig, port), **(settings or {})}
    url = f"http://127.0.0.1:{port}"
    run = {"env": env, "cwd": REPO, "check": True, "capture_output": True, "timeout": 120}
    subprocess.run([sys.executable, MANAGE, "migrate", "--noinput"], **run)
    create_user = ["createsuperuser", "--noinput", "--username", USERNAME, "--email", "t@x.invalid"]
    subprocess.run(
        [sys.executable, MANAGE, *create_user],
        **{**run, "env": {**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD}},
    )
    argv = [sys.executable, MANAGE, "serve", "--port", str(port)]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(argv, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    app = LiveApp(url, env, process, log)
    try:
        wait_until_healthy(app)
    except BaseException:
        app.stop()
        raise
    return app


def wait_until_healthy(app: LiveApp, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.process.poll() is not None:
            raise RuntimeError(f"the app exited with {app.process.returncode}:\n{tail(app.log)}")
        try:
            with urllib.request.urlopen(app.url + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the app did not answer /healthz in {timeout} s:\n{tail(app.log)}")


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
