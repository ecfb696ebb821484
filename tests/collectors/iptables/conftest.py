from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def dumps(real_fixtures: Path) -> Path:
    return real_fixtures / "iptables"


@pytest.fixture(scope="session")
def kind_dump(dumps: Path) -> str:
    return (dumps / "kind-v1.23.5-traefik-iptables-save.txt").read_text()
