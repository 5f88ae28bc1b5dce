"""ABI arguments written in YAML: a ``call`` action's function looked up by name or signature, and each argument
turned into the Python value eth-abi encodes for its type — or a :class:`~furusato.errors.SpecActionError` saying
what is wrong with it."""

from __future__ import annotations

import re
from typing import Any

from eth_abi.grammar import parse as parse_abi_type

from furusato.config import parse_address
from furusato.errors import ConfigError, SpecActionError

__all__ = ["address_arg", "coerce", "find_function", "signature_of"]

SIGNATURE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\((.*)\)$")


def signature_of(fn_abi: dict[str, Any]) -> str:
    """``name(type,type)`` of a function's ABI entry."""
    return f"{fn_abi['name']}({','.join(i['type'] for i in fn_abi.get('inputs', []))})"


def address_arg(value: Any, name: str) -> str:
    """A checksummed address from a YAML value; ConfigError names ``name`` when it is not one."""
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML reads an unquoted 0x… as a hex integer; restore it (its checksum cannot be checked then).
        value = f"0x{value:040x}"
    address = parse_address(value, name)
    assert address is not None
    return address


def find_function(abi: list[dict[str, Any]], wanted: Any, artifact: str) -> dict[str, Any]:
    """The one function of ``abi`` named ``wanted`` (a name, or a signature for an overloaded name)."""
    if not isinstance(wanted, str):
        raise SpecActionError(f"function: expected a name or signature, got {wanted!r}")
    functions = [f for f in abi if f.get("type") == "function"]
    if SIGNATURE.match(wanted.replace(" ", "")):
        found = [f for f in functions if signature_of(f) == wanted.replace(" ", "")]
    else:
        found = [f for f in functions if f["name"] == wanted]
    if not found:
        raise SpecActionError(f"{artifact} has no function {wanted}")
    if len(found) > 1:
        options = ", ".join(signature_of(f) for f in found)
        raise SpecActionError(f"{artifact}.{wanted} is overloaded: write the signature, one of {options}")
    return found[0]


def coerce(value: Any, abi_type: str, name: str) -> Any:
    """A YAML value as the Python value eth-abi encodes for ``abi_type``; SpecActionError names what is wrong."""
    parsed = parse_abi_type(abi_type)
    if parsed.is_array:
        if not isinstance(value, list):
            raise SpecActionError(f"{name}: expected a list for {abi_type}, got {value!r}")
        inner = parsed.item_type.to_type_str()
        dims = parsed.arrlist[-1] if parsed.arrlist else []
        if dims and len(value) != dims[0]:
            raise SpecActionError(f"{name}: {abi_type} needs exactly {dims[0]} items, got {len(value)}")
        return [coerce(v, inner, f"{name}[{i}]") for i, v in enumerate(value)]
    base = parsed.base if hasattr(parsed, "base") else ""
    sub = getattr(parsed, "sub", None)
    if base == "address":
        try:
            return address_arg(value, name)
        except ConfigError as exc:
            raise SpecActionError(str(exc)) from None
    if base in ("uint", "int"):
        if isinstance(value, bool | float):
            raise SpecActionError(f"{name}: {value!r} is not an integer")
        try:
            number = int(str(value).replace("_", ""), 0)
        except ValueError:
            raise SpecActionError(f"{name}: {value!r} is not an integer") from None
        bits = int(sub or 256)
        low, high = (0, 2**bits - 1) if base == "uint" else (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
        if not low <= number <= high:
            raise SpecActionError(f"{name}: {number} does not fit in {abi_type}")
        return number
    if base == "bool":
        if not isinstance(value, bool):
            raise SpecActionError(f"{name}: expected true or false, got {value!r}")
        return value
    if base == "string":
        if not isinstance(value, str):
            raise SpecActionError(f"{name}: expected text, got {value!r}")
        return value
    if base == "bytes":
        if not isinstance(value, str) or not re.fullmatch(r"0x([0-9a-fA-F]{2})*", value):
            raise SpecActionError(f"{name}: expected 0x-prefixed hex bytes, got {value!r}")
        raw = bytes.fromhex(value[2:])
        if sub and len(raw) != int(sub):
            raise SpecActionError(f"{name}: {abi_type} needs exactly {sub} bytes, got {len(raw)}")
        return raw
    raise SpecActionError(f"{name}: arguments of type {abi_type} are not supported in specs")
