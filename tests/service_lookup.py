"""A Service's EndpointSlices and the Pods they reach, found in a ClusterState by the slices'
`kubernetes.io/service-name` label: for tests that check the demo's and a cluster's Services."""

from __future__ import annotations

from explorer.state.cluster_state import ClusterState, uid_of

SERVICE_NAME = "kubernetes.io/service-name"


def endpoint_slices_for_service(state: ClusterState, namespace: str, name: str) -> list[dict]:
    """The Service's EndpointSlices, by name."""
    return [
        eps
        for eps in state.list("EndpointSlice", namespace)
        if ((eps.get("metadata") or {}).get("labels") or {}).get(SERVICE_NAME) == name
    ]


def pods_for_service(state: ClusterState, namespace: str, name: str) -> list[dict]:
    """Pods a Service reaches, through its EndpointSlices' targetRefs."""
    pods: dict[str, dict] = {}
    for eps in endpoint_slices_for_service(state, namespace, name):
        for endpoint in eps.get("endpoints") or ():
            ref = endpoint.get("targetRef") or {}
            if ref.get("kind") == "Pod":
                pod = state.get("Pod", ref.get("namespace") or namespace, ref.get("name", ""))
                if pod is not None:
                    pods[uid_of(pod)] = pod
    return list(pods.values())
