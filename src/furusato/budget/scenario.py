"""A whole budget round on a development chain — what `make demo` and the integration test run: 10 plans, 20
members, a 5 ETH line; propose → vote (some gasless, relayed) → finalize → payments. Development chains only (it
moves the clock)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from web3 import Web3

from furusato.budget import steps
from furusato.budget.plans import RoundSpec, parse_round_spec
from furusato.budget.round import RoundStatus
from furusato.budget.rule import mask_of
from furusato.chain import LocalKeySender, Sender, advance_time, send_eth, transact
from furusato.governance import Proposal
from furusato.proposals.steps import pass_on_development_chain

if TYPE_CHECKING:
    from furusato.artifacts import Artifacts
    from furusato.proposals.dao import Dao

TITLES = ("棚田の石積み修復", "錦鯉の里まつり", "空き家ゲストハウス", "雪かきボランティア保険", "子ども食堂",
          "闘牛場の屋根", "地域バス増便", "デジタル村民交流会", "防災無線の更新", "古民家カフェ")  # fmt: skip
AMOUNTS_MILLI = (1500, 800, 2000, 300, 600, 1200, 900, 400, 2500, 700)  # thousandths of an ETH
# 20 ballots (plan numbers from 0), fixed so the result is known: a tie, an oversize skip, a leftover.
BALLOTS = ((0, 2, 4), (0, 4), (2, 8), (0, 2), (4, 1), (8,), (0, 8, 9), (2, 4, 5), (5, 6), (0,),
           (8, 2), (4, 6, 7), (3,), (0, 5), (2,), (9, 1), (8, 0), (6,), (4, 2), (7, 3))  # fmt: skip
GASLESS = frozenset(range(12, 20))  # the last 8 sign; a relayer sends their ballots


def demo_spec(recipients: Sequence[str]) -> RoundSpec:
    """The demo round: 10 plans, a 5 ETH budget, approve up to 3, members vote for an hour."""
    plans = [{"title": t, "description": f"{t}: 詳細は役場の資料をご覧ください", "recipient": r,
              "amount": f"{a / 1000}"} for t, r, a in zip(TITLES, recipients, AMOUNTS_MILLI, strict=True)]  # fmt: skip
    data = {"title": "2027年度 参加型予算 (demo)", "token": "ETH", "budget": "5", "voters": "members",
            "max_approvals": 3, "voting_period": "1 hour", "line_expires": "30 days", "plans": plans}  # fmt: skip
    return parse_round_spec(data, "demo round")


def member_keys(n: int = 20) -> list[LocalAccount]:
    """Deterministic demo member keys (development only)."""
    return [Account.from_key(Web3.keccak(text=f"furusato-budget-demo-member-{i}")) for i in range(n)]


@dataclass
class RoundRun:
    """What the scenario did."""

    round_address: str
    proposal: Proposal
    status: RoundStatus
    gas: dict[str, list[int]] = field(default_factory=dict)
    paid: dict[str, int] = field(default_factory=dict)


def run_demo_round(
    dao: Dao,
    artifacts: Artifacts,
    *,
    funder: Sender,
    registrar: Sender,
    governors: Sequence[Sender],
    relayer: Sender,
    log: Callable[[str], None] = print,
) -> RoundRun:
    """Run the demo round end to end. ``funder`` pays the treasury 5 ETH and the direct voters' gas; ``registrar``
    registers the 20 members; ``governors`` (token holders) pass the opening proposal; ``relayer`` sends the signed
    ballots. Returns the round, its final status and the gas used per step."""
    w3 = dao.w3
    keys = member_keys()
    recipients = [Account.from_key(Web3.keccak(text=f"furusato-budget-demo-plan-{i}")).address for i in range(10)]
    spec = demo_spec(recipients)
    registry = dao.registry
    if registry is None:
        raise ValueError("the demo round needs a deployment with a ResidentRegistry")
    send_eth(w3, funder, dao.treasury.address, spec.budget, label="fund the treasury for the round")
    new = [k.address for k in keys if not registry.functions.isMember(k.address).call()]
    if new:
        fn = registry.functions.registerBatch(new, [0] * len(new), [b"\x00" * 32] * len(new))
        transact(w3, registrar, fn, label="register the round's members", decoder=dao.decoder)
    for i, k in enumerate(keys):
        if i not in GASLESS:
            send_eth(w3, funder, k.address, 10**16, label="gas for a member")
    advance_time(w3, 2)
    log(f"budget round: {len(spec.plans)} plans, budget 5 ETH, {len(keys)} members")
    address, proposal, _ = steps.create(dao, artifacts, governors[0], steps.prepare(dao, spec))
    log(f"  round {address} proposed ({proposal.proposal_id})")
    pass_on_development_chain(dao, proposal, governors, proposed=True)
    rnd = steps.round_at(dao, address)
    run = RoundRun(address, proposal, steps.status(dao, rnd), gas={"direct": [], "relayed": []})
    log(f"  opened by governance (line {run.status.line_id}); voting for {spec.voting_period}s")
    for i, (k, plans) in enumerate(zip(keys, BALLOTS, strict=True)):
        choices = mask_of(plans)
        if i in GASLESS:
            typed = steps.ballot_typed_data(dao, rnd, k.address, choices)
            signature = bytes(k.sign_message(encode_typed_data(full_message=typed)).signature)
            run.gas["relayed"].append(int(steps.relay(dao, rnd, relayer, typed, signature)["gasUsed"]))
        else:
            run.gas["direct"].append(int(steps.vote(dao, rnd, LocalKeySender(k), choices)["gasUsed"]))
    log(f"  {len(run.gas['direct'])} ballots from wallets, {len(run.gas['relayed'])} signed and relayed")
    st = steps.status(dao, rnd)
    advance_time(w3, st.vote_end - dao.now() + 1)
    before = {r: int(w3.eth.get_balance(Web3.to_checksum_address(r))) for r in recipients}
    st, receipt = steps.finalize(dao, rnd, relayer)
    run.gas["finalize"] = [int(receipt["gasUsed"])]
    run.status = steps.status(dao, rnd)
    run.paid = {r: int(w3.eth.get_balance(Web3.to_checksum_address(r))) - before[r] for r in recipients}
    for i in run.status.recomputed.winners:
        p = run.status.plans[i]
        log(f"  funded #{i + 1} {p.title} ({p.approvals} approvals): {p.amount / 10**18:g} ETH")
    log(f"  paid {run.status.recomputed.total / 10**18:g} ETH, {run.status.recomputed.leftover / 10**18:g} ETH unspent")
    return run
