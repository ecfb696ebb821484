"""Live lookups: the stub's queries asked of a real DNS server with dnspython.

`stub_walk` sends, for each candidate name in order, the A/AAAA queries the glibc stub would,
and stops where the stub would stop (queries.walk_goes_on). Each answer is recorded with its
rcode, records and the time it took; a timeout is recorded as such. Over UDP, then TCP when the
answer comes back truncated, as a stub does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

from .answers import Answer, Record
from .queries import Candidate, walk_goes_on

DEFAULT_TIMEOUT = 2.0


@dataclass
class LiveAnswer:
    qname: str
    qtype: str
    server: str  # ip:port
    answer: Answer
    elapsed_ms: float
    error: str = ""  # "timeout", or why the query failed
    transport: str = "udp"


@dataclass
class LiveWalk:
    server: str
    answers: list[LiveAnswer] = field(default_factory=list)
    stopped_at: str = ""  # the name the walk stopped at ("" if every name was tried)


def _records(response: dns.message.Message) -> list[Record]:
    out: list[Record] = []
    for rrset in response.answer:
        rtype = dns.rdatatype.to_text(rrset.rdtype)
        for rdata in rrset:
            out.append(Record(rrset.name.to_text().lower(), rtype, rrset.ttl, rdata.to_text()))
    return out


def ask(
    qname: str, qtype: str, server: str, port: int = 53, timeout: float = DEFAULT_TIMEOUT
) -> LiveAnswer:
    """One query, answered or timed out (never raises for a network failure)."""
    where = f"[{server}]:{port}" if ":" in server else f"{server}:{port}"
    query = dns.message.make_query(qname, qtype)
    started = time.perf_counter()
    transport = "udp"
    try:
        response = dns.query.udp(query, server, port=port, timeout=timeout)
        if response.flags & dns.flags.TC:
            transport = "tcp"
            response = dns.query.tcp(query, server, port=port, timeout=timeout)
    except dns.exception.Timeout:
        elapsed = (time.perf_counter() - started) * 1000
        return LiveAnswer(qname, qtype, where, Answer("TIMEOUT"), elapsed, "timeout", transport)
    except (OSError, dns.exception.DNSException) as exc:
        elapsed = (time.perf_counter() - started) * 1000
        return LiveAnswer(qname, qtype, where, Answer("ERROR"), elapsed, str(exc), transport)
    elapsed = (time.perf_counter() - started) * 1000
    rcode = dns.rcode.to_text(response.rcode())
    answer = Answer(rcode, _records(response), by="live", note=f"answered by {where}")
    return LiveAnswer(qname, qtype, where, answer, elapsed, "", transport)


def stub_walk(
    names: list[Candidate],
    qtypes: list[str],
    server: str,
    port: int = 53,
    timeout: float = DEFAULT_TIMEOUT,
) -> LiveWalk:
    walk = LiveWalk(f"{server}:{port}")
    for candidate in names:
        answers = [ask(candidate.name, qtype, server, port, timeout) for qtype in qtypes]
        walk.answers += answers
        outcome = [(a.answer.rcode, len(a.answer.addresses)) for a in answers]
        if not walk_goes_on(outcome):
            walk.stopped_at = candidate.name
            break
    return walk
