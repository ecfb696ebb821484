"""The protobuf schema of the Kubernetes kinds, as the project needs it: a table per API group.

The field numbers are public facts of Kubernetes' API (k8s.io/api's and k8s.io/apimachinery's
`generated.proto`), written here in the project's own form (`fields.py`). Importing this package
registers every group's messages and kinds.

events.k8s.io has no table: kube-apiserver keeps its Events with core's (they cohabit,
`AddCohabitatingResources(api.Resource("events"), events.Resource("events"))` in its storage
factory), so every value under `/registry/events/` is a core/v1 Event, whichever API wrote it.
"""

from . import (
    apps,  # noqa: F401
    autoscaling,  # noqa: F401
    batch,  # noqa: F401
    coordination,  # noqa: F401
    core,  # noqa: F401
    discovery,  # noqa: F401
    meta,  # noqa: F401  (registers the messages of every object)
    networking,  # noqa: F401
    policy,  # noqa: F401
    rbac,  # noqa: F401
    scheduling,  # noqa: F401
    storage,  # noqa: F401
)
from .fields import KINDS, MESSAGES, Field, message_of_kind

__all__ = ["KINDS", "MESSAGES", "Field", "message_of_kind"]
