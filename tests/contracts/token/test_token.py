"""RegionToken at contract level: vote-ready delegation, exclusions, cap, roles, permit and signed delegation."""

from __future__ import annotations

from typing import Any

import pytest
from brownie import accounts, chain
from brownie.exceptions import VirtualMachineError
from eth_account import Account
from helpers import advance, govern, reverts, w3c
from web3 import Web3

from furusato import eip712

TOKEN = 10**18
ZERO = "0x0000000000000000000000000000000000000000"
ADMIN_ROLE = b"\x00" * 32
MINTER_ROLE = bytes(Web3.keccak(text="MINTER_ROLE"))
GENESIS = 115_000 * TOKEN  # 50k + 30k + 20k + 10k + 5k in the `local` preset


# ------------------------------------------------------------------------------------------------ helpers


def votes_of(token: Any, *holders: Any) -> list[int]:
    return [token.getVotes(h) for h in holders]


# ------------------------------------------------------------------------------------------------ fixtures


@pytest.fixture
def signer_holding(token: Any, signer: Any, alice: Any, deployer: Any) -> Any:
    """The `signer` key's account holding 1,000 tokens and 1 ETH."""
    token.transfer(signer.address, 1_000 * TOKEN, {"from": alice})
    deployer.transfer(signer.address, 10**18)
    return signer


# ------------------------------------------------------------------------------------------------ vote-ready on receipt


def test_fresh_account_can_vote_with_tokens_as_soon_as_it_receives_them(token, alice, outsider):
    assert token.getVotes(outsider) == 0
    tx = token.transfer(outsider, 1_234 * TOKEN, {"from": alice})
    assert token.delegates(outsider) == outsider
    assert not token.hasChosenDelegate(outsider)
    assert token.getVotes(outsider) == 1_234 * TOKEN
    assert token.getVotes(alice) == 50_000 * TOKEN - 1_234 * TOKEN
    assert token.numCheckpoints(outsider) == 1
    advance(1)
    assert token.getPastVotes(outsider, tx.timestamp) == 1_234 * TOKEN
    assert token.getPastVotes(outsider, tx.timestamp - 1) == 0
    assert token.votingSupply() == GENESIS


def test_delegate_redelegate_opt_out_and_opt_back_in(token, alice, bob, carol):
    a, b, c = 50_000 * TOKEN, 30_000 * TOKEN, 20_000 * TOKEN

    tx = token.delegate(bob, {"from": alice})
    assert tx.events["DelegateChanged"][0].values() == [alice, alice, bob]
    assert token.delegates(alice) == bob
    assert token.hasChosenDelegate(alice)
    assert votes_of(token, alice, bob, carol) == [0, b + a, c]

    token.delegate(carol, {"from": alice})
    assert votes_of(token, alice, bob, carol) == [0, b, c + a]

    tx = token.delegate(ZERO, {"from": alice})  # opt out
    assert tx.events["DelegateChanged"][0].values() == [alice, carol, ZERO]
    assert token.delegates(alice) == ZERO
    assert token.hasChosenDelegate(alice)
    assert votes_of(token, alice, bob, carol) == [0, b, c]
    assert token.votingSupply() == GENESIS  # opted-out tokens stay in the voting supply

    token.delegate(alice, {"from": alice})  # opt back in, to itself
    assert token.delegates(alice) == alice
    assert token.hasChosenDelegate(alice)
    assert votes_of(token, alice, bob, carol) == [a, b, c]


