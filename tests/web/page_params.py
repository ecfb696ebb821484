"""What a live page hands its script: the JSON in the data-params of its #workloads element."""

from __future__ import annotations

import html as html_lib
import re

import orjson


def page_params(response) -> dict:
    found = re.search(r'id="workloads" data-params="([^"]*)"', response.content.decode())
    assert found, "the page carries no params for its script"
    return orjson.loads(html_lib.unescape(found.group(1)))
