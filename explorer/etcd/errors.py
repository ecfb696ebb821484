"""What can go wrong reading a live etcd, each as one readable line (str() of the exception).

A compacted revision is not a failure of the explorer or of etcd: it is a fact about history
(the revision is gone), and the pages show it as such, not as an error page.
"""

from __future__ import annotations


class EtcdError(Exception):
    """Reading etcd did not give an answer; str() is one line for the page or the log."""


class EtcdUnreachable(EtcdError):
    """No endpoint answered within the timeout (refused, unresolvable, silent, unavailable)."""


class EtcdRefused(EtcdError):
    """etcd was reached but refused us: TLS (certificate not trusted, no or wrong client
    certificate) or authentication/permission."""


class EtcdBadAnswer(EtcdError):
    """etcd (or something posing as it) answered with what the client does not accept: not JSON,
    larger than the client's limits, an unexpected error."""


class AnswerTooLarge(EtcdBadAnswer):
    """An answer over the byte limit the call set (a page asking for fewer keys may fit)."""


class RevisionCompacted(EtcdError):
    """A read or watch at a revision that compaction removed: that history is gone."""

    def __init__(self, revision: int, compact_revision: int | None = None) -> None:
        self.revision = revision
        self.compact_revision = compact_revision
        since = f" (compacted up to {compact_revision})" if compact_revision else ""
        super().__init__(f"revision {revision} is gone: etcd compacted its history{since}")


class FutureRevision(EtcdError):
    """A read at a revision etcd has not reached yet."""

    def __init__(self, revision: int) -> None:
        self.revision = revision
        super().__init__(f"revision {revision} is in the future: etcd has not reached it yet")
