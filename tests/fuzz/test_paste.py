"""The paste page's "auto": any text, of any family or none, is recognised and shown, or gets
one line saying what it is not."""

from hypothesis import given

from .strategies import any_texts
from .targets import holds_the_contract


@given(any_texts())
def test_any_pasted_text_is_recognised_and_shown_or_refused(text):
    holds_the_contract("paste auto", text)
