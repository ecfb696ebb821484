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


MESSAGES: dict[str, dict[int, Field]] = {}
KINDS: dict[tuple[str, str], str] = {}


def message(name: str, *fields: Field) -> None:
    """Register a message; its field numbers must be unique."""
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
