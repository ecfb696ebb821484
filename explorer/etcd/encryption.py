"""Values encrypted at rest, recognised by kube-apiserver's prefixes and never decrypted.

`k8s:enc:aescbc:v1:<key>:`, `k8s:enc:aesgcm:v1:<key>:`, `k8s:enc:secretbox:v1:<key>:` name the key
of the EncryptionConfiguration that wrote the value; `k8s:enc:kms:v1:<provider>:` names the KMS
provider; `k8s:enc:kms:v2:<provider>:` is followed by a protobuf EncryptedObject whose field 2 is
the KMS key ID, in plain text (kube-apiserver's kmsv2 `api.proto`). The identity provider writes
no prefix. Nothing after the prefix is kept but that key ID.
"""

from __future__ import annotations

from dataclasses import dataclass

from .protowire import LEN, WireError, fields

PREFIX = b"k8s:enc:"
_KEYED = {b"aescbc": "aescbc", b"aesgcm": "aesgcm", b"secretbox": "secretbox"}
_MAX_NAME = 253  # a key or provider name longer than this is not kube-apiserver's
_KMS_KEY_ID_FIELD = 2


@dataclass(frozen=True)
class Encryption:
    provider: str  # aescbc, aesgcm, secretbox, kms (v1 or v2: see version), or unknown
    version: str = ""  # v1, v2
    key_name: str | None = None  # the EncryptionConfiguration key, or the KMS provider name
    kms_key_id: str | None = None  # KMS v2 only
    problem: str | None = None

    def as_json(self) -> dict:
        return {
            "provider": self.provider,
            "version": self.version,
            "keyName": self.key_name,
            "kmsKeyId": self.kms_key_id,
        }


def encryption_of(raw: bytes) -> Encryption | None:
    """How the value is encrypted, or None when it is not (identity)."""
    if not raw.startswith(PREFIX):
        return None
    parts = raw[len(PREFIX) :].split(b":", 3)
    if len(parts) < 4:
        return Encryption("unknown", problem="an encryption prefix cut short")
    provider, version, name, rest = parts
    if len(name) > _MAX_NAME:
        return Encryption("unknown", problem="an encryption prefix with a name too long")
    key_name = name.decode(errors="replace")
    version_text = version.decode(errors="replace")[:8]
    if provider in _KEYED:
        return Encryption(_KEYED[provider], version_text, key_name)
    if provider == b"kms" and version == b"v1":
        return Encryption("kms", "v1", key_name)
    if provider == b"kms" and version == b"v2":
        key_id, problem = _kms_v2_key_id(rest)
        return Encryption("kms", "v2", key_name, key_id, problem)
    return Encryption("unknown", version_text, key_name, problem="an unknown encryption provider")


def _kms_v2_key_id(encrypted_object: bytes) -> tuple[str | None, str | None]:
    try:
        for number, wire_type, value in fields(encrypted_object):
            if number == _KMS_KEY_ID_FIELD and wire_type == LEN:
                return value.decode(), None  # type: ignore[union-attr]
    except (WireError, UnicodeDecodeError) as error:
        return None, f"the KMS v2 EncryptedObject does not parse: {error}"
    return None, "the KMS v2 EncryptedObject names no key ID"
