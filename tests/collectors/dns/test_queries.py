from explorer.collectors.dns.queries import candidates, query_types, walk_goes_on
from explorer.collectors.dns.resolv import parse_resolv

POD = parse_resolv(
    "search shop.svc.cluster.local svc.cluster.local cluster.local demo.internal\n"
    "nameserver 10.96.0.10\noptions ndots:5\n"
)


def _names(name, conf=POD):
    return [c.name for c in candidates(name, conf)]


def test_short_name_tries_every_search_suffix_before_itself():
    assert _names("api") == [
        "api.shop.svc.cluster.local.",
        "api.svc.cluster.local.",
        "api.cluster.local.",
        "api.demo.internal.",
        "api.",
    ]


def test_name_with_fewer_dots_than_ndots_is_still_expanded_first():
    # four dots < ndots 5: the well-known cost of ndots:5 for external names
    assert _names("api.shop.svc.cluster.local")[0] == (
        "api.shop.svc.cluster.local.shop.svc.cluster.local."
    )
    assert _names("api.shop.svc.cluster.local")[-1] == "api.shop.svc.cluster.local."


def test_name_with_ndots_or_more_dots_is_tried_as_is_first():
    conf = parse_resolv("search a.example\noptions ndots:2\n")
    assert _names("www.example.com", conf) == ["www.example.com.", "www.example.com.a.example."]


def test_trailing_dot_is_never_expanded():
    assert _names("api.shop.svc.cluster.local.") == ["api.shop.svc.cluster.local."]


def test_no_tld_query_skips_a_single_label_as_is():
    conf = parse_resolv("search a.example\noptions no-tld-query\n")
    assert _names("intranet", conf) == ["intranet.a.example."]
    assert _names("intranet.corp", conf) == ["intranet.corp.", "intranet.corp.a.example."]


def test_stub_asks_a_and_aaaa_in_parallel_by_default():
    assert query_types(POD) == (
        ["A", "AAAA"],
        "A and AAAA in parallel over one socket (glibc's default)",
    )
    assert query_types(parse_resolv("options single-request\n"))[1].startswith("A then AAAA")
    assert query_types(parse_resolv("options no-aaaa\n"))[0] == ["A"]


def test_walk_stops_at_an_address_or_a_hard_failure_and_goes_on_after_nxdomain_nodata():
    assert walk_goes_on([("NXDOMAIN", 0), ("NXDOMAIN", 0)])
    assert walk_goes_on([("NOERROR", 0), ("SERVFAIL", 0)])
    assert not walk_goes_on([("NOERROR", 1), ("NOERROR", 0)])
    assert not walk_goes_on([("REFUSED", 0), ("NXDOMAIN", 0)])
