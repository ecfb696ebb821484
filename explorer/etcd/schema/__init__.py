"""The protobuf schema of the Kubernetes kinds, as the project needs it: a table per API group.

The field numbers are public facts of Kubernetes' API (k8s.io/api's and k8s.io/apimachinery's
`generated.proto`), written here in the project's own form (`fields.py`). Importing this package
registers every group's messages and kinds.
"""

from . import meta  # noqa: F401  (registers the messages of every object)
from .fields import KINDS, MESSAGES, Field, message_of_kind

__all__ = ["KINDS", "MESSAGES", "Field", "message_of_kind"]
