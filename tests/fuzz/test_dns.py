"""DNS: Corefiles (bare, or the coredns ConfigMap as YAML or JSON) and resolv.conf files."""

from hypothesis import given

from .strategies import texts
from .targets import holds_the_contract


@given(texts("corefile"))
def test_any_corefile_or_configmap_is_analysed_or_refused_in_one_line(text):
    holds_the_contract("analyze corefile", text)


@given(texts("corefile"))
def test_any_pasted_corefile_is_shown_or_refused(text):
    holds_the_contract("paste corefile", text)


@given(texts("resolv"))
def test_any_resolv_conf_is_analysed_or_refused_in_one_line(text):
    holds_the_contract("analyze resolv", text)


@given(texts("resolv"))
def test_any_pasted_resolv_conf_is_shown_or_refused(text):
    holds_the_contract("paste resolv", text)


@given(texts("resolv"))
def test_any_node_resolv_conf_is_read_as_the_kubelet_reads_it(text):
    holds_the_contract("kubelet resolv.conf", text)
