"""Namespaces and what every cluster has around them: ServiceAccounts (a `default` in every
namespace), RBAC, the root CA ConfigMap, Secrets, PriorityClasses and leader-election Leases."""

from __future__ import annotations

import base64

from .builder import DemoBuilder
from .clock import micro_ts, seconds
from .meta import new_object

SYSTEM_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")
ADDON_NAMESPACES = ("kube-flannel", "ceph-csi-rbd")
ROOT_CA = (
    "-----BEGIN CERTIFICATE-----\n"
    "MIIDBTCCAe2gAwIBAgIIL3Qx0aBcD9owDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE\n"
    "AxMKa3ViZXJuZXRlczAeFw0yNTA0MjIwODE0MzNaFw0zNTA0MjAwODE5MzNaMBUx\n"
    "EzARBgNVBAMTCmt1YmVybmV0ZXMwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEK\n"
    "AoIBAQDemoClusterRootCertificateForExplorerOnlyNotARealKeyxxxxxx\n"
    "-----END CERTIFICATE-----\n"
)
SERVICE_ACCOUNTS = {
    "kube-system": ("coredns", "kube-proxy", "nvidia-device-plugin"),
    "kube-flannel": ("flannel",),
    "ceph-csi-rbd": ("ceph-csi-rbd-nodeplugin", "ceph-csi-rbd-provisioner"),
    "shop": ("web", "api", "db"),
}


def namespaces(b: DemoBuilder, extra: list[str]) -> None:
    for index, name in enumerate((*SYSTEM_NAMESPACES, *ADDON_NAMESPACES, "shop", *extra)):
        created = b.at(seconds=3) if name in SYSTEM_NAMESPACES else b.at(hours=index)
        labels = {"kubernetes.io/metadata.name": name}
        if name == "kube-flannel":
            labels["pod-security.kubernetes.io/enforce"] = "privileged"
        b.add(
            new_object(
                "Namespace",
                name,
                b.ids.uid(),
                created,
                labels=labels,
                spec={"finalizers": ["kubernetes"]},
                status={"phase": "Active"},
            )
        )
        b.add(
            new_object(
                "ServiceAccount", "default", b.ids.uid(), created + seconds(1), namespace=name
            )
        )
        b.add(
            new_object(
                "ConfigMap",
                "kube-root-ca.crt",
                b.ids.uid(),
                created + seconds(1),
                namespace=name,
                annotations={"kubernetes.io/description": _CA_NOTE},
                data={"ca.crt": ROOT_CA},
            )
        )
        for account in SERVICE_ACCOUNTS.get(name, ()):
            b.add(
                new_object(
                    "ServiceAccount", account, b.ids.uid(), created + seconds(2), namespace=name
                )
            )


_CA_NOTE = (
    "Contains a CA bundle that can be used to verify the kube-apiserver when using internal "
    "endpoints such as the internal service IP or kubernetes.default.svc. No other usage is "
    "guaranteed across distributions of Kubernetes clusters."
)


def _rule(groups, resources, verbs, names=None) -> dict:
    rule = {"apiGroups": list(groups)}
    if names:
        rule["resourceNames"] = list(names)
    rule["resources"] = list(resources)
    rule["verbs"] = list(verbs)
    return rule


BOOTSTRAP = {"kubernetes.io/bootstrapping": "rbac-defaults"}
AUTOUPDATE = {"rbac.authorization.kubernetes.io/autoupdate": "true"}


