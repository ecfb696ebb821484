"""The pages of the kinds that point at others by name or selector — Ingress, autoscaler,
disruption budget, network policy, RBAC, Lease, quota: what they point at, each a link."""

from __future__ import annotations

from explorer.lib.objects import key_of, labels_of, name_of, spec_of, status_of
from explorer.lib.resources import BY_KIND
from explorer.lib.selectors import selector_matches
from explorer.state.cluster_state import ClusterState

from .briefs import brief
from .sections import Cell, Described, Section, only_links, section, to, to_named

NODE_LEASES = "kube-node-lease"


def describe_ingress(state: ClusterState, ingress: dict) -> Described:
    namespace, _ = key_of(ingress)
    spec = spec_of(ingress)
    rows: list[list[Cell]] = []
    for rule in spec.get("rules") or ():
        for path in (rule.get("http") or {}).get("paths") or ():
            backend = (path.get("backend") or {}).get("service") or {}
            port = backend.get("port") or {}
            rows.append(
                [
                    str(rule.get("host") or "*"),
                    f"{path.get('path') or '/'} ({path.get('pathType') or 'Prefix'})",
                    to_named("Service", namespace, str(backend.get("name") or ""))
                    or "not a Service",
                    str(port.get("name") or port.get("number") or ""),
                ]
            )
    default = ((spec.get("defaultBackend") or {}).get("service") or {}).get("name")
    if default:
        rows.append(["*", "anything else", to_named("Service", namespace, default), ""])
    secrets = [
        to_named("Secret", namespace, str(t.get("secretName") or "")) for t in spec.get("tls") or ()
    ]
    facts: list[tuple[str, Cell]] = [
        ("class", str(spec.get("ingressClassName") or "the default")),
        ("TLS", only_links(secrets) or "none"),
    ]
    routes = section("routes", "Routes", ["host", "path", "Service", "port"], rows, empty="no rule")
    return Described(facts, [routes])


def describe_autoscaler(state: ClusterState, autoscaler: dict) -> Described:
    namespace, _ = key_of(autoscaler)
    spec, status = spec_of(autoscaler), status_of(autoscaler)
    target = spec.get("scaleTargetRef") or {}
    facts: list[tuple[str, Cell]] = [
        (
            "scales",
            to_named(
                str(target.get("kind") or ""),
                namespace,
                str(target.get("name") or ""),
                f"{target.get('kind', '?')} {target.get('name', '?')}",
            ),
        ),
        (
            "replicas",
            f"{status.get('currentReplicas', '?')} now, {status.get('desiredReplicas', '?')} "
            f"wanted, between {spec.get('minReplicas', 1)} and {spec.get('maxReplicas', '?')}",
        ),
    ]
    return Described(facts, [])


def describe_disruption_budget(state: ClusterState, budget: dict) -> Described:
    namespace, _ = key_of(budget)
    spec, status = spec_of(budget), status_of(budget)
    keeps = (
        f"at least {spec['minAvailable']} available"
        if "minAvailable" in spec
        else f"at most {spec.get('maxUnavailable', '?')} unavailable"
    )
    facts: list[tuple[str, Cell]] = [
        ("keeps", keeps),
        ("disruptions allowed now", str(status.get("disruptionsAllowed", "?"))),
    ]
    selected = _pods_selected(state, namespace, spec.get("selector"), "pods", "Pods it protects")
    return Described(facts, [selected])


def describe_network_policy(state: ClusterState, policy: dict) -> Described:
    namespace, _ = key_of(policy)
    spec = spec_of(policy)
    facts: list[tuple[str, Cell]] = [
        ("applies to", ", ".join(spec.get("policyTypes") or ["Ingress"])),
        ("ingress rules", str(len(spec.get("ingress") or ()))),
        ("egress rules", str(len(spec.get("egress") or ()))),
    ]
    selected = _pods_selected(
        state, namespace, spec.get("podSelector"), "pods", "Pods it applies to"
    )
    return Described(facts, [selected])


