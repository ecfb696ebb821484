"""`ipvsadm -Ln` as kube-proxy's IPVS mode leaves it (format of ipvsadm(8))."""

import pytest

from explorer.collectors.iptables.ipvs import NotIpvsadm, parse_ipvsadm, render_ipvs

SAMPLE = """\
IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.96.0.1:443 rr
  -> 172.18.0.2:6443              Masq    1      3          0
TCP  10.96.0.10:53 rr
  -> 10.244.0.2:53                Masq    1      0          0
  -> 10.244.0.3:53                Masq    1      0          0
TCP  10.96.88.12:80 wrr persistent 10800
  -> 10.244.1.5:8080              Masq    3      1          4
  -> 10.244.2.7:8080              Masq    1      0          2
  -> 10.244.2.8:8080              Masq    0      0          9
UDP  10.96.0.10:53 rr
  -> 10.244.0.2:53                Masq    1      0          12
  -> 10.244.0.3:53                Masq    1      0          11
TCP  [fd00:10:96::1]:443 rr
  -> [fc00:f853:ccd:e793::2]:6443 Masq    1      0          0
TCP  10.96.200.1:80 rr
"""


def test_virtual_services_with_real_servers_and_weight_shares():
    services = {(s["protocol"], s["address"]): s for s in parse_ipvsadm(SAMPLE)}
    assert len(services) == 6
    dns = services[("udp", "10.96.0.10:53")]
    assert [(r["address"], r["share"]) for r in dns["real_servers"]] == [
        ("10.244.0.2:53", 0.5),
        ("10.244.0.3:53", 0.5),
    ]
    web = services[("tcp", "10.96.88.12:80")]
    assert (web["scheduler"], web["flags"]) == ("wrr", ["persistent 10800"])
    assert [r["share"] for r in web["real_servers"]] == [0.75, 0.25, 0.0]  # weight 0: quiesced
    assert web["real_servers"][2]["inactive_connections"] == 9
    v6 = services[("tcp", "[fd00:10:96::1]:443")]
    assert v6["real_servers"][0]["address"] == "[fc00:f853:ccd:e793::2]:6443"
    assert services[("tcp", "10.96.200.1:80")]["real_servers"] == []


def test_readable_form_shows_each_real_server_share():
    text = render_ipvs(parse_ipvsadm(SAMPLE))
    assert "-> 10.244.1.5:8080  weight 3  75.0%  Masq" in text
    assert "no real servers" in text


def test_text_without_virtual_services_is_refused():
    with pytest.raises(NotIpvsadm):
        parse_ipvsadm("IP Virtual Server version 1.2.1 (size=4096)\n")
