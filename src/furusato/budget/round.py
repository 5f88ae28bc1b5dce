"""A budget round on chain: its deploy arguments and opening proposal, its status, its result recomputed from events,
and the checks made before anything is sent (create: budget against the treasury; finalize: the chain's result
against the recomputed one)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from furusato.budget.plans import RoundSpec
from furusato.budget.rule import Ballot, RoundResult, tally_ballots, winners
from furusato.constants import ZERO_ADDRESS
from furusato.errors import BudgetRoundError
from furusato.governance import Proposal, call_action
from furusato.units import format_units

if TYPE_CHECKING:
    from web3 import Web3
    from web3.contract import Contract

PHASES = ("created", "voting", "counting", "finalized", "cancelled")
MODES = ("members", "token")


def deploy_args(spec: RoundSpec, *, owner: str, treasury: str, registry: str | None, votes: str) -> list[Any]:
    """Constructor arguments of ``BudgetRound`` for ``spec`` (owner: the timelock)."""
    if spec.voters == "members" and registry is None:
        raise BudgetRoundError(
            "voters: members needs the deployment's ResidentRegistry, and this deployment has none; "
            "use voters: token or deploy a registry"
        )
    config = (owner, treasury, spec.token, spec.budget, spec.voting_period, spec.max_approvals, spec.mode,
              registry or ZERO_ADDRESS, votes)  # fmt: skip
    return [config, [p.as_tuple() for p in spec.plans]]


def opening_proposal(treasury: Contract, round_contract: Contract, spec: RoundSpec, now: int) -> Proposal:
    """The proposal that opens the round: appropriate a line whose steward is the round, then ``open()``."""
    category = f"participatory budget: {spec.title}"[:120]
    expires = now + spec.line_expires
    return Proposal(
        (
            call_action(treasury, "appropriate", category, round_contract.address, spec.token, spec.budget, expires),
            call_action(round_contract, "open"),
        ),
        f"{spec.description()}\n\nround: {round_contract.address}",
    )


def treasury_balance(w3: Web3, treasury: Contract, token: str, erc20: Contract | None) -> int:
    if token == ZERO_ADDRESS:
        return int(w3.eth.get_balance(treasury.address))
    assert erc20 is not None
    return int(erc20.functions.balanceOf(treasury.address).call())


def committed(treasury: Contract, token: str) -> int:
    """What the treasury's live budget lines of ``token`` may still spend (appropriated, not yet spent)."""
    total = 0
    count = int(treasury.functions.budgetLineCount().call())
    for line_id in range(1, count + 1):
        line = treasury.functions.budgetLine(line_id).call()
        if str(line[2]).lower() == token.lower():
            total += int(treasury.functions.remaining(line_id).call())
    return total


def check_budget(spec: RoundSpec, balance: int, already_committed: int, min_period: int) -> None:
    """Refuse a round the treasury cannot pay, or whose line would expire before the vote can end."""
    unit = spec.token_label
    if balance - already_committed < spec.budget:
        raise BudgetRoundError(
            f"the treasury holds {format_units(balance)} {unit}, of which {format_units(already_committed)} is already "
            f"appropriated to live budget lines: {format_units(spec.budget)} more cannot be covered; lower the budget "
            "or fund the treasury first"
        )
    if spec.line_expires <= min_period:
        raise BudgetRoundError(
            f"line_expires ({spec.line_expires}s) must be longer than the proposal's way to execution plus the vote "
            f"({min_period}s): the line would expire before the round can be finalized"
        )


@dataclass(frozen=True)
class PlanStatus:
    index: int
    title: str
    recipient: str
    amount: int
    approvals: int


@dataclass(frozen=True)
class RoundStatus:
    """A round as its contract and its events show it."""

    address: str
    phase: str
    token: str
    budget: int
    mode: str
    max_approvals: int
    voting_period: int
    line_id: int
    snapshot: int
    vote_start: int
    vote_end: int
    ballots: int
    plans: tuple[PlanStatus, ...]
    chain_result: RoundResult  # previewWinners()
    recomputed: RoundResult  # from the events
    cast: tuple[Ballot, ...]

    @property
    def agrees(self) -> bool:
        return self.chain_result == self.recomputed


def ballots_of(round_contract: Contract, from_block: int) -> list[Ballot]:
    """Every ``BallotCast`` of the round, in order."""
    logs = round_contract.events.BallotCast().get_logs(from_block=from_block)
    return [Ballot(str(e["args"]["voter"]), int(e["args"]["choices"]), int(e["args"]["weight"])) for e in logs]


def read_round(round_contract: Contract, from_block: int) -> RoundStatus:
    """The round's status, its chain result and the result recomputed from its events."""
    f = round_contract.functions
    cfg = f.config().call()
    budget = int(cfg[3])
    n = int(f.planCount().call())
    tallies = [int(t) for t in f.tallies().call()]
    plans = []
    for i in range(n):
        title, _digest, recipient, amount = f.plan(i).call()
        plans.append(PlanStatus(i, str(title), str(recipient), int(amount), tallies[i]))
    mask, total = f.previewWinners().call()
    chain = RoundResult(tuple(i for i in range(n) if int(mask) >> i & 1), int(total), budget - int(total))
    cast = ballots_of(round_contract, from_block)
    recomputed = winners([p.amount for p in plans], tally_ballots(n, cast), budget)
    snapshot, start, end = f.window().call()
    return RoundStatus(
        address=str(round_contract.address), phase=PHASES[int(f.phase().call())], token=str(cfg[2]), budget=budget,
        mode=MODES[int(cfg[6])], max_approvals=int(cfg[5]), voting_period=int(cfg[4]), line_id=int(f.lineId().call()),
        snapshot=int(snapshot), vote_start=int(start), vote_end=int(end), ballots=int(f.ballotCount().call()),
        plans=tuple(plans), chain_result=chain, recomputed=recomputed, cast=tuple(cast),
    )  # fmt: skip


def check_finalize(status: RoundStatus) -> None:
    """Refuse to finalize unless the round is counting and the chain's result is the one recomputed from events."""
    if status.phase != "counting":
        raise BudgetRoundError(f"round {status.address} is {status.phase}: it can be finalized only after its vote")
    if not status.agrees:
        raise BudgetRoundError(
            f"round {status.address}: the contract would fund plans {_numbers(status.chain_result.winners)} "
            f"({format_units(status.chain_result.total)}) but its events give {_numbers(status.recomputed.winners)} "
            f"({format_units(status.recomputed.total)}); not finalizing — check the node and the round's events"
        )


def _numbers(ids: tuple[int, ...]) -> str:
    return ", ".join(f"#{i + 1}" for i in ids) or "none"


def parse_plan_numbers(text: str, plan_count: int, max_approvals: int) -> int:
    """``"1,3"`` (plan numbers as shown, from 1) to a ballot bitmask; the error says what is wrong."""
    numbers: list[int] = []
    for part in text.replace(" ", "").split(","):
        if not part.isdigit() or not 1 <= int(part) <= plan_count:
            raise BudgetRoundError(f"--plans {text!r}: {part!r} is not a plan number from 1 to {plan_count}")
        if int(part) in numbers:
            raise BudgetRoundError(f"--plans {text!r}: plan {part} is named twice")
        numbers.append(int(part))
    if len(numbers) > max_approvals:
        raise BudgetRoundError(f"--plans {text!r}: a ballot approves at most {max_approvals} plans in this round")
    mask = 0
    for n in numbers:
        mask |= 1 << (n - 1)
    return mask
