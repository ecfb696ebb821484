"""A message over what one websocket frame may carry, sent as parts.

Daphne closes a websocket rather than send a frame over its limit (MAX_MESSAGE), which would end
every view of the tab. A bigger message's JSON text is cut into `part` messages, each well under
the limit, that the browser joins and reads as the message they make (static/js/live.js):
  {"type": "part", "seq": S, "part": i, "parts": n, "text": "<the i-th piece of the JSON text>"}
All parts carry the whole message's `seq`; the browser acknowledges it once, when joined.
Cut by characters, not bytes, so no UTF-8 sequence is split: a character is at most 6 bytes once
in a JSON string (`\\u001f`), so PART_CHARS characters always fit with room for the envelope.
"""

from __future__ import annotations

from collections.abc import Iterator

import orjson

MAX_MESSAGE = 1024 * 1024  # daphne's limit for one frame (runtime/web_server.py gives it this)
PART_CHARS = MAX_MESSAGE // 8
# Past this the message is not sent at all: a model this big means its view lost its level of
# detail, and the tab gets an error rather than a minute of parts.
MAX_PARTED = 64 * 1024 * 1024


def frames(message: dict, data: bytes | None = None) -> Iterator[str]:
    """The text frames that carry `message` (its JSON `data` when already made): itself, or
    its parts when it is over MAX_MESSAGE."""
    data = orjson.dumps(message) if data is None else data
    text = data.decode()
    if len(data) <= MAX_MESSAGE:
        yield text
        return
    count = -(-len(text) // PART_CHARS)
    for index in range(count):
        piece = text[index * PART_CHARS : (index + 1) * PART_CHARS]
        part = {"type": "part", "seq": message["seq"], "part": index, "parts": count}
        yield orjson.dumps({**part, "text": piece}).decode()
