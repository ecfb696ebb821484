"""Every input that once broke a parser's contract (saved by the fuzzers under corpus/), replayed
on every run."""

import pytest

from .targets import CORPUS, holds_the_contract, saved

SAVED = sorted(CORPUS.glob("*/*"))


@pytest.mark.parametrize("path", SAVED, ids=[f"{p.parent.name}/{p.name}" for p in SAVED])
def test_every_saved_input_is_read_or_refused_in_one_line(path):
    target, value = saved(path)
    holds_the_contract(target.name, value)
