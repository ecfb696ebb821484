"""The node agent's answers as JSON and back (explorer/jobs/etcd_wire.py): what the client read
comes back the same, a Secret's value never goes on the queue, and an agent's error comes back
as the same error."""

from __future__ import annotations

import orjson
import pytest

from explorer.etcd.client import EtcdStatus, KeyHistory, KeySize, LeaseInfo, StoredValue
from explorer.etcd.encryption import encryption_of
from explorer.etcd.errors import EtcdRefused, FutureRevision, RevisionCompacted
from explorer.etcd.records import KeyRecord, Member
from explorer.etcd.watch import WatchEvent
from explorer.jobs import etcd_wire as wire

PREFIX = "/registry"


def _through_the_queue(data: object) -> object:
    return orjson.loads(orjson.dumps(data))


def test_a_stored_value_comes_back_as_the_agent_read_it() -> None:
    kms = b"k8s:enc:kms:v2:vault:" + b"\x12\x06key-7f"  # EncryptedObject field 2: the key ID
    record = KeyRecord(b"/registry/configmaps/ns/\xffodd", 3, 9, 4, 0x694D, kms)
    stored = StoredValue(record, len(kms), encryption_of(kms), withheld=False)
    history = KeyHistory(record.key, (stored,), compacted=2, not_read=1)
    back = wire.history_of(_through_the_queue(wire.history_json(history, PREFIX)))
    assert back == history
    assert back.versions[0].encryption is not None
    assert back.versions[0].encryption.kms_key_id == "key-7f"


def test_a_secrets_value_is_never_written_for_the_queue_even_if_nobody_withheld_it() -> None:
    value = b"k8s\x00secret-bytes"
    for key in (b"/registry/secrets/ns/token", b"/other-prefix/secrets/ns/token"):
        careless = StoredValue(KeyRecord(key, 1, 1, 1, 0, value), len(value), None, False)
        sent = wire.stored_json(careless, PREFIX)
        assert sent["record"]["value"] is None
        assert sent["withheld"] is True
        assert sent["size"] == len(value)
        assert b"secret-bytes" not in orjson.dumps(sent)


def test_status_leases_and_watch_events_come_back_the_same() -> None:
    status = EtcdStatus(
        version="3.5.12",
        member_id=2**64 - 5,
        leader=2**64 - 5,
        db_size=20480,
        db_size_in_use=None,
        raft_index=7,
        raft_term=2,
        revision=41,
        compact_revision=30,
        compact_revision_from="compact_rev_key",
        members=(Member(2**64 - 5, "cp-1", ("https://10.0.0.1:2380",), (), is_learner=True),),
    )
    assert wire.status_of(_through_the_queue(wire.status_json(status))) == status
    lease = LeaseInfo(7, 3660, 3600, (b"/registry/events/ns/a", b"/registry/events/ns/b"))
    assert wire.lease_of(_through_the_queue(wire.lease_json(lease))) == lease
    event = WatchEvent("delete", b"/registry/pods/ns/p", 12, 0, 0, 0, 0, None, secret=False)
    assert wire.event_of(_through_the_queue(wire.event_json(event))) == event


@pytest.mark.parametrize(
    "error",
    [
        RevisionCompacted(5, 30),
        FutureRevision(99),
        EtcdRefused("etcd refused the client certificate"),
        wire.EtcdAgentOff("etcd through the node agent is not turned on"),
        ValueError("a page holds 1 to 10,000 keys, not 0"),
    ],
)
def test_an_agents_error_comes_back_as_the_same_error(error: Exception) -> None:
    back = wire.error_of(_through_the_queue(wire.error_json(error)))
    assert type(back) is type(error)
    assert str(back) == str(error)


def test_an_answer_not_from_an_agent_is_one_line_not_a_crash() -> None:
    with pytest.raises(wire.AgentAnswerError, match="not base64"):
        wire.record_of({"key": "%%%"})
    with pytest.raises(wire.AgentAnswerError, match="for size"):
        wire.stored_of({"record": {"key": ""}, "size": "big"})
    with pytest.raises(wire.AgentAnswerError, match="of type"):
        wire.event_of({"type": "compact"})


def test_a_sizes_row_comes_back_as_the_agent_read_it_and_has_no_place_for_a_value() -> None:
    sealed = b"k8s:enc:kms:v2:vault:" + b"\x12\x06key-7f"
    sized = KeySize(
        KeyRecord(b"/registry/secrets/ns/\xfftoken", 3, 9, 4, 0x694D),
        len(sealed),
        encryption_of(sealed),
        secret=True,
    )
    row = _through_the_queue(wire.sized_json(sized, PREFIX))
    assert wire.sized_of(row) == sized
    assert len(row) == wire.SIZED_FIELDS  # key, 3 numbers, lease, size, encryption, secret
    unknown = KeySize(KeyRecord(b"/kube/secrets/ns/t", 1, 1, 1, 0), None, None, secret=False)
    back = wire.sized_of(_through_the_queue(wire.sized_json(unknown, PREFIX)))
    assert (back.size, back.secret) == (None, True)  # a /secrets/ segment: said to be a Secret


@pytest.mark.parametrize(
    "row",
    [
        None,
        ["a2V5", 1, 2, 3, 0, 10, None],
        ["a2V5", 1, 2, 3, 0, "10", None, False],
        ["a2V5", 1, True, 3, 0, 10, None, False],
        ["not base64!", 1, 2, 3, 0, 10, None, False],
        ["a2V5", 1, 2, 3, 0, 10, "aescbc", False],
    ],
)
def test_a_sizes_row_of_the_wrong_shape_is_refused_in_one_line(row: object) -> None:
    with pytest.raises(wire.AgentAnswerError) as refused:
        wire.sized_of(row)
    assert "\n" not in str(refused.value)
