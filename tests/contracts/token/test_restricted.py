"""RegionToken's transfer-restricted mode: tokens move only among registered members and excluded (protocol)
accounts — by transfer, transferFrom, permit + transferFrom and mint; the token has no burn. Switched on only before
the first mint (a deploy option), lifted by governance with an event. A revoked member keeps its tokens but can no
longer move them. A sale on a restricted token. The stateful test that no transfer escapes the restriction is in
test_stateful.py.
"""

from __future__ import annotations

import pytest
from brownie import RegionToken, TokenSale, accounts, chain
from brownie.exceptions import VirtualMachineError
from eth_account import Account
from helpers import advance, govern, reverts, w3c
from web3 import Web3

from furusato import eip712

TOKEN = 10**18
ZERO = "0x0000000000000000000000000000000000000000"
ADMIN_ROLE = b"\x00" * 32
MINTER_ROLE = bytes(Web3.keccak(text="MINTER_ROLE"))
REGISTRAR_ROLE = bytes(Web3.keccak(text="REGISTRAR_ROLE"))
RESIDENT, RELATIONSHIP, SUPPORTER = 0, 1, 2
NO_RECORD = b"\x00" * 32


# ------------------------------------------------------------------------------------------------ switching


def test_restriction_is_switched_on_before_the_first_mint_with_an_event(deployer, registry, outsider):
    tok = RegionToken.deploy("R", "R", 10**9 * TOKEN, deployer, "", {"from": deployer})
    assert tok.transferRegistry() == ZERO
    assert tok.mayHold(outsider)
    with reverts("AccessControlUnauthorizedAccount", outsider, ADMIN_ROLE):
        tok.restrictTransfers(registry, {"from": outsider})
    with reverts("RegionTokenZeroAddress"):
        tok.restrictTransfers(ZERO, {"from": deployer})
    with pytest.raises(VirtualMachineError):  # not a registry: the isMember probe fails
        tok.restrictTransfers(outsider, {"from": deployer})
    tx = tok.restrictTransfers(registry, {"from": deployer})
    assert dict(tx.events["TransferRestrictionChanged"][0]) == {"oldRegistry": ZERO, "newRegistry": registry.address}
    assert tok.transferRegistry() == registry
    assert not tok.mayHold(outsider)
    with reverts("RegionTokenRestrictionUnavailable"):  # once only
        tok.restrictTransfers(registry, {"from": deployer})


def test_restriction_cannot_be_imposed_once_tokens_exist(token, dao, registry):
    tl = accounts.at(dao.timelock.address, force=True)  # the admin itself, to save a proposal
    assert token.totalSupply() > 0
    with reverts("RegionTokenRestrictionUnavailable"):
        token.restrictTransfers(registry, {"from": tl})
    with reverts("RegionTokenNotRestricted"):
        token.liftTransferRestriction({"from": tl})


def test_governance_lifts_the_restriction_never_silently(dao, members, deployer, registry, outsider, alice):
    tok = RegionToken.deploy("R", "R", 10**9 * TOKEN, deployer, "", {"from": deployer})
    tok.restrictTransfers(registry, {"from": deployer})
    tok.grantRole(MINTER_ROLE, deployer, {"from": deployer})
    tok.grantRole(ADMIN_ROLE, dao.timelock, {"from": deployer})
    tok.renounceRole(ADMIN_ROLE, deployer, {"from": deployer})
    registry.register(alice, RESIDENT, NO_RECORD, {"from": deployer})
    tok.mint(alice, 10 * TOKEN, {"from": deployer})
    with reverts("RegionTokenTransferRestricted", outsider):
        tok.transfer(outsider, TOKEN, {"from": alice})
    with reverts("AccessControlUnauthorizedAccount", alice, ADMIN_ROLE):
        tok.liftTransferRestriction({"from": alice})

    tx = govern(dao.governor, dao.timelock, members, (tok, "liftTransferRestriction"), description="lift")
    assert dict(tx.events["TransferRestrictionChanged"][0]) == {"oldRegistry": registry.address, "newRegistry": ZERO}
    assert tok.transferRegistry() == ZERO
    tok.transfer(outsider, TOKEN, {"from": alice})
    tok.mint(outsider, TOKEN, {"from": deployer})
    assert tok.balanceOf(outsider) == 2 * TOKEN
    # lifted for good: it cannot be imposed again
    tl = accounts.at(dao.timelock.address, force=True)
    with reverts("RegionTokenRestrictionUnavailable"):
        tok.restrictTransfers(registry, {"from": tl})
    with reverts("RegionTokenNotRestricted"):
        tok.liftTransferRestriction({"from": tl})


