"""What snapshots read from outside: kubectl JSON/YAML object files and bundle files (whose node
facts are then parsed as the pages parse them)."""

from hypothesis import given

from .strategies import bundles, texts
from .targets import holds_the_contract


@given(texts("objects"))
def test_any_object_file_is_loaded_or_refused_in_one_line(text):
    holds_the_contract("object files", text)


@given(bundles())
def test_any_bundle_file_is_opened_or_refused_in_one_line(data):
    holds_the_contract("bundle", data)
