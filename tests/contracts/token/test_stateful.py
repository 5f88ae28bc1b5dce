"""Stateful tests of RegionToken against Python models.

`TokenMachine`: balances, delegation choices and exclusions.

Rules: transfer (also into the excluded treasury), delegate, opt out, mint (by a minter), and the (permanent)
voting exclusion of one dedicated account, which others may have chosen as their delegate before. There is no burn
function, so no burn rule. Exclusion normally needs a full proposal; here ONE proposal in a module fixture gives a
test account DEFAULT_ADMIN_ROLE (and MINTER_ROLE) so the machine can exclude in one transaction. After every step
the invariants compare the chain with the model.

`RestrictedMachine`: in transfer-restricted mode no transfer escapes the restriction, and votes follow who may
delegate to whom (the restricted token and its registry come from this folder's conftest).
"""

from __future__ import annotations

from typing import Any

import pytest
from brownie import accounts, web3
from brownie.exceptions import VirtualMachineError
from brownie.test import strategy
from helpers import govern, reverts, stateful_settings
from web3 import Web3

TOKEN = 10**18
ZERO = "0x0000000000000000000000000000000000000000"
ADMIN_ROLE = b"\x00" * 32
MINTER_ROLE = bytes(Web3.keccak(text="MINTER_ROLE"))
DEFAULT, CHOSEN, EXCLUDED = "default", "chosen", "excluded"
RESIDENT, RELATIONSHIP, SUPPORTER = 0, 1, 2
NO_RECORD = b"\x00" * 32


@pytest.fixture(scope="module")
def admin(token: Any, governor: Any, timelock: Any, members: list[Any]) -> Any:
    """accounts[8] made token admin and minter by one proposal (so the machine can exclude directly)."""
    account = accounts[8]
    govern(
        governor, timelock, members,
        (token, "grantRole", ADMIN_ROLE, account.address),
        (token, "grantRole", MINTER_ROLE, account.address),
        description="stateful test admin",
    )  # fmt: skip
    assert token.hasRole(ADMIN_ROLE, account)
    assert token.hasRole(MINTER_ROLE, account)
    return account


VIEWS = ("balanceOf", "delegates", "getVotes", "isVotingExcluded", "hasChosenDelegate", "totalSupply", "votingSupply")


def _calldata(signature: str, account: str | None = None) -> str:
    data = bytes(Web3.keccak(text=signature))[:4].hex()
    return "0x" + data + (account[2:].lower().rjust(64, "0") if account else "")


