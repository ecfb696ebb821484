"""Deterministic identities: UIDs, container IDs, name suffixes, image digests, hashes.

Everything comes from one seeded `random.Random`, so a seed always gives the same cluster. The
name alphabet and the template hash follow the Kubernetes controllers (`rand.String`,
`rand.SafeEncodeString` of an FNV-32a hash), so generated names look like real ones.
"""

from __future__ import annotations

import hashlib
import random
import uuid

import orjson

# k8s.io/apimachinery/pkg/util/rand: no vowels, no confusable characters.
NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


class Ids:
    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def hex(self, chars: int) -> str:
        return f"{self.rng.getrandbits(chars * 4):0{chars}x}"

    def container_id(self) -> str:
        """A containerd container (or sandbox) ID: 64 hex digits."""
        return self.hex(64)

    def suffix(self, length: int = 5) -> str:
        """A generateName suffix (`-x7k2p`)."""
        return "".join(self.rng.choice(NAME_ALPHABET) for _ in range(length))

    def choice(self, items):
        return self.rng.choice(items)


def fnv32a(data: bytes) -> int:
    value = 0x811C9DC5
    for byte in data:
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def safe_encode(text: str) -> str:
    return "".join(NAME_ALPHABET[ord(char) % len(NAME_ALPHABET)] for char in text)


def template_hash(template: dict, collisions: int = 0) -> str:
    """The pod-template-hash / controller-revision-hash of a pod template."""
    data = orjson.dumps(template, option=orjson.OPT_SORT_KEYS) + str(collisions).encode()
    return safe_encode(str(fnv32a(data)))


def image_digest(image: str) -> str:
    """A stable `sha256:` digest per image reference, so every pod of an image agrees."""
    return "sha256:" + hashlib.sha256(b"demo-image:" + image.encode()).hexdigest()


def image_id(image: str) -> str:
    """What containerStatuses[].imageID holds: the repository with its digest."""
    repository = image.rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image
    if "/" not in repository:
        repository = f"docker.io/library/{repository}"
    elif "." not in repository.split("/", 1)[0]:
        repository = f"docker.io/{repository}"
    return f"{repository}@{image_digest(image)}"
