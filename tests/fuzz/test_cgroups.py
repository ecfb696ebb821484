"""cgroup listings: systemd-cgls, find/ls -R, /proc/<pid>/cgroup, kubelet /metrics/cadvisor and
the recorded tree (JSON), as `manage.py analyze cgroups` detects and reads them."""

from hypothesis import given

from .strategies import texts
from .targets import holds_the_contract


@given(texts("cgroups"))
def test_any_cgroup_listing_is_analysed_or_refused_in_one_line(text):
    holds_the_contract("analyze cgroups", text)