class TokenMachine:
    # pool: 5 members, the outsider, the dedicated excludable account (index 6); index 7 = the treasury
    st_sender = strategy("uint8", max_value=6)
    st_receiver = strategy("uint8", max_value=7)
    st_target = strategy("uint8", max_value=6)
    st_percent = strategy("uint8", max_value=100)
    st_amount = strategy("uint256", min_value=1, max_value=6_000_000 * TOKEN)  # two big mints reach the cap

    def __init__(cls, token: Any, pool: list[Any], dedicated: Any, treasury: Any, admin: Any) -> None:  # noqa: N805 - Brownie calls it on the machine class
        cls.token = token
        cls.pool = pool
        cls.dedicated = dedicated
        cls.treasury = treasury
        cls.admin = admin
        cls.receivers = [*pool, treasury]
        cls.tracked = [a.address for a in cls.receivers]
        cls.cap = token.cap()
        # (view, account, calldata) of every read the invariants need; the calldata never changes
        cls.reads = [(view, a, _calldata(f"{view}(address)", a)) for view in VIEWS[:5] for a in cls.tracked]
        cls.reads += [(view, None, _calldata(f"{view}()")) for view in VIEWS[5:]]

    def setup(self) -> None:
        self._chain: dict[str, Any] | None = None
        self.balances = {a: self.token.balanceOf(a) for a in self.tracked}
        self.modes = {a: EXCLUDED if self.token.isVotingExcluded(a) else DEFAULT for a in self.tracked}
        self.chosen: dict[str, str] = {}
        assert sum(self.balances.values()) == self.token.totalSupply()

    def on_chain(self) -> dict[str, Any]:
        """Everything the invariants compare, read once per step in one raw JSON-RPC batch of ``eth_call``s
        (Brownie's and web3's per-call encoding dominated the run time)."""
        if self._chain is None:
            requests = [("eth_call", [{"to": self.token.address, "data": data}, "latest"]) for *_, data in self.reads]
            responses = web3.provider.make_batch_request(requests)
            seen: dict[str, Any] = {view: {} for view in VIEWS}
            for (view, account, _), response in zip(self.reads, responses, strict=True):
                word = bytes.fromhex(response["result"][2:])
                value: Any = int.from_bytes(word, "big")
                if view == "delegates":
                    value = Web3.to_checksum_address(word[12:])
                elif view in ("isVotingExcluded", "hasChosenDelegate"):
                    value = bool(value)
                if account is None:
                    seen[view] = value
                else:
                    seen[view][account] = value
            self._chain = seen
        return self._chain

    # -------------------------------------------------------------------------------------------- model

    def delegate_of(self, account: str) -> str:
        mode = self.modes[account]
        if mode == DEFAULT:
            return account
        if mode == EXCLUDED:
            return ZERO
        target = self.chosen[account]
        # a delegation to an account that was excluded afterwards counts for nobody
        return ZERO if target not in (ZERO, account) and self.modes.get(target) == EXCLUDED else target

    def expect_revert(self, fn: Any, *args: Any, error: str) -> None:
        with pytest.raises(VirtualMachineError) as exc:
            fn(*args)
        assert (exc.value.revert_msg or "").startswith(error), exc.value.revert_msg

    # -------------------------------------------------------------------------------------------- rules

    def rule_transfer(self, st_sender: int, st_receiver: int, st_percent: int) -> None:
        self._chain = None
        sender, receiver = self.pool[st_sender].address, self.receivers[st_receiver].address
        amount = self.balances[sender] * st_percent // 100
        self.token.transfer(receiver, amount, {"from": sender})
        self.balances[sender] -= amount
        self.balances[receiver] += amount

    def rule_delegate(self, st_sender: int, st_target: int) -> None:
        self._chain = None
        sender, target = self.pool[st_sender], self.pool[st_target].address
        if self.modes[sender.address] == EXCLUDED:
            self.expect_revert(self.token.delegate, target, {"from": sender}, error="RegionTokenAccountExcluded")
        elif self.modes[target] == EXCLUDED:
            self.expect_revert(self.token.delegate, target, {"from": sender}, error="RegionTokenDelegateeExcluded")
        else:
            self.token.delegate(target, {"from": sender})
            self.modes[sender.address], self.chosen[sender.address] = CHOSEN, target

    def rule_opt_out(self, st_sender: int) -> None:
        self._chain = None
        sender = self.pool[st_sender]
        if self.modes[sender.address] == EXCLUDED:
            self.expect_revert(self.token.delegate, ZERO, {"from": sender}, error="RegionTokenAccountExcluded")
        else:
            self.token.delegate(ZERO, {"from": sender})
            self.modes[sender.address], self.chosen[sender.address] = CHOSEN, ZERO

    def rule_mint(self, st_receiver: int, st_amount: int) -> None:
        self._chain = None
        receiver = self.receivers[st_receiver].address
        if sum(self.balances.values()) + st_amount > self.cap:
            self.expect_revert(self.token.mint, receiver, st_amount, {"from": self.admin}, error="ERC20ExceededCap")
        else:
            self.token.mint(receiver, st_amount, {"from": self.admin})
            self.balances[receiver] += st_amount

    def rule_exclude_dedicated(self) -> None:
        self._chain = None
        account = self.dedicated.address
        if self.modes[account] == EXCLUDED:
            self.expect_revert(
                self.token.excludeFromVoting, account, {"from": self.admin}, error="RegionTokenAlreadyExcluded"
            )
            return
        self.token.excludeFromVoting(account, {"from": self.admin})
        self.modes[account] = EXCLUDED
        self.chosen.pop(account, None)

    # -------------------------------------------------------------------------------------------- invariants

    def invariant_balances(self) -> None:
        seen = self.on_chain()
        assert seen["balanceOf"] == self.balances
        assert seen["totalSupply"] == sum(self.balances.values())

    def invariant_delegates(self) -> None:
        seen = self.on_chain()
        assert seen["delegates"] == {a: self.delegate_of(a) for a in self.tracked}
        assert seen["isVotingExcluded"] == {a: self.modes[a] == EXCLUDED for a in self.tracked}
        assert seen["hasChosenDelegate"] == {a: self.modes[a] == CHOSEN for a in self.tracked}

    def invariant_votes_per_account(self) -> None:
        expected = {a: sum(b for d, b in self.balances.items() if self.delegate_of(d) == a) for a in self.tracked}
        assert self.on_chain()["getVotes"] == expected

    def invariant_voting_supply(self) -> None:
        voting = sum(b for a, b in self.balances.items() if self.modes[a] != EXCLUDED)
        assert self.on_chain()["votingSupply"] == voting


def test_token_matches_model(state_machine, token, members, outsider, project, treasury, admin):
    pool = [*members, outsider, project]
    state_machine(
        TokenMachine,
        token,
        pool,
        project,
        treasury,
        admin,
        settings=stateful_settings(20, 15),
    )


