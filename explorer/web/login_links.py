"""One-time login links: a signed token that logs one user in once, within 15 minutes.

Like Django's password-reset tokens, the token carries a hash of the user's password and
last_login, so logging in (which updates last_login) or changing the password spends every
outstanding link: no table of used tokens is needed.
"""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "explorer.web.login_links"
MAX_AGE_SECONDS = 15 * 60
CLOCK_SKEW_SECONDS = 60


def _user_hash(user: AbstractBaseUser) -> str:
    last_login = "" if user.last_login is None else user.last_login.isoformat()
    value = f"{user.pk}|{user.password}|{last_login}|{user.is_active}"
    return salted_hmac(SALT, value, algorithm="sha256").hexdigest()[:32]


def make_token(user: AbstractBaseUser) -> str:
    return signing.dumps({"u": user.pk, "h": _user_hash(user)}, salt=SALT, compress=True)


def make_login_link(user: AbstractBaseUser) -> str:
    """The path (no scheme or host) of a link that logs `user` in once."""
    return reverse("login-once", kwargs={"token": make_token(user)})


def _dated_in_the_future(token: str) -> bool:
    """Signed later than now (a clock set back, or a token made for later): not honoured."""
    issued = signing.b62_decode(token.rsplit(":", 2)[-2])
    return issued > time.time() + CLOCK_SKEW_SECONDS


def user_for_token(token: str, max_age: float = MAX_AGE_SECONDS) -> AbstractBaseUser | None:
    """The user the token logs in, or None when it is forged, expired, dated in the future or
    already used."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    if not isinstance(payload, dict) or _dated_in_the_future(token):
        return None
    user = get_user_model()._default_manager.filter(pk=payload.get("u"), is_active=True).first()
    if user is None or not constant_time_compare(str(payload.get("h")), _user_hash(user)):
        return None
    return user


def login_url(user: AbstractBaseUser, base_url: str) -> str:
    """The full link, e.g. for the `Login: <url>` line that `serve` and `loginlink` print."""
    return base_url.rstrip("/") + make_login_link(user)


def local_base_url() -> str:
    from django.conf import settings

    return f"http://127.0.0.1:{settings.EXPLORER_PORT}"
