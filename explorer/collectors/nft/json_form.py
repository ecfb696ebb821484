"""`nft -j list ruleset` (libnftables-json) into the model: `{"nftables": [{"metainfo"},
{"table"}, {"chain"}, {"rule"}, {"set"}, {"map"}, …]}`. Set keys and map values are written the
way `nft list` prints them, so both readers give equal elements."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from explorer.lib.json_shape import json_type, optional_text, required_text

from .model import NftChain, NftElement, NftRule, NftRuleset, NftSet, NftTable

MAX_EXPRESSION_DEPTH = 100  # kube-proxy's deepest rule nests under 10


def _value(value: Any) -> str:
    """An expression as `nft list` prints it (the forms kube-proxy's sets and maps use)."""
    if isinstance(value, dict):
        if "concat" in value:
            return " . ".join(_value(v) for v in value["concat"])
        if "prefix" in value:
            return f"{_value(value['prefix']['addr'])}/{value['prefix']['len']}"
        if "range" in value:
            low, high = value["range"]
            return f"{_value(low)}-{_value(high)}"
        for verdict in ("goto", "jump"):
            if verdict in value:
                return f"{verdict} {value[verdict]['target']}"
        for verdict in ("accept", "drop", "continue", "return"):
            if verdict in value:
                return verdict
        if "elem" in value:
            return _value(value["elem"]["val"])
    return str(value)


def _element(item: Any) -> NftElement:
    key, data = (item[0], item[1]) if isinstance(item, list) else (item, None)
    comment = None
    if isinstance(key, dict) and "elem" in key:
        comment = optional_text(key["elem"], "comment")
        key = key["elem"]["val"]
    text = _value(key)
    return NftElement(tuple(text.split(" . ")), None if data is None else _value(data), comment)


def _numgen(vmap: dict[str, Any], rule: NftRule) -> None:
    """`numgen random mod N vmap { i : goto chain, … }`."""
    numgen = vmap["key"]["numgen"]
    rule.numgen_mod = int(numgen["mod"])
    offset = int(numgen.get("offset", 0))
    for index, target in (vmap.get("data") or {}).get("set", []):
        chain = _value(target).partition(" ")[2]
        rule.numgen_map[int(index) - offset] = chain


def _dnat(dnat: dict[str, Any], rule: NftRule) -> None:
    address = _value(dnat["addr"])
    if "port" in dnat:
        address = f"[{address}]:{dnat['port']}" if ":" in address else f"{address}:{dnat['port']}"
    rule.dnat = address


def _walk(expr: Any, rule: NftRule) -> None:
    """Every statement and expression of a rule (a loop: JSON may nest deeper than Python's
    recursion goes), refusing one nested deeper than a rule can be shown (orjson writes 254)."""
    pending = [(expr, 0)]
    while pending:
        node, depth = pending.pop()
        if depth > MAX_EXPRESSION_DEPTH:
            raise ValueError(f"a rule's expression nests over {MAX_EXPRESSION_DEPTH} levels deep")
        if isinstance(node, list):
            pending.extend((item, depth + 1) for item in reversed(node))
            continue
        if not isinstance(node, dict):
            continue
        for verdict in ("jump", "goto"):
            target = node[verdict].get("target") if isinstance(node.get(verdict), dict) else None
            if isinstance(target, str):
                rule.verdicts.append((verdict, target))
        vmap = node.get("vmap")
        if isinstance(vmap, dict) and isinstance(vmap.get("key"), dict) and "numgen" in vmap["key"]:
            _numgen(vmap, rule)
        dnat = node.get("dnat")
        if isinstance(dnat, dict) and "addr" in dnat:
            _dnat(dnat, rule)
        children = [child for key, child in node.items() if key != "dnat"]
        pending.extend((child, depth + 1) for child in reversed(children))


def _rule(body: dict[str, Any]) -> NftRule:
    rule = NftRule(expr=body.get("expr") or [], comment=body.get("comment"))
    _walk(rule.expr, rule)
    return rule


def _set(body: dict[str, Any], kind: str) -> NftSet:
    key_type = body.get("type")
    text = " . ".join(key_type) if isinstance(key_type, list) else key_type
    if kind == "map":
        text = f"{text} : {body.get('map')}"
    return NftSet(
        required_text(body, "name", kind),
        kind,
        text,
        list(body.get("flags") or []),
        body.get("comment"),
        [_element(item) for item in body.get("elem") or []],
    )


def _statements(document: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """`(kind, body)` of each item of the `nftables` list; ValueError for another shape."""
    if isinstance(document, dict) and "nftables" not in document:
        raise ValueError('no "nftables" list')
    items = document["nftables"] if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise ValueError(f'"nftables" is {json_type(items)}, not a list of objects')
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not item:
            raise ValueError(f"item {index} of the nftables list is {json_type(item)}")
        (kind, body), *_ = item.items()
        if not isinstance(body, dict):
            raise ValueError(f"item {index} of the nftables list: {kind} is {json_type(body)}")
        yield kind, body


def parse_json(text: str | bytes) -> NftRuleset:
    document = orjson.loads(text)
    ruleset = NftRuleset()
    tables: dict[tuple[str, str], NftTable] = {}

    def table_of(body: dict[str, Any], kind: str) -> NftTable:
        key = (required_text(body, "family", kind), required_text(body, "table", kind))
        if key not in tables:
            tables[key] = NftTable(*key)
            ruleset.tables.append(tables[key])
        return tables[key]

    for kind, body in _statements(document):
        if kind == "table":
            key = (required_text(body, "family", kind), required_text(body, "name", kind))
            if key not in tables:
                tables[key] = NftTable(*key, comment=body.get("comment"))
                ruleset.tables.append(tables[key])
        elif kind == "chain":
            name = required_text(body, "name", kind)
            table_of(body, kind).chains[name] = NftChain(
                name,
                body.get("type"),
                body.get("hook"),
                body.get("prio"),
                body.get("policy"),
                body.get("comment"),
            )
        elif kind == "rule":
            name = required_text(body, "chain", kind)
            table_of(body, kind).chains.setdefault(name, NftChain(name)).rules.append(_rule(body))
        elif kind in ("set", "map"):
            found = _set(body, kind)
            table_of(body, kind).sets[found.name] = found
        elif kind != "metainfo" and "table" in body:
            table_of(body, kind).other.append(orjson.dumps({kind: body}).decode())
    return ruleset
