"""Stateful test of RegionToken against a Python model of balances, delegation choices and exclusions.

Rules: transfer (also into the excluded treasury), delegate, opt out, mint (by a minter), and the (permanent)
voting exclusion of one dedicated account, which others may have chosen as their delegate before. There is no burn
function, so no burn rule. Exclusion normally needs a full proposal; here ONE proposal in a module fixture gives a
test account DEFAULT_ADMIN_ROLE (and MINTER_ROLE) so the machine can exclude in one transaction. After every step
the invariants compare the chain with the model.
"""

from __future__ import annotations

from typing import Any

import pytest
from brownie import accounts, web3
from brownie.exceptions import VirtualMachineError
from brownie.test import strategy
from helpers import govern
from hypothesis import Phase
from web3 import Web3

TOKEN = 10**18
ZERO = "0x0000000000000000000000000000000000000000"
ADMIN_ROLE = b"\x00" * 32
MINTER_ROLE = bytes(Web3.keccak(text="MINTER_ROLE"))
DEFAULT, CHOSEN, EXCLUDED = "default", "chosen", "excluded"


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
        settings={
            "max_examples": 20,
            "stateful_step_count": 15,
            # no target phase: its Pareto optimisation re-runs passing examples for no gain here
            "phases": [Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
        },
    )
