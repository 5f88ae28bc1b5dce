"""TokenSale: fixed price in ETH or an ERC-20, window, hard cap, per-buyer cap, minimum goal; success sends the
proceeds to the Treasury and tokens to buyers, failure refunds every buyer in full; terms fixed; governance starts a
sale; eligibility; reentrancy. The stateful test is in test_stateful.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from brownie import (
    FeeOnTransferERC20,
    MockERC20,
    ReentrantBuyer,
    ResidentRegistry,
    TokenSale,
    accounts,
    chain,
)
from brownie.exceptions import VirtualMachineError
from helpers import advance, govern, reverts
from web3 import Web3

TOKEN = 10**18
ETH = ZERO = "0x0000000000000000000000000000000000000000"
ADMIN_ROLE = b"\x00" * 32
MINTER_ROLE = bytes(Web3.keccak(text="MINTER_ROLE"))
REGISTRAR_ROLE = bytes(Web3.keccak(text="REGISTRAR_ROLE"))
PENDING, OPEN, SUCCEEDED, FAILED = 0, 1, 2, 3
PRICE = 10**15  # 0.001 ETH (or 0.001 of an 18-decimals stablecoin) per whole token
HARD_CAP, BUYER_CAP, GOAL = 1_000 * TOKEN, 400 * TOKEN, 500 * TOKEN


@pytest.fixture(scope="module")
def yen(deployer: Any) -> Any:
    """A stand-in yen stablecoin (18 decimals)."""
    return MockERC20.deploy("Mock Yen", "JPYM", {"from": deployer})


def terms(token_: Any, treasury_: Any, **kw: Any) -> tuple:
    now = chain.time()
    t = {
        "token": token_.address, "treasury": treasury_.address, "paymentToken": ETH, "price": PRICE,
        "opensAt": now + 100, "closesAt": now + 10_000, "hardCap": HARD_CAP, "buyerCap": BUYER_CAP, "goal": GOAL,
        "registry": ZERO,
    }  # fmt: skip
    t.update(kw)
    return tuple(t.values())


@pytest.fixture
def make_sale(token: Any, treasury: Any, admin: Any, deployer: Any) -> Any:
    """Factory: deploy a sale with the default terms overridden by ``kw``, started (minter + excluded), opened."""

    def make(start: bool = True, open_now: bool = True, **kw: Any) -> Any:
        sale = TokenSale.deploy(terms(token, treasury, **kw), {"from": deployer})
        if start:
            token.grantRole(MINTER_ROLE, sale, {"from": admin})
            token.excludeFromVoting(sale, {"from": admin})
        if open_now:
            advance(sale.terms()[4] - chain.time() + 1)
        return sale

    return make


def buy_eth(sale: Any, buyer: Any, amount: int) -> Any:
    return sale.buy(amount, {"from": buyer, "value": sale.cost(amount)})


def close(sale: Any) -> None:
    advance(sale.terms()[5] - chain.time() + 1)


# ------------------------------------------------------------------------------------------------ starting


def test_governance_starts_a_sale(token, treasury, governor, timelock, members, deployer, alice, outsider):
    sale = TokenSale.deploy(terms(token, treasury), {"from": deployer})
    assert sale.state() == PENDING
    with reverts("SaleNotOpen", PENDING):
        buy_eth(sale, outsider, TOKEN)
    advance(101)
    assert sale.state() == OPEN
    with reverts("SaleNotExcluded"):  # not started by governance yet
        buy_eth(sale, outsider, TOKEN)
    govern(
        governor, timelock, members,
        (token, "excludeFromVoting", sale.address), (token, "grantRole", MINTER_ROLE, sale.address),
        description="start the 2026 fundraising sale",
    )  # fmt: skip
    tx = buy_eth(sale, outsider, 10 * TOKEN)
    assert dict(tx.events["Purchased"][0]) == {
        "buyer": outsider.address, "amount": 10 * TOKEN, "cost": 10 * PRICE, "buyerAmountAfter": 10 * TOKEN,
        "soldAfter": 10 * TOKEN, "raisedAfter": 10 * PRICE,
    }  # fmt: skip


def test_excluded_but_not_minter_cannot_sell(make_sale, token, admin, outsider):
    sale = make_sale(start=False)
    token.excludeFromVoting(sale, {"from": admin})
    with reverts("AccessControlUnauthorizedAccount", sale, MINTER_ROLE):
        buy_eth(sale, outsider, TOKEN)


def test_terms_are_fixed_and_readable(make_sale, token, treasury):
    sale = make_sale(open_now=False)
    t = sale.terms()
    assert t[:4] == (token.address, treasury.address, ETH, PRICE)
    assert t[6:] == (HARD_CAP, BUYER_CAP, GOAL, ZERO)
    # nothing in the ABI changes state except buying and settling
    mutating = {f["name"] for f in sale.abi if f["type"] == "function" and f["stateMutability"] not in ("view", "pure")}
    assert mutating == {"buy", "claim", "refund", "finalize"}


@pytest.mark.parametrize(
    ("kw", "reason"),
    [
        ({"price": 0}, "price is zero"),
        ({"opensAt": 10**10, "closesAt": 10**10}, "opensAt not before closesAt"),
        ({"opensAt": 1, "closesAt": 2}, "closesAt not in the future"),
        ({"goal": 0}, "goal not in (0, hardCap]"),
        ({"goal": HARD_CAP + 1}, "goal not in (0, hardCap]"),
        ({"buyerCap": 0}, "buyerCap is zero"),
        ({"hardCap": 2**128, "goal": 1}, "hardCap too large"),
        ({"price": 2**112}, "hardCap * price too large"),
    ],
)
def test_inconsistent_terms_are_refused(token, treasury, deployer, kw, reason):
    with pytest.raises(VirtualMachineError) as exc:
        TokenSale.deploy(terms(token, treasury, **kw), {"from": deployer})
    assert exc.value.revert_msg == f"SaleInvalidTerms: {reason}"  # helpers.reverts lower-cases string arguments


def test_zero_token_or_treasury_is_refused(token, treasury, deployer):
    with reverts("SaleZeroAddress"):
        TokenSale.deploy(terms(token, treasury, token=ZERO), {"from": deployer})
    with reverts("SaleZeroAddress"):
        TokenSale.deploy(terms(token, treasury, treasury=ZERO), {"from": deployer})


# ------------------------------------------------------------------------------------------------ buying


def test_buying_holds_tokens_in_escrow_without_votes(make_sale, token, alice, outsider):
    sale = make_sale()
    supply, voting = token.totalSupply(), token.votingSupply()
    buy_eth(sale, outsider, 100 * TOKEN)
    assert token.balanceOf(sale) == 100 * TOKEN
    assert token.totalSupply() == supply + 100 * TOKEN  # the cap is reserved at purchase
    assert token.votingSupply() == voting  # escrow never votes
    assert token.getVotes(sale) == 0
    assert token.balanceOf(outsider) == 0
    assert sale.purchaseOf(outsider) == (100 * TOKEN, 100 * PRICE, False)
    assert (sale.sold(), sale.raised()) == (100 * TOKEN, 100 * PRICE)
    assert sale.balance() == 100 * PRICE


def test_caps_and_payment_checks(make_sale, alice, bob, carol, outsider):
    sale = make_sale()
    with reverts("SaleZeroAmount"):
        buy_eth(sale, alice, 0)
    with reverts("SaleWrongPayment", 10 * PRICE, 10 * PRICE - 1):
        sale.buy(10 * TOKEN, {"from": alice, "value": 10 * PRICE - 1})
    with reverts("SaleWrongPayment", 10 * PRICE, 10 * PRICE + 1):
        sale.buy(10 * TOKEN, {"from": alice, "value": 10 * PRICE + 1})
    buy_eth(sale, alice, 300 * TOKEN)
    with reverts("SaleBuyerCapExceeded", alice, 101 * TOKEN, 100 * TOKEN):
        buy_eth(sale, alice, 101 * TOKEN)
    buy_eth(sale, alice, 100 * TOKEN)
    buy_eth(sale, bob, 400 * TOKEN)
    with reverts("SaleHardCapExceeded", 201 * TOKEN, 200 * TOKEN):
        buy_eth(sale, carol, 201 * TOKEN)
    tx = buy_eth(sale, carol, 200 * TOKEN)  # sold out: the sale ends early, successfully
    assert tx.events["Purchased"][0]["soldAfter"] == HARD_CAP
    assert sale.state() == SUCCEEDED
    with reverts("SaleNotOpen", SUCCEEDED):
        buy_eth(sale, outsider, TOKEN)


def test_cost_rounds_up_and_a_free_purchase_is_refused(make_sale, alice):
    sale = make_sale(price=3)  # 3 wei per whole token
    assert sale.cost(TOKEN) == 3
    assert sale.cost(1) == 1  # rounded up, in the DAO's favour
    assert sale.cost(TOKEN // 2) == 2
    tx = buy_eth(sale, alice, TOKEN // 2)
    assert tx.events["Purchased"][0]["cost"] == 2
    assert sale.purchaseOf(alice)[1] == 2


def test_window_closes(make_sale, alice):
    sale = make_sale()
    close(sale)
    assert sale.state() == FAILED
    with reverts("SaleNotOpen", FAILED):
        buy_eth(sale, alice, TOKEN)


def test_eligibility_requires_a_registered_member(make_sale, deployer, alice, outsider):
    registry = ResidentRegistry.deploy("Card", "CARD", deployer, {"from": deployer})
    registry.grantRole(REGISTRAR_ROLE, deployer, {"from": deployer})
    registry.register(alice, 2, b"\x00" * 32, {"from": deployer})
    sale = make_sale(registry=registry.address)
    with reverts("SaleNotEligible", outsider):
        buy_eth(sale, outsider, TOKEN)
    buy_eth(sale, alice, TOKEN)
    registry.revoke(alice, {"from": deployer})  # a revoked member can no longer act as a member
    with reverts("SaleNotEligible", alice):
        buy_eth(sale, alice, TOKEN)


# ------------------------------------------------------------------------------------------------ outcomes (ETH)


def test_goal_met_proceeds_to_treasury_tokens_to_buyers(make_sale, token, treasury, alice, bob, outsider):
    sale = make_sale()
    buy_eth(sale, outsider, 300 * TOKEN)
    buy_eth(sale, bob, 250 * TOKEN)
    with reverts("SaleWrongState", OPEN):
        sale.finalize({"from": alice})
    with reverts("SaleWrongState", OPEN):
        sale.claim(outsider, {"from": outsider})
    close(sale)
    assert sale.state() == SUCCEEDED
    with reverts("SaleWrongState", SUCCEEDED):
        sale.refund(outsider, {"from": outsider})
    before = treasury.balance()
    tx = sale.finalize({"from": alice})  # anyone
    assert dict(tx.events["Finalized"][0]) == {"succeeded": True, "sold": 550 * TOKEN, "raised": 550 * PRICE}
    assert tx.events["Deposited"][0]["amount"] == 550 * PRICE
    assert treasury.balance() == before + 550 * PRICE
    assert sale.balance() == 0
    with reverts("SaleAlreadyFinalized"):
        sale.finalize({"from": alice})

    voting = token.votingSupply()
    tx = sale.claim(outsider, {"from": alice})  # anyone may push the delivery; tokens go to the buyer
    assert dict(tx.events["Claimed"][0]) == {"buyer": outsider.address, "amount": 300 * TOKEN}
    assert token.balanceOf(outsider) == 300 * TOKEN
    advance(1)
    assert token.getVotes(outsider) == 300 * TOKEN  # vote-ready on receipt
    assert token.votingSupply() == voting + 300 * TOKEN
    with reverts("SaleNothingToSettle", outsider):
        sale.claim(outsider, {"from": outsider})
    with reverts("SaleNothingToSettle", alice):
        sale.claim(alice, {"from": alice})
    sale.claim(bob, {"from": bob})
    assert token.balanceOf(sale) == 0


def test_claim_works_before_finalize(make_sale, token, outsider):
    sale = make_sale()
    buy_eth(sale, outsider, 400 * TOKEN)
    buy_eth(sale, accounts[9], 100 * TOKEN)
    close(sale)
    sale.claim(outsider, {"from": outsider})
    assert token.balanceOf(outsider) == 400 * TOKEN
    sale.finalize({"from": outsider})
    assert sale.finalized()


def test_goal_missed_every_buyer_refunds_in_full(make_sale, token, treasury, alice, bob, outsider):
    sale = make_sale()
    buy_eth(sale, outsider, 300 * TOKEN)
    buy_eth(sale, bob, 100 * TOKEN)
    buy_eth(sale, bob, 99 * TOKEN)
    with reverts("SaleWrongState", OPEN):
        sale.refund(bob, {"from": bob})
    close(sale)
    assert sale.state() == FAILED
    with reverts("SaleWrongState", FAILED):
        sale.claim(outsider, {"from": outsider})
    eth_before, treasury_eth = outsider.balance(), treasury.balance()
    tx = sale.refund(outsider, {"from": alice})  # anyone may trigger; the payment goes to the buyer
    assert dict(tx.events["Refunded"][0]) == {"buyer": outsider.address, "amount": 300 * TOKEN, "paid": 300 * PRICE}
    assert outsider.balance() == eth_before + 300 * PRICE
    with reverts("SaleNothingToSettle", outsider):
        sale.refund(outsider, {"from": outsider})
    with reverts("SaleNothingToSettle", alice):
        sale.refund(alice, {"from": alice})
    tx = sale.finalize({"from": alice})
    assert dict(tx.events["Finalized"][0]) == {"succeeded": False, "sold": 499 * TOKEN, "raised": 499 * PRICE}
    assert treasury.balance() == treasury_eth  # no proceeds
    assert token.balanceOf(treasury) == 499 * TOKEN  # the escrow (the token has no burn)
    assert token.balanceOf(outsider) == 0
    bob_before = bob.balance()
    sale.refund(bob, {"from": bob})  # refunds stay open after finalize
    assert bob.balance() == bob_before + 199 * PRICE
    assert sale.balance() == 0


def test_a_sale_nobody_bought_from_fails_and_finalizes(make_sale, token, treasury, alice):
    sale = make_sale()
    close(sale)
    tx = sale.finalize({"from": alice})
    assert dict(tx.events["Finalized"][0]) == {"succeeded": False, "sold": 0, "raised": 0}
    assert token.balanceOf(treasury) == 0


# ------------------------------------------------------------------------------------------------ ERC-20 payment


def test_erc20_sale_success_deposits_into_treasury(make_sale, yen, token, treasury, alice, outsider, deployer):
    sale = make_sale(paymentToken=yen.address, price=150 * TOKEN)  # 150 yen per token
    yen.mint(outsider, 100_000 * TOKEN, {"from": deployer})
    with reverts("SaleWrongPayment", 0, 1):
        sale.buy(TOKEN, {"from": outsider, "value": 1})
    with reverts("ERC20InsufficientAllowance", sale, 0, 150 * TOKEN):
        sale.buy(TOKEN, {"from": outsider})
    yen.approve(sale, 2**256 - 1, {"from": outsider})
    tx = sale.buy(400 * TOKEN, {"from": outsider})
    assert tx.events["Purchased"][0]["cost"] == 60_000 * TOKEN
    yen.mint(alice, 100_000 * TOKEN, {"from": deployer})
    yen.approve(sale, 2**256 - 1, {"from": alice})
    sale.buy(100 * TOKEN, {"from": alice})
    assert yen.balanceOf(sale) == 75_000 * TOKEN
    close(sale)
    tx = sale.finalize({"from": alice})
    assert dict(tx.events["Deposited"][0]) == {
        "token": yen.address, "from": sale.address, "amount": 75_000 * TOKEN, "balanceAfter": 75_000 * TOKEN
    }  # fmt: skip
    assert yen.balanceOf(treasury) == 75_000 * TOKEN
    assert yen.balanceOf(sale) == 0
    assert yen.allowance(sale, treasury) == 0
    sale.claim(outsider, {"from": outsider})
    assert token.balanceOf(outsider) == 400 * TOKEN


def test_erc20_sale_failure_refunds_in_full(make_sale, yen, treasury, outsider, deployer):
    sale = make_sale(paymentToken=yen.address, price=150 * TOKEN)
    yen.mint(outsider, 1_000 * TOKEN, {"from": deployer})
    yen.approve(sale, 2**256 - 1, {"from": outsider})
    sale.buy(3 * TOKEN, {"from": outsider})
    close(sale)
    sale.refund(outsider, {"from": outsider})
    assert yen.balanceOf(outsider) == 1_000 * TOKEN
    sale.finalize({"from": outsider})
    assert yen.balanceOf(treasury) == 0


def test_fee_on_transfer_payment_is_refused(make_sale, outsider, deployer):
    fee = FeeOnTransferERC20.deploy({"from": deployer})
    sale = make_sale(paymentToken=fee.address, price=100 * TOKEN)
    fee.mint(outsider, 1_000 * TOKEN, {"from": deployer})
    fee.approve(sale, 2**256 - 1, {"from": outsider})
    with reverts("SalePaymentShortfall", 100 * TOKEN, 99 * TOKEN):
        sale.buy(TOKEN, {"from": outsider})


# ------------------------------------------------------------------------------------------------ reentrancy


@pytest.mark.parametrize("with_buy", [False, True])
def test_reentrant_buyer_cannot_refund_twice(make_sale, deployer, with_buy):
    sale = make_sale()
    attacker = ReentrantBuyer.deploy(sale, {"from": deployer})
    attacker.buy(10 * TOKEN, {"from": deployer, "value": sale.cost(10 * TOKEN)})
    attacker.arm(with_buy, {"from": deployer})
    close(sale)
    sale.refund(attacker, {"from": deployer})
    assert attacker.receiveCount() == 1
    assert attacker.lastReentryError() == "0x" + bytes(Web3.keccak(text="ReentrancyGuardReentrantCall()"))[:4].hex()
    assert attacker.balance() == 10 * PRICE  # refunded once, in full
    assert sale.balance() == 0


# ------------------------------------------------------------------------------------------------ gas


def test_gas_buy_and_refund(make_sale, alice, bob):
    sale = make_sale()
    buy_eth(sale, bob, TOKEN)  # the totals slot is no longer zero, as for every buyer but the first
    buy_tx = buy_eth(sale, alice, 10 * TOKEN)
    close(sale)
    refund_tx = sale.refund(alice, {"from": alice})
    print(f"gas.sale.buy {buy_tx.gas_used} gas.sale.refund {refund_tx.gas_used}")
    assert buy_tx.gas_used < 150_000
    assert refund_tx.gas_used < 60_000
