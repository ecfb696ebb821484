"""The queries glibc's stub resolver sends for a name (resolv/res_query.c, res_nsearch).

A name with at least `ndots` dots is tried as it is first, then with each search suffix; a
name with fewer dots is tried with each suffix first and as it is last (not at all when it has
no dot and `no-tld-query` is set); a name ending in a dot is tried only as it is. For each name
tried, getaddrinfo asks A and AAAA — in parallel over one socket by default, one after the
other with `single-request(-reopen)`, A only with `no-aaaa`. The walk stops at the first name
that gets an address; NXDOMAIN, an empty answer (NODATA) or SERVFAIL move on to the next name;
any other failure (REFUSED, a timeout) ends it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .resolv import ResolvConf

CONTINUE_RCODES = frozenset({"NXDOMAIN", "NOERROR", "SERVFAIL"})


@dataclass(frozen=True, slots=True)
class Candidate:
    name: str  # fully qualified, ending in a dot
    why: str  # "as is" or "search suffix <domain>"


def candidates(name: str, conf: ResolvConf) -> list[Candidate]:
    name = name.strip()
    if name.endswith("."):
        return [Candidate(name.lower(), "as is (ends in a dot: never expanded)")]
    lowered = name.lower()
    dots = lowered.count(".")
    as_is = Candidate(lowered + ".", "as is")
    out: list[Candidate] = []
    if dots >= conf.ndots:
        out.append(
            Candidate(as_is.name, f"as is first ({dots} dot(s), not fewer than ndots {conf.ndots})")
        )
    for domain in conf.search:
        domain = domain.strip(".").lower()
        if domain:
            out.append(Candidate(f"{lowered}.{domain}.", f"search suffix {domain}"))
    if dots < conf.ndots and not (dots == 0 and conf.has("no-tld-query")):
        out.append(
            Candidate(as_is.name, f"as is, last ({dots} dot(s), fewer than ndots {conf.ndots})")
        )
    return out


def query_types(conf: ResolvConf) -> tuple[list[str], str]:
    """The record types asked for each name, and how they are sent."""
    if conf.has("no-aaaa"):
        return ["A"], "A only (options no-aaaa)"
    if conf.has("single-request-reopen"):
        return ["A", "AAAA"], "A then AAAA, each on a new socket (single-request-reopen)"
    if conf.has("single-request"):
        return ["A", "AAAA"], "A then AAAA, one after the other (single-request)"
    return ["A", "AAAA"], "A and AAAA in parallel over one socket (glibc's default)"


def walk_goes_on(rcodes_and_counts: list[tuple[str, int]]) -> bool:
    """Whether the stub tries the next name after these answers (rcode, address count) to the
    A/AAAA queries of one name."""
    if any(count for _, count in rcodes_and_counts):
        return False
    return all(rcode in CONTINUE_RCODES for rcode, _ in rcodes_and_counts)
