"""Funding the treasury with ETH: every check before the transaction, and the deposit as the Treasury recorded it.

The Treasury accepts ETH from anyone (its ``receive``) and emits ``Deposited(token=0, from, amount, balanceAfter)``;
the transparency report's books are built from those events. ERC-20 tokens are deposited with ``approve`` then
``Treasury.deposit(token, amount)`` from the holder's wallet (a plain token transfer arrives too, unrecorded).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from furusato.chain import fee_caps, send_eth
from furusato.constants import ZERO_ADDRESS
from furusato.errors import ChainError, InputError
from furusato.units import format_units, parse_units

if TYPE_CHECKING:
    from web3 import Web3
    from web3.contract import Contract
    from web3.types import TxReceipt

    from furusato.chain import Sender


@dataclass(frozen=True)
class Funding:
    """A checked ETH deposit: who sends how much to which treasury, their balances now, and the most gas can cost."""

    treasury: str
    sender: str
    amount: int
    sender_balance: int
    treasury_balance: int
    max_gas_cost: int

    def lines(self) -> list[str]:
        return [
            f"treasury {self.treasury}: {format_units(self.treasury_balance)} ETH now",
            f"send {format_units(self.amount)} ETH from {self.sender} (balance {format_units(self.sender_balance)} "
            f"ETH; gas at most {format_units(self.max_gas_cost)} ETH)",
        ]


@dataclass(frozen=True)
class Deposit:
    """A deposit as the Treasury recorded it (its ``Deposited`` event) and its transaction."""

    amount: int
    sender: str
    balance_after: int
    receipt: TxReceipt


def parse_amount(amount: Any) -> int:
    """Wei from ``amount`` in ETH (``"1.5"``): positive, at most 18 decimals; :class:`InvalidValueError` otherwise."""
    return parse_units(amount, "--amount", positive=True)


def plan_funding(w3: Web3, treasury: Contract, sender: str, value: int) -> Funding:
    """Check a deposit of ``value`` wei from ``sender``: the sender's balance covers it with the gas. Raises
    :class:`InputError` (nothing is sent)."""
    from web3 import Web3

    sender = Web3.to_checksum_address(sender)
    balance = int(w3.eth.get_balance(sender))
    if value > balance:
        raise InputError(f"--amount {format_units(value)} ETH is more than the balance of {sender}: "
                         f"{format_units(balance)} ETH")  # fmt: skip
    gas = int(w3.eth.estimate_gas({"from": sender, "to": treasury.address, "value": value}))  # type: ignore[typeddict-item]
    max_gas_cost = gas * fee_caps(w3)[0]
    if value + max_gas_cost > balance:
        raise InputError(
            f"--amount {format_units(value)} ETH leaves too little of {sender}'s {format_units(balance)} ETH for the "
            f"gas (up to {format_units(max_gas_cost)} ETH): send at most {format_units(balance - max_gas_cost)}"
        )
    return Funding(treasury.address, sender, value, balance, int(w3.eth.get_balance(treasury.address)), max_gas_cost)


def fund_treasury(w3: Web3, treasury: Contract, sender: Sender, funding: Funding) -> Deposit:
    """Send the checked deposit; return it as the Treasury's ``Deposited`` event recorded it."""
    from web3.logs import DISCARD

    receipt = send_eth(w3, sender, funding.treasury, funding.amount, label="deposit to the treasury")
    events = [e for e in treasury.events.Deposited().process_receipt(receipt, errors=DISCARD)
              if e["args"]["token"] == ZERO_ADDRESS]  # fmt: skip
    if len(events) != 1:
        raise ChainError(f"the treasury recorded no deposit for tx {receipt['transactionHash'].to_0x_hex()}")
    args = events[0]["args"]
    return Deposit(int(args["amount"]), str(args["from"]), int(args["balanceAfter"]), receipt)
