"""The paste page's "auto": any text, of any family or none, is recognised and shown, or gets
one line saying what it is not."""

from .strategies import any_texts
from .targets import fuzz_test

test_any_pasted_text_is_recognised_and_shown_or_refused = fuzz_test("paste auto", any_texts())
