"""The kubeadm control plane: kube-apiserver, kube-controller-manager, kube-scheduler and etcd
as static pods (mirror pods owned by the Node, hostNetwork, named `<component>-<node>`)."""

from __future__ import annotations

from . import images
from .builder import DemoBuilder
from .facts.scheduler_config import PATH as SCHEDULER_CONFIG
from .pods import container, http_probe, pod_template
from .specs import host_path, mount
from .workloads import static_pod

PKI = "/etc/kubernetes/pki"


def _https_probe(host: str, path: str, port: int, delay: int, threshold: int) -> dict:
    return {
        "failureThreshold": threshold,
        "httpGet": {"host": host, "path": path, "port": port, "scheme": "HTTPS"},
        **({"initialDelaySeconds": delay} if delay else {}),
        "periodSeconds": 10 if path != "/readyz" else 1,
        "successThreshold": 1,
        "timeoutSeconds": 15,
    }


CA_VOLUMES = [
    ("ca-certs", "/etc/ssl/certs", "DirectoryOrCreate"),
    ("etc-ca-certificates", "/etc/ca-certificates", "DirectoryOrCreate"),
    ("k8s-certs", PKI, "DirectoryOrCreate"),
    ("usr-local-share-ca-certificates", "/usr/local/share/ca-certificates", "DirectoryOrCreate"),
    ("usr-share-ca-certificates", "/usr/share/ca-certificates", "DirectoryOrCreate"),
]