# ------------------------------------------------------------------------------------------------ no escape


def test_mint_only_to_members_and_protocol(rtoken, deployer, outsider, protocol, alice):
    with reverts("RegionTokenTransferRestricted", outsider):
        rtoken.mint(outsider, TOKEN, {"from": deployer})
    with reverts("RegionTokenTransferRestricted", outsider):
        rtoken.mintBatch([alice, outsider], [TOKEN, TOKEN], {"from": deployer})
    rtoken.mint(protocol, TOKEN, {"from": deployer})
    rtoken.mintBatch([alice], [TOKEN], {"from": deployer})
    assert rtoken.balanceOf(outsider) == 0
    assert rtoken.balanceOf(alice) == 1_001 * TOKEN


def test_transfer_only_among_members_and_protocol(rtoken, registry, deployer, alice, bob, outsider, protocol):
    rtoken.transfer(bob, 10 * TOKEN, {"from": alice})
    with reverts("RegionTokenTransferRestricted", outsider):
        rtoken.transfer(outsider, TOKEN, {"from": alice})
    rtoken.transfer(protocol, 10 * TOKEN, {"from": alice})  # e.g. into the treasury
    rtoken.transfer(bob, TOKEN, {"from": protocol})  # protocol pays a member
    with reverts("RegionTokenTransferRestricted", outsider):
        rtoken.transfer(outsider, TOKEN, {"from": protocol})
    # a newly registered person may receive
    registry.register(outsider, RELATIONSHIP, NO_RECORD, {"from": deployer})
    rtoken.transfer(outsider, 5 * TOKEN, {"from": alice})
    assert rtoken.balanceOf(outsider) == 5 * TOKEN


def test_a_revoked_member_keeps_tokens_but_cannot_move_them(rtoken, registry, deployer, alice, bob, protocol):
    registry.revoke(alice, {"from": deployer})
    assert rtoken.balanceOf(alice) == 1_000 * TOKEN
    advance(1)
    assert rtoken.getVotes(alice) == 1_000 * TOKEN  # votes are the governor's business, not the restriction's
    with reverts("RegionTokenTransferRestricted", alice):
        rtoken.transfer(bob, TOKEN, {"from": alice})
    with reverts("RegionTokenTransferRestricted", alice):
        rtoken.transfer(protocol, TOKEN, {"from": alice})
    with reverts("RegionTokenTransferRestricted", alice):
        rtoken.transfer(alice, TOKEN, {"from": bob})
    with reverts("RegionTokenTransferRestricted", alice):
        rtoken.mint(alice, TOKEN, {"from": deployer})
    registry.register(alice, RESIDENT, NO_RECORD, {"from": deployer})  # registered again by the registrar
    rtoken.transfer(bob, TOKEN, {"from": alice})


def test_a_member_who_left_cannot_move_tokens(rtoken, registry, bob, alice):
    registry.resign({"from": bob})
    with reverts("RegionTokenTransferRestricted", bob):
        rtoken.transfer(alice, TOKEN, {"from": bob})


def test_transfer_from_checks_the_owner_and_recipient_not_the_spender(rtoken, alice, bob, outsider):
    rtoken.approve(outsider, 100 * TOKEN, {"from": alice})  # approving is not moving
    rtoken.transferFrom(alice, bob, 10 * TOKEN, {"from": outsider})  # a non-member may relay between members
    with reverts("RegionTokenTransferRestricted", outsider):
        rtoken.transferFrom(alice, outsider, 10 * TOKEN, {"from": outsider})
    assert rtoken.allowance(alice, outsider) == 90 * TOKEN


