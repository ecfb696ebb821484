"""What kubectl prints, read back: JSON or YAML (one object, a List, several documents) and a
whole `kubectl cluster-info dump`, whose JSON documents (a List per kind and namespace) follow one
another with container logs between them.

`documents(text)` gives the parsed documents, never raising on the logs between them;
`objects_in(text, source)` the Kubernetes objects, typed as `object_files` types them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import yaml

from .object_files import LoadError, parse_objects

_LOGS_START = re.compile(r"^==== START logs for .*?====\s*$", re.MULTILINE)
_LOGS_END = re.compile(r"^==== END logs for .*?====\s*$", re.MULTILINE)
_DOCUMENT_START = re.compile(r"^[{\[]", re.MULTILINE)
MAX_TEXT = 512 * 1024 * 1024


def _without_logs(text: str) -> str:
    """The text with every `==== START logs … ==== END logs …` block blanked."""
    parts = []
    at = 0
    while (start := _LOGS_START.search(text, at)) is not None:
        parts.append(text[at : start.start()])
        end = _LOGS_END.search(text, start.end())
        if end is None:
            return "".join(parts)
        at = end.end()
    parts.append(text[at:])
    return "".join(parts)


def is_dump(text: str) -> bool:
    """Several JSON documents one after another, or container logs between them."""
    if _LOGS_START.search(text):
        return True
    starts = _DOCUMENT_START.findall(text[: 1 << 20])
    return len(starts) > 1 and text.lstrip()[:1] in ("{", "[")


def json_documents(text: str) -> Iterator[object]:
    """Every JSON document that starts a line, the text between them skipped."""
    decoder = json.JSONDecoder()
    text = _without_logs(text)
    at = 0
    while (start := _DOCUMENT_START.search(text, at)) is not None:
        try:
            document, end = decoder.raw_decode(text, start.start())
        except ValueError:
            at = start.end()
            continue
        yield document
        at = end


def documents(text: str) -> list[object]:
    """The documents of JSON, YAML or a cluster-info dump; LoadError when it is none of those."""
    stripped = text.lstrip()
    if stripped[:1] in ("{", "[") or _LOGS_START.search(text):
        try:
            return [json.loads(text)]
        except ValueError:
            found = list(json_documents(text))
            if found:
                return found
            raise LoadError("neither JSON nor a kubectl cluster-info dump") from None
    try:
        return [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError:
        raise LoadError("neither JSON, YAML nor a kubectl cluster-info dump") from None


def objects_in(text: str, source: str = "<input>") -> list[dict]:
    """The Kubernetes objects of what kubectl printed (each typed, as `parse_objects` does)."""
    if not is_dump(text):
        return parse_objects(text, source)
    found: list[dict] = []
    for document in json_documents(text):
        if not isinstance(document, dict | list):
            continue
        try:
            found.extend(parse_objects(json.dumps(document), source))
        except LoadError:
            continue  # a log line that parses as JSON, or a document of no object
    if not found:
        raise LoadError(f"{source}: no Kubernetes object in this cluster-info dump")
    return found