def test_transfers_between_default_chosen_and_opted_out_accounts_move_votes_right(token, members, treasury):
    alice, bob, carol, dave, erin = members
    token.delegate(carol, {"from": bob})  # chosen
    token.delegate(ZERO, {"from": dave})  # opted out
    start = {m: token.getVotes(m) for m in members}

    token.transfer(bob, 1_000 * TOKEN, {"from": alice})  # default -> chosen: carol gains
    token.transfer(dave, 500 * TOKEN, {"from": bob})  # chosen -> opted out: carol loses, nobody gains
    token.transfer(alice, 200 * TOKEN, {"from": dave})  # opted out -> default: alice gains
    token.transfer(erin, 300 * TOKEN, {"from": carol})  # default (with delegated votes) -> default

    assert token.getVotes(alice) == start[alice] - 1_000 * TOKEN + 200 * TOKEN
    assert token.getVotes(bob) == 0
    assert token.getVotes(carol) == start[carol] + 1_000 * TOKEN - 500 * TOKEN - 300 * TOKEN
    assert token.getVotes(dave) == 0
    assert token.getVotes(erin) == start[erin] + 300 * TOKEN
    # votes follow balances: carol's votes are her own balance plus bob's
    assert token.getVotes(carol) == token.balanceOf(carol) + token.balanceOf(bob)
    # nothing left the voting supply; dave's balance still counts there although it carries no votes
    assert token.votingSupply() == GENESIS
    assert sum(token.getVotes(m) for m in members) == GENESIS - token.balanceOf(dave)


# ------------------------------------------------------------------------------------------------ excluded accounts


def test_protocol_contracts_are_excluded_at_deploy(token, treasury, timelock, governor, rewards):
    for contract in (treasury, timelock, governor, rewards):
        assert token.isVotingExcluded(contract)
        assert token.delegates(contract) == ZERO
        assert not token.hasChosenDelegate(contract)
        assert token.getVotes(contract) == 0


def test_tokens_sent_to_the_treasury_carry_no_votes_and_leave_the_voting_supply(token, alice, treasury):
    tx = token.transfer(treasury, 7_000 * TOKEN, {"from": alice})
    assert token.balanceOf(treasury) == 7_000 * TOKEN
    assert token.getVotes(treasury) == 0
    assert token.getVotes(alice) == 43_000 * TOKEN
    assert token.totalSupply() == GENESIS
    assert token.votingSupply() == GENESIS - 7_000 * TOKEN
    advance(1)
    assert token.getPastTotalSupply(tx.timestamp) == GENESIS - 7_000 * TOKEN
    assert token.getPastTotalSupply(tx.timestamp - 1) == GENESIS


def test_nobody_can_delegate_to_an_excluded_account(token, alice, treasury, timelock, governor, rewards):
    for contract in (treasury, timelock, governor, rewards):
        with reverts("RegionTokenDelegateeExcluded", contract):
            token.delegate(contract, {"from": alice})
    assert token.delegates(alice) == alice
    assert not token.hasChosenDelegate(alice)


def test_an_excluded_account_cannot_delegate(token, alice, treasury, deployer):
    token.transfer(treasury, 100 * TOKEN, {"from": alice})
    as_treasury = accounts.at(treasury.address, force=True)  # impersonated: tests the token's own guard
    for target in (alice, as_treasury, ZERO):
        with reverts("RegionTokenAccountExcluded", treasury):
            token.delegate(target, {"from": as_treasury})
    assert token.delegates(treasury) == ZERO
    assert token.getVotes(alice) == 49_900 * TOKEN


def test_exclusion_is_only_for_the_token_admin(token, alice, deployer, outsider):
    for caller in (alice, deployer):
        with reverts("AccessControlUnauthorizedAccount", caller, ADMIN_ROLE):
            token.excludeFromVoting(outsider, {"from": caller})
    assert not token.isVotingExcluded(outsider)


