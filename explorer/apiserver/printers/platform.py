"""Rows of networking, storage, scheduling, coordination and RBAC kinds."""

from __future__ import annotations

from explorer.lib.objects import annotations_of, spec_of, status_of

from .common import (
    Cells,
    Printer,
    col,
    format_label_selector,
    list_with_more,
    named_rows,
)

_DEFAULT_CLASS = (
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
)


def _storage_class_cells(obj: dict, _now: float) -> Cells:
    return [
        obj.get("provisioner", ""),
        obj.get("reclaimPolicy") or "Delete",
        obj.get("volumeBindingMode") or "Immediate",
        bool(obj.get("allowVolumeExpansion")),
    ]


def _storage_class_row(obj: dict, now: float) -> Cells:
    """The default class's name says so (`name (default)`)."""
    row = _STORAGE_CLASS_ROWS.cells(obj, now)
    annotations = annotations_of(obj)
    if any(annotations.get(a) == "true" for a in _DEFAULT_CLASS):
        row[0] = f"{row[0]} (default)"
    return row


_STORAGE_CLASS_ROWS = named_rows(
    (
        col("Provisioner", doc="provisioner indicates the type of the provisioner."),
        col("ReclaimPolicy", doc="reclaimPolicy of dynamically provisioned volumes."),
        col("VolumeBindingMode", doc="volumeBindingMode of PersistentVolumeClaims."),
        col(
            "AllowVolumeExpansion",
            doc="allowVolumeExpansion shows whether the class allows expansion.",
        ),
    ),
    _storage_class_cells,
)
STORAGE_CLASS = Printer(_STORAGE_CLASS_ROWS.columns, _storage_class_row)

LEASE = named_rows(
    (col("Holder", doc="holderIdentity contains the identity of the holder."),),
    lambda obj, _now: [spec_of(obj).get("holderIdentity") or ""],
)

PRIORITY_CLASS = named_rows(
    (
        col("Value", "integer", doc="The value of this priority class."),
        col("Global-Default", "boolean", doc="Whether this is the default priority class."),
        col("PreemptionPolicy", doc="The policy for preempting pods with lower priority."),
    ),
    lambda obj, _now: [
        obj.get("value", 0),
        bool(obj.get("globalDefault")),
        obj.get("preemptionPolicy", ""),
    ],
    age_at=2,
)


def _subjects(obj: dict) -> tuple[str, str, str]:
    users, groups, accounts = [], [], []
    for subject in obj.get("subjects") or ():
        kind = subject.get("kind")
        if kind == "User":
            users.append(subject.get("name", ""))
        elif kind == "Group":
            groups.append(subject.get("name", ""))
        elif kind == "ServiceAccount":
            accounts.append(f"{subject.get('namespace', '')}/{subject.get('name', '')}")
    return ", ".join(users), ", ".join(groups), ", ".join(accounts)


def _binding_cells(obj: dict, _now: float) -> Cells:
    ref = obj.get("roleRef") or {}
    return [f"{ref.get('kind', '')}/{ref.get('name', '')}", *_subjects(obj)]


BINDING = named_rows(
    (
        col("Role", doc="RoleRef can reference a Role or a ClusterRole."),
        col("Users", priority=1, doc="Users in the binding"),
        col("Groups", priority=1, doc="Groups in the binding"),
        col("ServiceAccounts", priority=1, doc="ServiceAccounts in the binding"),
    ),
    _binding_cells,
    age_at=1,
)


def _ingress_hosts(rules: list[dict]) -> str:
    hosts = [r["host"] for r in rules if r.get("host")]
    if not hosts:
        return "*"
    if len(rules) > 3:
        return f"{','.join(hosts[:3])} + {len(rules) - 3} more..."
    return ",".join(hosts)


def _ingress_cells(obj: dict, _now: float) -> Cells:
    ing_spec = spec_of(obj)
    addresses: list[str] = []
    for ingress in (status_of(obj).get("loadBalancer") or {}).get("ingress") or ():
        value = ingress.get("ip") or ingress.get("hostname")
        if value and value not in addresses:
            addresses.append(value)
    return [
        ing_spec.get("ingressClassName") or "<none>",
        _ingress_hosts(ing_spec.get("rules") or []),
        ",".join(addresses),
        "80, 443" if ing_spec.get("tls") else "80",
    ]


INGRESS = named_rows(
    (
        col("Class", doc="The name of the IngressClass resource"),
        col("Hosts", doc="Hosts that incoming requests are matched against"),
        col("Address", doc="Address is a list containing ingress points for the load-balancer"),
        col("Ports", doc="Ports of TLS configurations that open"),
    ),
    _ingress_cells,
)

NETWORK_POLICY = named_rows(
    (col("Pod-Selector", doc="Selects the pods to which this policy applies."),),
    lambda obj, _now: [format_label_selector(spec_of(obj).get("podSelector") or {})],
)


def _endpoint_slice_cells(obj: dict, _now: float) -> Cells:
    ports = obj.get("ports") or []
    port_texts = [
        str(p["port"]) if p.get("port") is not None else (p.get("name") or "*") for p in ports
    ]
    addresses = [a for e in obj.get("endpoints") or () for a in e.get("addresses") or ()]
    return [
        obj.get("addressType", ""),
        list_with_more(port_texts, len(port_texts)),
        list_with_more(addresses, len(addresses)),
    ]


ENDPOINT_SLICE = named_rows(
    (
        col("AddressType", doc="addressType specifies the type of address carried by this slice."),
        col("Ports", doc="ports specifies the list of network ports exposed."),
        col("Endpoints", doc="endpoints is a list of unique endpoints in this slice."),
    ),
    _endpoint_slice_cells,
)

CSI_NODE = named_rows(
    (col("Drivers", "integer", doc="Number of CSI drivers registered on the node"),),
    lambda obj, _now: [len(spec_of(obj).get("drivers") or ())],
)


def _csi_driver_cells(obj: dict, _now: float) -> Cells:
    drv = spec_of(obj)
    requests = drv.get("tokenRequests")
    return [
        drv.get("attachRequired", True),
        bool(drv.get("podInfoOnMount")),
        bool(drv.get("storageCapacity")),
        "<unset>" if requests is None else ",".join(t.get("audience", "") for t in requests),
        bool(drv.get("requiresRepublish")),
        ",".join(drv.get("volumeLifecycleModes") or ()) or "<none>",
    ]


CSI_DRIVER = named_rows(
    (
        col("AttachRequired", "boolean", doc="attachRequired of the driver."),
        col("PodInfoOnMount", "boolean", doc="podInfoOnMount of the driver."),
        col("StorageCapacity", "boolean", doc="storageCapacity of the driver."),
        col("TokenRequests", doc="tokenRequests of the driver."),
        col("RequiresRepublish", "boolean", doc="requiresRepublish of the driver."),
        col("Modes", doc="volumeLifecycleModes of the driver."),
    ),
    _csi_driver_cells,
)

VOLUME_ATTACHMENT = named_rows(
    (
        col("Attacher", fmt="name", doc="Attacher indicates the name of the volume driver."),
        col("PV", doc="Name of the persistent volume to attach."),
        col("Node", doc="The node that the volume should be attached to."),
        col("Attached", "boolean", doc="Indicates the volume is successfully attached."),
    ),
    lambda obj, _now: [
        spec_of(obj).get("attacher", ""),
        (spec_of(obj).get("source") or {}).get("persistentVolumeName") or "",
        spec_of(obj).get("nodeName", ""),
        bool(status_of(obj).get("attached")),
    ],
)
