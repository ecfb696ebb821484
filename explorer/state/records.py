"""Records: the few fields of a held object that pages filter and order by, kept beside it.

A page that shows some objects of a kind out of many (the latest Events, those about one
object, those that say a pod was scheduled) picks them by their records and reads only those:
for a packed kind (explorer/state/packed.py) reading every object would unpack every one.

`records(state, kind, namespace)` works on any state a page is given (a ClusterState, a state as
of an earlier moment, a bundle's): one that keeps no records of the kind has them made from its
objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from sys import intern
from typing import Any, NamedTuple

from explorer.lib.events import event_time


class EventRecord(NamedTuple):
    namespace: str
    name: str
    time: str  # explorer/lib/events.py event_time: when it was last said
    reason: str
    involved_kind: str  # involvedObject, or regarding (events.k8s.io)
    involved_namespace: str
    involved_name: str
    involved_uid: str

    def involves(self, kind: str, namespace: str, name: str, uid: str = "") -> bool:
        """Whether the event is about that object: by uid when both have one, else by kind,
        namespace and name."""
        if uid and self.involved_uid:
            return self.involved_uid == uid
        return (
            self.involved_kind == kind
            and self.involved_name == name
            and self.involved_namespace == (namespace or "")
        )

    @property
    def in_time_order(self) -> tuple[str, str, str]:
        """As events.py `in_time_order`: its time, then its namespace and name."""
        return (self.time, self.namespace, self.name)


def event_record(event: dict) -> EventRecord:
    """The record of an Event. Its words are interned: the few Events about one object (a pod's
    Scheduled, Pulled, Created, Started) and those said in one second hold one copy of each."""
    metadata = event.get("metadata") or {}
    involved = event.get("involvedObject") or event.get("regarding") or {}
    return EventRecord(
        namespace=_word(metadata.get("namespace")),
        name=metadata.get("name") or "",  # the same string as the state's key
        time=intern(event_time(event)),
        reason=_word(event.get("reason")),
        involved_kind=_word(involved.get("kind")),
        involved_namespace=_word(involved.get("namespace")),
        involved_name=_word(involved.get("name")),
        involved_uid=_word(involved.get("uid")),
    )


def _word(value: Any) -> str:
    return intern(value) if value.__class__ is str else str(value or "")


RECORDED: dict[str, Callable[[dict], Any]] = {"Event": event_record}


def records(state: Any, kind: str, namespace: str | None = None) -> Iterator[Any]:
    """The records of `kind` (in `namespace`, when given) that `state` holds, in no order."""
    kept = getattr(state, "records", None)
    if kept is not None:
        return kept(kind, namespace)
    return map(RECORDED[kind], state.list(kind, namespace))
