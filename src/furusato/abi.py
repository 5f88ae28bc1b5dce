"""ABI vocabulary without web3.py: keccak, EIP-55 addresses, canonical types, selectors and topics.

These few functions are all a read command needs besides ``eth_abi``; keeping them here (rather than reaching for
``Web3.keccak`` or ``eth_utils``) keeps web3.py, eth-account and pydantic out of a read command's start-up.
"""

from __future__ import annotations

import functools
import re
from typing import Any

_HEX_ADDRESS = re.compile(r"(0[xX])?[0-9a-fA-F]{40}")


def keccak(data: bytes) -> bytes:
    """Keccak-256 of ``data``."""
    from eth_hash.auto import keccak as _keccak

    return bytes(_keccak(data))


def to_checksum_address(value: str | bytes) -> str:
    """The EIP-55 checksum form of a 20-byte address (given as hex, with or without 0x, or as bytes)."""
    raw = value.hex() if isinstance(value, bytes | bytearray) else str(value).lower().removeprefix("0x")
    if len(raw) != 40 or any(c not in "0123456789abcdef" for c in raw):
        raise ValueError(f"not a 20-byte address: {value!r}")
    digest = keccak(raw.encode("ascii")).hex()
    return "0x" + "".join(c.upper() if int(digest[i], 16) >= 8 else c for i, c in enumerate(raw))


@functools.lru_cache(maxsize=4096)
def checked_address(value: str) -> str | None:
    """``value`` in its EIP-55 checksum form when it is an address as ``Web3.is_address`` takes one (40 hex digits,
    0x, 0X or no prefix; in mixed case only with a correct checksum), else None. Remembered (a server sees the same few
    contract addresses in every request)."""
    if not _HEX_ADDRESS.fullmatch(value):
        return None
    checksummed = to_checksum_address(value)
    digits = value[-40:]
    if digits != digits.lower() and digits != digits.upper() and "0x" + digits != checksummed:
        return None
    return checksummed


def address_problem(value: Any) -> str | None:
    """Why ``value`` is not an address to act on, in words that follow it (None when it is one): not 40 hex digits,
    or mixed case whose EIP-55 checksum is wrong (a typo the checksum caught)."""
    text = str(value)
    if not _HEX_ADDRESS.fullmatch(text):
        return "is not an address (0x followed by 40 hex digits)"
    if checked_address(text) is None:
        return "has a wrong EIP-55 checksum (a typo?)"
    return None


def abi_type(param: dict[str, Any]) -> str:
    """The canonical type of an ABI parameter, tuples spelled out as ``(t1,t2)`` (and ``(t1,t2)[]``)."""
    kind = str(param["type"])
    if kind.startswith("tuple"):
        inner = ",".join(abi_type(c) for c in param.get("components", []))
        return f"({inner}){kind[len('tuple') :]}"
    return kind


def signature(item: dict[str, Any]) -> str:
    """``name(type1,type2)`` of a function, event or error ABI entry."""
    return f"{item['name']}({','.join(abi_type(p) for p in item.get('inputs', []))})"


def selector(item: dict[str, Any]) -> bytes:
    """The 4-byte selector of a function or error ABI entry."""
    return keccak(signature(item).encode())[:4]


def error_selectors(abis: list[list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Map 4-byte selectors (``0x…``) to the custom-error ABI entries of ``abis``, for decoding reverts."""
    return {"0x" + selector(item).hex(): item for abi in abis for item in abi if item.get("type") == "error"}


def normalise(kind: str, value: Any) -> Any:
    """Decoded values as web3.py returns them: checksummed addresses, tuples for tuples and arrays."""
    if kind.endswith("]"):
        inner = kind[: kind.rindex("[")]
        return [normalise(inner, v) for v in value]
    if kind.startswith("("):
        parts = _split_tuple(kind[1:-1])
        return tuple(normalise(p, v) for p, v in zip(parts, value, strict=True))
    if kind == "address":
        return to_checksum_address(value)
    return value


def _split_tuple(inner: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, c in enumerate(inner):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(inner[start:i])
            start = i + 1
    if inner:
        parts.append(inner[start:])
    return parts


def decode_output(item: dict[str, Any], raw: bytes) -> Any:
    """A function's return data decoded as web3.py returns it: a single output bare, several as a tuple."""
    from eth_abi.abi import decode

    outputs = [abi_type(p) for p in item.get("outputs", [])]
    values = [normalise(t, v) for t, v in zip(outputs, decode(outputs, raw), strict=True)]
    return values[0] if len(values) == 1 else tuple(values)
