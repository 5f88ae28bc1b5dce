"""Where a proposal stands: read from the chain, formatted for people, and explained when a step cannot run yet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from furusato.abi import to_checksum_address
from furusato.constants import JST
from furusato.errors import ChainError, InputError
from furusato.governance import Action, Proposal, ProposalState, Tally, title_of
from furusato.proposals.dao import Dao
from furusato.units import local_time

LOG_CHUNK = 50_000


@dataclass(frozen=True)
class ProposalInfo:
    """A proposal as its ``ProposalCreated`` event recorded it."""

    proposal_id: int
    proposer: str
    proposal: Proposal
    vote_start: int
    vote_end: int
    block: int

    @property
    def title(self) -> str:
        return title_of(self.proposal.description)


def _info(args: Any, block: int) -> ProposalInfo:
    actions = tuple(
        Action(target=to_checksum_address(t), value=int(v), calldata=bytes(c))
        for t, v, c in zip(args["targets"], args["values"], args["calldatas"], strict=True)
    )
    return ProposalInfo(
        proposal_id=int(args["proposalId"]),
        proposer=to_checksum_address(args["proposer"]),
        proposal=Proposal(actions, str(args["description"])),
        vote_start=int(args["voteStart"]),
        vote_end=int(args["voteEnd"]),
        block=block,
    )


def find_proposals(dao: Dao, from_block: int | None = None, to_block: int | None = None) -> list[ProposalInfo]:
    """Every proposal made on the governor since it was deployed (or in ``from_block..to_block``), oldest first."""
    latest = int(dao.w3.eth.block_number) if to_block is None else to_block
    out: list[ProposalInfo] = []
    event = dao.governor.events.ProposalCreated()
    start = dao.deploy_block if from_block is None else from_block
    while start <= latest:
        end = min(start + LOG_CHUNK - 1, latest)
        for log in event.get_logs(from_block=start, to_block=end):
            out.append(_info(log["args"], int(log["blockNumber"])))
        start = end + 1
    return out


def parse_proposal_id(text: str) -> int:
    """A proposal id in decimal or 0x-hex."""
    try:
        return int(text.strip(), 16) if text.strip().lower().startswith("0x") else int(text.strip())
    except ValueError:
        raise InputError(f"{text!r} is not a proposal id (a decimal number or 0x… hex)") from None


#: The shortest prefix of a proposal id accepted (decimal digits, or hex digits after 0x).
MIN_PREFIX = 4


def resolve_proposal_id(dao: Dao, text: str) -> int:
    """The proposal id ``text`` names: a full id (decimal or 0x-hex), the number ``proposal list`` shows (``3`` or
    ``#3``), or an unambiguous prefix of at least 4 digits of the decimal or 0x-hex id. InputError otherwise, naming
    the candidates when a prefix is ambiguous."""
    raw = text.strip()
    infos = find_proposals(dao)
    ids = [i.proposal_id for i in infos]
    number = raw.removeprefix("#")
    if number.isdigit() and (raw.startswith("#") or len(number) < MIN_PREFIX):
        n = int(number)
        if 1 <= n <= len(ids):
            return ids[n - 1]
        raise InputError(
            f"there is no proposal #{n}: `furusato proposal list` numbers {len(ids)} proposal(s) from #1"
            if ids
            else f"there is no proposal #{n}: the governor has no proposals yet"
        )
    full = parse_proposal_id(raw)
    if full in ids:
        return full
    hexa = raw.lower().startswith("0x")
    digits = raw[2:].lower() if hexa else raw
    if len(digits) < MIN_PREFIX:
        raise InputError(f"{raw!r} is too short to name a proposal: give at least {MIN_PREFIX} digits, or its # number")

    def forms(i: int) -> tuple[str, ...]:  # hex with and without the leading zeros of a 32-byte id
        return (f"{i:064x}", f"{i:x}") if hexa else (str(i),)

    matches = [i for i in ids if any(form.startswith(digits) for form in forms(i))]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise InputError(f"no proposal id starts with {raw} on the governor {dao.governor.address} "
                         "(see `furusato proposal list`)")  # fmt: skip
    shown = ", ".join(f"#{ids.index(m) + 1} {m}" for m in matches)
    raise InputError(f"{raw} is the start of {len(matches)} proposal ids ({shown}): give more digits or the # number")


def find_proposal(dao: Dao, proposal_id: int) -> ProposalInfo:
    """The proposal with ``proposal_id``; InputError if the governor never saw it."""
    for info in find_proposals(dao):
        if info.proposal_id == proposal_id:
            return info
    raise InputError(f"no proposal {proposal_id} on the governor {dao.governor.address} (see `furusato proposal list`)")


@dataclass(frozen=True)
class Status:
    """A proposal's state, tally, quorum progress and deadlines, read at one moment."""

    info: ProposalInfo
    state: ProposalState
    tally: Tally
    now: int
    snapshot: int
    deadline: int
    quorum: int | None  # votes needed (None while the snapshot is in the future)
    supply: int | None  # voting supply at the snapshot (None while it is in the future)
    quorum_percent: float
    eta: int  # timelock ready time (0 unless queued)

    @property
    def quorum_votes(self) -> int:
        """Votes that count towards quorum (GovernorCountingSimple: for + abstain)."""
        return self.tally.for_ + self.tally.abstain

    @property
    def quorum_reached(self) -> bool:
        return self.quorum is not None and self.quorum_votes >= self.quorum

    def quorum_line(self) -> str:
        needed = f"{self.quorum_percent:g}%"
        if self.supply is None:
            return f"quorum: 0.0% of {needed} needed (counted at the snapshot)"
        have = 100 * self.quorum_votes / self.supply if self.supply else 0.0
        return f"quorum: {have:.1f}% of {needed} needed" + (" (reached)" if self.quorum_reached else "")


def read_status(dao: Dao, info: ProposalInfo) -> Status:
    """Read everything about one proposal from the chain."""
    g = dao.governor.functions
    pid = info.proposal_id
    now = dao.now()
    snapshot = int(g.proposalSnapshot(pid).call())
    against, for_, abstain = g.proposalVotes(pid).call()
    quorum = supply = None
    if snapshot < now:
        quorum = int(g.quorum(snapshot).call())
        supply = int(dao.token.functions.getPastTotalSupply(snapshot).call())
        numerator = int(g.quorumNumerator(snapshot).call())
    else:
        numerator = int(g.quorumNumerator().call())
    denominator = int(g.quorumDenominator().call())
    return Status(
        info=info,
        state=ProposalState(int(g.state(pid).call())),
        tally=Tally(int(against), int(for_), int(abstain)),
        now=now,
        snapshot=snapshot,
        deadline=int(g.proposalDeadline(pid).call()),
        quorum=quorum,
        supply=supply,
        quorum_percent=100 * numerator / denominator,
        eta=int(g.proposalEta(pid).call()),
    )


def _tokens(units: int) -> str:
    whole = units / 10**18
    return f"{whole:,.2f}".rstrip("0").rstrip(".")


def summary_line(status: Status, tz: dt.tzinfo = JST) -> str:
    """One line for ``proposal list``."""
    t = status.tally
    return (
        f"{status.info.proposal_id}  {status.state.name:<9} for {_tokens(t.for_)} / against {_tokens(t.against)} / "
        f"abstain {_tokens(t.abstain)}  {status.quorum_line()}  {next_step(status, tz)}  {status.info.title}"
    )


def next_step(status: Status, tz: dt.tzinfo = JST) -> str:
    """What happens next, with its time."""
    s = status.state
    if s == ProposalState.Pending:
        return f"voting starts {local_time(status.snapshot + 1, tz)}"
    if s == ProposalState.Active:
        return f"voting ends {local_time(status.deadline, tz)}"
    if s == ProposalState.Succeeded:
        return "succeeded but not queued: run queue"
    if s == ProposalState.Queued:
        if status.eta > status.now:
            return f"timelock ready at {local_time(status.eta, tz)}"
        return f"timelock ready since {local_time(status.eta, tz)}: run execute"
    if s == ProposalState.Defeated:
        if not status.quorum_reached:
            return f"defeated: quorum not reached ({status.quorum_line()})"
        return "defeated: not more votes for than against"
    return {ProposalState.Canceled: "canceled", ProposalState.Expired: "expired", ProposalState.Executed: "executed"}[s]


def format_status(status: Status, tz: dt.tzinfo = JST) -> list[str]:
    """The full report of ``proposal show``."""
    info, t = status.info, status.tally
    lines = [
        f"proposal {info.proposal_id}",
        f"  title:     {info.title}",
        f"  proposer:  {info.proposer}",
        f"  state:     {status.state.name} — {next_step(status, tz)}",
        f"  votes:     for {_tokens(t.for_)} / against {_tokens(t.against)} / abstain {_tokens(t.abstain)}",
        f"  {status.quorum_line()}",
        f"  voting:    {local_time(status.snapshot + 1, tz)} → {local_time(status.deadline, tz)}",
    ]
    if status.eta:
        lines.append(f"  timelock:  ready at {local_time(status.eta, tz)}")
    lines.append(f"  now:       {local_time(status.now, tz)}")
    lines.append(f"  actions:   {len(info.proposal.actions)}")
    for i, a in enumerate(info.proposal.actions, 1):
        lines.append(
            f"    {i}. {a.target} value {a.value} calldata 0x{a.calldata[:4].hex()}… ({len(a.calldata)} bytes)"
        )
    lines.append("  description:")
    lines += [f"    | {line}" for line in info.proposal.description.rstrip("\n").split("\n")]
    return lines


STEPS = ("vote", "queue", "execute", "cancel")


def require_step(status: Status, step: str, tz: dt.tzinfo = JST) -> None:
    """Raise ChainError explaining the state when ``step`` cannot run now."""
    s, pid = status.state, status.info.proposal_id
    ok = {
        "vote": s == ProposalState.Active,
        "queue": s == ProposalState.Succeeded,
        "execute": s == ProposalState.Queued and status.eta <= status.now,
        "cancel": s in (ProposalState.Pending, ProposalState.Active, ProposalState.Succeeded, ProposalState.Queued),
    }[step]
    if ok:
        return
    why = next_step(status, tz)
    if s == ProposalState.Queued and step == "queue":
        why = f"already queued: {why}"
    elif s == ProposalState.Active and step in ("queue", "execute"):
        why = f"voting is still open: {why}"
    elif s in (ProposalState.Succeeded, ProposalState.Defeated, ProposalState.Queued) and step == "vote":
        why = f"voting ended {local_time(status.deadline, tz)}: {s.name.lower()} — {why}"
    elif s in (ProposalState.Canceled, ProposalState.Executed, ProposalState.Expired):
        why = f"already {why}"
    raise ChainError(f"cannot {step} proposal {pid}: {why}")
