"""`iptables -L` listings, made by the real iptables from one iptables-restore in a network
namespace, read into the same Service ports as the iptables-save of the same rules: `-L -n`,
`-nvL` and `--line-numbers` (both backends when installed: iptables 1.8.9 prints protocols as
numbers with `-n`), of the kind dump, the demo's rules and an old kube-proxy's session affinity."""

from __future__ import annotations

import pytest

from explorer.collectors.iptables import parse, read_rules, read_services
from explorer.collectors.iptables.report import report
from explorer.demo import build_demo
from tests.collectors.iptables.old_kube_proxy import AFFINITY
from tests.demo.conftest import NOW
from tests.netns import IPTABLES_BACKENDS, needs_netns, network_namespace, run_in

pytestmark = needs_netns("iptables-restore")

FORMS = {
    "-L -n": ("-L", "-n"),
    "-nvL": ("-nvL",),
    "--line-numbers": ("-L", "-n", "-v", "-x", "--line-numbers"),
}
TABLES = ("nat", "filter")


def _listings(save: str, variant: str) -> dict[str, str]:
    """Each form of listing of the nat and filter tables, as one would paste them one after
    the other, from the rules `save` restored."""
    with network_namespace() as netns:
        run_in(netns, f"iptables{variant}-restore", stdin=save)
        return {
            form: "\n".join(
                run_in(netns, f"iptables{variant}", "-t", table, *flags) for table in TABLES
            )
            for form, flags in FORMS.items()
        }


def _services(ruleset) -> list[dict]:
    return sorted(report(ruleset)["services"], key=lambda s: (s["name"], s["protocol"]))


def _rules(ruleset, table: str) -> dict[str, list[list[str]]]:
    return {name: [r.words for r in c.rules] for name, c in ruleset.tables[table].chains.items()}


@pytest.fixture(scope="module")
def demo_save() -> str:
    return build_demo(now=NOW).node_facts["demo-worker"]["iptables-save"]


@pytest.mark.parametrize("variant", IPTABLES_BACKENDS)
def test_every_listing_form_of_the_kind_dump_gives_the_services_of_its_iptables_save(
    kind_dump, variant
):
    expected = _services(parse(kind_dump))
    for form, listing in _listings(kind_dump, variant).items():
        assert _services(read_rules(listing)) == expected, form


@pytest.mark.parametrize("variant", IPTABLES_BACKENDS)
def test_every_listing_form_of_the_demo_rules_gives_the_services_of_its_iptables_save(
    demo_save, variant
):
    expected = _services(parse(demo_save))
    assert {"shop/web:http", "shop/legacy-api"} <= {s["name"] for s in expected}
    for form, listing in _listings(demo_save, variant).items():
        assert _services(read_rules(listing)) == expected, form


@pytest.mark.parametrize("variant", IPTABLES_BACKENDS)
def test_each_listed_kube_proxy_rule_reads_back_as_iptables_save_prints_it(kind_dump, variant):
    saved = parse(kind_dump)
    listed = read_rules(_listings(kind_dump, variant)["-nvL"])
    assert listed.unparsed == []
    for table in TABLES:
        assert _rules(listed, table) == _rules(saved, table)


@pytest.mark.parametrize("variant", IPTABLES_BACKENDS)
def test_session_affinity_rules_that_revisit_an_endpoint_do_not_count_as_a_share(variant):
    for form, listing in _listings(AFFINITY, variant).items():
        (heapster,) = read_services(read_rules(listing)).ports
        assert [(e.address, e.probability) for e in heapster.endpoints] == [
            ("10.48.0.6:8082", 0.5),
            ("10.48.1.9:8082", 0.5),
        ], form
        assert (heapster.name, heapster.cluster_ip, heapster.node_port) == (
            "kube-system/heapster",
            "10.51.245.213",
            30080,
        )


@pytest.mark.parametrize("variant", IPTABLES_BACKENDS)
def test_a_chain_listed_with_no_rule_and_no_reference_is_a_leftover(variant):
    listing = _listings(AFFINITY, variant)["-L -n"]
    assert "Chain KUBE-SVC-XGLOHA7QRQ3V22RZ (0 references)" in listing
    found = read_services(read_rules(listing))
    assert found.leftovers == ["KUBE-SVC-XGLOHA7QRQ3V22RZ"]
    assert [p.chain for p in found.ports] == ["KUBE-SVC-BJM46V3U5RZHCFRZ"]


def test_a_listing_without_a_command_line_is_placed_in_its_table_by_what_it_holds(demo_save):
    listings = {}
    with network_namespace() as netns:
        run_in(netns, "iptables-restore", stdin=demo_save)
        for table in ("nat", "filter", "mangle", "raw"):
            listings[table] = run_in(netns, "iptables", "-t", table, "-L", "-n")
        nat_services = run_in(netns, "iptables", "-t", "nat", "-L", "KUBE-SERVICES", "-n")
        filter_services = run_in(netns, "iptables", "-L", "KUBE-SERVICES", "-n")
        masquerade = run_in(netns, "iptables", "-t", "nat", "-L", "KUBE-MARK-MASQ", "-n")
    ruleset = read_rules("\n".join(listings.values()))
    assert list(ruleset.tables) == ["nat", "filter", "mangle", "raw"]
    saved = parse(demo_save).summary()
    assert {table: ruleset.summary()[table] for table in saved} == saved
    assert list(read_rules(nat_services).tables) == ["nat"]
    assert list(read_rules(filter_services).tables) == ["filter"]  # its REJECT rules
    assert list(read_rules(masquerade).tables) == ["nat"]


def test_the_command_line_before_a_listing_names_its_table(kind_dump):
    with network_namespace() as netns:
        run_in(netns, "iptables-restore", stdin=kind_dump)
        listing = run_in(netns, "iptables", "-t", "filter", "-L", "KUBE-FORWARD", "-n")
    pasted = f"root@kind-control-plane:/# iptables -t mangle -nL KUBE-FORWARD\n{listing}"
    assert list(read_rules(pasted).tables) == ["mangle"]
    assert list(read_rules(listing).tables) == ["filter"]


def test_names_printed_without_n_read_as_the_numbers(kind_dump):
    with network_namespace() as netns:
        run_in(netns, "iptables-restore", stdin=kind_dump)
        listing = "\n".join(run_in(netns, "iptables", "-t", t, "-L") for t in TABLES)
    assert "tcp dpt:https" in listing and "anywhere" in listing
    assert _services(read_rules(listing)) == _services(parse(kind_dump))


def test_words_of_a_match_with_no_save_form_here_keep_their_line_aside(netns):
    run_in(
        netns,
        "iptables-restore",
        stdin="*mangle\n:PREROUTING ACCEPT [0:0]\n"
        "-A PREROUTING -p tcp -j CONNMARK --save-mark --nfmask 0xff --ctmask 0xff\n"
        "-A PREROUTING -p tcp -m tcp --dport 80 -j ACCEPT\nCOMMIT\n",
    )
    listing = run_in(netns, "iptables", "-t", "mangle", "-L", "PREROUTING", "-n")
    ruleset = read_rules(listing)
    (table,) = ruleset.tables.values()
    connmark, accept = table.chains["PREROUTING"].rules
    assert (connmark.spec, accept.spec) == (
        "-p tcp -j CONNMARK",
        "-p tcp -m tcp --dport 80 -j ACCEPT",
    )
    ((number, line),) = ruleset.unparsed
    assert line == listing.splitlines()[number - 1] and "CONNMARK save" in line
