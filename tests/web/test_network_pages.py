"""The networking pages through Django's test client: login, CSRF, the paste form's limits and
errors, and what the pages carry for their scripts."""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser

import orjson
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from explorer.web import network
from tests.netns import run_in, with_netns

pytestmark = pytest.mark.django_db

HOSTILE = "<img src=x onerror=alert(1)>"
PAGES = (
    "/network/",
    "/network/service-chain",
    "/network/chains",
    "/network/dns",
    "/network/corefile",
    "/network/paste",
    "/network/drift",
    "/network/packet-trace",
    "/network/proxy-mode",
)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[str | None, str]] = []
        self.handlers: list[str] = []
        self.attributes: dict[str, dict[str, str | None]] = {}
        self._script = False

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        self.handlers += [name for name in found if name.startswith("on")]
        if found.get("id"):
            self.attributes[found["id"]] = found
        if tag == "script":
            self.scripts.append((found.get("src"), ""))
            self._script = True

    def handle_endtag(self, tag):
        self._script = tag != "script" and self._script

    def handle_data(self, data):
        if self._script:
            src, body = self.scripts[-1]
            self.scripts[-1] = (src, body + data)


def _page(response) -> _Page:
    page = _Page()
    page.feed(response.content.decode())
    return page


def _model(response, element_id: str) -> dict:
    return orjson.loads(_page(response).attributes[element_id]["data-model"])


def _assert_the_kind_services(response) -> None:
    """The kind dump's Services drawn, kube-dns split evenly between its two pods."""
    assert response.status_code == 200
    sankey = _model(response, "service-chain")
    assert {"default/traefik", "default/kubernetes", "kube-system/kube-dns"} <= set(
        sankey["services"]
    )
    dns_links = [
        link for link in sankey["links"].values() if link["source"] == "KUBE-SVC-TCOU7JCQXEZGVUNU"
    ]
    assert sorted(link["value"] for link in dns_links) == pytest.approx([0.5, 0.5])


@pytest.fixture
def kind_dump(real_fixtures) -> str:
    return (real_fixtures / "iptables" / "kind-v1.23.5-traefik-iptables-save.txt").read_text()


