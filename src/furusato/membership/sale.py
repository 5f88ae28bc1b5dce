"""Fundraising sales (資金調達): terms read from YAML, and the one governance proposal that starts a sale.

A sale's terms are fixed when it is deployed (:func:`deploy_sale`); governance starts it by one proposal
(:func:`start_proposal`) that excludes the sale from voting (its escrow carries no votes) and grants it the token's
``MINTER_ROLE``. Without both, ``buy`` reverts. :func:`buy` is what a buyer's wallet does (ETH, or an ERC-20's
``approve`` then ``buy``); the CLI and ``scripts/membership.py`` share these functions.

Terms file (YAML)::

    price: "0.001"              # payment per whole token, in whole units of the payment (ETH or the ERC-20)
    payment_token: null         # null / ETH, or the ERC-20's address (e.g. a yen stablecoin)
    payment_decimals: 18        # decimals of the ERC-20 (ignored for ETH; `sale start` checks its decimals())
    opens_at: "2027-04-01T09:00:00+09:00"   # ISO 8601 with a time zone, or unix seconds, or e.g. "in 2 days"
    closes_at: "2027-04-30T17:00:00+09:00"  # the same forms (relative to opens_at: "+30 days")
    hard_cap: "1000000"         # whole tokens
    buyer_cap: "10000"
    goal: "200000"
    members_only: true          # buyers must hold a card of the deployment's ResidentRegistry
    description: "2027 fundraising sale (資金調達)"
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from web3 import Web3
from web3.contract import Contract
from web3.types import TxReceipt

from furusato.chain import Sender, deploy, transact
from furusato.config import parse_address
from furusato.constants import ETH, ROLE_MINTER
from furusato.erc20 import erc20
from furusato.errors import ChainError, ConfigError
from furusato.governance import Proposal, call_action
from furusato.membership.sale_view import SaleTerms
from furusato.textio import load_yaml_mapping
from furusato.units import parse_time, parse_units

if TYPE_CHECKING:
    from furusato.artifacts import Artifacts
    from furusato.proposals.dao import Dao


def load_terms(path: Path, *, token: str, treasury: str, registry: str | None, now: int) -> SaleTerms:
    """Read and check a terms file; ``registry`` is the deployment's ResidentRegistry (None: it has none)."""
    raw = load_yaml_mapping(path, "the sale terms")
    known = {"price", "payment_token", "payment_decimals", "opens_at", "closes_at", "hard_cap", "buyer_cap", "goal",
             "members_only", "description"}  # fmt: skip
    unknown = set(raw) - known
    if unknown:
        raise ConfigError(f"{path}: unknown term(s) {', '.join(sorted(unknown))}")
    pay = raw.get("payment_token")
    payment = ETH if pay is None or str(pay).upper() == "ETH" else parse_address(pay, "payment_token")
    assert payment is not None
    decimals = 18 if payment == ETH else raw.get("payment_decimals", 18)
    if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 36:
        raise ConfigError(f"payment_decimals must be an integer from 0 to 36, got {decimals!r}")
    opens = parse_time(raw.get("opens_at"), "opens_at", require_zone=True, now=now)
    closes = parse_time(raw.get("closes_at"), "closes_at", require_zone=True, now=now, base=opens)
    hard_cap, buyer_cap, goal = (parse_units(raw.get(k), k) for k in ("hard_cap", "buyer_cap", "goal"))
    problems = []
    if closes <= opens:
        problems.append("closes_at must be after opens_at")
    if closes <= now:
        problems.append("closes_at is in the past")
    if not 0 < goal <= hard_cap:
        problems.append("goal must be positive and at most hard_cap")
    if buyer_cap == 0:
        problems.append("buyer_cap must be positive")
    members_only = raw.get("members_only", registry is not None)
    if not isinstance(members_only, bool):
        raise ConfigError(f"members_only must be true or false, got {members_only!r}")
    if members_only and registry is None:
        problems.append("members_only: the deployment has no ResidentRegistry")
    if problems:
        raise ConfigError(f"{path}: " + "; ".join(problems))
    price = parse_units(raw.get("price"), "price", decimals, positive=True)
    return SaleTerms(
        token=token, treasury=treasury, payment_token=payment, price=price,
        opens_at=opens, closes_at=closes, hard_cap=hard_cap, buyer_cap=buyer_cap, goal=goal,
        registry=(registry or ETH) if members_only else ETH,
        description=str(raw.get("description") or f"Start the token sale {path.stem}"), payment_decimals=decimals,
    )  # fmt: skip


