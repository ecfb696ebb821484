"""A real DNS server answers the live trace, and the computed trace agrees with it.

Debian's dnsmasq is started on 127.0.0.1 with the records CoreDNS would serve for the demo
under cluster.local — written here straight from the demo's objects, not by the code under
test — and `--local=/cluster.local/` so that unknown names of the zone are NXDOMAIN.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from explorer.collectors.dns.queries import candidates, query_types
from explorer.collectors.dns.resolver import ask, stub_walk
from explorer.demo import build_demo
from explorer.viewmodels.network.dns_trace import dns_context, dns_trace, essence
from tests.service_lookup import endpoint_slices_for_service

from .conftest import NOW

ZONE = "cluster.local"
NODE_DOMAIN = "demo.internal"


def _dnsmasq() -> str | None:
    return shutil.which("dnsmasq") or shutil.which("dnsmasq", path="/usr/sbin:/sbin")


@pytest.fixture(scope="module")
def cluster():
    state = build_demo(now=NOW)
    state.upsert(
        {
            "kind": "Service",
            "apiVersion": "v1",
            "metadata": {"namespace": "shop", "name": "backend", "uid": "uid-backend"},
            "spec": {"type": "ExternalName", "externalName": f"api.shop.svc.{ZONE}"},
        }
    )
    return state


def _records(state) -> list[str]:
    """dnsmasq options for the A, SRV, CNAME and PTR records CoreDNS serves for the cluster."""
    args: list[str] = []
    for svc in state.list("Service"):
        ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
        host = f"{name}.{ns}.svc.{ZONE}"
        spec = svc["spec"]
        if spec.get("type") == "ExternalName":
            args.append(f"--cname={host},{spec['externalName']}")
            continue
        if spec.get("clusterIP") not in (None, "", "None"):
            args.append(f"--host-record={host},{spec['clusterIP']}")
            for port in spec.get("ports") or ():
                if port.get("name"):
                    srv = f"_{port['name']}._{port['protocol'].lower()}.{host}"
                    args.append(f"--srv-host={srv},{host},{port['port']},0,100")
            continue
        ready = [
            endpoint
            for eps in endpoint_slices_for_service(state, ns, name)
            for endpoint in eps.get("endpoints") or ()
            if endpoint["conditions"].get("ready")
        ]
        for endpoint in ready:
            ip = endpoint["addresses"][0]
            member = f"{endpoint['hostname']}.{host}"
            args.append(f"--host-record={member},{ip}")
            args.append(f"--host-record={host},{ip}")
            for port in spec.get("ports") or ():
                srv = f"_{port['name']}._{port['protocol'].lower()}.{host}"
                args.append(f"--srv-host={srv},{member},{port['port']},0,{100 // len(ready)}")
    for pod in state.list("Pod"):
        ip = (pod.get("status") or {}).get("podIP")
        if ip and not pod["spec"].get("hostNetwork"):
            dashed = ip.replace(".", "-")
            args.append(f"--host-record={dashed}.{pod['metadata']['namespace']}.pod.{ZONE},{ip}")
    return args


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind(("127.0.0.1", 0))
        return udp.getsockname()[1]


@pytest.fixture(scope="module")
def dns_server(cluster, tmp_path_factory) -> Iterator[int]:
    binary = _dnsmasq()
    if binary is None:
        pytest.skip("dnsmasq not found (Debian package dnsmasq-base; scripts/test-deps)")
    work: Path = tmp_path_factory.mktemp("dnsmasq")
    port = _free_port()
    argv = [
        binary,
        "--no-daemon",
        "--no-resolv",
        "--no-hosts",
        "--conf-file=/dev/null",
        f"--pid-file={work / 'pid'}",
        f"--port={port}",
        "--listen-address=127.0.0.1",
        "--bind-interfaces",
        f"--local=/{ZONE}/",
        # the node's own domain, which its upstream knows (NXDOMAIN for what it lacks); other
        # names get REFUSED from a server with no upstream, which ends a stub's walk
        f"--local=/{NODE_DOMAIN}/",
        *_records(cluster),
    ]
    log = (work / "log").open("w")
    process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while ask(f"kubernetes.default.svc.{ZONE}", "A", "127.0.0.1", port, 0.2).error:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"dnsmasq did not answer: {(work / 'log').read_text()}")
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _web(state) -> dict:
    return next(p for p in state.list("Pod", "shop") if p["metadata"]["name"].startswith("web-"))


@pytest.mark.parametrize(
    "name",
    [
        "api",  # short name: first search suffix
        "kubernetes.default",  # second suffix, after an NXDOMAIN
        f"api.shop.svc.{ZONE}.",  # FQDN
        f"web.shop.svc.{ZONE}",  # four dots < ndots 5: expanded first, NXDOMAINs, then as is
        "db",  # headless StatefulSet Service: the pods' IPs
        "db-1.db",  # one member of it
        "backend",  # ExternalName: CNAME, followed inside the zone
        "nosuch",  # unknown: NXDOMAIN through the cluster suffixes
    ],
)
def test_live_trace_through_a_real_server_agrees_with_the_computed_one(cluster, dns_server, name):
    """Where CoreDNS would forward (the node's domain, names outside the cluster), the
    computed trace cannot say the answer and is not compared; everything else must agree."""
    pod = _web(cluster)
    context = dns_context(cluster, "shop", pod["metadata"]["name"])
    conf = context.dns.conf
    walk = stub_walk(candidates(name, conf), query_types(conf)[0], "127.0.0.1", dns_server, 2.0)
    trace = dns_trace(cluster, "shop", pod["metadata"]["name"], name, live=walk, context=context)
    computed = dns_trace(cluster, "shop", pod["metadata"]["name"], name, context=context)
    assert trace["source"] == "live" and computed["source"] == "computed"
    compared = [step for step in trace["steps"] if step["agrees"] is not None]
    assert compared, "no answer could be compared"
    disagreeing = [(s["name"], s["qtype"], s["answer"], s["computed"]) for s in compared]
    assert all(step["agrees"] for step in compared), disagreeing
    assert all(a.elapsed_ms > 0 and not a.error for a in walk.answers)
    # the stub walked the same names the computed trace says were sent
    sent_computed = [(s["name"], s["qtype"]) for s in computed["steps"] if s["sent"] == "sent"]
    sent_live = [(a.qname, a.qtype) for a in walk.answers]
    assert sent_live[: len(sent_computed)] == sent_computed
    if computed["ends_at"]:
        assert sorted(trace["ends_at"]["addresses"]) == sorted(computed["ends_at"]["addresses"])
    else:
        assert name == "nosuch" and trace["ends_at"] is None


def test_srv_ptr_and_pod_records_agree_with_the_real_server(cluster, dns_server):
    model = dns_context(cluster, "shop", _web(cluster)["metadata"]["name"]).model
    api_ip = cluster.get("Service", "shop", "api")["spec"]["clusterIP"]
    db0_ip = cluster.get("Pod", "shop", "db-0")["status"]["podIP"]
    queries = [
        (f"_http._tcp.api.shop.svc.{ZONE}.", "SRV"),
        (f"_postgres._tcp.db.shop.svc.{ZONE}.", "SRV"),
        (".".join(reversed(api_ip.split("."))) + ".in-addr.arpa.", "PTR"),
        (f"{db0_ip.replace('.', '-')}.shop.pod.{ZONE}.", "A"),
        (f"nosuch.shop.svc.{ZONE}.", "A"),
        (f"shop.svc.{ZONE}.", "A"),  # an existing namespace: an empty answer, not NXDOMAIN
    ]
    for qname, qtype in queries:
        live = ask(qname, qtype, "127.0.0.1", dns_server, 2.0)
        assert essence(live.answer) == essence(model.answer(qname, qtype)), (qname, qtype)
