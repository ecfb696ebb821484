"""`manage.py analyze etcd …` run in this process (Django's call_command): the command's own
code, arguments, stdin, output and exit status, without a Python start-up for every case —
tests/etcd/test_analyze_etcd.py runs it once as a real subprocess too."""

from __future__ import annotations

import io
import subprocess
import sys

from django.core.management import CommandError, call_command


def analyze(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin or b""))
    try:
        call_command("analyze", "etcd", *args, stdout=out, stderr=err)
        returncode = 0
    except CommandError as error:
        err.write(f"{error}\n")
        returncode = error.returncode
    finally:
        sys.stdin = saved
    return subprocess.CompletedProcess(
        ["analyze", "etcd", *args], returncode, out.getvalue().encode(), err.getvalue().encode()
    )