def test_permit_then_transfer_from_cannot_escape(rtoken, registry, deployer, bob, outsider):
    signer = Account.create("furusato-restricted-signer")
    registry.register(signer.address, SUPPORTER, NO_RECORD, {"from": deployer})
    rtoken.mint(signer.address, 100 * TOKEN, {"from": deployer})
    domain = eip712.domain_of(w3c(rtoken))
    deadline = chain.time() + 3_600
    typed = eip712.permit(domain, signer.address, outsider.address, 50 * TOKEN, 0, deadline)
    v, r, s, _ = eip712.sign(signer, typed)
    rtoken.permit(signer.address, outsider, 50 * TOKEN, deadline, v, r, s, {"from": outsider})
    with reverts("RegionTokenTransferRestricted", outsider):
        rtoken.transferFrom(signer.address, outsider, 50 * TOKEN, {"from": outsider})
    rtoken.transferFrom(signer.address, bob, 50 * TOKEN, {"from": outsider})
    assert rtoken.balanceOf(bob) == 1_050 * TOKEN


def test_there_is_no_burn(rtoken, alice):
    names = {f.get("name") for f in rtoken.abi if f["type"] == "function"}
    assert not {n for n in names if "burn" in n.lower()}
    with reverts("ERC20InvalidReceiver", ZERO):
        rtoken.transfer(ZERO, TOKEN, {"from": alice})


# ----------------------------------------------------------------------------------------- sale on a restricted token


def test_sale_on_a_restricted_token(rtoken, registry, deployer, alice, outsider, treasury):
    now = chain[-1].timestamp
    terms = (rtoken.address, treasury.address, ZERO, 10**15, now + 10, now + 1_000, 100 * TOKEN, 100 * TOKEN,
             10 * TOKEN, ZERO)  # fmt: skip
    sale = TokenSale.deploy(terms, {"from": deployer})
    rtoken.grantRole(MINTER_ROLE, sale, {"from": deployer})
    rtoken.excludeFromVoting(sale, {"from": deployer})  # the escrow is a protocol account
    advance(20)
    with reverts("SaleNotEligible", outsider):  # would never be able to receive the tokens
        sale.buy(TOKEN, {"from": outsider, "value": sale.cost(TOKEN)})
    sale.buy(20 * TOKEN, {"from": alice, "value": sale.cost(20 * TOKEN)})
    advance(1_000)
    registry.revoke(alice, {"from": deployer})
    with reverts("RegionTokenTransferRestricted", alice):  # only this buyer waits; the sale is not blocked
        sale.claim(alice, {"from": alice})
    sale.finalize({"from": deployer})
    registry.register(alice, RESIDENT, NO_RECORD, {"from": deployer})
    sale.claim(alice, {"from": alice})
    assert rtoken.balanceOf(alice) == 1_020 * TOKEN


# ------------------------------------------------------------------------------------------------ gas


def test_gas_of_restricted_transfer_and_mint(rtoken, token, deployer, alice, bob, members, dao):
    # vote-ready members who already hold votes and checkpoints, as in the bench; each measured transaction in a
    # new second, so it writes new checkpoints
    tl = accounts.at(dao.timelock.address, force=True)
    token.grantRole(MINTER_ROLE, deployer, {"from": tl})
    gas = {}
    for name, tok, a, b in (("restricted", rtoken, alice, bob), ("unrestricted", token, members[0], members[1])):
        tok.transfer(b, TOKEN, {"from": a})
        advance(2)
        gas[f"transfer {name}"] = tok.transfer(b, 100 * TOKEN, {"from": a}).gas_used
        advance(2)
        gas[f"mint {name}"] = tok.mint(a, TOKEN, {"from": deployer}).gas_used
    print(gas)
    restricted, unrestricted = gas["transfer restricted"], gas["transfer unrestricted"]
    assert restricted - unrestricted < 12_000  # two isMember calls (the registry is warm after the first)
    assert gas["mint restricted"] - gas["mint unrestricted"] < 8_000  # one isMember call
