"""What is said of a stored value without showing it: a Secret's key, and the encryption at
rest named from the envelope's first bytes."""

from __future__ import annotations

import pytest

from explorer.etcd.encryption import Encryption, encryption_of
from explorer.etcd.sealed import is_secret_key


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (b"k8s:enc:aescbc:v1:key1:\x8a\x01\xff", Encryption("aescbc", "v1", "key1")),
        (b"k8s:enc:aesgcm:v1:2026-rotation:\x00", Encryption("aesgcm", "v1", "2026-rotation")),
        (b"k8s:enc:secretbox:v1:box:\x00", Encryption("secretbox", "v1", "box")),
        (b"k8s:enc:kms:v1:vault-plugin:\x00\x01", Encryption("kms", "v1", "vault-plugin")),
        (b"k8s:enc:kms:v2:aws-kms:\n\x10", Encryption("kms", "v2", "aws-kms")),
        (b"k8s:enc:aescbc:v1:", Encryption("unknown")),
        (b"k8s:enc:" + b"x" * 10_000, Encryption("unknown")),
    ],
)
def test_the_provider_and_key_name_are_read_from_the_envelope(value, expected):
    found = encryption_of(value)
    assert (found.provider, found.version, found.key_name) == (
        expected.provider,
        expected.version,
        expected.key_name,
    )


@pytest.mark.parametrize("value", [b"k8s\x00\n\x0c\n\x02v1", b'{"kind":"Widget"}', b""])
def test_a_plain_value_has_no_encryption(value):
    assert encryption_of(value) is None


def test_only_keys_under_the_prefixs_secrets_are_secret():
    assert is_secret_key(b"/registry/secrets/default/token", "/registry")
    assert is_secret_key("/registry/secrets/default/token")
    assert is_secret_key(b"/kubernetes.io/secrets/a/b", "/kubernetes.io")
    assert not is_secret_key(b"/registry/secretsmanager/x", "/registry")
    assert not is_secret_key(b"/other/secrets/default/token", "/registry")
    assert not is_secret_key(b"/registry/configmaps/default/secrets", "/registry")
