"""Helpers shared by the chain tests: revert assertions, moving the clock, passing proposals (:func:`pass_proposal`,
the one way a test passes a proposal), and signing as a wallet does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from brownie import chain, web3
from brownie.exceptions import VirtualMachineError
from eth_account import Account
from eth_account.messages import encode_typed_data

from furusato.governance import Proposal, ProposalState, Support, call_action


def fmt(arg: Any) -> str:
    """An argument as Brownie prints it inside a decoded custom error."""
    if hasattr(arg, "address"):
        arg = arg.address
    if isinstance(arg, bool | int):
        return str(arg)
    if isinstance(arg, bytes | bytearray):
        return str(bytes(arg))
    return str(arg).lower()


@contextmanager
def reverts(error: str, *args: Any) -> Iterator[Any]:
    """Expect a revert with exactly the custom error ``error(*args)``; ``...`` as the only arg skips the arguments."""
    with pytest.raises(VirtualMachineError) as exc:
        yield exc
    msg = exc.value.revert_msg or ""
    if args == (...,):
        assert msg.split(":")[0] == error, f"expected {error}, got {msg!r}"
        return
    expected = f"{error}: {', '.join(fmt(a) for a in args)}"
    assert msg.rstrip() == expected.rstrip(), f"expected {expected!r}, got {msg!r}"


def advance(seconds: int) -> None:
    """Move the chain clock forward by ``seconds`` and mine a block (Anvil)."""
    chain.sleep(max(int(seconds), 0))
    chain.mine()


def w3c(contract: Any) -> Any:
    """The web3 contract object of a Brownie contract (for encoding calls with the package core)."""
    return web3.eth.contract(address=contract.address, abi=contract.abi)


def proposal_of(*calls: tuple[Any, ...], description: str) -> Proposal:
    """A proposal from ``(brownie_contract, fn_name, *args)`` calls."""
    return Proposal(tuple(call_action(w3c(c[0]), c[1], *c[2:]) for c in calls), description)


def pass_proposal(
    governor: Any,
    timelock: Any,
    voters: list[Any],
    proposal: Proposal,
    *,
    proposer: Any = None,
    proposed: bool = False,
    execute: bool = True,
) -> Any:
    """Pass ``proposal`` the way governance does — the one helper every test uses for it.

    Propose (from ``proposer``, default the first voter; skipped when ``proposed``: someone, e.g. the CLI, already
    did), wait out the voting delay, have every voter vote for, wait past the deadline, queue, wait out the timelock
    delay, and execute. With ``execute=False`` the proposal is left queued and ready to execute. Returns the
    execute transaction (None when not executed).
    """
    proposer = proposer or voters[0]
    if not proposed:
        governor.propose(*proposal.args(), proposal.description, {"from": proposer})
    pid = proposal.proposal_id
    advance(governor.votingDelay() + 1)
    for voter in voters:
        governor.castVote(pid, Support.For, {"from": voter})
    advance(governor.proposalDeadline(pid) - chain.time() + 1)
    governor.queue(*proposal.args(), proposal.description_hash, {"from": proposer})
    advance(timelock.getMinDelay() + 1)
    if not execute:
        return None
    return governor.execute(*proposal.args(), proposal.description_hash, {"from": proposer})


def govern(governor: Any, timelock: Any, members: list[Any], *calls: tuple[Any, ...], description: str) -> Any:
    """:func:`pass_proposal` for a proposal of ``(brownie_contract, fn_name, *args)`` calls; returns the execute tx."""
    return pass_proposal(governor, timelock, members, proposal_of(*calls, description=description))


def open_proposal(mdao: Any, proposer: Any, tag: str) -> Any:
    """Propose a harmless action on the members-only DAO ``mdao`` and wait until voting opens; returns the id."""
    proposal = proposal_of((mdao.token, "transferRegistry"), description=f"members-only test {tag}")
    mdao.governor.propose(*proposal.args(), proposal.description, {"from": proposer})
    advance(mdao.governor.votingDelay() + 1)
    return proposal.proposal_id


def sign_json(text: str, key: bytes) -> str:
    """Sign the typed-data JSON exactly as a wallet would (eth_signTypedData_v4 over the parsed JSON)."""
    return (
        "0x"
        + bytes(Account.sign_message(encode_typed_data(full_message=json.loads(text)), private_key=key).signature).hex()
    )


def wallet_sign(typed: dict[str, Any], account: Any) -> dict[str, Any]:
    """What a wallet does: receive the typed-data JSON, sign it with eth_signTypedData_v4; return the submission."""
    text = json.dumps(typed)  # the exact JSON the wallet receives
    signed = Account.sign_message(encode_typed_data(full_message=json.loads(text)), private_key=account.key)
    return {"typedData": json.loads(text), "signature": "0x" + bytes(signed.signature).hex()}


def fresh_key_sender(fund_eth: int = 100) -> Any:
    """A new keystore-style account (not from the public mnemonic), funded from a development account."""
    from brownie import accounts

    from furusato.chain import LocalKeySender

    account = Account.create()
    accounts[0].transfer(account.address, fund_eth * 10**18)
    return LocalKeySender(account)


class CrashingSender:
    """Wraps a sender and dies (like a killed process) after ``limit`` transactions."""

    def __init__(self, inner: Any, limit: int) -> None:
        self.inner, self.limit, self.sent = inner, limit, 0

    @property
    def address(self) -> Any:
        return self.inner.address

    def send(self, w3: Any, tx: Any) -> Any:
        if self.sent >= self.limit:
            raise KeyboardInterrupt("simulated crash")
        self.sent += 1
        return self.inner.send(w3, tx)

    def send_request(self, tx: Any) -> Any:
        if self.sent >= self.limit:
            raise KeyboardInterrupt("simulated crash")
        self.sent += 1
        return self.inner.send_request(tx)


def private_roles(config: Any) -> Any:
    """``config`` with every role of a public test account (guardian, coordinators, registrars, genesis) moved to
    an address of no published key, as a deploy to any network but `development` requires. The test chain (Anvil)
    still lets a test act as them (``accounts.at(address, force=True)``)."""
    from dataclasses import replace

    from furusato.abi import keccak, to_checksum_address
    from furusato.accounts import public_test_addresses

    public = public_test_addresses()

    def private(address: str) -> str:
        if address.lower() not in public:
            return address
        return to_checksum_address("0x" + keccak(b"private " + address.lower().encode()).hex()[-40:])

    out = replace(config, guardian=private(config.guardian) if config.guardian else None,
                  genesis=tuple(replace(a, to=private(a.to)) for a in config.genesis))  # fmt: skip
    if out.rewards:
        out = replace(out, rewards=replace(out.rewards, coordinators=tuple(map(private, out.rewards.coordinators))))
    if out.registry:
        out = replace(out, registry=replace(out.registry, registrars=tuple(map(private, out.registry.registrars))))
    return out


def to_stage(governor: Any, proposal: Proposal, stage: ProposalState, proposer: Any, voters: list[Any]) -> int:
    """Propose and drive the proposal to Pending, Active, Succeeded or Queued (every voter votes for)."""
    governor.propose(*proposal.args(), proposal.description, {"from": proposer})
    pid = proposal.proposal_id
    if stage == ProposalState.Pending:
        return pid
    advance(governor.votingDelay() + 1)
    if stage == ProposalState.Active:
        return pid
    for voter in voters:
        governor.castVote(pid, Support.For, {"from": voter})
    advance(governor.proposalDeadline(pid) - chain.time() + 1)
    if stage == ProposalState.Succeeded:
        return pid
    governor.queue(*proposal.args(), proposal.description_hash, {"from": proposer})
    return pid


def stateful_settings(examples: int, steps: int) -> dict[str, Any]:
    """Hypothesis settings of the contracts' state machines: ``examples`` runs of ``steps`` steps, without the target
    phase (its Pareto optimisation re-runs passing examples for no gain here)."""
    from hypothesis import Phase

    return {
        "max_examples": examples,
        "stateful_step_count": steps,
        "phases": [Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    }
