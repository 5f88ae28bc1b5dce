"""Funding the treasury with ETH or an ERC-20: every check before a transaction, and the deposit as the Treasury
recorded it.

The Treasury accepts ETH from anyone (its ``receive``) and emits ``Deposited(token=0, from, amount, balanceAfter)``;
the transparency report's books are built from those events. An ERC-20 is deposited with ``approve(treasury,
amount)`` — exactly the amount, never more — then ``Treasury.deposit(token, amount)``, which pulls it and emits
``Deposited(token, …)`` (a plain token transfer arrives too, but unrecorded). A run that stopped after the approval
finds the allowance in place and only deposits.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from furusato.chain import fee_caps, send_eth, transact
from furusato.constants import ZERO_ADDRESS
from furusato.errors import ChainError, InputError
from furusato.units import format_units, parse_units

if TYPE_CHECKING:
    from web3 import Web3
    from web3.contract import Contract
    from web3.types import TxReceipt

    from furusato.chain import Sender
    from furusato.reverts import ErrorDecoder


@dataclass(frozen=True)
class Funding:
    """A checked ETH deposit: who sends how much to which treasury, their balances now, and the most gas can cost."""

    treasury: str
    sender: str
    amount: int
    sender_balance: int
    treasury_balance: int
    max_gas_cost: int

    def show(self, wei: int) -> str:
        return f"{format_units(wei)} ETH"

    def lines(self) -> list[str]:
        return [
            f"treasury {self.treasury}: {format_units(self.treasury_balance)} ETH now",
            f"send {format_units(self.amount)} ETH from {self.sender} (balance {format_units(self.sender_balance)} "
            f"ETH; gas at most {format_units(self.max_gas_cost)} ETH)",
        ]


@dataclass(frozen=True)
class TokenFunding:
    """A checked ERC-20 deposit: the token as it names itself, who deposits how much (base units) to which treasury,
    the balances and the allowance the treasury already has, and the most the first transaction's gas can cost."""

    treasury: str
    token: str
    symbol: str
    decimals: int
    sender: str
    amount: int
    sender_balance: int
    treasury_balance: int
    allowance: int
    max_gas_cost: int

    @property
    def needs_approval(self) -> bool:
        return self.allowance < self.amount

    def show(self, units: int) -> str:
        return f"{format_units(units, self.decimals)} {self.symbol}"

    def lines(self) -> list[str]:
        approval = (
            f"1. approve the treasury to take exactly {self.show(self.amount)} (its allowance now: "
            f"{self.show(self.allowance)}); 2. deposit"
            if self.needs_approval
            else f"the treasury may already take {self.show(self.allowance)} (an earlier approval): deposit only"
        )
        return [
            f"treasury {self.treasury}: {self.show(self.treasury_balance)} now (token {self.token})",
            f"deposit {self.show(self.amount)} from {self.sender} (balance {self.show(self.sender_balance)}; gas of "
            f"the first transaction at most {format_units(self.max_gas_cost)} ETH)",
            approval,
        ]


@dataclass(frozen=True)
class Deposit:
    """A deposit as the Treasury recorded it (its ``Deposited`` event) and its transaction; for a token, the
    approval's transaction too when one was sent."""

    amount: int
    sender: str
    balance_after: int
    receipt: TxReceipt
    approval: TxReceipt | None = None


def parse_amount(amount: Any) -> int:
    """Wei from ``amount`` in ETH (``"1.5"``): positive, at most 18 decimals; :class:`InvalidValueError` otherwise."""
    return parse_units(amount, "--amount", positive=True)


def check_token_amount(amount: Any) -> None:
    """Refuse a malformed, zero or negative token amount before anything opens; its precision is checked against the
    token's own decimals (read from the chain, up to 255) by :func:`plan_token_funding`."""
    parse_units(amount, "--amount", 255, positive=True)


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
    receipt = send_eth(w3, sender, funding.treasury, funding.amount, label="deposit to the treasury")
    return _recorded(treasury, ZERO_ADDRESS, receipt)