def check_payment_decimals(terms: SaleTerms, actual: int, path: Path) -> None:
    """Refuse terms whose price was read with other decimals than the payment token's own ``decimals()``."""
    if terms.payment_token != ETH and terms.payment_decimals != actual:
        raise ConfigError(
            f"{path}: payment_decimals is {terms.payment_decimals} but the payment token {terms.payment_token} has "
            f"{actual} decimals; the price would be off by a factor of 10^{abs(terms.payment_decimals - actual)}"
        )


def start_proposal(token: Contract, sale: str, description: str) -> Proposal:
    """The proposal that starts a deployed sale: exclude it from voting and make it a minter (one proposal)."""
    address = Web3.to_checksum_address(sale)
    return Proposal(
        actions=(
            call_action(token, "excludeFromVoting", address),
            call_action(token, "grantRole", ROLE_MINTER, address),
        ),
        description=description,
    )


def deploy_sale(dao: Dao, sender: Sender, artifacts: Artifacts, terms: SaleTerms) -> tuple[str, TxReceipt]:
    """Deploy a TokenSale with ``terms``; it opens only once governance has executed :func:`start_proposal`."""
    from furusato.abi import error_selectors

    abi = dao.abi_of("TokenSale")
    dao.decoder.add(error_selectors([abi]))
    return deploy(dao.w3, sender, abi, artifacts.get("TokenSale").bytecode, [terms.as_tuple()],
                  label="TokenSale", decoder=dao.decoder)  # fmt: skip


def buy(dao: Dao, sender: Sender, sale: Contract, amount: int) -> TxReceipt:
    """Buy ``amount`` token base units from ``sale`` as ``sender`` (paying ETH, or approving the ERC-20 first when
    its allowance is short). Returns the ``buy`` receipt; a revert is raised as ChainError naming the error."""
    from furusato.abi import error_selectors

    dao.decoder.add(error_selectors([dao.abi_of("TokenSale")]))
    f = sale.functions
    cost = int(f.cost(amount).call())
    payment = Web3.to_checksum_address(f.terms().call()[2])
    if payment == ETH:
        return transact(dao.w3, sender, f.buy(amount), value=cost, label="buy", decoder=dao.decoder)
    token = erc20(dao.w3, payment)
    if int(token.functions.allowance(sender.address, sale.address).call()) < cost:
        transact(dao.w3, sender, token.functions.approve(sale.address, cost), label="approve", decoder=dao.decoder)
    return transact(dao.w3, sender, f.buy(amount), label="buy", decoder=dao.decoder)


def sale_at(dao: Dao, address: str) -> Contract:
    """The TokenSale at ``address`` (its errors decoded from now on); ChainError if no contract is there."""
    from furusato.abi import error_selectors

    abi = dao.abi_of("TokenSale")
    dao.decoder.add(error_selectors([abi]))
    where = Web3.to_checksum_address(address)
    if not dao.w3.eth.get_code(where):
        raise ChainError(f"no contract at {where} on this chain")
    return dao.w3.eth.contract(address=where, abi=abi)


def payment_decimals(w3: Web3, payment: str) -> int:
    """The decimals of a sale's payment: 18 for ETH, else the ERC-20's ``decimals()``."""
    if payment == ETH:
        return 18
    try:
        return int(erc20(w3, payment).functions.decimals().call())
    except Exception as exc:  # not an ERC-20 (no decimals())
        raise ChainError(f"the payment token {payment} does not answer decimals(): is it an ERC-20?") from exc
