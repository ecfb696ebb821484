"""The local admin account that `make run` creates on its first run."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser

ADMIN_USERNAME = "admin"


def ensure_admin() -> tuple[AbstractBaseUser, str | None]:
    """The admin user, and its password only when this call created it (print it once)."""
    users = get_user_model()._default_manager
    existing = users.filter(username=ADMIN_USERNAME).first()
    if existing is not None:
        return existing, None
    password = secrets.token_urlsafe(18)
    user = users.create_superuser(username=ADMIN_USERNAME, email="", password=password)
    return user, password