@pytest.mark.parametrize("path", PAGES)
def test_every_network_page_sends_a_visitor_who_is_not_logged_in_to_the_login_form(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login/")


@pytest.mark.parametrize("path", PAGES)
def test_every_network_page_loads_its_scripts_from_files_and_has_no_inline_script(
    logged_in, watched, path
):
    watched.add("demo")
    response = logged_in.get(path)
    assert response.status_code == 200
    page = _page(response)
    assert all(
        src and src.startswith("/static/") and not body.strip() for src, body in page.scripts
    )
    assert page.handlers == []


def test_the_header_links_every_network_page_for_the_cluster_being_looked_at(logged_in, watched):
    watched.add("demo")
    watched.add("prod")
    html = logged_in.get("/network/?cluster=prod").content.decode()
    for path in PAGES[1:]:
        if path != "/network/paste":
            assert f'href="{path}?cluster=prod"' in html


def _handed(response, element_id: str, view: str) -> dict:
    """The parameters the page hands to its script, checking the element names `view`."""
    element = _page(response).attributes[element_id]
    assert element["data-view"] == view
    return orjson.loads(element["data-params"])


def test_a_live_page_says_what_it_shows_and_hands_its_parameters_to_its_script(logged_in, watched):
    watched.add("demo")
    response = logged_in.get("/network/service-chain?node=demo-worker&service=shop/web")
    assert "No process listens on it" in response.content.decode()
    assert _handed(response, "service-chain", "service-chains") == {
        "cluster": "demo",
        "node": "demo-worker",
        "service": "shop/web",
    }


INTROS = {  # a phrase of each live page's intro (templates/network/intros/)
    "/network/service-chain": "No process listens on it",
    "/network/chains": "The Linux kernel filters and rewrites packets",
    "/network/dns": "api.&lt;namespace&gt;.svc.cluster.local",
    "/network/corefile": "CoreDNS always chains plugins in the fixed order",
    "/network/drift": "a stale endpoint means some connections go to an address",
    "/network/packet-trace": "Only the first packet is walked",
    "/network/proxy-mode": "an eBPF dataplane such as Cilium",
}


@pytest.mark.parametrize("path", INTROS)
def test_every_live_page_says_what_it_shows_before_and_after_a_cluster_is_listed(
    logged_in, watched, path
):
    waiting = " ".join(logged_in.get(path).content.decode().split())
    assert INTROS[path] in waiting and "Waiting for the watcher" in waiting
    watched.add("demo")
    live = " ".join(logged_in.get(path).content.decode().split())
    assert INTROS[path] in live and "Waiting for the watcher" not in live


def test_the_dns_trace_page_splits_the_pod_into_namespace_and_name_for_the_view(logged_in, watched):
    watched.add("demo")
    response = logged_in.get("/network/dns?pod=shop/web-1&name=api")
    params = orjson.loads(_page(response).attributes["dns-trace"]["data-params"])
    assert params == {"cluster": "demo", "namespace": "shop", "pod": "web-1", "name": "api"}
    assert "Ask the DNS server now" not in response.content.decode()  # live lookups are off


def test_hostile_parameters_are_escaped_in_the_page(logged_in, watched):
    watched.add("demo")
    response = logged_in.get("/network/chains", {"node": HOSTILE})
    assert HOSTILE not in response.content.decode()
    params = orjson.loads(_page(response).attributes["chain-browser"]["data-params"])
    assert params["node"] == HOSTILE  # the script gets the value back, as data


def test_pages_say_they_wait_for_the_watcher_before_any_cluster_is_listed(logged_in, watched):
    html = logged_in.get("/network/service-chain").content.decode()
    assert "Waiting for the watcher" in html
    assert 'data-view="service-chains"' not in html


def test_the_index_links_every_network_page(logged_in, watched):
    watched.add("demo")
    html = logged_in.get("/network/").content.decode()
    for path in PAGES[1:]:
        assert f'href="{path}' in html
    assert "not available yet" not in html


def test_the_packet_trace_page_hands_source_and_destination_to_its_view(logged_in, watched):
    watched.add("demo")
    response = logged_in.get(
        "/network/packet-trace", {"source": "pod:shop/web-1", "destination": "10.96.0.1:443/tcp"}
    )
    assert _handed(response, "packet-trace", "packet-trace") == {
        "cluster": "demo",
        "source": "pod:shop/web-1",
        "destination": "10.96.0.1:443/tcp",
    }


def test_pasting_the_kind_dump_shows_its_services_and_the_two_dns_endpoints(logged_in, kind_dump):
    response = logged_in.post("/network/paste", {"kind": "auto", "text": kind_dump})
    _assert_the_kind_services(response)
    browser = _model(response, "chain-browser")
    assert "KUBE-SVC-TCOU7JCQXEZGVUNU" in browser["tables"]["nat"]["chains"]
    page = " ".join(response.content.decode().split())
    assert INTROS["/network/service-chain"] in page and INTROS["/network/chains"] in page


@with_netns("iptables-restore")
def test_pasting_an_iptables_listing_shows_the_services_of_the_same_rules(
    netns, logged_in, kind_dump
):
    run_in(netns, "iptables-restore", stdin=kind_dump)
    listing = "".join(
        f"# iptables -t {table} -L -n --line-numbers\n"
        + run_in(netns, "iptables", "-t", table, "-L", "-n", "--line-numbers")
        for table in ("nat", "filter")
    )
    response = logged_in.post("/network/paste", {"kind": "auto", "text": listing})
    _assert_the_kind_services(response)
    dnat = _model(response, "chain-browser")["tables"]["nat"]["chains"]["KUBE-SEP-6E7XQMQ4RAYOWTTM"]
    assert "".join(text for text, _ in dnat["rules"][-1]["parts"]) == (
        '-A KUBE-SEP-6E7XQMQ4RAYOWTTM -p udp -m comment --comment "kube-system/kube-dns:dns" '
        "-m udp -j DNAT --to-destination 10.244.0.3:53"
    )


def test_an_uploaded_file_is_read_like_pasted_text(logged_in, kind_dump):
    upload = SimpleUploadedFile("node.txt", kind_dump.encode(), "text/plain")
    response = logged_in.post("/network/paste", {"kind": "iptables", "file": upload})
    assert response.status_code == 200
    assert "node.txt" in response.content.decode()
    assert "kube-system/kube-dns" in _model(response, "service-chain")["services"]


def test_a_corefile_configmap_is_recognised_and_shown_as_its_chain(logged_in, real_fixtures):
    text = (real_fixtures / "coredns" / "aks-coredns-configmap.yaml").read_text()
    response = logged_in.post("/network/paste", {"kind": "auto", "text": text})
    assert response.status_code == 200
    model = _model(response, "corefile")
    plugins = [link["plugin"] for link in model["blocks"][0]["chain"]]
    assert plugins.index("cache") < plugins.index("kubernetes") < plugins.index("forward")


def test_a_resolv_conf_is_shown_as_the_c_library_reads_it(logged_in, real_fixtures):
    text = (real_fixtures / "coredns" / "aks-pod-resolv.conf").read_text()
    response = logged_in.post("/network/paste", {"kind": "auto", "text": text})
    assert response.status_code == 200
    shown = html_lib.unescape(
        re.search(r'<pre id="resolv"[^>]*>(.*?)</pre>', response.content.decode(), re.S).group(1)
    )
    assert "ndots 5" in shown


def test_an_invalid_paste_keeps_the_text_and_points_at_the_line_the_error_names(logged_in):
    text = ".:53 {\n    errors\n}\n}\n"  # one '}' too many, on line 4
    response = logged_in.post("/network/paste", {"kind": "corefile", "text": text})
    assert response.status_code == 400
    page = response.content.decode()
    kept = re.search(r'<textarea id="paste-text"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert html_lib.unescape(kept).strip() == text.strip()
    assert re.search(r'Line 4: <code id="paste-error-line">}</code>', page)


def test_the_paste_form_refuses_a_post_without_its_csrf_token(user, kind_dump):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/network/paste", {"kind": "auto", "text": kind_dump})
    assert response.status_code == 403
    token = client.get("/network/paste").cookies["csrftoken"].value
    accepted = client.post(
        "/network/paste", {"kind": "auto", "text": kind_dump, "csrfmiddlewaretoken": token}
    )
    assert accepted.status_code == 200


def test_garbage_gets_a_clear_message_and_status_400(logged_in):
    response = logged_in.post("/network/paste", {"kind": "auto", "text": "hello world\n" * 20})
    assert response.status_code == 400
    message = _page(response).attributes["paste-error"]
    assert message is not None
    assert "does not look like any of" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_text_of_the_wrong_kind_names_the_kind_asked_for(logged_in):
    response = logged_in.post("/network/paste", {"kind": "nft", "text": "nameserver 10.0.0.1\n"})
    assert response.status_code == 400
    assert "This is not nft list ruleset text" in response.content.decode()


def test_nft_json_of_the_wrong_shape_gets_a_clear_message_and_status_400(logged_in):
    response = logged_in.post("/network/paste", {"kind": "auto", "text": '{"nftables":[[]]}'})
    assert response.status_code == 400
    message = html_lib.unescape(response.content.decode())
    assert "This is not nft list ruleset text, or nft -j list ruleset JSON: not nft -j JSON" in (
        message
    )


def test_a_binary_upload_is_refused_as_not_text(logged_in):
    upload = SimpleUploadedFile("dump.gz", b"\x1f\x8b\x08\x00\xff\xfe", "application/gzip")
    response = logged_in.post("/network/paste", {"kind": "auto", "file": upload})
    assert response.status_code == 400
    assert "not UTF-8 text" in response.content.decode()


def test_an_upload_over_the_limit_gets_a_clear_message_and_status_400(logged_in):
    upload = SimpleUploadedFile("big.txt", b"-A X\n" * (network.PASTE_MAX_BYTES // 5 + 1))
    response = logged_in.post("/network/paste", {"kind": "auto", "file": upload})
    assert response.status_code == 400
    assert "larger than 20 MB" in response.content.decode()


def test_a_request_body_far_over_the_limit_is_refused_before_it_is_read(logged_in):
    body = b"x" * (network.PASTE_MAX_BYTES + 200_000)
    response = logged_in.generic(
        "POST", "/network/paste", body, content_type="multipart/form-data; boundary=b"
    )
    assert response.status_code == 400
    assert "larger than 20 MB" in response.content.decode()


def test_pasted_text_over_the_field_limit_is_told_to_come_as_a_file(logged_in, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = logged_in.post("/network/paste", {"kind": "auto", "text": "-A X -j Y\n" * 2000})
    assert response.status_code == 400
    assert "Upload it as a file instead" in response.content.decode()


def test_live_dns_lookups_are_refused_unless_the_setting_allows_them(logged_in, watched):
    watched.add("demo")
    response = logged_in.get("/api/clusters/demo/dns-trace", {"pod": "shop/web-1", "name": "api"})
    assert response.status_code == 403
    assert response.json()["error"] == "dns_live_off"
