"""The pages of what pods use by name — ConfigMap, Secret, ServiceAccount, PriorityClass: which
pods use it and how (a volume, an environment variable, a pull secret), and for a ServiceAccount
the roles bound to it.

A Secret is held as metadata only (explorer/lib/redact.py, fetched as PartialObjectMetadata):
its page shows that metadata, its type when it is known, and which pods use it — never a value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from explorer.lib.objects import CONTAINER_ROLES, annotations_of, key_of, name_of, spec_of
from explorer.state.cluster_state import ClusterState

from .briefs import brief
from .sections import Cell, Described, Section, section, to, to_named

SERVICE_ACCOUNT_ANNOTATION = "kubernetes.io/service-account.name"
DATA_NEVER_FETCHED = (
    "Its data is never fetched: the explorer reads Secrets as metadata only (the API server's "
    "PartialObjectMetadata), so no value of this Secret ever reached this page, and none is kept."
)
TYPE_NOT_FETCHED = "not fetched: the API server sends a Secret's type with its data"


def describe_config_map(state: ClusterState, config_map: dict) -> Described:
    namespace, name = key_of(config_map)
    data = config_map.get("data") or {}
    binary = config_map.get("binaryData") or {}
    keys = [f"{k} ({len(str(v))} characters)" for k, v in sorted(data.items())]
    keys += [f"{k} (binary)" for k in sorted(binary)]
    facts: list[tuple[str, Cell]] = [("keys", ", ".join(keys) or "none")]
    return Described(facts, [_used_by(state, namespace, lambda pod: _config_map_uses(pod, name))])


def describe_secret(state: ClusterState, secret: dict) -> Described:
    namespace, name = key_of(secret)
    facts: list[tuple[str, Cell]] = [("type", secret_type(secret))]
    accounts = [
        [to(account), ", ".join(how)]
        for account in state.list("ServiceAccount", namespace)
        if (how := _account_uses(account, name))
    ]
    sections = [
        _used_by(state, namespace, lambda pod: _secret_uses(pod, name)),
        section(
            "service-accounts",
            "ServiceAccounts that name it",
            ["ServiceAccount", "as"],
            accounts,
            empty="none",
        ),
    ]
    return Described(facts, sections)


def describe_service_account(state: ClusterState, account: dict) -> Described:
    namespace, name = key_of(account)
    rows: list[list[Cell]] = []
    for kind in ("RoleBinding", "ClusterRoleBinding"):
        for binding in state.list(kind):
            if any(_is_account(s, namespace, name, binding) for s in binding.get("subjects") or ()):
                role = binding.get("roleRef") or {}
                role_kind = str(role.get("kind") or "Role")
                role_namespace = "" if role_kind == "ClusterRole" else key_of(binding)[0]
                rows.append(
                    [to(binding), to_named(role_kind, role_namespace, str(role.get("name") or ""))]
                )
    uses = _used_by(state, namespace, lambda pod: ["runs as it"] if _runs_as(pod, name) else [])
    roles = section(
        "roles", "Roles bound to it", ["binding", "role"], rows, empty="no binding names it"
    )
    return Described([], [uses, roles])


def describe_priority_class(state: ClusterState, priority_class: dict) -> Described:
    name = name_of(priority_class)
    facts: list[tuple[str, Cell]] = [
        ("value", str(priority_class.get("value", "?"))),
        ("preempts", str(priority_class.get("preemptionPolicy") or "PreemptLowerPriority")),
        (
            "globalDefault",
            "yes: pods naming no class get this one"
            if priority_class.get("globalDefault")
            else "no",
        ),
    ]
    uses = _used_by(
        state,
        None,
        lambda pod: ["its priority"] if spec_of(pod).get("priorityClassName") == name else [],
    )
    return Described(facts, [uses])


def secret_type(secret: dict) -> str:
    if secret.get("type"):
        return str(secret["type"])
    account = annotations_of(secret).get(SERVICE_ACCOUNT_ANNOTATION)
    if account:
        return (
            f"kubernetes.io/service-account-token (its annotation names ServiceAccount {account})"
        )
    return TYPE_NOT_FETCHED


def _used_by(
    state: ClusterState, namespace: str | None, uses: Callable[[dict], list[str]]
) -> Section:
    rows: list[list[Cell]] = [
        [
            to(pod, text=pod_name if namespace else f"{key_of(pod)[0]}/{pod_name}"),
            brief(pod),
            ", ".join(how),
        ]
        for pod in state.list("Pod", namespace)
        if (how := uses(pod)) and (pod_name := name_of(pod))
    ]
    return section(
        "used-by", "Pods that use it", ["pod", "state", "as"], rows, empty="no pod uses it"
    )


def _containers(pod: dict) -> Iterator[dict]:
    spec = spec_of(pod)
    for _, field, _ in CONTAINER_ROLES:
        yield from (c for c in spec.get(field) or () if isinstance(c, dict))


def _config_map_uses(pod: dict, name: str) -> list[str]:
    how = [
        f"volume {volume.get('name', '?')}"
        for volume in spec_of(pod).get("volumes") or ()
        if (volume.get("configMap") or {}).get("name") == name
        or any((s.get("configMap") or {}).get("name") == name for s in _projected(volume))
    ]
    return how + _env_uses(pod, name, "configMapKeyRef", "configMapRef")


def _secret_uses(pod: dict, name: str) -> list[str]:
    spec = spec_of(pod)
    how = [
        f"volume {volume.get('name', '?')}"
        for volume in spec.get("volumes") or ()
        if (volume.get("secret") or {}).get("secretName") == name
        or any((s.get("secret") or {}).get("name") == name for s in _projected(volume))
    ]
    how += _env_uses(pod, name, "secretKeyRef", "secretRef")
    if any(ref.get("name") == name for ref in spec.get("imagePullSecrets") or ()):
        how.append("image pull secret")
    return how


def _env_uses(pod: dict, name: str, key_ref: str, from_ref: str) -> list[str]:
    how: list[str] = []
    for container in _containers(pod):
        for env in container.get("env") or ():
            if ((env.get("valueFrom") or {}).get(key_ref) or {}).get("name") == name:
                how.append(f"env {env.get('name', '?')} of {container.get('name', '?')}")
        for source in container.get("envFrom") or ():
            if (source.get(from_ref) or {}).get("name") == name:
                how.append(f"all of it as env of {container.get('name', '?')}")
    return how


def _projected(volume: dict) -> list[dict]:
    return [s for s in (volume.get("projected") or {}).get("sources") or () if isinstance(s, dict)]


def _account_uses(account: dict, secret: str) -> list[str]:
    how = ["a secret" for ref in account.get("secrets") or () if ref.get("name") == secret]
    how += [
        "an image pull secret"
        for ref in account.get("imagePullSecrets") or ()
        if ref.get("name") == secret
    ]
    return how


def _runs_as(pod: dict, account: str) -> bool:
    spec = spec_of(pod)
    return (spec.get("serviceAccountName") or spec.get("serviceAccount") or "default") == account


def _is_account(subject: dict, namespace: str, name: str, binding: dict) -> bool:
    subject_namespace = subject.get("namespace") or key_of(binding)[0]
    return (
        subject.get("kind") == "ServiceAccount"
        and subject.get("name") == name
        and subject_namespace == namespace
    )


DESCRIBERS = {
    "ConfigMap": describe_config_map,
    "Secret": describe_secret,
    "ServiceAccount": describe_service_account,
    "PriorityClass": describe_priority_class,
}
