"""DNS: Corefiles (bare, or the coredns ConfigMap as YAML or JSON) and resolv.conf files."""

from .strategies import texts
from .targets import fuzz_test

test_any_corefile_or_configmap_is_analysed_or_refused_in_one_line = fuzz_test(
    "analyze corefile", texts("corefile")
)

test_any_pasted_corefile_is_shown_or_refused = fuzz_test("paste corefile", texts("corefile"))

test_any_resolv_conf_is_analysed_or_refused_in_one_line = fuzz_test(
    "analyze resolv", texts("resolv")
)

test_any_pasted_resolv_conf_is_shown_or_refused = fuzz_test("paste resolv", texts("resolv"))

test_any_node_resolv_conf_is_read_as_the_kubelet_reads_it = fuzz_test(
    "kubelet resolv.conf", texts("resolv")
)
