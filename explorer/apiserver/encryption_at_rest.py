"""Encryption at rest as kube-apiserver's `aescbc` provider writes it, for the demo's Secrets.

A value becomes `k8s:enc:aescbc:v1:<key name>:` + a random 16-byte IV + AES-256-CBC of the
plaintext with PKCS#7 padding — the form an EncryptionConfiguration with an aescbc key makes
(k8s.io/apiserver/pkg/storage/value/encrypt/aes). The demo writes, never reads, these values:
the explorer shows an encrypted value as encrypted and never decrypts it.
"""

from __future__ import annotations

import os

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PROVIDER = "aescbc"


class AescbcKey:
    def __init__(self, name: str, secret: bytes | None = None) -> None:
        self.name = name
        self._secret = secret if secret is not None else os.urandom(32)
        if len(self._secret) != 32:
            raise ValueError("an aescbc key is 32 bytes")

    @property
    def prefix(self) -> bytes:
        return f"k8s:enc:{PROVIDER}:v1:{self.name}:".encode()

    def encrypt(self, plaintext: bytes) -> bytes:
        iv = os.urandom(16)
        padder = padding.PKCS7(128).padder()
        padded = padder.update(plaintext) + padder.finalize()
        encryptor = Cipher(algorithms.AES(self._secret), modes.CBC(iv)).encryptor()
        return self.prefix + iv + encryptor.update(padded) + encryptor.finalize()
