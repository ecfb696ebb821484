"""ceph-csi RBD: the CSI node plugin DaemonSet and the provisioner Deployment."""

from __future__ import annotations

from . import images
from .builder import DemoBuilder
from .pods import container, pod_template
from .specs import host_path, mount
from .workloads import daemonset, deployment

CEPH_NS = "ceph-csi-rbd"
CEPH_DRIVER = "rbd.csi.ceph.com"
CEPH_CLUSTER_ID = "b9127830-b0cc-4e34-aa47-9d1a2e9949a8"


def ceph_csi(b: DemoBuilder) -> None:
    socket_dir = "/var/lib/kubelet/plugins/rbd.csi.ceph.com"
    created = b.at(hours=2)
    node_template = pod_template(
        {"app": "ceph-csi-rbd", "component": "nodeplugin", "release": "ceph-csi-rbd"},
        [
            container(
                "driver-registrar",
                images.CSI_REGISTRAR,
                args=[
                    "--v=1",
                    "--csi-address=/csi/csi.sock",
                    f"--kubelet-registration-path={socket_dir}/csi.sock",
                ],
                env=[
                    {
                        "name": "KUBE_NODE_NAME",
                        "valueFrom": {
                            "fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}
                        },
                    }
                ],
                security={"allowPrivilegeEscalation": True, "privileged": True},
                mounts=[mount("socket-dir", "/csi"), mount("registration-dir", "/registration")],
            ),
            container(
                "csi-rbdplugin",
                images.CEPH_CSI,
                args=[
                    "--nodeid=$(NODE_ID)",
                    "--pluginpath=/var/lib/kubelet/plugins",
                    "--stagingpath=/var/lib/kubelet/plugins/kubernetes.io/csi/",
                    "--type=rbd",
                    "--nodeserver=true",
                    "--pidlimit=-1",
                    "--endpoint=$(CSI_ENDPOINT)",
                    "--csi-addons-endpoint=$(CSI_ADDONS_ENDPOINT)",
                    "--v=5",
                    f"--drivername={CEPH_DRIVER}",
                ],
                env=[
                    {
                        "name": "NODE_ID",
                        "valueFrom": {
                            "fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}
                        },
                    },
                    {"name": "CSI_ENDPOINT", "value": "unix:///csi/csi.sock"},
                    {"name": "CSI_ADDONS_ENDPOINT", "value": "unix:///csi/csi-addons.sock"},
                ],
                security={
                    "allowPrivilegeEscalation": True,
                    "capabilities": {"add": ["SYS_ADMIN"]},
                    "privileged": True,
                },
                mounts=[
                    mount("socket-dir", "/csi"),
                    mount("mountpoint-dir", "/var/lib/kubelet/pods"),
                    mount("plugin-dir", "/var/lib/kubelet/plugins"),
                    mount("host-dev", "/dev"),
                    mount("host-sys", "/sys"),
                    mount("lib-modules", "/lib/modules", read_only=True),
                ],
            ),
        ],
        volumes=[
            host_path("socket-dir", socket_dir),
            host_path("registration-dir", "/var/lib/kubelet/plugins_registry", "Directory"),
            host_path("mountpoint-dir", "/var/lib/kubelet/pods"),
            host_path("plugin-dir", "/var/lib/kubelet/plugins", "Directory"),
            host_path("host-dev", "/dev", ""),
            host_path("host-sys", "/sys", ""),
            host_path("lib-modules", "/lib/modules", ""),
        ],
        service_account="ceph-csi-rbd-nodeplugin",
        host_network=True,
        dns_policy="ClusterFirstWithHostNet",
        priority_class="system-node-critical",
    )
    node_template["spec"]["hostPID"] = True
    daemonset(
        b,
        CEPH_NS,
        "ceph-csi-rbd-nodeplugin",
        node_template,
        created=created,
        labels={"app": "ceph-csi-rbd", "component": "nodeplugin", "release": "ceph-csi-rbd"},
    )
    sidecar_args = ["--csi-address=$(ADDRESS)", "--v=1", "--timeout=60s", "--leader-election=true"]
    address_env = [{"name": "ADDRESS", "value": "unix:///csi/csi-provisioner.sock"}]
    socket = [mount("socket-dir", "/csi")]
    provisioner = pod_template(
        {"app": "ceph-csi-rbd", "component": "provisioner", "release": "ceph-csi-rbd"},
        [
            container(
                "csi-provisioner",
                images.CSI_PROVISIONER,
                args=[
                    *sidecar_args,
                    "--retry-interval-start=500ms",
                    "--default-fstype=ext4",
                    "--extra-create-metadata=true",
                    "--feature-gates=HonorPVReclaimPolicy=true",
                ],
                env=address_env,
                mounts=socket,
            ),
            container(
                "csi-resizer",
                images.CSI_RESIZER,
                args=[*sidecar_args, "--handle-volume-inuse-error=false"],
                env=address_env,
                mounts=socket,
            ),
            container(
                "csi-snapshotter",
                images.CSI_SNAPSHOTTER,
                args=sidecar_args,
                env=address_env,
                mounts=socket,
            ),
            container(
                "csi-attacher",
                images.CSI_ATTACHER,
                args=[*sidecar_args[:3], "--leader-election=true"],
                env=address_env,
                mounts=socket,
            ),
            container(
                "csi-rbdplugin",
                images.CEPH_CSI,
                args=[
                    "--nodeid=$(NODE_ID)",
                    "--type=rbd",
                    "--controllerserver=true",
                    "--pidlimit=-1",
                    "--endpoint=$(CSI_ENDPOINT)",
                    "--v=5",
                    f"--drivername={CEPH_DRIVER}",
                    "--setmetadata=true",
                ],
                env=[
                    {
                        "name": "NODE_ID",
                        "valueFrom": {
                            "fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}
                        },
                    },
                    {"name": "CSI_ENDPOINT", "value": "unix:///csi/csi-provisioner.sock"},
                ],
                mounts=[*socket, mount("host-dev", "/dev")],
            ),
        ],
        volumes=[
            {"emptyDir": {"medium": "Memory"}, "name": "socket-dir"},
            host_path("host-dev", "/dev", ""),
        ],
        service_account="ceph-csi-rbd-provisioner",
        priority_class="system-cluster-critical",
    )
    deployment(
        b,
        CEPH_NS,
        "ceph-csi-rbd-provisioner",
        provisioner,
        2,
        created=created,
        nodes=b.workers,
        labels={"app": "ceph-csi-rbd", "component": "provisioner", "release": "ceph-csi-rbd"},
    )