def test_governance_excludes_an_account_permanently(token, governor, timelock, members, signer_holding, bob):
    signer = signer_holding
    held = 1_000 * TOKEN
    assert token.getVotes(signer.address) == held

    tx = govern(governor, timelock, members, (token, "excludeFromVoting", signer.address), description="exclude")
    ev = tx.events["VotingExcluded"][0]
    assert (ev["account"], ev["balance"], ev["delegatedVotesRemoved"]) == (signer.address, held, 0)
    assert token.isVotingExcluded(signer.address)
    assert token.delegates(signer.address) == ZERO
    assert token.getVotes(signer.address) == 0
    assert token.balanceOf(signer.address) == held
    assert token.votingSupply() == GENESIS - held
    assert token.totalSupply() == GENESIS

    # excluded: it cannot delegate (not even by signature), nobody can delegate to it, tokens it gets don't vote
    with reverts("RegionTokenDelegateeExcluded", signer.address):
        token.delegate(signer.address, {"from": bob})
    domain = eip712.domain_of(w3c(token))
    expiry = chain.time() + 3_600
    v, r, s, _ = eip712.sign(signer, eip712.delegation(domain, bob.address, 0, expiry))
    with reverts("RegionTokenAccountExcluded", signer.address):
        token.delegateBySig(bob, 0, expiry, v, r, s, {"from": bob})
    token.transfer(signer.address, 500 * TOKEN, {"from": bob})
    assert token.getVotes(signer.address) == 0
    assert token.votingSupply() == GENESIS - held - 500 * TOKEN

    as_timelock = accounts.at(timelock.address, force=True)  # the admin, impersonated: there is no way back
    with reverts("RegionTokenAlreadyExcluded", signer.address):
        token.excludeFromVoting(signer.address, {"from": as_timelock})


def test_exclusion_of_an_excluded_account_or_of_zero_reverts(token, timelock, treasury):
    as_timelock = accounts.at(timelock.address, force=True)  # the admin, impersonated to reach each check
    with reverts("RegionTokenAlreadyExcluded", treasury):
        token.excludeFromVoting(treasury, {"from": as_timelock})
    with reverts("RegionTokenZeroAddress"):
        token.excludeFromVoting(ZERO, {"from": as_timelock})


def test_excluding_an_account_others_delegate_to_takes_those_votes_away(
    token, governor, timelock, members, outsider, bob
):
    alice = members[0]
    token.transfer(outsider, 500 * TOKEN, {"from": alice})
    token.delegate(outsider, {"from": bob})
    assert token.getVotes(outsider) == 30_500 * TOKEN
    # nobody can block an exclusion by delegating to the account first
    tx = govern(governor, timelock, members, (token, "excludeFromVoting", outsider.address), description="exclude")
    ev = tx.events["VotingExcluded"][0]
    assert (ev["balance"], ev["delegatedVotesRemoved"]) == (500 * TOKEN, 30_000 * TOKEN)
    assert token.isVotingExcluded(outsider)
    assert token.getVotes(outsider) == 0
    assert token.delegates(bob) == ZERO  # bob's choice now counts for nobody ...
    assert token.getVotes(bob) == 0
    token.transfer(bob, 1_000 * TOKEN, {"from": alice})
    assert token.getVotes(outsider) == 0
    token.delegate(bob, {"from": bob})  # ... until he chooses again
    assert token.getVotes(bob) == 31_000 * TOKEN
    assert token.votingSupply() == GENESIS - 500 * TOKEN


def test_excluded_account_never_holds_votes_even_if_a_delegation_to_it_predates_its_exclusion(
    token, governor, timelock, members, outsider, project
):
    """An excluded account must never carry votes (IRegionToken: its balance carries no votes and nobody may
    delegate to it). Here `outsider` chose `project` as delegate while holding nothing, before the exclusion;
    tokens that reach `outsider` later must not become votes of the excluded `project`."""
    alice = members[0]
    token.delegate(project, {"from": outsider})  # zero balance: project has 0 delegated votes
    govern(governor, timelock, members, (token, "excludeFromVoting", project.address), description="exclude")
    assert token.isVotingExcluded(project)

    token.transfer(outsider, 1_000 * TOKEN, {"from": alice})

    assert token.getVotes(project) == 0, "an excluded account received delegated votes"
    assert token.getVotes(outsider) == 0  # outsider's choice counts for nobody until it chooses again
    assert token.votingSupply() == GENESIS