def describe_binding(state: ClusterState, binding: dict) -> Described:
    namespace, _ = key_of(binding)
    role = binding.get("roleRef") or {}
    role_kind = str(role.get("kind") or "Role")
    rows: list[list[Cell]] = []
    for subject in binding.get("subjects") or ():
        kind = str(subject.get("kind") or "?")
        name = str(subject.get("name") or "?")
        if kind == "ServiceAccount":
            rows.append([kind, to_named(kind, subject.get("namespace") or namespace, name)])
        else:
            rows.append([kind, name])
    facts: list[tuple[str, Cell]] = [
        (
            "role",
            to_named(
                role_kind,
                "" if role_kind == "ClusterRole" else namespace,
                str(role.get("name") or ""),
                f"{role_kind} {role.get('name', '?')}",
            ),
        ),
    ]
    return Described(
        facts, [section("subjects", "Who it grants the role to", ["kind", "name"], rows)]
    )


def describe_role(state: ClusterState, role: dict) -> Described:
    namespace, name = key_of(role)
    kind = str(role.get("kind") or "Role")
    rules = [
        [
            ", ".join(r.get("verbs") or ()),
            ", ".join(r.get("resources") or r.get("nonResourceURLs") or ()),
            ", ".join(g or "core" for g in r.get("apiGroups") or ()),
        ]
        for r in role.get("rules") or ()
    ]
    bindings: list[list[Cell]] = []
    for binding_kind in ("RoleBinding", "ClusterRoleBinding"):
        for binding in state.list(binding_kind, namespace or None):
            ref = binding.get("roleRef") or {}
            if ref.get("kind") == kind and ref.get("name") == name:
                bindings.append([to(binding, text=f"{binding_kind} {name_of(binding)}")])
    return Described(
        [],
        [
            section(
                "rules",
                "What it allows",
                ["verbs", "resources", "API groups"],
                rules,
                empty="nothing",
            ),
            section(
                "bindings",
                "Bindings that grant it",
                ["binding"],
                bindings,
                empty="no binding names it",
            ),
        ],
    )


def describe_lease(state: ClusterState, lease: dict) -> Described:
    namespace, name = key_of(lease)
    spec = spec_of(lease)
    holder = str(spec.get("holderIdentity") or "nobody")
    facts: list[tuple[str, Cell]] = [
        ("held by", to_named("Node", "", name) if namespace == NODE_LEASES else holder),
        ("renewed", str(spec.get("renewTime") or "never")),
        ("lasts", f"{spec.get('leaseDurationSeconds', '?')} s"),
    ]
    return Described(facts, [])


def describe_quota(state: ClusterState, quota: dict) -> Described:
    status = status_of(quota)
    used = status.get("used") or {}
    rows: list[list[Cell]] = [
        [str(k), str(used.get(k, "0")), str(v)]
        for k, v in sorted((status.get("hard") or spec_of(quota).get("hard") or {}).items())
    ]
    return Described(
        [], [section("usage", "Used of what it allows", ["resource", "used", "allowed"], rows)]
    )


def describe_crd(state: ClusterState, definition: dict) -> Described:
    spec = spec_of(definition)
    names = spec.get("names") or {}
    watched = (
        "yes" if names.get("kind") in BY_KIND else "no: the explorer does not watch its objects"
    )
    facts: list[tuple[str, Cell]] = [
        ("group", str(spec.get("group") or "?")),
        ("kind", str(names.get("kind") or "?")),
        ("scope", str(spec.get("scope") or "?")),
        ("watched", watched),
    ]
    return Described(facts, [])


def _pods_selected(
    state: ClusterState, namespace: str, selector: dict | None, key: str, title: str
) -> Section:
    rows: list[list[Cell]] = [
        [to(pod), brief(pod)]
        for pod in state.list("Pod", namespace)
        if selector_matches(selector, labels_of(pod), empty_selects_all=True)
    ]
    return section(key, title, ["pod", "state"], rows, empty="no pod matches its selector")


DESCRIBERS = {
    "Ingress": describe_ingress,
    "HorizontalPodAutoscaler": describe_autoscaler,
    "PodDisruptionBudget": describe_disruption_budget,
    "NetworkPolicy": describe_network_policy,
    "RoleBinding": describe_binding,
    "ClusterRoleBinding": describe_binding,
    "Role": describe_role,
    "ClusterRole": describe_role,
    "Lease": describe_lease,
    "ResourceQuota": describe_quota,
    "CustomResourceDefinition": describe_crd,
}
