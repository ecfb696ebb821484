"""cgroup listings: systemd-cgls, find/ls -R, /proc/<pid>/cgroup, kubelet /metrics/cadvisor and
the recorded tree (JSON), as `manage.py analyze cgroups` detects and reads them."""

from .strategies import texts
from .targets import fuzz_test

test_any_cgroup_listing_is_analysed_or_refused_in_one_line = fuzz_test(
    "analyze cgroups", texts("cgroups")
)
