"""A read-only, kubectl-compatible Kubernetes API server over a ClusterState.

`ApiStore` wraps the state (versions, history, watch fan-out); `ApiServer` serves it over HTTP
from a background thread; `Policy` says what the anonymous user may not read.
"""

from .policy import Policy, Rule
from .server import ApiServer
from .store import ApiStore

__all__ = ["ApiServer", "ApiStore", "Policy", "Rule"]
