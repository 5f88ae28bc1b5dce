"""Proposals: ids, states, and the propose → vote → queue → execute steps, over web3."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from furusato.abi import keccak, to_checksum_address
from furusato.chain import Sender, transact
from furusato.errors import ChainError
from furusato.reverts import DEFAULT_DECODER, ErrorDecoder

if TYPE_CHECKING:
    from web3 import Web3
    from web3.contract import Contract
    from web3.types import TxReceipt

#: OpenZeppelin's description suffix that binds a proposal to its proposer (Governor._isValidDescriptionForProposer):
#: with it, only that address can submit the proposal, so nobody can copy it first and become its proposer.
PROPOSER_TAG = "#proposer="


class ProposalState(IntEnum):
    """OpenZeppelin's IGovernor.ProposalState."""

    Pending = 0
    Active = 1
    Canceled = 2
    Defeated = 3
    Succeeded = 4
    Queued = 5
    Expired = 6
    Executed = 7


class Support(IntEnum):
    """GovernorCountingSimple's vote types."""

    Against = 0
    For = 1
    Abstain = 2


@dataclass(frozen=True)
class Action:
    """One call a proposal makes through the timelock."""

    target: str
    value: int
    calldata: bytes


@dataclass(frozen=True)
class Proposal:
    """A proposal's actions and description, from which its id and description hash follow."""

    actions: tuple[Action, ...]
    description: str

    @property
    def targets(self) -> list[str]:
        return [a.target for a in self.actions]

    @property
    def values(self) -> list[int]:
        return [a.value for a in self.actions]

    @property
    def calldatas(self) -> list[bytes]:
        return [a.calldata for a in self.actions]

    @property
    def description_hash(self) -> bytes:
        return keccak(self.description.encode("utf-8"))

    @property
    def proposal_id(self) -> int:
        """The id OpenZeppelin's Governor.hashProposal gives this proposal."""
        from eth_abi.abi import encode as abi_encode

        encoded = abi_encode(
            ["address[]", "uint256[]", "bytes[]", "bytes32"],
            [self.targets, self.values, self.calldatas, self.description_hash],
        )
        return int.from_bytes(keccak(encoded), "big")

    def args(self) -> list[Any]:
        return [self.targets, self.values, self.calldatas]

    def bound_to(self, proposer: str) -> Proposal:
        """This proposal with the ``#proposer=0x…`` suffix for ``proposer`` (itself when it already has it)."""
        tag = f"{PROPOSER_TAG}{to_checksum_address(proposer)}"
        if self.description.lower().endswith(tag.lower()):
            return self
        return replace(self, description=f"{self.description}\n\n{tag}")


def title_of(description: str, untitled: str = "(untitled)") -> str:
    """The title of an on-chain description: its first non-empty line without markdown heading marks (at most 200
    characters), or ``untitled`` when it has none."""
    for line in description.splitlines():
        text = line.strip().lstrip("#").strip()
        if text:
            return text[:200]
    return untitled


def call_action(contract: Contract, fn_name: str, *args: Any, value: int = 0) -> Action:
    """An :class:`Action` calling ``contract.fn_name(*args)``."""
    data = contract.encode_abi(fn_name, args=list(args))
    return Action(target=contract.address, value=value, calldata=bytes.fromhex(data[2:]))


@dataclass(frozen=True)
class Tally:
    """Vote totals of a proposal."""

    against: int
    for_: int
    abstain: int


class Governance:
    """The steps of a proposal's life on one governor."""

    def __init__(self, w3: Web3, governor: Contract, decoder: ErrorDecoder = DEFAULT_DECODER) -> None:
        self.w3 = w3
        self.governor = governor
        self.decoder = decoder

    def propose(self, sender: Sender, proposal: Proposal) -> TxReceipt:
        """Propose ``proposal``, which must be bound to the sender (:meth:`Proposal.bound_to`, so its id is known
        before sending); reports an identical proposal that already exists instead of sending."""
        if proposal.bound_to(sender.address) is not proposal:
            raise ValueError(f"bind the proposal to its proposer first: proposal.bound_to({sender.address!r})")
        existing = self.governor.functions.proposalProposer(proposal.proposal_id).call()
        if int(existing, 16) != 0:
            state = self.state(proposal.proposal_id).name
            raise ChainError(
                f"proposal {proposal.proposal_id} already exists (same actions and description), proposed by "
                f"{existing}, now {state}: nothing was sent"
            )
        fn = self.governor.functions.propose(*proposal.args(), proposal.description)
        return transact(self.w3, sender, fn, label="propose", decoder=self.decoder)

    def cast_vote(self, sender: Sender, proposal_id: int, support: Support, reason: str = "") -> TxReceipt:
        if reason:
            fn = self.governor.functions.castVoteWithReason(proposal_id, int(support), reason)
        else:
            fn = self.governor.functions.castVote(proposal_id, int(support))
        return transact(self.w3, sender, fn, label=f"castVote({support.name})", decoder=self.decoder)

    def queue(self, sender: Sender, proposal: Proposal) -> TxReceipt:
        fn = self.governor.functions.queue(*proposal.args(), proposal.description_hash)
        return transact(self.w3, sender, fn, label="queue", decoder=self.decoder)

    def execute(self, sender: Sender, proposal: Proposal) -> TxReceipt:
        value = sum(proposal.values)
        fn = self.governor.functions.execute(*proposal.args(), proposal.description_hash)
        return transact(self.w3, sender, fn, value=value, label="execute", decoder=self.decoder)

    def state(self, proposal_id: int) -> ProposalState:
        return ProposalState(self.governor.functions.state(proposal_id).call())

    def tally(self, proposal_id: int) -> Tally:
        against, for_, abstain = self.governor.functions.proposalVotes(proposal_id).call()
        return Tally(against, for_, abstain)

    def snapshot(self, proposal_id: int) -> int:
        return int(self.governor.functions.proposalSnapshot(proposal_id).call())

    def deadline(self, proposal_id: int) -> int:
        return int(self.governor.functions.proposalDeadline(proposal_id).call())

    def quorum_at_snapshot(self, proposal_id: int) -> int:
        return int(self.governor.functions.quorum(self.snapshot(proposal_id)).call())
