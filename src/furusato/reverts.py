"""Revert data in words: ``ErrorName(arg, …)`` from the custom errors of known ABIs, ``Error("…")`` and ``Panic``."""

from __future__ import annotations

from typing import Any

from furusato.abi import to_checksum_address


class ErrorDecoder:
    """Turns revert data into ``ErrorName(arg, …)`` using the custom errors of known ABIs."""

    def __init__(self, selectors: dict[str, dict[str, Any]] | None = None) -> None:
        self.selectors = dict(selectors or {})

    def add(self, selectors: dict[str, dict[str, Any]]) -> None:
        self.selectors.update(selectors)

    def decode(self, data: str | bytes | None) -> str:
        from eth_abi.abi import decode as abi_decode

        if data is None:
            return "reverted without data"
        raw = bytes.fromhex(data.removeprefix("0x")) if isinstance(data, str) else bytes(data)
        if len(raw) < 4:
            return "reverted without a reason"
        selector = "0x" + raw[:4].hex()
        if selector == "0x08c379a0":
            return f"Error({abi_decode(['string'], raw[4:])[0]!r})"
        if selector == "0x4e487b71":
            return f"Panic(0x{abi_decode(['uint256'], raw[4:])[0]:02x})"
        item = self.selectors.get(selector)
        if item is None:
            return f"unknown custom error {raw.hex()}"
        types = [i["type"] for i in item["inputs"]]
        values = abi_decode(types, raw[4:])
        shown = ", ".join(
            to_checksum_address(v) if t == "address" else repr(v) for t, v in zip(types, values, strict=True)
        )
        return f"{item['name']}({shown})"


DEFAULT_DECODER = ErrorDecoder()


def revert_data(exc: Exception) -> str | None:
    """The revert data (``0x…``) an RPC error carries, if any (web3's exceptions carry it in ``data``; a plain
    ValueError raised through Brownie's provider carries the JSON-RPC error object as its argument)."""
    data = getattr(exc, "data", None)
    if data is None and exc.args and isinstance(exc.args[0], dict):
        data = exc.args[0]
    if isinstance(data, dict):
        data = data.get("data")
    if isinstance(data, str) and data.startswith("0x"):
        return data
    return None
