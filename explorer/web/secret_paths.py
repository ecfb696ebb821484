"""Paths that carry a secret — a one-time login link's token, a share link's token: what logs
write instead of it. The access log (explorer/runtime/web_server.py) and every log record that
goes to the console (`WithoutSecrets`, e.g. django.request's "Gone: /login/once/…") use it."""

from __future__ import annotations

import logging
import re

_SECRET_SEGMENT = re.compile(r"^(/login/once/|/share/)[^/?#]+")


def without_secrets(path: str) -> str:
    return _SECRET_SEGMENT.sub(r"\1[token]", path)


class WithoutSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                without_secrets(a) if isinstance(a, str) else a for a in record.args
            )
        if isinstance(record.msg, str):
            record.msg = without_secrets(record.msg)
        return True
