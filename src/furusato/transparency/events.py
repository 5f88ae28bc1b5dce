"""Decoding stored logs into named events with their arguments (ABIs from the compiled artifacts)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from furusato.transparency.index import RawLog


@dataclass(frozen=True)
class Event:
    """A decoded log. ``contract`` is the role name (``Treasury``, ``TokenSale``…), ``args`` plain Python values
    (addresses checksummed, ``bytes32`` as 0x-hex, integers as ``int``)."""

    name: str
    contract: str
    address: str
    block: int
    log_index: int
    tx_index: int
    tx_hash: str
    timestamp: int
    args: Mapping[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.args[key]


def _type(inp: Mapping[str, Any]) -> str:
    t = str(inp["type"])
    if t.startswith("tuple"):
        inner = ",".join(_type(c) for c in inp["components"])
        return f"({inner}){t[5:]}"
    return t


@lru_cache(maxsize=65_536)
def checksum(address: str) -> str:
    """A checksummed address (cached: a history names few distinct addresses many times)."""
    return str(to_checksum_address(address))


def _word(kind: str, word: str) -> Any:
    """One 32-byte ABI word (64 hex digits) of a static elementary type."""
    if kind == "address":
        return checksum("0x" + word[24:])
    if kind == "uint":
        return int(word, 16)
    if kind == "int":
        return int.from_bytes(bytes.fromhex(word), "big", signed=True)
    if kind == "bool":
        return int(word, 16) != 0
    return "0x" + word  # bytes32


def _kind(typ: str) -> str | None:
    """The fast-path kind of a static elementary type, None for anything else."""
    if typ == "address" or typ == "bool" or typ == "bytes32":
        return typ
    if typ.startswith("uint") and typ[4:].isdigit():
        return "uint"
    if typ.startswith("int") and typ[3:].isdigit():
        return "int"
    return None


def _plain(typ: str, value: Any) -> Any:
    if typ == "address":
        return checksum(value)
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, tuple | list):
        return [_plain(typ.rstrip("[]0123456789") if typ.endswith("]") else "", v) for v in value]
    return value


@dataclass(frozen=True)
class _Spec:
    name: str
    indexed: tuple[tuple[str, str], ...]
    body: tuple[tuple[str, str], ...]
    order: tuple[str, ...]
    fast_indexed: tuple[tuple[str, str], ...] | None  # (name, kind) when every indexed type is static elementary
    fast_body: tuple[tuple[str, str], ...] | None  # likewise for the data


class Decoder:
    """Knows the events of each contract role; decodes a log by (role, topic0)."""

    def __init__(self, abis: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
        self.specs: dict[str, dict[str, _Spec]] = {}
        for role, abi in abis.items():
            table: dict[str, _Spec] = {}
            for item in abi:
                if item.get("type") != "event" or item.get("anonymous"):
                    continue
                inputs = item["inputs"]
                sig = f"{item['name']}({','.join(_type(i) for i in inputs)})"
                topic = "0x" + keccak(text=sig).hex()
                indexed = tuple((str(i["name"]), _type(i)) for i in inputs if i.get("indexed"))
                body = tuple((str(i["name"]), _type(i)) for i in inputs if not i.get("indexed"))
                fast_i = tuple((n, _kind(t)) for n, t in indexed)
                fast_b = tuple((n, _kind(t)) for n, t in body)
                table[topic] = _Spec(
                    name=str(item["name"]),
                    indexed=indexed,
                    body=body,
                    order=tuple(str(i["name"]) for i in inputs),
                    fast_indexed=None if any(k is None for _n, k in fast_i) else fast_i,  # type: ignore[arg-type]
                    fast_body=None if any(k is None for _n, k in fast_b) else fast_b,  # type: ignore[arg-type]
                )
            self.specs[role] = table

    def topic(self, role: str, name: str) -> str:
        """topic0 of event ``name`` of contract ``role``."""
        for topic, spec in self.specs[role].items():
            if spec.name == name:
                return topic
        raise KeyError(f"{role} has no event {name}")

    def decode(self, role: str, log: RawLog, timestamp: int) -> Event | None:
        """The event, or None for a log this role's ABI does not know (e.g. another contract's)."""
        if not log.topics:
            return None
        spec = self.specs.get(role, {}).get(log.topics[0])
        if spec is None or len(log.topics) != 1 + len(spec.indexed):
            return None
        args: dict[str, Any] = {}
        if spec.fast_indexed is not None:
            for (name, kind), topic in zip(spec.fast_indexed, log.topics[1:], strict=True):
                args[name] = _word(kind, topic[2:])
        else:
            for (name, typ), topic in zip(spec.indexed, log.topics[1:], strict=True):
                raw = bytes.fromhex(topic[2:])
                if typ in ("string", "bytes") or typ.endswith("]") or typ.startswith("("):
                    args[name] = "0x" + raw.hex()  # indexed dynamic values are hashes
                else:
                    args[name] = _plain(typ, abi_decode([typ], raw)[0])
        if spec.fast_body is not None:
            data = log.data[2:]
            if len(data) < 64 * len(spec.fast_body):
                return None
            for k, (name, kind) in enumerate(spec.fast_body):
                args[name] = _word(kind, data[64 * k : 64 * k + 64])
        elif spec.body:
            values = abi_decode([t for _n, t in spec.body], bytes.fromhex(log.data[2:]))
            for (name, typ), value in zip(spec.body, values, strict=True):
                args[name] = _plain(typ, value)
        ordered = {k: args[k] for k in spec.order}
        return Event(
            name=spec.name,
            contract=role,
            address=checksum(log.address),
            block=log.block,
            log_index=log.log_index,
            tx_index=log.tx_index,
            tx_hash=log.tx_hash,
            timestamp=timestamp,
            args=ordered,
        )

    def decode_all(self, roles: Mapping[str, str], logs: Iterable[tuple[RawLog, int]]) -> list[Event]:
        """Decode ``logs``; ``roles`` maps a lower-case address to its role."""
        out = []
        for log, ts in logs:
            role = roles.get(log.address.lower())
            if role is None:
                continue
            ev = self.decode(role, log, ts)
            if ev is not None:
                out.append(ev)
        return out


def by_name(events: Iterable[Event], *names: str, contract: str | None = None) -> list[Event]:
    """The events called one of ``names`` (of ``contract`` when given), in chain order."""
    wanted = set(names)
    return [e for e in events if e.name in wanted and (contract is None or e.contract == contract)]
