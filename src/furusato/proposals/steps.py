"""The steps of a proposal's life that the CLI and the Brownie scripts run: each checks the state first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace

from web3.types import TxReceipt

from furusato.chain import Sender, transact
from furusato.config import parse_address
from furusato.constants import JST, ZERO_ADDRESS
from furusato.errors import ChainError, InputError
from furusato.governance import Proposal, Support
from furusato.proposals.dao import Dao
from furusato.proposals.spec import BuiltProposal, revert_reason
from furusato.proposals.status import ProposalInfo, find_proposal, read_status, require_step
from furusato.units import format_units, local_time


def _guard(dao: Dao, label: str, run: Callable[[], TxReceipt]) -> TxReceipt:
    """``run()``, with a revert reported by Brownie's web3 (a ValueError) turned into ChainError naming the error."""
    try:
        return run()
    except ValueError as exc:
        reason = revert_reason(exc, dao)
        if reason is None:
            raise
        raise ChainError(f"{label} would revert: {reason}") from exc


def parse_support(text: str) -> Support:
    """``for`` / ``against`` / ``abstain`` (or 1 / 0 / 2)."""
    names = {"for": Support.For, "against": Support.Against, "abstain": Support.Abstain, "yes": Support.For,
             "no": Support.Against, "1": Support.For, "0": Support.Against, "2": Support.Abstain}  # fmt: skip
    try:
        return names[text.strip().lower()]
    except KeyError:
        raise InputError(f"support {text!r}: use for, against or abstain") from None


def bind(built: BuiltProposal, sender: Sender) -> BuiltProposal:
    """``built`` bound to its proposer (``#proposer=0x…``): nobody else can submit it first and own its id."""
    return replace(built, proposal=built.proposal.bound_to(sender.address))


def create(dao: Dao, sender: Sender, built: BuiltProposal) -> TxReceipt:
    """Propose ``built``; refuses a proposal that already exists and a proposer below the threshold."""
    g = dao.governor.functions
    built = bind(built, sender)  # callers bind first to know the id; binding twice changes nothing
    pid = built.proposal.proposal_id
    if int(g.proposalSnapshot(pid).call()) != 0:
        raise ChainError(
            f"proposal {pid} already exists (same actions and description), proposed by "
            f"{g.proposalProposer(pid).call()}: see `proposal show {pid}`"
        )
    threshold = int(g.proposalThreshold().call())
    votes = int(dao.token.functions.getVotes(sender.address).call())
    if votes < threshold:
        delegate = str(dao.token.functions.delegates(sender.address).call())
        if delegate.lower() not in (sender.address.lower(), ZERO_ADDRESS):
            advice = f"its own tokens vote through {delegate}: `furusato delegate self` takes them back"
        elif delegate.lower() == ZERO_ADDRESS:
            advice = "it opted out of voting (`furusato delegate none`): `furusato delegate self` turns its votes on"
        else:
            advice = (
                "tokens vote on receipt, so it needs more tokens, or another holder's delegation "
                "(`furusato delegate ADDRESS` by them); or ask a member who holds enough to propose"
            )
        raise ChainError(
            f"{sender.address} has {format_units(votes)} votes; proposing needs {format_units(threshold)}: {advice}"
        )
    # The governor counts the votes held one second before the proposal's block.
    now = dao.now()
    if int(dao.token.functions.getPastVotes(sender.address, now - 1).call()) < threshold:
        raise ChainError(
            f"{sender.address} received its votes at {local_time(now)}: they count for proposing from the next "
            "second on; try again in a moment"
        )
    return _guard(dao, "propose", lambda: dao.governance.propose(sender, built.proposal))


def vote(
    dao: Dao, sender: Sender, proposal_id: int, support: Support, reason: str = "", tz: dt.tzinfo = JST
) -> TxReceipt:
    info = find_proposal(dao, proposal_id)
    require_step(read_status(dao, info), "vote", tz)
    if dao.governor.functions.hasVoted(proposal_id, sender.address).call():
        raise ChainError(f"{sender.address} has already voted on proposal {proposal_id}")
    return _guard(dao, "vote", lambda: dao.governance.cast_vote(sender, proposal_id, support, reason))


def queue(dao: Dao, sender: Sender, proposal_id: int, tz: dt.tzinfo = JST) -> tuple[ProposalInfo, TxReceipt]:
    info = find_proposal(dao, proposal_id)
    require_step(read_status(dao, info), "queue", tz)
    return info, _guard(dao, "queue", lambda: dao.governance.queue(sender, info.proposal))


def execute(dao: Dao, sender: Sender, proposal_id: int, tz: dt.tzinfo = JST) -> TxReceipt:
    info = find_proposal(dao, proposal_id)
    require_step(read_status(dao, info), "execute", tz)
    return _guard(dao, "execute", lambda: dao.governance.execute(sender, info.proposal))


def cancel(dao: Dao, sender: Sender, proposal_id: int, tz: dt.tzinfo = JST) -> TxReceipt:
    """Cancel (the guardian at any time before execution; the proposer while it is pending)."""
    info = find_proposal(dao, proposal_id)
    require_step(read_status(dao, info), "cancel", tz)
    p = info.proposal
    fn = dao.governor.functions.cancel(*p.args(), p.description_hash)
    return _guard(dao, "cancel", lambda: transact(dao.w3, sender, fn, label="cancel", decoder=dao.decoder))


def delegate(dao: Dao, sender: Sender, to: str) -> TxReceipt:
    """Delegate the sender's votes to ``to`` (``self`` for oneself, ``none`` to opt out)."""
    if to.lower() == "self":
        target: str = sender.address
    elif to.lower() == "none":
        target = ZERO_ADDRESS
    else:
        parsed = parse_address(to, "delegatee")
        assert parsed is not None
        target = parsed
    fn = dao.token.functions.delegate(target)
    label = f"delegate to {target}"
    return _guard(dao, label, lambda: transact(dao.w3, sender, fn, label=label, decoder=dao.decoder))


def pass_on_development_chain(
    dao: Dao, proposal: Proposal, voters: Sequence[Sender], *, proposed: bool = False
) -> TxReceipt:
    """Development chains only (moves the clock): propose ``proposal`` (bound to ``voters[0]``) unless ``proposed``,
    have every voter vote for, queue and execute; returns the execute receipt. The demo round and the benches use it."""
    from furusato.chain import advance_time

    gov, w3 = dao.governance, dao.w3
    if not proposed:
        proposal = proposal.bound_to(voters[0].address)
        gov.propose(voters[0], proposal)
    advance_time(w3, int(dao.governor.functions.votingDelay().call()) + 1)
    for voter in voters:
        gov.cast_vote(voter, proposal.proposal_id, Support.For)
    advance_time(w3, gov.deadline(proposal.proposal_id) - dao.now() + 1)
    gov.queue(voters[0], proposal)
    advance_time(w3, int(dao.timelock.functions.getMinDelay().call()) + 1)
    return gov.execute(voters[0], proposal)
