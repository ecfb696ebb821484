"""Share links: a random token (256 bits, from `secrets`) that opens one snapshot read-only until
the link expires (EXPLORER_SHARE_DAYS by default, at most MAX_DAYS) or is revoked. The token is
shown once, when the link is made; the database keeps only its sha256, so a copy of the database
opens nothing. Each use of the token is recorded as a ShareOpening."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

from .models import ShareLink, ShareOpening, Snapshot

MAX_DAYS = 30
TOKEN_BYTES = 32
MAX_TOKEN = 100  # longer than any token made here: not even hashed


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def make_link(
    snapshot: Snapshot,
    creator: AbstractBaseUser | None,
    *,
    days: int,
    allow_download: bool = False,
) -> tuple[ShareLink, str]:
    """A new link to `snapshot` open for `days` (1 to MAX_DAYS), and its token."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"a share link is open for 1 to {MAX_DAYS} days, not {days}")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ShareLink.objects.create(
        snapshot=snapshot,
        token_sha256=token_sha256(token),
        creator=creator,
        expires=timezone.now() + timedelta(days=days),
        allow_download=allow_download,
    )
    return link, token


def open_link_for_token(token: str) -> ShareLink | None:
    """The open link `token` stands for; None when none does, or it expired or was revoked."""
    if not token or len(token) > MAX_TOKEN:
        return None
    link = ShareLink.objects.filter(token_sha256=token_sha256(token)).first()
    return link if link is not None and link.is_open(timezone.now()) else None


def open_link(link_id: object) -> ShareLink | None:
    """The link of a share session, read afresh (a revocation counts from the next request)."""
    if not isinstance(link_id, int):
        return None
    link = ShareLink.objects.filter(pk=link_id).first()
    return link if link is not None and link.is_open(timezone.now()) else None


def record_opening(link: ShareLink, address: str) -> ShareOpening:
    return ShareOpening.objects.create(link=link, address=address[:64])


def revoke(link: ShareLink, now: datetime | None = None) -> None:
    if link.revoked is None:
        link.revoked = now or timezone.now()
        link.save(update_fields=["revoked"])
