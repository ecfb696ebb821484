"""`etcdctl` exec'd in the demo's etcd pod (component=etcd), answered by running the real
`etcdctl` (Debian's etcd-client) against the demo's own etcd — read-only: only the read
subcommands READS run, the pod's connection flags (its endpoint and TLS files, which exist on
no disk here) replaced by the demo etcd's loopback URL. Anything else fails as etcdctl fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass

ETCDCTL = "etcdctl"
TIMEOUT = 15.0
MAX_OUTPUT = 64 * 1024 * 1024
# the pod's own connection flags: replaced by the demo etcd's URL
_CONNECTION = ("--endpoints=", "--cacert=", "--cert=", "--key=", "--insecure-")
_OUTPUT = ("-w", "json")
READS = (("get",), ("endpoint", "status"), ("member", "list"), ("lease", "list"))
READS_WITH_ARGUMENT = (("lease", "timetolive"),)


@dataclass(frozen=True)
class EtcdctlRan:
    stdout: str
    stderr: str
    exit_code: int


def is_read(args: list[str]) -> bool:
    words = tuple(args[:2])
    if words[:1] == ("get",):
        return True
    if words in READS:
        return len(args) == 2
    return words in READS_WITH_ARGUMENT and len(args) >= 3


def run_etcdctl(endpoint: str, argv: list[str]) -> EtcdctlRan:
    """`argv` (etcdctl's own, from the exec) run against `endpoint` if it reads."""
    args = [a for a in argv[1:] if not a.startswith(_CONNECTION)]
    timeouts = [a for a in args if a.startswith("--command-timeout=")]
    args = [a for a in args if a not in timeouts]
    if args[:2] == list(_OUTPUT):
        args = args[2:]
    if not is_read(args):
        said = " ".join(args[:2])
        return EtcdctlRan("", f"Error: this API server runs only etcdctl reads, not {said!r}\n", 1)
    binary = shutil.which(ETCDCTL)
    if binary is None:
        return EtcdctlRan("", "Error: etcdctl is not installed (Debian's etcd-client)\n", 127)
    try:
        done = subprocess.run(
            [binary, f"--endpoints={endpoint}", *timeouts, *_OUTPUT, *args],
            capture_output=True,
            timeout=TIMEOUT,
            env={**os.environ, "ETCDCTL_API": "3"},
            check=False,
        )
    except subprocess.TimeoutExpired:
        return EtcdctlRan("", "Error: context deadline exceeded\n", 1)
    return EtcdctlRan(
        done.stdout[:MAX_OUTPUT].decode(errors="replace"),
        done.stderr[-64 * 1024 :].decode(errors="replace"),
        done.returncode,
    )
