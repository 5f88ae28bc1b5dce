"""Property tests: after any sequence of transfers, delegations, opt-outs and mints, votes add up.

One proposal in a module fixture excludes an extra account (which keeps a balance and can still send tokens) and
makes another account a minter; every example then starts from that state (Brownie's ``given`` reverts the chain
between examples).
"""

from __future__ import annotations

from typing import Any

import pytest
from brownie import accounts, chain
from brownie.test import given, strategy
from helpers import advance, govern, reverts
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from web3 import Web3

TOKEN = 10**18
ZERO = "0x0000000000000000000000000000000000000000"
MINTER_ROLE = bytes(Web3.keccak(text="MINTER_ROLE"))

# Pool indices: 0-4 members, 5 outsider, 6 project, 7 the excluded EOA. 8 = the treasury (receives only).
SENDERS = 8
TREASURY = 8
OPT_OUT = 8  # as a delegation target: address(0)
SELF = 9  # as a delegation target: the sender itself

operation = st.one_of(
    st.tuples(st.just("transfer"), st.integers(0, SENDERS - 1), st.integers(0, TREASURY), st.integers(0, 100)),
    st.tuples(st.just("delegate"), st.integers(0, SENDERS - 1), st.integers(0, SELF), st.just(0)),
    st.tuples(st.just("mint"), st.integers(0, TREASURY), strategy("uint256", min_value=1, max_value=10**6), st.just(0)),
)


# ------------------------------------------------------------------------------------------------ helpers


# ------------------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def setup(token: Any, governor: Any, timelock: Any, members: list[Any], outsider: Any, project: Any) -> Any:
    """Exclude accounts[8] (holding 2,000 tokens) and make accounts[9] a minter, in one proposal."""
    excluded, minter = accounts[8], accounts[9]
    token.transfer(excluded, 2_000 * TOKEN, {"from": members[0]})
    govern(
        governor, timelock, members,
        (token, "excludeFromVoting", excluded.address),
        (token, "grantRole", MINTER_ROLE, minter.address),
        description="accounting set-up",
    )  # fmt: skip
    assert token.isVotingExcluded(excluded)
    assert token.hasRole(MINTER_ROLE, minter)
    pool = [*members, outsider, project, excluded]
    return pool, minter


def check_accounting(token: Any, holders: list[Any], excluded: set[str]) -> None:
    balances = {h.address: token.balanceOf(h) for h in holders}
    delegates = {h.address: token.delegates(h) for h in holders}
    votes = {h.address: token.getVotes(h) for h in holders}
    total = token.totalSupply()
    assert sum(balances.values()) == total, "the holder list must cover every token"

    # Σ getVotes == Σ balances of accounts that delegate to someone
    assert sum(votes.values()) == sum(b for a, b in balances.items() if delegates[a] != ZERO)
    # votingSupply == totalSupply − Σ balances of excluded accounts
    assert token.votingSupply() == total - sum(balances[a] for a in excluded)
    # each account's votes == Σ balances of accounts delegating to it
    for account in balances:
        assert votes[account] == sum(b for a, b in balances.items() if delegates[a] == account), account
    # excluded accounts point nowhere; the delegates view agrees with the flags
    for account in excluded:
        assert delegates[account] == ZERO
        assert token.isVotingExcluded(account)
    # the checkpointed total agrees with the live one
    advance(1)
    assert token.getPastTotalSupply(chain[-1].timestamp - 1) == token.votingSupply()


# ------------------------------------------------------------------------------------------------ properties


@given(ops=st.lists(operation, min_size=1, max_size=8))
@settings(
    max_examples=20,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],  # no target phase: nothing to optimise
)
def test_votes_always_add_up(token, treasury, timelock, governor, rewards, setup, ops):
    pool, minter = setup
    excluded_eoa = pool[7]
    protocol = [treasury, timelock, governor, rewards]
    holders = [*pool, *protocol, minter]
    excluded = {excluded_eoa.address, *(c.address for c in protocol)}
    expected_balances = {h.address: token.balanceOf(h) for h in holders}

    for kind, a, b, c in ops:
        if kind == "transfer":
            sender = pool[a]
            receiver = treasury if b == TREASURY else pool[b]
            amount = expected_balances[sender.address] * c // 100
            token.transfer(receiver, amount, {"from": sender})
            expected_balances[sender.address] -= amount
            expected_balances[receiver.address] += amount
        elif kind == "delegate":
            sender = pool[a]
            target = ZERO if b == OPT_OUT else sender.address if b == SELF else pool[b].address
            if sender.address in excluded:
                with reverts("RegionTokenAccountExcluded", sender):
                    token.delegate(target, {"from": sender})
            elif target in excluded:
                with reverts("RegionTokenDelegateeExcluded", target):
                    token.delegate(target, {"from": sender})
            else:
                token.delegate(target, {"from": sender})
                assert token.delegates(sender) == target
        else:
            receiver = treasury if a == TREASURY else pool[a]
            token.mint(receiver, b * TOKEN, {"from": minter})
            expected_balances[receiver.address] += b * TOKEN

    assert {h.address: token.balanceOf(h) for h in holders} == expected_balances
    check_accounting(token, holders, excluded)
