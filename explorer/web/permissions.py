"""What a user may do beyond reading the pages. Each is a Django permission (explorer/web/
models.py) that staff users hold without being given it; `manage.py grant` gives it to others."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

COLLECT = "collect"
SHARE = "share"
# the word `grant` takes -> the permission
PERMISSIONS = {COLLECT: "web.collect_node_facts", SHARE: "snapshots.share_snapshot"}
NOT_ALLOWED = {
    COLLECT: "Starting a collection needs staff or the collect permission.",
    SHARE: "Making a share link needs staff or the share permission.",
}


def may(user: AbstractBaseUser | AnonymousUser, action: str) -> bool:
    if not user.is_active:
        return False
    return bool(user.is_staff) or user.has_perm(PERMISSIONS[action])


async def amay(user: AbstractBaseUser | AnonymousUser, action: str) -> bool:
    if not user.is_active:
        return False
    return bool(user.is_staff) or await user.ahas_perm(PERMISSIONS[action])
