"""Sale refund/finalize races (issue 10's attack catalog): whatever order buyers, strangers and the finalizer act
in, each buyer is settled once, the treasury receives exactly the proceeds of a successful sale (nothing of a failed
one), and the outcome cannot change once the window has closed."""

from __future__ import annotations

from brownie import accounts
from helpers import reverts

from contracts.sale.test_sale import GOAL, PRICE, SUCCEEDED, TOKEN, buy_eth, close
from contracts.sale.test_sale import make_sale as make_sale  # the fixture, shared with test_sale.py


def test_sale_race_finalize_twice_is_refused_and_moves_nothing(make_sale, treasury, alice, outsider):
    sale = make_sale()
    buy_eth(sale, outsider, 400 * TOKEN)
    buy_eth(sale, alice, GOAL - 400 * TOKEN)
    close(sale)
    sale.finalize({"from": alice})
    before = treasury.balance()
    with reverts("SaleAlreadyFinalized"):
        sale.finalize({"from": outsider})
    assert treasury.balance() == before == GOAL // TOKEN * PRICE


def test_sale_race_buying_after_the_close_cannot_turn_a_failed_sale(make_sale, alice, bob, outsider):
    sale = make_sale()
    buy_eth(sale, outsider, 400 * TOKEN)
    buy_eth(sale, alice, GOAL - 400 * TOKEN - TOKEN)  # one token short of the goal
    close(sale)
    with reverts("SaleNotOpen", 3):  # Failed: a late buyer cannot reach the goal after the window
        buy_eth(sale, bob, TOKEN)
    assert sale.state() == 3


def test_sale_race_refunds_around_finalize_settle_each_buyer_once(make_sale, token, treasury, alice, bob, outsider):
    sale = make_sale()
    buy_eth(sale, outsider, 200 * TOKEN)
    buy_eth(sale, bob, 100 * TOKEN)
    close(sale)
    paid_out = outsider.balance()
    sale.refund(outsider, {"from": accounts[9]})  # a stranger triggers it before the finalize; the buyer is paid
    treasury_before = treasury.balance()
    sale.finalize({"from": alice})
    bob_before = bob.balance()
    sale.refund(bob, {"from": alice})  # and after it
    for buyer in (outsider, bob):
        with reverts("SaleNothingToSettle", buyer):
            sale.refund(buyer, {"from": buyer})
    assert outsider.balance() == paid_out + 200 * PRICE
    assert bob.balance() == bob_before + 100 * PRICE
    assert treasury.balance() == treasury_before  # a failed sale sends no proceeds
    assert sale.balance() == 0


def test_sale_race_claims_before_and_after_finalize_deliver_once(make_sale, token, treasury, alice, outsider):
    sale = make_sale()
    buy_eth(sale, outsider, 400 * TOKEN)
    buy_eth(sale, alice, 200 * TOKEN)
    close(sale)
    assert sale.state() == SUCCEEDED
    alice_before = token.balanceOf(alice)  # a genesis member
    sale.claim(outsider, {"from": accounts[9]})
    sale.finalize({"from": alice})
    sale.claim(alice, {"from": outsider})
    for buyer in (outsider, alice):
        with reverts("SaleNothingToSettle", buyer):
            sale.claim(buyer, {"from": buyer})
    assert token.balanceOf(outsider) == 400 * TOKEN
    assert token.balanceOf(alice) == alice_before + 200 * TOKEN
    assert token.balanceOf(sale) == 0
    assert treasury.balance() == 600 * PRICE
