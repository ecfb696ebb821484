from __future__ import annotations

import pytest

from explorer.lib.timestamps import utc_second


@pytest.mark.parametrize(
    "written",
    [
        "2026-12-05T21:25:14Z",
        "2026-12-05T21:25:14.000000Z",
        "2026-12-05T21:25:14.123456789Z",
        "2026-12-05T22:25:14+01:00",
        "2026-12-05T21:25:14",
    ],
)
def test_every_way_the_api_writes_a_time_reads_as_one_format(written: str) -> None:
    assert utc_second(written) == "2026-12-05T21:25:14Z"


@pytest.mark.parametrize("written", ["", "yesterday", "2026-13-45T00:00:00Z"])
def test_text_that_is_not_a_time_comes_back_as_it_was(written: str) -> None:
    assert utc_second(written) == written
