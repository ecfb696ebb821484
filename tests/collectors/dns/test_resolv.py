from explorer.collectors.dns.report import render_resolv, resolv_report
from explorer.collectors.dns.resolv import parse_resolv, render_resolv_conf


def test_aks_pod_resolv_conf_reads_as_cluster_first(coredns_fixtures):
    report = resolv_report((coredns_fixtures / "aks-pod-resolv.conf").read_text())
    assert report["used_nameservers"] == ["10.0.0.10"]
    assert report["search"] == [
        "default.svc.cluster.local",
        "svc.cluster.local",
        "cluster.local",
        "oe5jefibyttubb2dmdwiufuhah.gvxx.internal.cloudapp.net",
    ]
    assert report["ndots"] == 5
    assert (report["timeout"], report["attempts"]) == (5, 2)  # glibc's defaults
    assert report["unknown_lines"] == [] and report["ignored_options"] == []


def test_only_three_nameservers_are_used_v4_and_v6():
    conf = parse_resolv(
        "nameserver 10.0.0.1\nnameserver fd00::53\nnameserver fe80::1%eth0\n"
        "nameserver 10.0.0.4\nnameserver not-an-ip\n"
    )
    assert conf.used_nameservers == ["10.0.0.1", "fd00::53", "fe80::1%eth0"]
    report = resolv_report("nameserver 1.1.1.1\n" * 4 + "nameserver bad\n")
    assert report["ignored_nameservers"] == ["1.1.1.1", "bad"]


def test_last_search_or_domain_line_wins_as_in_glibc():
    assert parse_resolv("search a.example b.example\ndomain c.example\n").search == ["c.example"]
    conf = parse_resolv("domain c.example\nsearch a.example b.example\n")
    assert (conf.search, conf.search_from) == (["a.example", "b.example"], "search")


def test_options_accumulate_are_capped_and_unknown_ones_ignored():
    conf = parse_resolv(
        "options ndots:2 timeout:60\noptions attempts:9 rotate edns0 single-request\n"
        "options ndots:20 no-such-option trust-ad\n"
    )
    assert (conf.ndots, conf.timeout, conf.attempts) == (15, 30, 5)
    assert conf.flags == ["edns0", "rotate", "single-request", "trust-ad"]
    assert conf.ignored_options == ["no-such-option"]


def test_comments_with_hash_and_semicolon_and_unknown_lines():
    conf = parse_resolv(
        "# generated\n; also a comment\nnameserver 10.0.0.1\nlookup file bind\nsortlist 10.0.0.0\n"
    )
    assert conf.nameservers == ["10.0.0.1"]
    assert conf.unknown == ["lookup file bind"] and conf.sortlist == ["10.0.0.0"]
    assert conf.ndots == 1  # glibc's default


def test_render_round_trips_a_kubelet_written_file(coredns_fixtures):
    text = (coredns_fixtures / "aks-pod-resolv.conf").read_text()
    conf = parse_resolv(text)
    assert parse_resolv(render_resolv_conf(conf)) == conf
    rendered = render_resolv(resolv_report(text))
    assert "ndots 5" in rendered and "10.0.0.10" in rendered
