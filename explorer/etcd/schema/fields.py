"""How a protobuf message of the Kubernetes API is described: its fields, each with its number,
its JSON name, its type, and how Go's JSON encoding shows it (`omitempty`, a pointer).

A message is registered under a name of the form `<group>.<version>.<Message>`, the core group
as `core` and apimachinery's meta as `meta.v1` (`core.v1.Pod`, `apps.v1.Deployment`,
`meta.v1.ObjectMeta`). A kind is registered under its apiVersion and kind.

Types:
- scalars: "string", "bytes" (base64 in JSON), "bool", "int32", "int64", "uint32", "uint64",
  "double";
- Kubernetes' own wire forms: "time" (meta.v1.Time, RFC 3339 seconds; zero is null),
  "microtime" (meta.v1.MicroTime, six fractional digits), "duration" (meta.v1.Duration, Go's
  text), "quantity" (resource.Quantity, its string), "intorstring" (intstr.IntOrString),
  "rawextension" (runtime.RawExtension: JSON bytes), "fieldsv1" (meta.v1.FieldsV1: JSON bytes);
- any other name is a registered message.

`map_of` makes a field a `map<string, map_of>` (written as repeated entries {key = 1,
value = 2}); `repeated` a list. `omitempty` follows the Go struct's JSON tag: when False a zero
value is still shown (`restartCount: 0`, `containers: null`); `pointer` is a `*T` in Go, shown
when written even if zero (`replicas: 0`).

How a field that was not written, or was written empty, is shown (proto_objects.py):
- a scalar, list or map: left out when empty and `omitempty`; shown as its zero value ("", 0,
  false, null for a list or map) when not `omitempty`;
- a message, Quantity or IntOrString (a Go struct): shown whenever written, even empty (`{}`),
  since Go's omitempty never omits a struct and kube-apiserver writes every struct field; when
  not written, shown as its zero value only if `omitempty=False`; a `pointer` is shown only when
  written;
- a Time that is not a pointer: Go shows a zero Time as null, so its tables say
  `omitempty=False` (`lastProbeTime: null`); `omitempty=True` leaves a zero Time out, as
  Kubernetes does for `metadata.creationTimestamp` (`omitzero` since kubernetes/kubernetes#130989:
  a template's `creationTimestamp: null` is no longer shown).

The embedded struct: a field named "" is a Go struct embedded in its parent without a JSON name
(`LocalObjectReference` in `ConfigMapKeySelector`, `ProbeHandler` in `Probe`, `VolumeSource` in
`Volume`). Protobuf still writes it as a nested message under its own number; its members are
lifted into the parent's JSON object (`configMapKeyRef: {name, key}`), and written back from the
parent's keys.

`type_meta` is the (apiVersion, kind) the API server shows on a field's objects although the
protobuf carries no TypeMeta for them: a StatefulSet's volumeClaimTemplates are
PersistentVolumeClaims that apps/v1's conversion stamps `apiVersion: v1, kind:
PersistentVolumeClaim` (kubernetes issue 87583). Decoding adds them; encoding accepts them.
"""

from __future__ import annotations

from dataclasses import dataclass

SCALARS = frozenset({"string", "bytes", "bool", "int32", "int64", "uint32", "uint64", "double"})
WIRE_FORMS = frozenset(
    {"time", "microtime", "duration", "quantity", "intorstring", "rawextension", "fieldsv1"}
)


@dataclass(frozen=True)
class Field:
    number: int
    name: str
    type: str
    repeated: bool = False
    map_of: str | None = None
    omitempty: bool = True
    pointer: bool = False
    type_meta: tuple[str, str] | None = None


class Registry(dict[str, dict[int, Field]]):
    """The message tables, with a count of their changes: the reader compiles each table once
    (proto_objects' plans) and must know when a test registers or removes one."""

    changes = 0

    def __setitem__(self, name, table) -> None:
        self.changes += 1
        super().__setitem__(name, table)

    def __delitem__(self, name) -> None:
        self.changes += 1
        super().__delitem__(name)

    def pop(self, *args):
        self.changes += 1
        return super().pop(*args)

    def clear(self) -> None:
        self.changes += 1
        super().clear()

    def update(self, *args, **kwargs) -> None:
        self.changes += 1
        super().update(*args, **kwargs)

    def setdefault(self, name, table=None):
        self.changes += 1
        return super().setdefault(name, table)


MESSAGES: Registry = Registry()
KINDS: dict[tuple[str, str], str] = {}


def message(name: str, *fields: Field) -> None:
    """Register a message; its field numbers must be unique, and so must its name: two tables of
    one message (two groups' modules both writing a core message) would silently disagree."""
    if name in MESSAGES:
        raise ValueError(f"{name}: registered twice")
    by_number = {field.number: field for field in fields}
    if len(by_number) != len(fields):
        raise ValueError(f"{name}: a field number repeats")
    MESSAGES[name] = by_number


def kind(api_version: str, kind_name: str, message_name: str) -> None:
    KINDS[(api_version, kind_name)] = message_name


def message_of_kind(api_version: str, kind_name: str) -> str | None:
    return KINDS.get((api_version, kind_name))


def f(number: int, name: str, type_: str, **how: object) -> Field:
    """Shorthand for the tables: `f(1, "name", "string")`."""
    return Field(number, name, type_, **how)  # type: ignore[arg-type]
