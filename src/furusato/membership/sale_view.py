"""A TokenSale as its contract reports it — a read that needs no web3.py (the transparency report runs on the lean
read client)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eth_utils.address import to_checksum_address

if TYPE_CHECKING:
    from web3.contract import Contract
    from web3.types import BlockIdentifier

STATES = ("Pending", "Open", "Succeeded", "Failed")


@dataclass(frozen=True)
class SaleTerms:
    """``ITokenSale.Terms`` plus the proposal description; amounts in base units, times in unix seconds."""

    token: str
    treasury: str
    payment_token: str
    price: int
    opens_at: int
    closes_at: int
    hard_cap: int
    buyer_cap: int
    goal: int
    registry: str
    description: str
    payment_decimals: int = 18
    """The decimals the price was read with (``payment_decimals``; 18 for ETH), checked against the token."""

    @classmethod
    def from_struct(cls, t: Sequence[Any]) -> SaleTerms:
        """The terms as ``TokenSale.terms()`` returns them (addresses checksummed; no description)."""
        token, treasury, payment, price, opens, closes, hard_cap, buyer_cap, goal, registry = t
        return cls(
            to_checksum_address(token), to_checksum_address(treasury), to_checksum_address(payment), int(price),
            int(opens), int(closes), int(hard_cap), int(buyer_cap), int(goal), to_checksum_address(registry), "",
        )  # fmt: skip

    def as_tuple(self) -> tuple[Any, ...]:
        """The constructor argument (the ``Terms`` struct) in field order."""
        return (
            self.token, self.treasury, self.payment_token, self.price, self.opens_at, self.closes_at,
            self.hard_cap, self.buyer_cap, self.goal, self.registry,
        )  # fmt: skip


@dataclass(frozen=True)
class SaleView:
    """A sale as its contract reports it (now, or at a given block)."""

    state: str  # one of STATES
    terms: SaleTerms  # as the contract holds them (no description)
    sold: int
    raised: int
    finalized: bool


def read_sale(sale: Contract, block: BlockIdentifier = "latest") -> SaleView:
    """State, terms and totals of the TokenSale ``sale`` at ``block``."""
    f = sale.functions
    return SaleView(
        STATES[int(f.state().call(block_identifier=block))],
        SaleTerms.from_struct(f.terms().call(block_identifier=block)),
        int(f.sold().call(block_identifier=block)),
        int(f.raised().call(block_identifier=block)),
        bool(f.finalized().call(block_identifier=block)),
    )