def plan_token_funding(w3: Web3, treasury: Contract, token: str, sender: str, amount: Any) -> TokenFunding:
    """Check a deposit of ``amount`` whole tokens (``"1000.5"``) of the ERC-20 at ``token`` from ``sender``: a
    contract that answers ``decimals()``, the amount in its decimals, the sender's token balance, and ETH for the gas
    of the first transaction (the approval, or the deposit when the allowance is already there). Raises
    :class:`InputError` naming the problem (nothing is sent)."""
    from web3 import Web3

    from furusato.erc20 import erc20, token_meta

    token, sender = Web3.to_checksum_address(token), Web3.to_checksum_address(sender)
    if token == ZERO_ADDRESS:
        raise InputError("--token: the zero address is ETH here: leave --token out to send ETH")
    if not w3.eth.get_code(token):
        raise InputError(f"--token: no contract at {token} on this chain (a token on another network?)")
    try:
        decimals, symbol = token_meta(w3, token)
    except Exception as exc:
        raise InputError(f"--token: {token} does not answer decimals(): is it an ERC-20?") from exc
    value = parse_units(amount, "--amount", decimals, positive=True)
    contract, shown = erc20(w3, token), f"{format_units(value, decimals)} {symbol}"
    balance = int(contract.functions.balanceOf(sender).call())
    if value > balance:
        raise InputError(f"--amount {shown} is more than the balance of {sender}: {format_units(balance, decimals)} "
                         f"{symbol}")  # fmt: skip
    allowance = int(contract.functions.allowance(sender, treasury.address).call())
    first = (contract.functions.approve(treasury.address, value) if allowance < value
             else treasury.functions.deposit(token, value))  # fmt: skip
    try:
        gas = int(first.estimate_gas({"from": sender}))
    except Exception as exc:
        raise InputError(f"the token refuses the {'approval' if allowance < value else 'deposit'} of {shown} from "
                         f"{sender}: {exc}") from exc  # fmt: skip
    max_gas_cost = gas * fee_caps(w3)[0]
    eth = int(w3.eth.get_balance(sender))
    if max_gas_cost > eth:
        raise InputError(f"{sender} has {format_units(eth)} ETH: too little for the gas (up to "
                         f"{format_units(max_gas_cost)} ETH for the first transaction)")  # fmt: skip
    treasury_balance = int(contract.functions.balanceOf(treasury.address).call())
    return TokenFunding(treasury.address, token, symbol, decimals, sender, value, balance, treasury_balance, allowance,
                        max_gas_cost)  # fmt: skip


def fund_treasury_token(w3: Web3, treasury: Contract, sender: Sender, funding: TokenFunding,
                        decoder: ErrorDecoder) -> Deposit:  # fmt: skip
    """Approve the treasury for exactly the amount (unless the allowance is already there: a run that stopped after
    its approval resumes with the deposit), then deposit; return the deposit as the ``Deposited`` event recorded it."""
    from furusato.erc20 import erc20

    token = erc20(w3, funding.token)
    approval = None
    if int(token.functions.allowance(funding.sender, funding.treasury).call()) < funding.amount:
        approve = token.functions.approve(funding.treasury, funding.amount)
        approval = transact(w3, sender, approve, label="approve the treasury", decoder=decoder)
    deposit = treasury.functions.deposit(funding.token, funding.amount)
    receipt = transact(w3, sender, deposit, label="deposit to the treasury", decoder=decoder)
    return replace(_recorded(treasury, funding.token, receipt), approval=approval)


def _recorded(treasury: Contract, token: str, receipt: TxReceipt) -> Deposit:
    """The one ``Deposited`` event of ``token`` in ``receipt``, as a :class:`Deposit`."""
    from web3.logs import DISCARD

    events = [e for e in treasury.events.Deposited().process_receipt(receipt, errors=DISCARD)
              if e["args"]["token"] == token]  # fmt: skip
    if len(events) != 1:
        raise ChainError(f"the treasury recorded no deposit for tx {receipt['transactionHash'].to_0x_hex()}")
    args = events[0]["args"]
    return Deposit(int(args["amount"]), str(args["from"]), int(args["balanceAfter"]), receipt)
