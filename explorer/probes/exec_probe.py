"""The exec probe: agentless, through the API server. Finds the node's kube-proxy pod (it runs
on every node with host networking, so it sees the node's rules, and the kubelet gives it the
node's resolv.conf, as it re-writes it) and runs each fact's command in it through `pods/exec`
— argv lists, reads only.

A node without a kube-proxy pod (an eBPF dataplane replaces it), a cluster that forbids
`pods/exec`, or a server that cannot be reached give a NodeFacts with nothing read and the
reason as every fact's error: reported, never raised.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from kubernetes.client import ApiClient

from explorer.kube.pod_exec import DEFAULT_TIMEOUT, ExecResult, run_in_pod
from explorer.kube.transport import ApiError, get_json
from explorer.lib.objects import meta_of, status_of
from explorer.state.node_facts import (
    COMMANDS,
    NodeFacts,
    ProbeName,
    node_facts,
    now,
    one_line,
    unreadable,
)

KUBE_PROXY_NAMESPACE = "kube-system"
KUBE_PROXY_SELECTOR = "k8s-app=kube-proxy"


@dataclass(frozen=True)
class ExecProbe:
    api_client: ApiClient
    namespace: str = KUBE_PROXY_NAMESPACE
    selector: str = KUBE_PROXY_SELECTOR
    timeout: float = DEFAULT_TIMEOUT
    name: ClassVar[ProbeName] = "exec"

    def collect(self, node: str) -> NodeFacts:
        try:
            pod = self.kube_proxy_pod(node)
        except ApiError as error:
            return unreadable(node, "exec", f"cannot list kube-proxy pods: {one_line(str(error))}")
        if pod is None:
            return unreadable(node, "exec", f"no running kube-proxy pod on {node}")
        taken_at = now()
        facts: dict[str, str] = {}
        errors: dict[str, str] = {}
        for fact, argv in COMMANDS.items():
            try:
                result = run_in_pod(self.api_client, self.namespace, pod, argv, "", self.timeout)
            except ApiError as error:
                reason = f"exec in {self.namespace}/{pod}: {one_line(str(error))}"
                if error.forbidden or error.code == 0:  # the same for every other command
                    return node_facts(node, "exec", {}, dict.fromkeys(COMMANDS, reason), taken_at)
                errors[fact] = reason
                continue
            if result.ok:
                facts[fact] = result.stdout
            else:
                errors[fact] = _failure(argv[0], result)
        return node_facts(node, "exec", facts, errors, taken_at)

    def kube_proxy_pod(self, node: str) -> str | None:
        """The name of the running kube-proxy pod on `node`, if there is one."""
        listed = get_json(
            self.api_client,
            f"/api/v1/namespaces/{self.namespace}/pods",
            {"labelSelector": self.selector, "fieldSelector": f"spec.nodeName={node}"},
        )
        for pod in listed.get("items") or ():
            meta = meta_of(pod)
            running = status_of(pod).get("phase") == "Running"
            if running and not meta.get("deletionTimestamp"):
                return str(meta.get("name"))
        return None


def _failure(command: str, result: ExecResult) -> str:
    detail = one_line(result.stderr) or one_line(result.message)
    code = f"exit code {result.exit_code}" if result.exit_code > 0 else "could not run"
    return f"{command}: {code}: {detail}" if detail else f"{command}: {code}"