class RestrictedMachine:
    """Random transfers, transferFroms, mints, delegations, registrations, revocations and departures: a move
    succeeds exactly when both sides may hold (member or protocol) and the balance suffices; nothing else ever moves
    a token. Votes follow a model of who delegates to whom: only members delegate, only to members (or to nobody),
    and a membership that ends suspends the former member's votes (the registry tells the token)."""

    st_a = strategy("uint8", max_value=5)
    st_b = strategy("uint8", max_value=5)
    st_amount = strategy("uint256", max_value=300 * TOKEN)

    def __init__(cls, token: Any, registry: Any, deployer: Any, pool: list[Any], protocol: Any) -> None:  # noqa: N805
        cls.token, cls.registry, cls.deployer, cls.pool, cls.protocol = token, registry, deployer, pool, protocol

    def setup(self) -> None:
        self.members = {a.address for a in self.pool if self.registry.isMember(a)}
        self.balances = {a.address: self.token.balanceOf(a) for a in self.pool}
        # whose votes each account's balance counts for (None: nobody); all start vote-ready on receipt
        self.delegate_of: dict[str, str | None] = {a.address: a.address for a in self.pool if a != self.protocol}

    def may_hold(self, who: Any) -> bool:
        return who.address in self.members or who == self.protocol

    def _move(self, send: Any, sender: Any, receiver: Any, amount: int) -> None:
        if not self.may_hold(sender):
            with reverts("RegionTokenTransferRestricted", sender):
                send()
        elif not self.may_hold(receiver):
            with reverts("RegionTokenTransferRestricted", receiver):
                send()
        elif amount > self.balances[sender.address]:
            with reverts("ERC20InsufficientBalance", ...):
                send()
        else:
            send()
            self.balances[sender.address] -= amount
            self.balances[receiver.address] += amount

    def rule_transfer(self, st_a: int, st_b: int, st_amount: int) -> None:
        a, b = self.pool[st_a], self.pool[st_b]
        self._move(lambda: self.token.transfer(b, st_amount, {"from": a}), a, b, st_amount)

    def rule_transfer_from(self, st_a: int, st_b: int, st_amount: int) -> None:
        a, b = self.pool[st_a], self.pool[st_b]
        spender = self.pool[(st_a + 1) % len(self.pool)]
        self.token.approve(spender, st_amount, {"from": a})
        self._move(lambda: self.token.transferFrom(a, b, st_amount, {"from": spender}), a, b, st_amount)

    def rule_mint(self, st_b: int, st_amount: int) -> None:
        b = self.pool[st_b]
        if not self.may_hold(b):
            with reverts("RegionTokenTransferRestricted", b):
                self.token.mint(b, st_amount, {"from": self.deployer})
            return
        self.token.mint(b, st_amount, {"from": self.deployer})
        self.balances[b.address] += st_amount

    def rule_register(self, st_a: int) -> None:
        a = self.pool[st_a]
        if a.address in self.members or a == self.protocol:
            return
        self.registry.register(a, SUPPORTER, NO_RECORD, {"from": self.deployer})
        self.members.add(a.address)

    def rule_revoke(self, st_a: int) -> None:
        a = self.pool[st_a]
        if a.address not in self.members:
            return
        self.registry.revoke(a, {"from": self.deployer})
        self.members.discard(a.address)
        self._suspended(a)

    def rule_leave(self, st_a: int) -> None:
        a = self.pool[st_a]
        if a.address not in self.members:
            with reverts("RegistryNotMember", a):
                self.registry.resign({"from": a})
            return
        self.registry.resign({"from": a})
        self.members.discard(a.address)
        self._suspended(a)

    def _suspended(self, a: Any) -> None:
        """The token suspends a former member's votes; with no tokens there is nothing to suspend and its choice
        stays (so nobody can pre-empt a newcomer's vote-readiness)."""
        if self.balances[a.address] > 0:
            self.delegate_of[a.address] = None

    def rule_delegate(self, st_a: int, st_b: int) -> None:
        a, b = self.pool[st_a], self.pool[st_b]
        send = lambda: self.token.delegate(b, {"from": a})  # noqa: E731
        if a == self.protocol:
            with reverts("RegionTokenAccountExcluded", a):
                send()
        elif b == self.protocol:
            with reverts("RegionTokenDelegateeExcluded", b):
                send()
        elif a.address not in self.members:
            with reverts("RegionTokenNotMember", a):
                send()
        elif b != a and b.address not in self.members:
            with reverts("RegionTokenNotMember", b):
                send()
        else:
            send()
            self.delegate_of[a.address] = b.address

    def rule_opt_out(self, st_a: int) -> None:
        a = self.pool[st_a]
        if a == self.protocol:
            return
        self.token.delegate(ZERO, {"from": a})  # always allowed, member or not
        self.delegate_of[a.address] = None

    def invariant_balances(self) -> None:
        for a in self.pool:
            assert self.token.balanceOf(a) == self.balances[a.address]

    def invariant_votes_follow_the_model(self) -> None:
        for a in self.pool:
            counted = sum(self.balances[x] for x, d in self.delegate_of.items() if d == a.address)
            assert self.token.getVotes(a) == counted
            assert self.token.delegates(a) == (self.delegate_of.get(a.address) or ZERO)


def test_no_transfer_escapes_restricted_mode(state_machine, rtoken, registry, deployer, members, outsider, protocol):
    registry.setMembershipListener(rtoken, {"from": deployer})  # as deploy wires it in restricted mode
    pool = [members[0], members[1], members[2], outsider, protocol, accounts[9]]
    state_machine(
        RestrictedMachine,
        rtoken,
        registry,
        deployer,
        pool,
        protocol,
        settings=stateful_settings(12, 15),
    )
