"""Failed logins slow the next ones down — per address, per user and address, and (briefly) per
user — without locking anyone out; X-Forwarded-For counts only from a trusted proxy; one-time
login links are throttled by address; the counts live in the shared cache."""

from __future__ import annotations

import pytest
from django.contrib.auth import password_validation
from django.core.cache import cache
from django.core.exceptions import ValidationError

from explorer.web import login_throttle

from ..streaming.conftest import REDIS_URL
from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> Clock:
    cache.clear()
    clock = Clock()
    monkeypatch.setattr(login_throttle, "_now", clock)
    return clock


def attempt(client, password: str, address: str = "198.51.100.7", username="ada", **headers):
    data = {"username": username, "password": password}
    return client.post("/login/", data, REMOTE_ADDR=address, **headers)


def test_fifty_wrong_passwords_in_a_row_are_mostly_not_even_checked(client, user, clock):
    answers = [attempt(client, f"wrong-{i}").status_code for i in range(50)]

    assert answers[:3] == [200, 200, 200]  # three free failures, each checked and refused
    assert answers[3:] == [429] * 47
    refused = attempt(client, PASSWORD)  # even the right one, until the wait is over
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "try again in" in refused.content.decode()

    clock.now += int(refused.headers["Retry-After"])
    assert attempt(client, PASSWORD).status_code == 302


def test_waits_grow_with_each_failure(client, user, clock):
    waits = []
    for i in range(6):
        assert attempt(client, f"wrong-{i}").status_code == 200
        waits.append(login_throttle.wait_seconds("ada", "198.51.100.7"))
        clock.now += waits[-1]
    assert waits == [0, 0, 2, 4, 8, 16]


def test_guessing_from_many_addresses_delays_the_owner_by_seconds_only(client, user, clock):
    for i in range(40):
        attempt(client, "guess", address=f"203.0.113.{i}")
        clock.now += 0.1

    wait = login_throttle.wait_seconds("ada", "192.0.2.1")
    assert 0 < wait <= 10
    clock.now += wait
    assert attempt(client, PASSWORD, address="192.0.2.1").status_code == 302


def test_a_forwarded_for_header_from_an_untrusted_peer_does_not_change_the_address(client, user):
    for i in range(8):  # other users each time: the address alone is what counts
        attempt(client, "guess", username=f"user{i}", HTTP_X_FORWARDED_FOR=f"10.9.9.{i}")
    assert login_throttle.wait_seconds(None, "198.51.100.7") > 0


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_clients(client, user, settings):
    settings.TRUSTED_PROXIES = ["198.51.100.0/24"]
    for i in range(6):
        attempt(
            client, "guess", username=f"user{i}", HTTP_X_FORWARDED_FOR="192.0.2.99, 198.51.100.8"
        )

    assert login_throttle.wait_seconds(None, "192.0.2.99") > 0
    assert login_throttle.wait_seconds(None, "198.51.100.7") == 0


def test_forged_login_links_from_one_address_are_throttled(client, clock):
    answers = [
        client.get(f"/login/once/forged-{i}", REMOTE_ADDR="198.51.100.9").status_code
        for i in range(8)
    ]
    assert answers[:5] == [410] * 5 and set(answers[5:]) == {429}


def test_password_validators_refuse_weak_passwords(user):
    with pytest.raises(ValidationError):
        password_validation.validate_password("12345678", user)
    with pytest.raises(ValidationError):
        password_validation.validate_password("ada", user)
    password_validation.validate_password("a long and unusual sentence 42", user)


def test_the_counts_are_kept_in_redis_when_the_app_has_it(client, user, settings):
    redis = pytest.importorskip("redis").Redis.from_url(REDIS_URL)
    try:
        redis.ping()
    except OSError:
        pytest.skip(f"no Redis at {REDIS_URL} (scripts/test-deps starts one)")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    attempt(client, "wrong")
    assert any(b"login-failures:pair:" in key for key in redis.keys("*login-failures*"))
    redis.delete(*redis.keys("*login-failures*"))


def test_changing_the_password_ends_the_users_other_sessions(client, user):
    client.force_login(user)
    assert client.get("/").status_code == 200

    user.set_password("a new and unusual sentence 43")
    user.save()

    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login/")
