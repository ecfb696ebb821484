"""discovery.k8s.io/v1: EndpointSlice, its endpoints (conditions, hints) and ports (field
numbers: k8s.io/api discovery/v1 `generated.proto`; JSON tags: its `types.go`). Stored as
discovery.k8s.io/v1.

`endpoints` and `ports` have no omitempty: an empty slice shows `endpoints: null`.
"""

from __future__ import annotations

from .fields import f, kind, message

message(
    "discovery.v1.EndpointSlice",
    f(1, "metadata", "meta.v1.ObjectMeta"),
    f(4, "addressType", "string", omitempty=False),
    f(2, "endpoints", "discovery.v1.Endpoint", repeated=True, omitempty=False),
    f(3, "ports", "discovery.v1.EndpointPort", repeated=True, omitempty=False),
)
message(
    "discovery.v1.Endpoint",
    f(1, "addresses", "string", repeated=True, omitempty=False),
    f(2, "conditions", "discovery.v1.EndpointConditions"),
    f(3, "hostname", "string", pointer=True),
    f(4, "targetRef", "core.v1.ObjectReference", pointer=True),
    f(5, "deprecatedTopology", "string", map_of="string"),
    f(6, "nodeName", "string", pointer=True),
    f(7, "zone", "string", pointer=True),
    f(8, "hints", "discovery.v1.EndpointHints", pointer=True),
)
message(
    "discovery.v1.EndpointConditions",
    f(1, "ready", "bool", pointer=True),
    f(2, "serving", "bool", pointer=True),
    f(3, "terminating", "bool", pointer=True),
)
message(
    "discovery.v1.EndpointHints",
    f(1, "forZones", "discovery.v1.ForZone", repeated=True),
    f(2, "forNodes", "discovery.v1.ForNode", repeated=True),
)
message("discovery.v1.ForZone", f(1, "name", "string", omitempty=False))
message("discovery.v1.ForNode", f(1, "name", "string", omitempty=False))
message(
    "discovery.v1.EndpointPort",
    f(1, "name", "string", pointer=True),
    f(2, "protocol", "string", pointer=True),
    f(3, "port", "int32", pointer=True),
    f(4, "appProtocol", "string", pointer=True),
)

kind("discovery.k8s.io/v1", "EndpointSlice", "discovery.v1.EndpointSlice")
