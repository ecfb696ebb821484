"""`python manage.py analyze …` as a user runs it, in a subprocess."""

import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tests.collectors.iptables.old_kube_proxy import AFFINITY
from tests.netns import run_in, with_netns

MANAGE = Path(__file__).resolve().parents[1] / "manage.py"


def _analyze(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(MANAGE), "analyze", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def iptables_dir(real_fixtures):
    return real_fixtures / "iptables"


def test_iptables_json_is_the_contract(iptables_dir):
    done = _analyze(
        "iptables", str(iptables_dir / "kind-v1.23.5-traefik-iptables-save.txt"), "--json"
    )
    assert done.returncode == 0, done.stderr
    document = orjson.loads(done.stdout)
    assert set(document) == {"services", "tables"}
    expected = orjson.loads(
        (iptables_dir / "kind-v1.23.5-traefik-iptables-save.expected.json").read_bytes()
    )

    def key(item):
        return item["name"], item["protocol"]

    assert sorted(document["services"], key=key) == sorted(expected["services"], key=key)
    assert document["tables"] == {
        "mangle": {"chains": 7, "rules": 0},
        "filter": {"chains": 10, "rules": 13},
        "nat": {"chains": 29, "rules": 58},
    }


def test_iptables_readable_table_from_stdin(iptables_dir):
    text = (iptables_dir / "kind-old-style-nodeport-local-KUBE-XLB-fragment.txt").read_text()
    done = _analyze("iptables", "-", stdin=text)
    assert done.returncode == 0, done.stderr
    assert "default/test-svc  tcp  10.96.115.88:80  (nodePort 32070)" in done.stdout
    assert "-> 10.244.1.3:80  50.0%  KUBE-SEP-SQEBHSRBMT4ZUBXZ" in done.stdout


def test_nft_text_gives_the_same_contract_shape(iptables_dir):
    done = _analyze(
        "nft", str(iptables_dir / "k3s-nftables-kube-proxy-nft-list-table.txt"), "--json"
    )
    assert done.returncode == 0, done.stderr
    document = orjson.loads(done.stdout)
    hello = next(s for s in document["services"] if s["name"] == "riset/hellopod-np-svc")
    assert hello["node_port"] == 30000 and len(hello["endpoints"]) == 9
    assert document["tables"]["ip kube-proxy"]["chains"] == 43


@pytest.mark.parametrize(
    ("kind", "content"),
    [
        ("iptables", "table ip kube-proxy {\n}\n"),
        ("nft", "*nat\nCOMMIT\n"),
        ("nft", '{"nftables":[[]]}'),
        ("ipvs", "hello\n"),
    ],
)
def test_a_file_of_the_wrong_kind_is_one_line_and_exit_code_2(tmp_path, kind, content):
    path = tmp_path / "dump.txt"
    path.write_text(content)
    done = _analyze(kind, str(path))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_an_unreadable_file_is_one_line_and_exit_code_2(tmp_path):
    done = _analyze("iptables", str(tmp_path / "missing.txt"), "--json")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"CommandError: cannot read {tmp_path / 'missing.txt'}: No such file or directory"
    ]


def test_corefile_and_resolv_are_analysed_by_the_dns_collector(real_fixtures, tmp_path):
    resolv = tmp_path / "resolv.conf"
    resolv.write_text("nameserver 10.96.0.10\nsearch default.svc.cluster.local\noptions ndots:5\n")
    done = _analyze("resolv", str(resolv), "--json")
    assert done.returncode == 0, done.stderr
    assert orjson.loads(done.stdout)["ndots"] == 5
    corefile = tmp_path / "Corefile"
    corefile.write_text(".:53 {\n    forward . /etc/resolv.conf\n    cache 30\n}\n")
    done = _analyze("corefile", str(corefile), "--json")
    assert done.returncode == 0, done.stderr
    assert len(orjson.loads(done.stdout)["server_blocks"]) == 1


@with_netns("iptables-restore")
def test_iptables_reads_an_iptables_listing_into_the_same_services(netns, iptables_dir):
    dump = iptables_dir / "kind-v1.23.5-traefik-iptables-save.txt"
    run_in(netns, "iptables-restore", stdin=dump.read_text())
    listing = "".join(run_in(netns, "iptables", "-t", t, "-nvL") for t in ("nat", "filter"))
    from_listing = _analyze("iptables", "-", "--json", stdin=listing)
    assert from_listing.returncode == 0, from_listing.stderr
    from_save = orjson.loads(_analyze("iptables", str(dump), "--json").stdout)

    def key(item):
        return item["name"], item["protocol"]

    listed = orjson.loads(from_listing.stdout)
    assert sorted(listed["services"], key=key) == sorted(from_save["services"], key=key)
    assert listed["tables"]["nat"] == from_save["tables"]["nat"]


def test_iptables_lists_service_chains_left_without_rules_under_their_own_key():
    done = _analyze("iptables", "-", "--json", stdin=AFFINITY)
    assert done.returncode == 0, done.stderr
    document = orjson.loads(done.stdout)
    assert [s["name"] for s in document["services"]] == ["kube-system/heapster"]
    assert document["leftover_chains"] == ["KUBE-SVC-XGLOHA7QRQ3V22RZ"]
    readable = _analyze("iptables", "-", stdin=AFFINITY).stdout
    assert (
        "Leftover chains (no rule, no Service port): 1\n    KUBE-SVC-XGLOHA7QRQ3V22RZ" in readable
    )
