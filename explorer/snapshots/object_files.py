"""Kubernetes objects from JSON or YAML files, into a ClusterState.

Reads what people save: one object, a `kind: List` or `*List` with items (`kubectl get -o
json|yaml`, the kubelet's `/pods`), multi-document YAML, a JSON array of objects. Objects that do
not say their kind are typed from their content (see `shapes`). A text transcript of `kubectl
get` or `describe` is refused with a one-line error that says so.

Nothing here logs or reports an object's content: a Secret's values may be in the file, and they
are dropped (by the ClusterState's redaction) before anything else sees them.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import orjson
import yaml

from explorer.lib.resources import BY_KIND
from explorer.state.cluster_state import ClusterState

from .kind_inference import infer_kind
from .object_shape import shape_problem

log = logging.getLogger(__name__)

OBJECT_SUFFIXES = (".json", ".yaml", ".yml")

_KUBECTL_TEXT = re.compile(
    r"^(?:\$ )?kubectl\s"  # a prompt or a command line
    r"|^(?:NAMESPACE|NAME)\s{2,}\S"  # a `kubectl get` table header
    r"|^Name:\s+\S.*\n(?:Namespace|Labels|Roles|Annotations):"  # `kubectl describe`
    r"|^\s*(?:Normal|Warning)\s{2,}\w+\s{2,}",  # a describe Events row
    re.MULTILINE,
)


class LoadError(ValueError):
    """A file that holds no Kubernetes objects we can read; the message is one line."""


def _loader() -> type:
    """PyYAML's C loader when built, leaving timestamps as the strings the API serves."""
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class ObjectLoader(base):  # type: ignore[misc, valid-type]
        yaml_implicit_resolvers = {
            first: [(tag, regex) for tag, regex in resolvers if not tag.endswith(":timestamp")]
            for first, resolvers in base.yaml_implicit_resolvers.items()
        }

    return ObjectLoader


_YAML_LOADER = _loader()


def load_files(
    paths: Iterable[str | Path], state: ClusterState | None = None, cluster: str = "default"
) -> ClusterState:
    """Every object of these files (or of the object files in these folders) in one state."""
    state = state if state is not None else ClusterState(cluster)
    for path in _object_files(paths):
        for obj in read_objects(path):
            state.upsert(obj, obj["kind"])
    return state


def read_objects(path: str | Path) -> list[dict]:
    """The objects of one file, each with its `kind` set."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise LoadError(f"{path.name}: cannot read: {error.strerror}") from None
    objects = parse_objects(data, path.name)
    log.debug("%s: %s", path.name, dict(Counter(obj["kind"] for obj in objects)))
    return objects


def parse_objects(data: bytes | str, source: str = "<input>") -> list[dict]:
    """The objects in JSON or YAML text; `source` names it in errors."""
    if source.endswith(".source.txt"):
        raise LoadError(f"{source}: is a provenance note (where a fixture came from), not objects")
    try:
        text = data.decode() if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise LoadError(f"{source}: not UTF-8 text, so not a JSON/YAML object file") from None
    objects: list[dict] = []
    for position, document in enumerate(_documents(data, text, source), 1):
        objects.extend(_objects_of(document, position, source, text))
    return objects


def _documents(data: bytes | str, text: str, source: str) -> list:
    if text.lstrip()[:1] in ("{", "["):
        try:
            return [orjson.loads(data)]  # bytes parse without a second copy of the text
        except orjson.JSONDecodeError as error:
            _refuse_kubectl_text(text, source)
            raise LoadError(
                f"{source}: invalid JSON at line {error.lineno} column {error.colno}"
            ) from None
    try:
        return [doc for doc in yaml.load_all(text, Loader=_YAML_LOADER) if doc is not None]
    except yaml.YAMLError as error:
        _refuse_kubectl_text(text, source)
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise LoadError(f"{source}: invalid YAML{where}") from None


def _objects_of(document: object, position: int, source: str, text: str) -> Iterator[dict]:
    if isinstance(document, list):
        for index, item in enumerate(document):
            yield _typed(item, None, f"item {index} of document {position}", source, text)
        return
    if not isinstance(document, dict):
        _refuse_kubectl_text(text, source)
        raise LoadError(f"{source}: document {position} is not a Kubernetes object")
    kind = document.get("kind")
    items = document.get("items")
    if isinstance(items, list) and (not kind or str(kind).endswith("List")):
        for index, item in enumerate(items):
            where = f"item {index} of document {position}"
            yield _typed(item, kind if isinstance(kind, str) else None, where, source, text)
        return
    yield _typed(document, None, f"document {position}", source, text)


def _typed(obj: object, list_kind: str | None, where: str, source: str, text: str) -> dict:
    if not isinstance(obj, dict) or not isinstance(obj.get("metadata"), dict):
        _refuse_kubectl_text(text, source)
        raise LoadError(f"{source}: {where} is not a Kubernetes object (it has no metadata)")
    name = obj["metadata"].get("name")
    if not name or not isinstance(name, str):
        raise LoadError(f"{source}: {where} has no metadata.name")
    problem = shape_problem(obj)
    if problem is not None:
        raise LoadError(f"{source}: {where} ({name!r}): {problem}")
    kind = infer_kind(obj, list_kind)
    if kind is None:
        raise LoadError(f"{source}: cannot tell the kind of {where} ({name!r}); add `kind:`")
    obj["kind"] = kind
    resource = BY_KIND.get(kind)
    if resource is not None:
        obj.setdefault("apiVersion", resource.api_version)
    return obj


def _refuse_kubectl_text(text: str, source: str) -> None:
    if _KUBECTL_TEXT.search(text):
        raise LoadError(f"{source}: looks like kubectl get/describe text, not a JSON/YAML object")


def _object_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(
                p for p in path.iterdir() if p.is_file() and p.name.endswith(OBJECT_SUFFIXES)
            )
        else:
            yield path
