"""Stateful test of TokenSale: random terms (goal, payment in ETH or an ERC-20), random purchases by five buyers,
time passing, and early finalize / claim / refund attempts, all checked against a Python model.

At the end of every run the sale is closed and settled, and exactly one of two outcomes must hold — never both,
never neither:
- success: the Treasury received exactly the proceeds, and every buyer holds exactly the tokens it bought;
- failure: every buyer got back exactly what it paid, the Treasury received no proceeds, no buyer holds tokens.
"""

from __future__ import annotations

from typing import Any

from brownie import MockERC20, TokenSale, chain
from brownie.test import strategy
from helpers import advance, reverts, stateful_settings
from web3 import Web3

TOKEN = 10**18
ZERO = "0x0000000000000000000000000000000000000000"
ADMIN_ROLE = b"\x00" * 32
MINTER_ROLE = bytes(Web3.keccak(text="MINTER_ROLE"))
PENDING, OPEN, SUCCEEDED, FAILED = 0, 1, 2, 3
PRICE = 7 * 10**15 + 3  # an awkward price, so costs round
HARD_CAP, BUYER_CAP = 100 * TOKEN, 40 * TOKEN
WINDOW = 20_000


class SaleMachine:
    st_goal = strategy("uint256", min_value=1, max_value=100)  # whole tokens
    st_erc20 = strategy("bool")
    st_opening = strategy("uint8[5]", max_value=30)  # whole tokens each buyer buys as the sale opens
    st_buyer = strategy("uint8", max_value=4)
    st_whole = strategy("uint8", max_value=45)
    st_dust = strategy("uint16")
    st_seconds = strategy("uint16", max_value=3_000)

    def __init__(cls, token: Any, treasury: Any, admin: Any, buyers: list[Any], yen: Any) -> None:  # noqa: N805
        cls.token, cls.treasury, cls.admin, cls.buyers, cls.yen = token, treasury, admin, buyers, yen

    def setup(self) -> None:
        self.sale: Any = None

    def initialize_sale(self, st_goal: int, st_erc20: bool, st_opening: list[int]) -> None:
        now = chain[-1].timestamp
        self.pay = self.yen if st_erc20 else None
        self.goal = st_goal * TOKEN
        terms = (
            self.token.address, self.treasury.address, self.pay.address if self.pay else ZERO, PRICE,
            now + 10, now + 10 + WINDOW, HARD_CAP, BUYER_CAP, self.goal, ZERO,
        )  # fmt: skip
        self.sale = TokenSale.deploy(terms, {"from": self.admin})
        self.token.grantRole(MINTER_ROLE, self.sale, {"from": self.admin})
        self.token.excludeFromVoting(self.sale, {"from": self.admin})
        if self.pay:
            for b in self.buyers:
                self.pay.approve(self.sale, 2**256 - 1, {"from": b})
        self.closes_at = now + 10 + WINDOW
        advance(max(now + 11 - chain[-1].timestamp, 1))
        self.bought = {b.address: 0 for b in self.buyers}
        self.paid = {b.address: 0 for b in self.buyers}
        self.settled: set[str] = set()
        self.sold = self.raised = 0
        self.finalized = False
        self.treasury_pay_before = self.pay_balance(self.treasury)
        self.treasury_tokens_before = self.token.balanceOf(self.treasury)
        self.start_pay = {b.address: self.pay_balance(b) for b in self.buyers}
        self.start_tokens = {b.address: self.token.balanceOf(b) for b in self.buyers}
        for i, whole in enumerate(st_opening):
            self.rule_buy(i, whole, 0)

    # -------------------------------------------------------------------------------- model

    def pay_balance(self, who: Any) -> int:
        return self.pay.balanceOf(who) if self.pay else who.balance()

    def expected_state(self) -> int:
        # the latest block's time; `rule_sleep` keeps it clear of the closing second, so the next block agrees
        if chain[-1].timestamp < self.closes_at and self.sold < HARD_CAP:
            return OPEN
        return SUCCEEDED if self.sold >= self.goal else FAILED

    # -------------------------------------------------------------------------------- rules

    def rule_buy(self, st_buyer: int, st_whole: int, st_dust: int) -> None:
        st_amount = st_whole * TOKEN + st_dust
        if st_amount == 0:
            return
        buyer = self.buyers[st_buyer]
        cost = -(-st_amount * PRICE // TOKEN)
        tx_args = {"from": buyer, "value": 0 if self.pay else cost}
        state = self.expected_state()
        if state != OPEN:
            with reverts("SaleNotOpen", state):
                self.sale.buy(st_amount, tx_args)
            return
        if st_amount > HARD_CAP - self.sold:
            with reverts("SaleHardCapExceeded", st_amount, HARD_CAP - self.sold):
                self.sale.buy(st_amount, tx_args)
            return
        left = BUYER_CAP - self.bought[buyer.address]
        if st_amount > left:
            with reverts("SaleBuyerCapExceeded", buyer, st_amount, left):
                self.sale.buy(st_amount, tx_args)
            return
        tx = self.sale.buy(st_amount, tx_args)
        assert tx.events["Purchased"][0]["cost"] == cost
        self.bought[buyer.address] += st_amount
        self.paid[buyer.address] += cost
        self.sold += st_amount
        self.raised += cost

    def rule_sleep(self, st_seconds: int) -> None:
        advance(st_seconds)
        if abs(chain[-1].timestamp - self.closes_at) < 5:
            advance(10)

    def rule_finalize(self) -> None:
        state = self.expected_state()
        if state == OPEN:
            with reverts("SaleWrongState", OPEN):
                self.sale.finalize({"from": self.admin})
        elif self.finalized:
            with reverts("SaleAlreadyFinalized"):
                self.sale.finalize({"from": self.admin})
        else:
            self.sale.finalize({"from": self.admin})
            self.finalized = True

    def rule_settle(self, st_buyer: int) -> None:
        """Claim or refund for one buyer, whichever the outcome allows (checking the other is refused)."""
        buyer = self.buyers[st_buyer]
        state = self.expected_state()
        if state == OPEN:
            with reverts("SaleWrongState", OPEN):
                self.sale.claim(buyer, {"from": buyer})
            with reverts("SaleWrongState", OPEN):
                self.sale.refund(buyer, {"from": buyer})
            return
        self._settle(buyer, state)

    def _settle(self, buyer: Any, state: int) -> None:
        right, wrong = ("claim", "refund") if state == SUCCEEDED else ("refund", "claim")
        with reverts("SaleWrongState", state):
            getattr(self.sale, wrong)(buyer, {"from": buyer})
        if self.bought[buyer.address] == 0 or buyer.address in self.settled:
            with reverts("SaleNothingToSettle", buyer):
                getattr(self.sale, right)(buyer, {"from": buyer})
            return
        getattr(self.sale, right)(buyer, {"from": self.admin})  # anyone may trigger it
        self.settled.add(buyer.address)

    # -------------------------------------------------------------------------------- invariants

    def invariant_totals(self) -> None:
        if self.sale is None:
            return
        assert self.sale.state() == self.expected_state()
        assert (self.sale.sold(), self.sale.raised()) == (self.sold, self.raised)
        assert self.sale.finalized() == self.finalized
        for b in self.buyers:
            assert self.sale.purchaseOf(b)[:2] == (self.bought[b.address], self.paid[b.address])

    def teardown(self) -> None:
        if self.sale is None:
            return
        advance(max(self.closes_at - chain[-1].timestamp + 1, 0))
        state = self.expected_state()
        assert state in (SUCCEEDED, FAILED)
        if not self.finalized:
            self.sale.finalize({"from": self.admin})
        for b in self.buyers:
            if self.bought[b.address] and b.address not in self.settled:
                self._settle(b, state)

        proceeds_in_treasury = self.pay_balance(self.treasury) - self.treasury_pay_before == self.raised > 0
        got = {b.address: self.token.balanceOf(b) - self.start_tokens[b.address] for b in self.buyers}
        tokens_with_buyers = all(got[a] == self.bought[a] for a in got)
        refunded_in_full = all(self.pay_balance(b) == self.start_pay[b.address] for b in self.buyers)
        no_tokens_with_buyers = all(v == 0 for v in got.values())
        success = proceeds_in_treasury and tokens_with_buyers and self.sold > 0
        no_proceeds = self.pay_balance(self.treasury) == self.treasury_pay_before
        failure = refunded_in_full and no_tokens_with_buyers and no_proceeds
        assert success != failure, (state, self.sold, self.goal)  # never both, never neither
        assert success == (state == SUCCEEDED)
        assert self.pay_balance(self.sale) == 0  # nothing left behind
        assert self.token.balanceOf(self.sale) == 0
        if failure:  # the escrow went to the Treasury (the token has no burn)
            assert self.token.balanceOf(self.treasury) == self.treasury_tokens_before + self.sold


def test_every_sale_ends_in_exactly_one_outcome(state_machine, token, treasury, admin, members, deployer):
    yen = MockERC20.deploy("Mock Yen", "JPYM", {"from": deployer})
    for m in members:
        yen.mint(m, 10**6 * TOKEN, {"from": deployer})
    state_machine(
        SaleMachine,
        token,
        treasury,
        admin,
        members,
        yen,
        settings=stateful_settings(12, 20),
    )