def rbac(b: DemoBuilder) -> None:
    ids = b.ids
    born = b.at(seconds=4)
    read = ["get", "list", "watch"]
    cluster_roles = {
        "cluster-admin": [_rule(["*"], ["*"], ["*"]), {"nonResourceURLs": ["*"], "verbs": ["*"]}],
        "view": [
            _rule(
                [""],
                ["pods", "services", "endpoints", "configmaps", "persistentvolumeclaims"],
                read,
            ),
            _rule(["apps"], ["deployments", "replicasets", "statefulsets", "daemonsets"], read),
        ],
        "system:coredns": [
            _rule([""], ["endpoints", "services", "pods", "namespaces"], ["list", "watch"]),
            _rule(["discovery.k8s.io"], ["endpointslices"], ["list", "watch"]),
        ],
        "system:node-proxier": [
            _rule([""], ["endpoints", "services"], ["list", "watch"]),
            _rule([""], ["nodes"], read),
            _rule(["", "events.k8s.io"], ["events"], ["create", "patch", "update"]),
            _rule(["discovery.k8s.io"], ["endpointslices"], ["list", "watch"]),
        ],
        "flannel": [
            _rule([""], ["pods"], ["get"]),
            _rule([""], ["nodes"], ["get", "list", "watch"]),
            _rule([""], ["nodes/status"], ["patch"]),
        ],
        "ceph-csi-rbd-provisioner": [
            _rule(
                [""],
                ["persistentvolumes"],
                ["get", "list", "watch", "create", "update", "delete", "patch"],
            ),
            _rule([""], ["persistentvolumeclaims"], ["get", "list", "watch", "update"]),
            _rule(["storage.k8s.io"], ["storageclasses", "csinodes"], read),
            _rule(
                ["storage.k8s.io"],
                ["volumeattachments"],
                ["get", "list", "watch", "update", "patch"],
            ),
            _rule(
                ["snapshot.storage.k8s.io"],
                ["volumesnapshots", "volumesnapshotcontents"],
                ["get", "list", "watch", "update", "patch", "create"],
            ),
        ],
    }
    for name, rules in cluster_roles.items():
        system = name.startswith("system:") or name in ("cluster-admin", "view")
        role = new_object(
            "ClusterRole",
            name,
            ids.uid(),
            born if system else b.at(hours=2),
            labels=dict(BOOTSTRAP) if system and "coredns" not in name else None,
            annotations=dict(AUTOUPDATE) if system else None,
            rules=rules,
        )
        if name == "view":
            role["metadata"]["labels"]["rbac.authorization.k8s.io/aggregate-to-edit"] = "true"
        b.add(role)
    bindings = [
        (
            "cluster-admin",
            "cluster-admin",
            [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:masters"}],
        ),
        (
            "kubeadm:cluster-admins",
            "cluster-admin",
            [
                {
                    "apiGroup": "rbac.authorization.k8s.io",
                    "kind": "Group",
                    "name": "kubeadm:cluster-admins",
                }
            ],
        ),
        ("system:coredns", "system:coredns", [_sa("kube-system", "coredns")]),
        ("kubeadm:node-proxier", "system:node-proxier", [_sa("kube-system", "kube-proxy")]),
        ("flannel", "flannel", [_sa("kube-flannel", "flannel")]),
        (
            "ceph-csi-rbd-provisioner",
            "ceph-csi-rbd-provisioner",
            [_sa("ceph-csi-rbd", "ceph-csi-rbd-provisioner")],
        ),
    ]
    for name, role, subjects in bindings:
        b.add(
            new_object(
                "ClusterRoleBinding",
                name,
                ids.uid(),
                born,
                roleRef={
                    "apiGroup": "rbac.authorization.k8s.io",
                    "kind": "ClusterRole",
                    "name": role,
                },
                subjects=subjects,
            )
        )
    b.add(
        new_object(
            "Role",
            "pod-reader",
            ids.uid(),
            b.at(days=3),
            namespace="shop",
            rules=[_rule([""], ["pods", "pods/log"], read)],
        ),
        new_object(
            "RoleBinding",
            "api-pod-reader",
            ids.uid(),
            b.at(days=3),
            namespace="shop",
            roleRef={"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pod-reader"},
            subjects=[_sa("shop", "api")],
        ),
        new_object(
            "Role",
            "kubeadm:bootstrap-signer-clusterinfo",
            ids.uid(),
            born,
            namespace="kube-public",
            rules=[_rule([""], ["configmaps"], ["get"], names=["cluster-info"])],
        ),
        new_object(
            "RoleBinding",
            "kubeadm:bootstrap-signer-clusterinfo",
            ids.uid(),
            born,
            namespace="kube-public",
            roleRef={
                "apiGroup": "rbac.authorization.k8s.io",
                "kind": "Role",
                "name": "kubeadm:bootstrap-signer-clusterinfo",
            },
            subjects=[
                {
                    "apiGroup": "rbac.authorization.k8s.io",
                    "kind": "User",
                    "name": "system:anonymous",
                }
            ],
        ),
    )


def _sa(namespace: str, name: str) -> dict:
    return {"kind": "ServiceAccount", "name": name, "namespace": namespace}


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# name, namespace, age, type, data (in clear; stored base64-encoded as the API serves it)
_SECRETS: tuple[tuple[str, str, dict[str, int], str, dict[str, str]], ...] = (
    (
        "db-credentials",
        "shop",
        {"days": 3},
        "Opaque",
        {"password": "demo-only-not-a-secret", "username": "shop"},
    ),
    (
        "shop-tls",
        "shop",
        {"days": 3},
        "kubernetes.io/tls",
        {"tls.crt": "-----BEGIN CERTIFICATE-----\n", "tls.key": "-----BEGIN PRIVATE KEY-----\n"},
    ),
    (
        "csi-rbd-secret",
        "ceph-csi-rbd",
        {"hours": 2},
        "Opaque",
        {"userID": "kubernetes", "userKey": "AQDemoOnlyKeyxxxxxxxxxxxxxxxxxxxx=="},
    ),
    (
        "bootstrap-token-abcdef",
        "kube-system",
        {"seconds": 30},
        "bootstrap.kubernetes.io/token",
        {
            "token-id": "abcdef",
            "token-secret": "0123456789abcdef",
            "usage-bootstrap-authentication": "true",
        },
    ),
)


def secrets(b: DemoBuilder) -> None:
    """Secrets with values in `data`, as an API would return them: the state must drop them."""
    for name, namespace, age, kind, data in _SECRETS:
        b.add(
            new_object(
                "Secret",
                name,
                b.ids.uid(),
                b.at(**age),
                namespace=namespace,
                type=kind,
                data={key: _b64(value) for key, value in data.items()},
            )
        )


def priority_classes(b: DemoBuilder) -> None:
    for name, value, text in (
        (
            "system-cluster-critical",
            2000000000,
            "Used for system critical pods that must run in the cluster, but can be moved to "
            "another node if necessary.",
        ),
        (
            "system-node-critical",
            2000001000,
            "Used for system critical pods that must not be moved from their current node.",
        ),
    ):
        b.add(
            new_object(
                "PriorityClass",
                name,
                b.ids.uid(),
                b.at(seconds=2),
                description=text,
                preemptionPolicy="PreemptLowerPriority",
                value=value,
            )
        )


def leader_leases(b: DemoBuilder) -> None:
    cp = b.control_plane.name
    renewed = micro_ts(b.now - seconds(1))
    for name in ("kube-controller-manager", "kube-scheduler"):
        b.add(
            new_object(
                "Lease",
                name,
                b.ids.uid(),
                b.at(seconds=25),
                namespace="kube-system",
                spec={
                    "acquireTime": micro_ts(b.at(seconds=26)),
                    "holderIdentity": f"{cp}_{b.ids.uid()}",
                    "leaseDurationSeconds": 15,
                    "leaseTransitions": 0,
                    "renewTime": renewed,
                },
            )
        )
    identity = f"apiserver-{b.ids.hex(26)}"
    b.add(
        new_object(
            "Lease",
            identity,
            b.ids.uid(),
            b.at(seconds=21),
            namespace="kube-system",
            labels={
                "apiserver.kubernetes.io/identity": "kube-apiserver",
                "kubernetes.io/hostname": cp,
            },
            spec={
                "holderIdentity": f"{identity}_{b.ids.uid()}",
                "leaseDurationSeconds": 3600,
                "renewTime": renewed,
            },
        )
    )
