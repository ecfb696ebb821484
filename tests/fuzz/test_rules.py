"""Packet-filter rules: iptables-save, nft (text and JSON) and ipvsadm, as `manage.py analyze`
reads them and as the paste page shows them; and kube-proxy's configuration, which says which of
them a node runs."""

from .strategies import texts
from .targets import fuzz_test

test_any_iptables_save_text_is_analysed_or_refused_in_one_line = fuzz_test(
    "analyze iptables", texts("iptables")
)

test_any_pasted_iptables_save_text_is_shown_or_refused = fuzz_test(
    "paste iptables", texts("iptables")
)

test_any_nft_text_or_json_is_analysed_or_refused_in_one_line = fuzz_test(
    "analyze nft", texts("nft")
)

test_any_pasted_nft_text_or_json_is_shown_or_refused = fuzz_test("paste nft", texts("nft"))

test_any_ipvsadm_text_is_analysed_or_refused_in_one_line = fuzz_test("analyze ipvs", texts("ipvs"))

test_any_pasted_ipvsadm_text_is_shown_or_refused = fuzz_test("paste ipvs", texts("ipvs"))

test_any_kube_proxy_configuration_tells_a_mode_or_none = fuzz_test(
    "kube-proxy configuration", texts("kube-proxy-config")
)
