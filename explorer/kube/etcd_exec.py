"""`etcdctl` through `pods/exec` in the etcd static pod (kubeadm's `etcd-<node>` in kube-system,
labelled component=etcd), with the pod's own TLS files and client URL read from its command —
the opt-in `etcd-exec` way (explorer/lib/choices.py). Argument lists only, `-w json`, every
read bounded in time and in output; only the read subcommands of READS are ever run.

kubeadm's etcd serving pair (--cert-file/--key-file, etcd/server.{crt,key}) is also a client
certificate of etcd's CA, which is how operators run etcdctl in that pod: it is used as the
client pair, with --trusted-ca-file as the CA.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kubernetes.client import ApiClient

from explorer.lib.objects import meta_of, name_of, spec_of, status_of

from .pod_exec import run_in_pod
from .transport import ApiError, get_json

ETCD_NAMESPACE = "kube-system"
ETCD_SELECTOR = "component=etcd"
ETCD_CONTAINER = "etcd"
DEFAULT_ENDPOINT = "https://127.0.0.1:2379"
TIMEOUT = 20.0  # seconds for one etcdctl run, the exec's round trips included
COMMAND_TIMEOUT = "10s"  # etcdctl's own, within it
MAX_OUTPUT = 64 * 1024 * 1024  # characters of one run's output (a page of keys, one value)
# the only subcommands run: each reads
READS = (("get",), ("endpoint", "status"), ("member", "list"), ("lease", "list"))
READS_WITH_ARGUMENT = (("lease", "timetolive"),)


class EtcdctlError(Exception):
    """etcdctl could not be run, or failed; `stderr` is its last line (etcd's own error)."""

    def __init__(self, message: str, stderr: str = "", *, too_large: bool = False) -> None:
        self.stderr = stderr
        self.too_large = too_large  # cut at the output limit: a smaller read may fit
        super().__init__(message)


@dataclass(frozen=True)
class EtcdPod:
    namespace: str
    name: str
    container: str
    endpoint: str  # the client URL etcdctl dials from inside the pod
    ca_file: str | None
    cert_file: str | None
    key_file: str | None

    def argv(self, args: Sequence[str]) -> list[str]:
        """etcdctl with the pod's connection flags, JSON output, and `args` (a read of READS)."""
        if not _is_read(args):
            raise ValueError(f"etcdctl {' '.join(args[:2])} is not a read this explorer runs")
        flags = [f"--endpoints={self.endpoint}", f"--command-timeout={COMMAND_TIMEOUT}"]
        for flag, path in (("cacert", self.ca_file), ("cert", self.cert_file)):
            if path:
                flags.append(f"--{flag}={path}")
        if self.key_file:
            flags.append(f"--key={self.key_file}")
        return ["etcdctl", *flags, "-w", "json", *args]


def etcd_pod(api_client: ApiClient) -> EtcdPod:
    """The running etcd static pod with the first name (EtcdctlError when there is none)."""
    listed = get_json(
        api_client,
        f"/api/v1/namespaces/{ETCD_NAMESPACE}/pods",
        {"labelSelector": ETCD_SELECTOR},
    )
    running = sorted(
        (
            pod
            for pod in listed.get("items") or ()
            if status_of(pod).get("phase") == "Running"
            and not meta_of(pod).get("deletionTimestamp")
        ),
        key=name_of,
    )
    if not running:
        raise EtcdctlError(
            f"no running etcd pod in {ETCD_NAMESPACE} ({ETCD_SELECTOR}): etcd is not a static pod "
            "of this cluster, or the cluster is managed"
        )
    return pod_of(running[0])


def pod_of(pod: dict) -> EtcdPod:
    containers = spec_of(pod).get("containers") or []
    container = next((c for c in containers if c.get("name") == ETCD_CONTAINER), None)
    if container is None and containers:
        container = containers[0]
    if container is None:
        raise EtcdctlError(f"pod {name_of(pod)} has no container")
    flags = _flags([*(container.get("command") or []), *(container.get("args") or [])])
    urls = [u for u in flags.get("listen-client-urls", "").split(",") if u]
    endpoint = next((u for u in urls if "127.0.0.1" in u or "localhost" in u), None)
    return EtcdPod(
        namespace=str(meta_of(pod).get("namespace") or ETCD_NAMESPACE),
        name=name_of(pod),
        container=str(container.get("name") or ""),
        endpoint=endpoint or (urls[0] if urls else DEFAULT_ENDPOINT),
        ca_file=flags.get("trusted-ca-file"),
        cert_file=flags.get("cert-file"),
        key_file=flags.get("key-file"),
    )


def run_etcdctl(
    api_client: ApiClient,
    pod: EtcdPod,
    args: Sequence[str],
    *,
    timeout: float = TIMEOUT,
    max_output: int = MAX_OUTPUT,
) -> str:
    """etcdctl's JSON output; EtcdctlError when it fails (ApiError when exec is refused)."""
    argv = pod.argv(args)
    try:
        result = run_in_pod(
            api_client, pod.namespace, pod.name, argv, pod.container, timeout, max_output
        )
    except ApiError as error:
        if error.reason in ("TooLarge", "Timeout"):
            too_large = error.reason == "TooLarge"
            message = f"etcdctl in {pod.name}: {error.message}"
            raise EtcdctlError(message, too_large=too_large) from None
        raise
    if not result.ok:
        last = _last_line(result.stderr) or result.message
        raise EtcdctlError(f"etcdctl in {pod.name}: {last[:300]}", last)
    return result.stdout


def _is_read(args: Sequence[str]) -> bool:
    words = tuple(args[:2])
    if words[:1] == ("get",):
        return True
    if words in READS:
        return len(args) == 2
    return words in READS_WITH_ARGUMENT and len(args) >= 3


def _flags(argv: list[str]) -> dict[str, str]:
    """--name=value flags of a command line (etcd's own are always written so by kubeadm)."""
    found: dict[str, str] = {}
    for item in argv:
        if isinstance(item, str) and item.startswith("--") and "=" in item:
            name, value = item[2:].split("=", 1)
            found[name] = value
    return found


def _last_line(text: str) -> str:
    """etcdctl ends with `Error: <etcd's error>` after its JSON log lines."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error:")]
    return (errors or lines or [""])[-1]