# ------------------------------------------------------------------------------------------------ minting and cap


def test_mint_and_mint_batch_need_the_minter_role(token, alice, deployer, bob):
    for caller in (alice, deployer):
        with reverts("AccessControlUnauthorizedAccount", caller, MINTER_ROLE):
            token.mint(caller, 1, {"from": caller})
        with reverts("AccessControlUnauthorizedAccount", caller, MINTER_ROLE):
            token.mintBatch([bob], [1], {"from": caller})
    assert token.totalSupply() == GENESIS


def test_minter_granted_by_governance_mints_to_members_and_to_excluded_accounts(token, minter, bob, outsider, treasury):
    tx = token.mintBatch([outsider, treasury, bob], [100 * TOKEN, 900 * TOKEN, 5 * TOKEN], {"from": minter})
    assert len(tx.events["Transfer"]) == 3
    assert token.balanceOf(outsider) == 100 * TOKEN
    assert token.getVotes(outsider) == 100 * TOKEN
    assert token.balanceOf(treasury) == 900 * TOKEN
    assert token.getVotes(treasury) == 0
    assert token.getVotes(bob) == 30_005 * TOKEN
    assert token.totalSupply() == GENESIS + 1_005 * TOKEN
    assert token.votingSupply() == GENESIS + 105 * TOKEN  # the treasury's share does not count


def test_mint_batch_rejects_arrays_of_different_lengths(token, minter, alice, bob):
    with reverts("RegionTokenLengthMismatch", 2, 1):
        token.mintBatch([alice, bob], [1], {"from": minter})
    with reverts("RegionTokenLengthMismatch", 1, 3):
        token.mintBatch([alice], [1, 2, 3], {"from": minter})
    assert token.totalSupply() == GENESIS


def test_minting_stops_exactly_at_the_cap(token, minter, carol, treasury):
    cap = token.cap()
    assert cap == 10_000_000 * TOKEN
    room = cap - token.totalSupply()
    token.mint(carol, room - 10, {"from": minter})
    with reverts("ERC20ExceededCap", cap + 1, cap):
        token.mintBatch([treasury, carol], [10, 1], {"from": minter})  # the second mint crosses the cap
    token.mint(treasury, 10, {"from": minter})  # exactly to the cap, even to an excluded account
    assert token.totalSupply() == cap
    with reverts("ERC20ExceededCap", cap + 1, cap):
        token.mint(carol, 1, {"from": minter})
    assert token.votingSupply() == cap - 10


# ------------------------------------------------------------------------------------------------ signatures


def test_permit_signed_off_chain_sets_allowance_and_lets_the_spender_transfer(token, signer_holding, bob, project):
    signer = signer_holding
    domain = eip712.domain_of(w3c(token))
    assert domain["name"] == token.name()
    assert domain["version"] == "1"
    assert domain["chainId"] == chain.id
    value, deadline = 300 * TOKEN, chain.time() + 3_600
    typed = eip712.permit(domain, signer.address, bob.address, value, token.nonces(signer.address), deadline)
    v, r, s, signature = eip712.sign(signer, typed)
    assert eip712.recover(typed, signature) == signer.address

    token.permit(signer.address, bob, value, deadline, v, r, s, {"from": bob})  # relayed by the spender
    assert token.allowance(signer.address, bob) == value
    assert token.nonces(signer.address) == 1
    token.transferFrom(signer.address, project, 200 * TOKEN, {"from": bob})
    assert token.balanceOf(project) == 200 * TOKEN
    assert token.allowance(signer.address, bob) == 100 * TOKEN
    assert token.getVotes(signer.address) == 800 * TOKEN

    # the same signature again: the nonce moved on, so it recovers to some other address
    with pytest.raises(VirtualMachineError) as exc:
        token.permit(signer.address, bob, value, deadline, v, r, s, {"from": bob})
    name, _, args = exc.value.revert_msg.partition(": ")
    recovered, owner = args.split(", ")
    assert name == "ERC2612InvalidSigner"
    assert owner == signer.address.lower()
    assert recovered != owner
    assert token.allowance(signer.address, bob) == 100 * TOKEN


