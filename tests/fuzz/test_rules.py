"""Packet-filter rules: iptables-save, nft (text and JSON) and ipvsadm, as `manage.py analyze`
reads them and as the paste page shows them; and kube-proxy's configuration, which says which of
them a node runs."""

from hypothesis import given

from .strategies import texts
from .targets import holds_the_contract


@given(texts("iptables"))
def test_any_iptables_save_text_is_analysed_or_refused_in_one_line(text):
    holds_the_contract("analyze iptables", text)


@given(texts("iptables"))
def test_any_pasted_iptables_save_text_is_shown_or_refused(text):
    holds_the_contract("paste iptables", text)


@given(texts("nft"))
def test_any_nft_text_or_json_is_analysed_or_refused_in_one_line(text):
    holds_the_contract("analyze nft", text)


@given(texts("nft"))
def test_any_pasted_nft_text_or_json_is_shown_or_refused(text):
    holds_the_contract("paste nft", text)


@given(texts("ipvs"))
def test_any_ipvsadm_text_is_analysed_or_refused_in_one_line(text):
    holds_the_contract("analyze ipvs", text)


@given(texts("ipvs"))
def test_any_pasted_ipvsadm_text_is_shown_or_refused(text):
    holds_the_contract("paste ipvs", text)


@given(texts("kube-proxy-config"))
def test_any_kube_proxy_configuration_tells_a_mode_or_none(text):
    holds_the_contract("kube-proxy configuration", text)
