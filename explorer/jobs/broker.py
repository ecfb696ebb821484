"""The Redis broker transport: kombu's, with one repair (CELERY_BROKER_TRANSPORT with REDIS_URL).

When Redis goes away, a worker's consumer (Celery 5.7) first collects its broken connection —
which lets the transport forget the broker it was made for (`transport.client = None`) — and
then closes it. Closing the channel puts back the messages it holds unacknowledged (a task
waiting for its countdown, one running with acks_late: a collection always holds one), and for
that kombu asks the forgotten broker for its host: AttributeError, not a connection error, so
the worker stopped for good ("Unrecoverable error") whenever Redis restarted mid-job, and a task
it was running could not be acknowledged afterwards either (kombu acknowledges through the
channel that delivered the message).

Here a channel keeps the broker it was opened on, and uses it when the transport has let go:
the close then fails as a connection error does (Redis is down; the messages stay unacknowledged
in Redis, delivered again after the visibility timeout), the worker reconnects, and a task that
finishes after Redis is back is acknowledged there — it is not run a second time.
"""

from __future__ import annotations

from typing import Any

from kombu.transport import redis


class Channel(redis.Channel):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._broker = self.connection.client  # the kombu Connection: URL, options

    def _connparams(self, asynchronous: bool = False) -> dict[str, Any]:
        transport = self.connection
        if transport.client is not None:
            return super()._connparams(asynchronous)
        transport.client = self._broker
        try:
            return super()._connparams(asynchronous)
        finally:
            transport.client = None


class Transport(redis.Transport):
    Channel = Channel
