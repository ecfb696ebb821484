"""Collected node facts go back into the cluster's state, wherever that state is held.

- Embedded install: the watcher runs in this process; the facts go straight into its state
  (`ClusterStates.put_node_facts` of explorer.state.store.watched()).
- Team install: the watcher process holds the state; the facts are sent over the channel layer
  (Redis) to its publisher's channel as `publisher.node_facts`, and it applies them.
Delivery is best effort: a failure is logged, and the collection's result still carries them.
"""

from __future__ import annotations

import logging
from typing import Literal

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

from explorer.state.node_facts import NodeFacts
from explorer.state.store import watched
from explorer.streaming.names import publisher_channel
from explorer.streaming.publisher import NODE_FACTS_MESSAGE

log = logging.getLogger(__name__)

Delivered = Literal["state", "published", "nowhere"]


def deliver(cluster: str, collected: NodeFacts) -> Delivered:
    states = watched()
    if states is not None and states.put_node_facts(cluster, collected):
        return "state"
    if not settings.REDIS_URL:
        return "nowhere"  # no watcher here, and no layer another process could hear on
    message = {"type": NODE_FACTS_MESSAGE, "cluster": cluster, "facts": collected}
    try:
        async_to_sync(get_channel_layer().send)(publisher_channel(cluster), message)
    except Exception as error:
        log.warning("facts of node %s not sent to %s: %s", collected["node"], cluster, error)
        return "nowhere"
    return "published"
