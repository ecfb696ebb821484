"""Which queue a task goes to: `default`, or `node.<node name>` for work that must happen on a node.

Workers of the team install consume `default`; the node agent (a worker on each node, see
DESIGN.md) consumes its own `node.<NODE_NAME>`. A node-scoped task is declared with
`base=NodeTask` and takes the node as its `node` keyword argument; `route` (CELERY_TASK_ROUTES)
sends it to that node's queue. It expires after CELERY_NODE_TASK_EXPIRES seconds, so a node with
no agent does not leave it waiting forever: a worker that comes later drops it unrun.
"""

from __future__ import annotations

from typing import Any

from celery import Task

NODE_QUEUE_PREFIX = "node."


def queue_for_node(node: str) -> str:
    if not node or any(c.isspace() for c in node):
        raise ValueError(f"not a node name: {node!r}")
    return f"{NODE_QUEUE_PREFIX}{node}"


class NodeTask(Task):
    """A task that runs on the node named by its `node` keyword argument."""

    abstract = True
    node_scoped = True

    def apply_async(self, args: Any = None, kwargs: Any = None, **options: Any) -> Any:
        if not (kwargs or {}).get("node"):
            raise TypeError(f"{self.name} is node-scoped: call it with node=<node name>")
        options.setdefault("expires", self.app.conf.node_task_expires)
        return super().apply_async(args, kwargs, **options)


def route(
    name: str, args: Any, kwargs: Any, options: dict[str, Any], task: Task | None = None, **kw: Any
) -> dict[str, str] | None:
    """The Celery router: a node-scoped task to its node's queue, anything else to the default
    (an explicit `queue=` given when sending wins over both)."""
    if options.get("queue"):
        return None
    if getattr(task, "node_scoped", False):
        return {"queue": queue_for_node((kwargs or {}).get("node", ""))}
    return None
