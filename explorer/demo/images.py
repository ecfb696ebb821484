"""Container images of the demo cluster, pinned like a real cluster's."""

KUBE = "registry.k8s.io"
APISERVER = f"{KUBE}/kube-apiserver:v1.33.1"
CONTROLLER_MANAGER = f"{KUBE}/kube-controller-manager:v1.33.1"
SCHEDULER = f"{KUBE}/kube-scheduler:v1.33.1"
KUBE_PROXY = f"{KUBE}/kube-proxy:v1.33.1"
ETCD = f"{KUBE}/etcd:3.5.21-0"
COREDNS = f"{KUBE}/coredns/coredns:v1.12.0"
PAUSE = f"{KUBE}/pause:3.10"
FLANNEL = "ghcr.io/flannel-io/flannel:v0.26.7"
FLANNEL_CNI = "ghcr.io/flannel-io/flannel-cni-plugin:v1.6.2-flannel1"
CEPH_CSI = "quay.io/cephcsi/cephcsi:v3.14.0"
CSI_REGISTRAR = f"{KUBE}/sig-storage/csi-node-driver-registrar:v2.13.0"
CSI_PROVISIONER = f"{KUBE}/sig-storage/csi-provisioner:v5.2.0"
CSI_ATTACHER = f"{KUBE}/sig-storage/csi-attacher:v4.8.1"
CSI_RESIZER = f"{KUBE}/sig-storage/csi-resizer:v1.13.2"
CSI_SNAPSHOTTER = f"{KUBE}/sig-storage/csi-snapshotter:v8.2.1"
NVIDIA_PLUGIN = "nvcr.io/nvidia/k8s-device-plugin:v0.17.1"
WEB = "docker.io/nginxinc/nginx-unprivileged:1.27.4-alpine"
API = "ghcr.io/example-shop/api:v2.4.1"
POSTGRES = "docker.io/library/postgres:16.4"
BUSYBOX = "docker.io/library/busybox:1.36.1"
REPORT = "ghcr.io/example-shop/report:v1.3.0"
TRAINER = "nvcr.io/nvidia/pytorch:24.05-py3"
WORKER_IMAGES = (
    "ghcr.io/example-shop/catalog:v3.2.0",
    "ghcr.io/example-shop/cart:v1.9.4",
    "ghcr.io/example-shop/search:v5.0.1",
    "ghcr.io/example-shop/checkout:v2.2.7",
    "ghcr.io/example-shop/recommend:v0.14.2",
)
