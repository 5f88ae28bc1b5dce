"""The fee fields of a relayed transaction, from reads made in the same round trip as its simulation.

The rule is :class:`~furusato.chain.LocalKeySender`'s: where blocks have a base fee, twice the base fee plus the
node's suggested tip (no tip while the base fee is zero, as on a development chain); where they have none, the
node's gas price. Which reads the rule needs besides the latest block is known from the last block seen, so a
relayed ballot asks only for those (all three until a block has been seen).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from furusato.errors import ChainError
from furusato.rpc import RpcFailure

__all__ = ["FeeReads"]

Request = tuple[str, list[Any]]
BLOCK: Request = ("eth_getBlockByNumber", ["latest", False])
TIP: Request = ("eth_maxPriorityFeePerGas", [])
GAS_PRICE: Request = ("eth_gasPrice", [])
_UNSEEN = -1


class FeeReads:
    """The reads the fee rule needs, and the fee fields from their answers. A choice made from a block that is
    no longer the latest costs at most one more read (a gas price) or one transaction without a tip."""

    def __init__(self) -> None:
        self._base: int | None = _UNSEEN  # the last block's base fee; None: blocks without one

    def requests(self) -> list[Request]:
        """The latest block first, then the tip and/or the gas price where the last block seen says they count."""
        if self._base == _UNSEEN:
            return [BLOCK, TIP, GAS_PRICE]
        if self._base is None:
            return [BLOCK, GAS_PRICE]
        return [BLOCK, TIP] if self._base else [BLOCK]

    def fees(self, requests: list[Request], answers: list[Any], read: Callable[[Request], Any]) -> dict[str, Any]:
        """The fee fields from ``answers`` to ``requests`` (as :meth:`requests` made them); ``read`` asks the node
        for one request whose answer is missing (the chain's kind changed since the last block seen)."""
        got = {method: answer for (method, _), answer in zip(requests, answers, strict=True)}
        block = got[BLOCK[0]]
        if isinstance(block, RpcFailure) or not isinstance(block, dict):
            raise ChainError(f"the node did not answer for its latest block: {getattr(block, 'message', block)}")
        base = block.get("baseFeePerGas")
        if base is not None:
            self._base = base_fee = int(base, 16)
            tip = got.get(TIP[0], "0x0") if base_fee else "0x0"
            priority = 0 if isinstance(tip, RpcFailure) else int(tip, 16)
            return {"maxPriorityFeePerGas": priority, "maxFeePerGas": 2 * base_fee + priority}
        self._base = None
        gas_price = got[GAS_PRICE[0]] if GAS_PRICE[0] in got else read(GAS_PRICE)
        if isinstance(gas_price, RpcFailure):
            raise ChainError(f"the node did not say its gas price: {gas_price.message}")
        return {"gasPrice": int(gas_price, 16)}
