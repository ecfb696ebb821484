"""networking.k8s.io/v1: NetworkPolicy, Ingress and IngressClass (field numbers: k8s.io/api
networking/v1 `generated.proto`; JSON tags: its `types.go`). Stored as networking.k8s.io/v1;
Ingresses live under `/registry/ingress/`.

An IngressRule embeds IngressRuleValue (protobuf field 2, `json:",inline"`): its `http` shows
beside `host`, which the table says with the empty field name. NetworkPolicy's field 3 (status)
is retired.
"""

from __future__ import annotations

from .fields import f, kind, message

OBJECT_META = "meta.v1.ObjectMeta"
SELECTOR = "meta.v1.LabelSelector"

# NetworkPolicy
message(
    "networking.v1.NetworkPolicy",
    f(1, "metadata", OBJECT_META),
    f(2, "spec", "networking.v1.NetworkPolicySpec"),
)
message(
    "networking.v1.NetworkPolicySpec",
    f(1, "podSelector", SELECTOR, omitempty=False),
    f(2, "ingress", "networking.v1.NetworkPolicyIngressRule", repeated=True),
    f(3, "egress", "networking.v1.NetworkPolicyEgressRule", repeated=True),
    f(4, "policyTypes", "string", repeated=True),
)
message(
    "networking.v1.NetworkPolicyIngressRule",
    f(1, "ports", "networking.v1.NetworkPolicyPort", repeated=True),
    f(2, "from", "networking.v1.NetworkPolicyPeer", repeated=True),
)
message(
    "networking.v1.NetworkPolicyEgressRule",
    f(1, "ports", "networking.v1.NetworkPolicyPort", repeated=True),
    f(2, "to", "networking.v1.NetworkPolicyPeer", repeated=True),
)
message(
    "networking.v1.NetworkPolicyPort",
    f(1, "protocol", "string", pointer=True),
    f(2, "port", "intorstring", pointer=True),
    f(3, "endPort", "int32", pointer=True),
)
message(
    "networking.v1.NetworkPolicyPeer",
    f(1, "podSelector", SELECTOR, pointer=True),
    f(2, "namespaceSelector", SELECTOR, pointer=True),
    f(3, "ipBlock", "networking.v1.IPBlock", pointer=True),
)
message(
    "networking.v1.IPBlock",
    f(1, "cidr", "string", omitempty=False),
    f(2, "except", "string", repeated=True),
)

# Ingress
message(
    "networking.v1.Ingress",
    f(1, "metadata", OBJECT_META),
    f(2, "spec", "networking.v1.IngressSpec"),
    f(3, "status", "networking.v1.IngressStatus"),
)
message(
    "networking.v1.IngressSpec",
    f(4, "ingressClassName", "string", pointer=True),
    f(1, "defaultBackend", "networking.v1.IngressBackend", pointer=True),
    f(2, "tls", "networking.v1.IngressTLS", repeated=True),
    f(3, "rules", "networking.v1.IngressRule", repeated=True),
)
message(
    "networking.v1.IngressTLS",
    f(1, "hosts", "string", repeated=True),
    f(2, "secretName", "string"),
)
message(
    "networking.v1.IngressRule",
    f(1, "host", "string"),
    f(2, "", "networking.v1.IngressRuleValue"),
)
message(
    "networking.v1.IngressRuleValue",
    f(1, "http", "networking.v1.HTTPIngressRuleValue", pointer=True),
)
message(
    "networking.v1.HTTPIngressRuleValue",
    f(1, "paths", "networking.v1.HTTPIngressPath", repeated=True, omitempty=False),
)
message(
    "networking.v1.HTTPIngressPath",
    f(1, "path", "string"),
    f(3, "pathType", "string", pointer=True, omitempty=False),
    f(2, "backend", "networking.v1.IngressBackend", omitempty=False),
)
message(
    "networking.v1.IngressBackend",
    f(4, "service", "networking.v1.IngressServiceBackend", pointer=True),
    f(3, "resource", "core.v1.TypedLocalObjectReference", pointer=True),
)
message(
    "networking.v1.IngressServiceBackend",
    f(1, "name", "string", omitempty=False),
    f(2, "port", "networking.v1.ServiceBackendPort"),
)
message(
    "networking.v1.ServiceBackendPort",
    f(1, "name", "string"),
    f(2, "number", "int32"),
)
message(
    "networking.v1.IngressStatus",
    f(1, "loadBalancer", "networking.v1.IngressLoadBalancerStatus"),
)
message(
    "networking.v1.IngressLoadBalancerStatus",
    f(1, "ingress", "networking.v1.IngressLoadBalancerIngress", repeated=True),
)
message(
    "networking.v1.IngressLoadBalancerIngress",
    f(1, "ip", "string"),
    f(2, "hostname", "string"),
    f(4, "ports", "networking.v1.IngressPortStatus", repeated=True),
)
message(
    "networking.v1.IngressPortStatus",
    f(1, "port", "int32", omitempty=False),
    f(2, "protocol", "string", omitempty=False),
    f(3, "error", "string", pointer=True),
)

# IngressClass
message(
    "networking.v1.IngressClass",
    f(1, "metadata", OBJECT_META),
    f(2, "spec", "networking.v1.IngressClassSpec"),
)
message(
    "networking.v1.IngressClassSpec",
    f(1, "controller", "string"),
    f(2, "parameters", "networking.v1.IngressClassParametersReference", pointer=True),
)
message(
    "networking.v1.IngressClassParametersReference",
    f(1, "apiGroup", "string", pointer=True),
    f(2, "kind", "string", omitempty=False),
    f(3, "name", "string", omitempty=False),
    f(4, "scope", "string", pointer=True, omitempty=False),
    f(5, "namespace", "string", pointer=True),
)

for _kind in ("NetworkPolicy", "Ingress", "IngressClass"):
    kind("networking.k8s.io/v1", _kind, f"networking.v1.{_kind}")