def control_plane(b: DemoBuilder) -> None:
    cp = b.control_plane
    ip = cp.ip
    created = b.at(seconds=20)
    cidr = b.cluster_cidr
    apiserver_flags = [
        "kube-apiserver",
        f"--advertise-address={ip}",
        "--allow-privileged=true",
        "--authorization-mode=Node,RBAC",
        f"--client-ca-file={PKI}/ca.crt",
        "--enable-admission-plugins=NodeRestriction",
        "--enable-bootstrap-token-auth=true",
        f"--etcd-cafile={PKI}/etcd/ca.crt",
        f"--etcd-certfile={PKI}/apiserver-etcd-client.crt",
        f"--etcd-keyfile={PKI}/apiserver-etcd-client.key",
        "--etcd-servers=https://127.0.0.1:2379",
        f"--kubelet-client-certificate={PKI}/apiserver-kubelet-client.crt",
        f"--kubelet-client-key={PKI}/apiserver-kubelet-client.key",
        "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
        f"--proxy-client-cert-file={PKI}/front-proxy-client.crt",
        f"--proxy-client-key-file={PKI}/front-proxy-client.key",
        "--requestheader-allowed-names=front-proxy-client",
        f"--requestheader-client-ca-file={PKI}/front-proxy-ca.crt",
        "--requestheader-extra-headers-prefix=X-Remote-Extra-",
        "--requestheader-group-headers=X-Remote-Group",
        "--requestheader-username-headers=X-Remote-User",
        "--secure-port=6443",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        f"--service-account-key-file={PKI}/sa.pub",
        f"--service-account-signing-key-file={PKI}/sa.key",
        "--service-cluster-ip-range=10.96.0.0/12",
        f"--tls-cert-file={PKI}/apiserver.crt",
        f"--tls-private-key-file={PKI}/apiserver.key",
    ]
    ca_mounts = [mount(name, path, read_only=True) for name, path, _ in CA_VOLUMES]
    ca_volumes = [host_path(name, path, kind) for name, path, kind in CA_VOLUMES]
    static_specs = {
        "kube-apiserver": (
            container(
                "kube-apiserver",
                images.APISERVER,
                command=apiserver_flags,
                requests={"cpu": "250m"},
                mounts=ca_mounts,
                liveness=_https_probe(ip, "/livez", 6443, 10, 8),
            ),
            ca_volumes,
            {"kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint": f"{ip}:6443"},
        ),
        "kube-controller-manager": (
            container(
                "kube-controller-manager",
                images.CONTROLLER_MANAGER,
                command=[
                    "kube-controller-manager",
                    "--allocate-node-cidrs=true",
                    "--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf",
                    "--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf",
                    "--bind-address=127.0.0.1",
                    f"--client-ca-file={PKI}/ca.crt",
                    f"--cluster-cidr={cidr}",
                    "--cluster-name=kubernetes",
                    f"--cluster-signing-cert-file={PKI}/ca.crt",
                    f"--cluster-signing-key-file={PKI}/ca.key",
                    "--controllers=*,bootstrapsigner,tokencleaner",
                    "--kubeconfig=/etc/kubernetes/controller-manager.conf",
                    "--leader-elect=true",
                    f"--requestheader-client-ca-file={PKI}/front-proxy-ca.crt",
                    f"--root-ca-file={PKI}/ca.crt",
                    f"--service-account-private-key-file={PKI}/sa.key",
                    "--service-cluster-ip-range=10.96.0.0/12",
                    "--use-service-account-credentials=true",
                ],
                requests={"cpu": "200m"},
                mounts=[
                    *ca_mounts,
                    mount("kubeconfig", "/etc/kubernetes/controller-manager.conf", read_only=True),
                ],
                liveness=_https_probe("127.0.0.1", "/healthz", 10257, 10, 8),
            ),
            [
                *ca_volumes,
                host_path("kubeconfig", "/etc/kubernetes/controller-manager.conf", "FileOrCreate"),
            ],
            {},
        ),
        "kube-scheduler": (
            container(
                "kube-scheduler",
                images.SCHEDULER,
                command=[
                    "kube-scheduler",
                    "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf",
                    "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf",
                    "--bind-address=127.0.0.1",
                    f"--config={SCHEDULER_CONFIG}",
                    "--kubeconfig=/etc/kubernetes/scheduler.conf",
                    "--leader-elect=true",
                ],
                requests={"cpu": "100m"},
                mounts=[
                    mount("kubeconfig", "/etc/kubernetes/scheduler.conf", read_only=True),
                    mount("scheduler-config", SCHEDULER_CONFIG, read_only=True),
                ],
                liveness=_https_probe("127.0.0.1", "/livez", 10259, 10, 8),
            ),
            [
                host_path("kubeconfig", "/etc/kubernetes/scheduler.conf", "FileOrCreate"),
                host_path("scheduler-config", SCHEDULER_CONFIG, "File"),
            ],
            {},
        ),
        "etcd": (
            container(
                "etcd",
                images.ETCD,
                command=[
                    "etcd",
                    f"--advertise-client-urls=https://{ip}:2379",
                    f"--cert-file={PKI}/etcd/server.crt",
                    "--client-cert-auth=true",
                    "--data-dir=/var/lib/etcd",
                    "--experimental-initial-corrupt-check=true",
                    "--experimental-watch-progress-notify-interval=5s",
                    f"--initial-advertise-peer-urls=https://{ip}:2380",
                    f"--initial-cluster={cp.name}=https://{ip}:2380",
                    f"--key-file={PKI}/etcd/server.key",
                    f"--listen-client-urls=https://127.0.0.1:2379,https://{ip}:2379",
                    "--listen-metrics-urls=http://127.0.0.1:2381",
                    f"--listen-peer-urls=https://{ip}:2380",
                    f"--name={cp.name}",
                    f"--peer-cert-file={PKI}/etcd/peer.crt",
                    "--peer-client-cert-auth=true",
                    f"--peer-key-file={PKI}/etcd/peer.key",
                    f"--peer-trusted-ca-file={PKI}/etcd/ca.crt",
                    "--snapshot-count=10000",
                    f"--trusted-ca-file={PKI}/etcd/ca.crt",
                ],
                requests={"cpu": "100m", "memory": "100Mi"},
                mounts=[mount("etcd-data", "/var/lib/etcd"), mount("etcd-certs", f"{PKI}/etcd")],
                liveness=http_probe("/livez", 2381, delay=10),
            ),
            [host_path("etcd-certs", f"{PKI}/etcd"), host_path("etcd-data", "/var/lib/etcd")],
            {"kubeadm.kubernetes.io/etcd.advertise-client-urls": f"https://{ip}:2379"},
        ),
    }
    for component, (spec, volumes, notes) in static_specs.items():
        template = pod_template(
            {"component": component, "tier": "control-plane"},
            [spec],
            volumes=volumes,
            host_network=True,
            priority_class="system-node-critical",
            security_context={"seccompProfile": {"type": "RuntimeDefault"}},
        )
        static_pod(b, cp, template, component, created, notes)
