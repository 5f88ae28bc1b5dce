"""Stateful test of the governor (issue 10): members propose (bound to themselves), vote (also twice, also out of
time), move tokens, queue, execute and cancel (proposer, guardian, strangers) while time passes; after every step
the tallies equal the voters' weights, the state agrees with a reference model, deadlines never decrease and
every cancel obeyed the cancel rule."""

from __future__ import annotations

from typing import Any

from brownie import web3
from brownie.exceptions import VirtualMachineError
from brownie.test import strategy
from helpers import stateful_settings, w3c

from furusato.governance import Proposal, ProposalState, call_action

TOKEN = 10**18


class GovernorMachine:
    st_who = strategy("uint8", max_value=4)
    st_pick = strategy("uint8")
    st_support = strategy("uint8", max_value=2)
    st_kind = strategy("uint8", max_value=2)
    st_seconds = strategy("uint16", min_value=1, max_value=400)
    st_percent = strategy("uint8", max_value=100)

    def __init__(cls, governor: Any, token: Any, members: list[Any], guardian: Any, carol: Any) -> None:  # noqa: N805 - Brownie calls it on the machine class
        cls.governor, cls.token, cls.members, cls.guardian, cls.carol = governor, token, members, guardian, carol
        cls.gov = w3c(governor)

    def setup(self) -> None:
        self.proposals: list[tuple[Proposal, int, Any]] = []  # (proposal, kind, proposer)
        self.weights: dict[int, int] = {}
        self.voted: set[tuple[int, str]] = set()
        self.deadlines: dict[int, int] = {}
        self.queued: set[int] = set()
        self.executed: set[int] = set()
        self.canceled: set[int] = set()
        self.serial = 0

    def _pick(self, st_pick: int) -> tuple[Proposal, int, Any] | None:
        return self.proposals[st_pick % len(self.proposals)] if self.proposals else None

    # -------------------------------------------------------------------------------------------- rules

    def rule_propose(self, st_who: int, st_kind: int) -> None:
        if len(self.proposals) >= 6:
            return
        proposer = self.members[st_who]
        self.serial += 1
        calls = [call_action(w3c(self.token), "clock")]  # a harmless call
        if st_kind == 1:
            calls = [call_action(self.gov, "setProposalGuardian", self.carol.address)]  # guardian cannot cancel
        elif st_kind == 2:
            calls.append(call_action(self.gov, "setProposalGuardian", self.carol.address))  # bundled: can
        proposal = Proposal(tuple(calls), f"stateful {self.serial}").bound_to(proposer.address)
        self.governor.propose(*proposal.args(), proposal.description, {"from": proposer})
        self.proposals.append((proposal, st_kind, proposer))
        self.weights[proposal.proposal_id] = 0
        self.deadlines[proposal.proposal_id] = self.governor.proposalDeadline(proposal.proposal_id)

    def rule_vote(self, st_pick: int, st_who: int, st_support: int) -> None:
        picked = self._pick(st_pick)
        if picked is None:
            return
        pid = picked[0].proposal_id
        voter = self.members[st_who]
        active = self.governor.state(pid) == ProposalState.Active
        try:
            tx = self.governor.castVote(pid, st_support, {"from": voter})
        except VirtualMachineError:
            assert not active or (pid, voter.address) in self.voted
            return
        assert active
        assert (pid, voter.address) not in self.voted, "double vote"
        self.voted.add((pid, voter.address))
        self.weights[pid] += tx.events["VoteCast"]["weight"]

    def rule_transfer(self, st_who: int, st_pick: int, st_percent: int) -> None:
        sender, receiver = self.members[st_who], self.members[st_pick % len(self.members)]
        amount = self.token.balanceOf(sender) * st_percent // 100
        if amount:
            self.token.transfer(receiver, amount, {"from": sender})

    def rule_queue(self, st_pick: int) -> None:
        picked = self._pick(st_pick)
        if picked is None:
            return
        proposal = picked[0]
        succeeded = self.governor.state(proposal.proposal_id) == ProposalState.Succeeded
        try:
            self.governor.queue(*proposal.args(), proposal.description_hash, {"from": self.members[0]})
        except VirtualMachineError:
            assert not succeeded
            return
        assert succeeded
        self.queued.add(proposal.proposal_id)

    def rule_execute(self, st_pick: int) -> None:
        picked = self._pick(st_pick)
        if picked is None:
            return
        proposal = picked[0]
        try:
            self.governor.execute(*proposal.args(), proposal.description_hash, {"from": self.members[0]})
        except VirtualMachineError:
            return
        assert proposal.proposal_id in self.queued
        self.executed.add(proposal.proposal_id)

    def rule_cancel(self, st_pick: int, st_who: int) -> None:
        picked = self._pick(st_pick)
        if picked is None:
            return
        proposal, kind, proposer = picked
        pid = proposal.proposal_id
        caller = [self.governor.proposalGuardian(), proposer.address, self.members[st_who].address][st_who % 3]
        before = self.governor.state(pid)
        try:
            self.governor.cancel(*proposal.args(), proposal.description_hash, {"from": caller})
        except VirtualMachineError:
            return
        as_proposer = caller == proposer.address and before == ProposalState.Pending
        as_guardian = caller == self.governor.proposalGuardian() and kind != 1
        assert as_proposer or as_guardian, f"cancel by {caller} in {before.name} of kind {kind}"
        self.canceled.add(pid)

    def rule_time_passes(self, st_seconds: int) -> None:
        web3.provider.make_request("evm_increaseTime", [st_seconds])
        web3.provider.make_request("evm_mine", [])

    # -------------------------------------------------------------------------------------------- invariants

    def invariant_tallies_and_model(self) -> None:
        now = web3.eth.get_block("latest").timestamp
        for proposal, _kind, _proposer in self.proposals:
            pid = proposal.proposal_id
            against, for_, abstain = self.governor.proposalVotes(pid)
            assert against + for_ + abstain == self.weights[pid]
            deadline = self.governor.proposalDeadline(pid)
            assert deadline >= self.deadlines[pid]
            self.deadlines[pid] = deadline
            snapshot = self.governor.proposalSnapshot(pid)
            if pid in self.executed:
                expected = ProposalState.Executed
            elif pid in self.canceled:
                expected = ProposalState.Canceled
            elif snapshot >= now:
                expected = ProposalState.Pending
            elif deadline >= now:
                expected = ProposalState.Active
            elif self.governor.quorum(snapshot) > for_ + abstain or for_ <= against:
                expected = ProposalState.Defeated
            elif pid in self.queued:
                expected = ProposalState.Queued
            else:
                expected = ProposalState.Succeeded
            assert self.governor.state(pid) == expected


def test_governor_stateful(state_machine: Any, governor: Any, token: Any, members: list, guardian: Any, carol: Any):
    state_machine(
        GovernorMachine,
        governor,
        token,
        members[:5],
        guardian,
        carol,
        settings=stateful_settings(30, 20),
    )
