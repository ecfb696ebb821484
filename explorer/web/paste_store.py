"""Pasted texts kept for their permalinks: each text a zstd file `<EXPLORER_STATE_DIR>/pastes/
<id>.txt.zst` (0600 in a 0700 directory), its owner and kind in the database (`Paste`). They
expire after EXPLORER_PASTE_DAYS; expired ones are removed whenever a paste is kept or read."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import zstandard
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

from .models import Paste


def _directory() -> Path:
    return Path(settings.EXPLORER_STATE_DIR) / "pastes"


def _path(paste_id: object) -> Path:
    return _directory() / f"{paste_id}.txt.zst"


def keep(owner: AbstractBaseUser, name: str, kind: str, text: str) -> Paste:
    prune()
    raw = text.encode()
    paste = Paste.objects.create(owner=owner, name=name[:200], kind=kind, size=len(raw))
    _directory().mkdir(parents=True, exist_ok=True, mode=0o700)
    handle = os.open(_path(paste.id), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(handle, "wb") as out:
        out.write(zstandard.ZstdCompressor(level=3).compress(raw))
    return paste


def text_of(paste: Paste) -> str | None:
    """The kept text, or None when it has expired or its file is gone."""
    if paste.created < _horizon():
        forget(paste)
        return None
    try:
        return zstandard.ZstdDecompressor().decompress(_path(paste.id).read_bytes()).decode()
    except (OSError, zstandard.ZstdError, UnicodeDecodeError):
        return None


def forget(paste: Paste) -> None:
    _path(paste.id).unlink(missing_ok=True)
    paste.delete()


def prune() -> int:
    expired = list(Paste.objects.filter(created__lt=_horizon()))
    for paste in expired:
        forget(paste)
    return len(expired)


def _horizon():
    return timezone.now() - timedelta(days=settings.EXPLORER_PASTE_DAYS)
