"""Plausible container logs, in each program's own format, for the API's pods/log."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from explorer.lib.objects import status_of

from ..clock import parse_ts


def _klog(moment: datetime, source: str, text: str, level: str = "I") -> str:
    return f"{level}{moment:%m%d %H:%M:%S}.{moment.microsecond:06d}       1 {source}] {text}"


def _lines(pod: dict, container: str, started: datetime) -> list[str]:
    name = pod["metadata"]["name"]
    node = pod["spec"].get("nodeName", "")
    ip = status_of(pod).get("podIP", "")
    t = [started + timedelta(seconds=n, microseconds=137 * n) for n in range(12)]
    if container == "coredns":
        digest = hashlib.sha512(name.encode()).hexdigest()[:128]
        return [
            ".:53",
            f"[INFO] plugin/reload: Running configuration SHA512 = {digest}",
            "CoreDNS-1.12.0",
            "linux/amd64, go1.23.3, 51e11f1",
        ]
    if container == "kube-proxy":
        return [
            _klog(t[0], "server_linux.go:66", '"Using iptables proxy"'),
            _klog(t[0], "server.go:698", f'"Successfully retrieved node IP(s)" IPs=["{ip}"]'),
            _klog(t[1], "server_linux.go:170", '"Using iptables Proxier"'),
            _klog(
                t[1],
                "proxier.go:255",
                '"Setting route_localnet=1 to allow node-ports on '
                "localhost; to change this either disable iptables.localhostNodePorts "
                "(--iptables-localhost-nodeports) or set nodePortAddresses "
                '(--nodeport-addresses) to filter loopback addresses" ipFamily="IPv4"',
            ),
            _klog(t[2], "config.go:199", '"Starting service config controller"'),
            _klog(t[2], "config.go:105", '"Starting endpoint slice config controller"'),
            _klog(t[3], "shared_informer.go:320", '"Caches are synced for service config"'),
            _klog(t[3], "shared_informer.go:320", '"Caches are synced for endpoint slice config"'),
        ]
    if container == "kube-flannel":
        return [
            _klog(
                t[0],
                "main.go:211",
                "CLI flags config: {etcdEndpoints:http://127.0.0.1:4001,"
                "http://127.0.0.1:2379 etcdPrefix:/coreos.com/network kubeSubnetMgr:true "
                "ipMasq:true}",
            ),
            _klog(t[1], "kube.go:139", "Waiting 10m0s for node controller to sync"),
            _klog(
                t[2], "kube.go:469", "Creating the node lease for IPv4. This is the n.Spec.PodCIDRs"
            ),
            _klog(
                t[3],
                "main.go:475",
                f"Current network or subnet ({node}) is not equal to "
                "previous one (0.0.0.0/0, 0.0.0.0/0), trying to recycle old iptables rules",
            ),
            _klog(
                t[4],
                "vxlan.go:141",
                "VXLAN config: VNI=1 Port=0 GBP=false Learning=false DirectRouting=false",
            ),
            _klog(t[5], "main.go:454", "Running backend."),
        ]
    if container == "web":
        lines = []
        for n in range(8):
            path = ("/", "/healthz", "/api/cart", "/static/app.js")[n % 4]
            code = 200 if n % 7 else 304
            lines.append(
                f"10.244.{n % 3}.{10 + n} - - [{t[n]:%d/%b/%Y:%H:%M:%S} +0000] "
                f'"GET {path} HTTP/1.1" {code} {512 + 97 * n} "-" "kube-probe/1.33"'
            )
        return ["/docker-entrypoint.sh: Configuration complete; ready for start up", *lines]
    if container == "postgres":
        return [
            f"{t[0]:%Y-%m-%d %H:%M:%S}.000 UTC [1] LOG:  starting PostgreSQL 16.4 (Debian "
            "16.4-1.pgdg120+1) on x86_64-pc-linux-gnu",
            f'{t[0]:%Y-%m-%d %H:%M:%S}.001 UTC [1] LOG:  listening on IPv4 address "0.0.0.0", '
            "port 5432",
            f"{t[1]:%Y-%m-%d %H:%M:%S}.210 UTC [1] LOG:  database system is ready to accept "
            "connections",
        ]
    if container in ("kube-apiserver", "kube-controller-manager", "kube-scheduler"):
        return [
            _klog(t[0], "options.go:221", f'"external host was not specified, using {ip}"'),
            _klog(t[1], "server.go:145", '"Version: v1.33.1"'),
            _klog(
                t[2],
                "leaderelection.go:257",
                f'"attempting to acquire leader lease kube-system/{container}..."',
            )
            if container != "kube-apiserver"
            else _klog(
                t[2],
                "controller.go:615",
                '"quota admission added evaluator for" resource="leases.coordination.k8s.io"',
            ),
        ]
    if container == "etcd":
        return [
            f'{{"level":"info","ts":"{t[0].isoformat()}","caller":"etcdmain/etcd.go:73",'
            f'"msg":"Running: ","args":["etcd","--name={node}"]}}',
            f'{{"level":"info","ts":"{t[1].isoformat()}","caller":"embed/serve.go:250",'
            '"msg":"serving client traffic securely","traffic":"grpc+http",'
            '"address":"127.0.0.1:2379"}',
        ]
    if container == "report":
        return [
            f"{t[0]:%Y-%m-%dT%H:%M:%SZ} collecting orders since 30m",
            f"{t[4]:%Y-%m-%dT%H:%M:%SZ} wrote 1 report (42 orders)",
            f"{t[5]:%Y-%m-%dT%H:%M:%SZ} done",
        ]
    if container == "wait-for-db":
        return [
            "nc: db-0.db.shop.svc.cluster.local (10.244.1.7:5432): Connection refused",
            "db-0.db.shop.svc.cluster.local (10.244.1.7:5432) open",
        ]
    return [
        f'{{"time":"{t[0]:%Y-%m-%dT%H:%M:%S}Z","level":"INFO","msg":"starting","container":'
        f'"{container}","pod":"{name}"}}',
        f'{{"time":"{t[1]:%Y-%m-%dT%H:%M:%S}Z","level":"INFO","msg":"listening",'
        f'"addr":"{ip}:8080"}}',
        f'{{"time":"{t[3]:%Y-%m-%dT%H:%M:%S}Z","level":"INFO","msg":"ready"}}',
    ]


def container_logs(pod: dict) -> dict[str, str]:
    """{"<ns>/<pod>/<container>": text} for every init and app container that has started."""
    out = {}
    namespace, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    status = status_of(pod)
    statuses = list(status.get("initContainerStatuses") or ()) + list(
        status.get("containerStatuses") or ()
    )
    for item in statuses:
        state = item.get("state") or {}
        detail = state.get("running") or state.get("terminated")
        if not detail:
            continue
        lines = _lines(pod, item["name"], parse_ts(detail["startedAt"]))
        out[f"{namespace}/{name}/{item['name']}"] = "\n".join(lines) + "\n"
    return out
