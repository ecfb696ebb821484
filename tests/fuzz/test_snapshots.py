"""What snapshots read from outside: kubectl JSON/YAML object files and bundle files (whose node
facts are then parsed as the pages parse them)."""

from .strategies import bundles, texts
from .targets import fuzz_test

test_any_object_file_is_loaded_or_refused_in_one_line = fuzz_test("object files", texts("objects"))

test_any_bundle_file_is_opened_or_refused_in_one_line = fuzz_test("bundle", bundles())