def test_permit_past_its_deadline_is_refused(token, signer_holding, bob):
    signer = signer_holding
    domain = eip712.domain_of(w3c(token))
    deadline = chain[-1].timestamp - 1
    v, r, s, _ = eip712.sign(signer, eip712.permit(domain, signer.address, bob.address, 1, 0, deadline))
    with reverts("ERC2612ExpiredSignature", deadline):
        token.permit(signer.address, bob, 1, deadline, v, r, s, {"from": bob})
    assert token.allowance(signer.address, bob) == 0
    assert token.nonces(signer.address) == 0


def test_permit_signed_by_another_key_is_refused(token, signer_holding, bob):
    domain = eip712.domain_of(w3c(token))
    deadline = chain.time() + 3_600
    impostor = Account.create("impostor")
    typed = eip712.permit(domain, signer_holding.address, bob.address, 5, 0, deadline)
    v, r, s, _ = eip712.sign(impostor, typed)
    with reverts("ERC2612InvalidSigner", impostor.address, signer_holding.address):
        token.permit(signer_holding.address, bob, 5, deadline, v, r, s, {"from": bob})


def test_delegation_by_signature_relayed_by_another_account(token, signer_holding, carol, outsider):
    signer = signer_holding
    domain = eip712.domain_of(w3c(token))
    expiry = chain.time() + 3_600
    v, r, s, _ = eip712.sign(signer, eip712.delegation(domain, carol.address, 0, expiry))

    tx = token.delegateBySig(carol, 0, expiry, v, r, s, {"from": outsider})
    assert tx.events["DelegateChanged"][0].values() == [signer.address, signer.address, carol]
    assert token.delegates(signer.address) == carol
    assert token.hasChosenDelegate(signer.address)
    assert token.getVotes(carol) == 21_000 * TOKEN
    assert token.getVotes(signer.address) == 0
    assert token.delegates(outsider) == outsider
    assert not token.hasChosenDelegate(outsider)
    assert token.nonces(signer.address) == 1

    with reverts("InvalidAccountNonce", signer.address, 1):
        token.delegateBySig(carol, 0, expiry, v, r, s, {"from": outsider})

    late = chain[-1].timestamp - 1
    v, r, s, _ = eip712.sign(signer, eip712.delegation(domain, ZERO, 1, late))
    with reverts("VotesExpiredSignature", late):
        token.delegateBySig(ZERO, 1, late, v, r, s, {"from": outsider})
    assert token.delegates(signer.address) == carol


# ------------------------------------------------------------------------------------------------ clock


def test_clock_is_block_timestamps(token, governor, alice):
    assert token.CLOCK_MODE() == "mode=timestamp"
    assert governor.CLOCK_MODE() == "mode=timestamp"
    tx = token.transfer(alice, 0, {"from": alice})
    now = token.clock()
    assert tx.timestamp <= now <= tx.timestamp + 5  # calls run on the latest (or pending) block
    assert tx.timestamp <= governor.clock() <= tx.timestamp + 5
    with pytest.raises(VirtualMachineError) as exc:
        token.getPastVotes(alice, tx.timestamp + 1_000)
    name, _, args = exc.value.revert_msg.partition(": ")
    asked, clock = (int(a) for a in args.split(", "))
    assert name == "ERC5805FutureLookup"
    assert asked == tx.timestamp + 1_000
    assert tx.timestamp <= clock <= tx.timestamp + 5
    advance(1)
    assert token.getPastVotes(alice, tx.timestamp) == 50_000 * TOKEN
