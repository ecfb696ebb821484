"""Whose values are never shown: a key under `<prefix>/secrets/` holds a Secret, whose value
never leaves this layer — not decoded, not kept, not even as hex. What may be said of it is its
key, size, revisions and how it is encrypted at rest (encryption.py)."""

from __future__ import annotations


def is_secret_key(key: str | bytes, prefix: str = "/registry") -> bool:
    """A key under `<prefix>/secrets/`."""
    secrets = f"{prefix.rstrip('/')}/secrets/"
    if isinstance(key, bytes):
        return key.startswith(secrets.encode())
    return key.startswith(secrets)
