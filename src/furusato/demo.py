"""The end-to-end demo on a development chain: deploy, register members (ふるさと住民登録), pay activity rewards,
fund the treasury, propose a treasury payment and a token sale (資金調達), vote (one member by a relayed signed
ballot), queue, execute, run the sale to its end."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from eth_account.signers.local import LocalAccount
from web3 import Web3

from furusato import eip712
from furusato.artifacts import Artifacts
from furusato.ballots import export_ballot
from furusato.budget.scenario import run_demo_round
from furusato.chain import Log, Sender, advance_time, send_eth, transact
from furusato.config import load_config
from furusato.constants import ETH, MEMBER_KINDS
from furusato.deploy import deploy_dao
from furusato.governance import Proposal, ProposalState, Support, call_action
from furusato.membership.registry_import import import_members, read_member_list, registry_stats
from furusato.membership.sale import buy, deploy_sale, load_terms, start_proposal
from furusato.records import DeploymentRecord
from furusato.relayer import Relayer, RelayerSettings
from furusato.rewards.onchain import RewardsDesk, advance_to_epoch, load_plan_folder
from furusato.rewards.pipeline import run_epoch
from furusato.session import session_over
from furusato.texttable import table
from furusato.transparency.build import ReportOptions, write_report
from furusato.units import format_units

TREASURY_FUNDING = 10 * 10**18
PAYMENT = 2 * 10**18
DESCRIPTION = (
    "# 古民家再生プロジェクトへの支援 / Support for the old-house renovation project\n\n"
    "空き家になった古民家を交流拠点に改修する地域プロジェクトへ、トレジャリーから 2 ETH を支払います。\n"
    "Pay 2 ETH from the treasury to the local project turning an empty farmhouse into a community space.\n\n"
    "あわせて、登録メンバー向けのトークン販売(資金調達)を開始します。\n"
    "It also starts a token sale to registered members (fundraising)."
)
PURCHASES = (2_000, 1_500)  # whole tokens bought by members[1] and members[2]: 3,500 >= the example goal of 3,000


@dataclass(frozen=True)
class DemoActors:
    """Who plays which part (development accounts)."""

    deployer: Sender
    members: tuple[Sender, ...]  # five members with genesis tokens; members[0] proposes
    project: str  # the local project that receives the payment
    coordinator: Sender  # the town's reward coordinator (COORDINATOR_ROLE in the `local` preset)
    registrar: Sender  # town staff who register members (REGISTRAR_ROLE in the `local` preset)
    wallet_voter: LocalAccount  # members[-1]'s key: votes by signing a ballot in a wallet, never pays gas
    relayer: Sender  # the town's relayer account that pays for signed ballots

    @classmethod
    def development(cls, addresses: list[str]) -> DemoActors:
        """The parts played by Anvil's development accounts (``addresses`` in order): #0 deploys, #1–#5 are
        members (#5 votes by a signed ballot with its key from the public test mnemonic), #6 is the project, #7 the
        relayer, #8 the `local` preset's coordinator and town staff. Development chains only."""
        from eth_account import Account

        from furusato.accounts import PUBLIC_TEST_MNEMONIC
        from furusato.chain import UnlockedSender

        Account.enable_unaudited_hdwallet_features()
        at = [UnlockedSender(Web3.to_checksum_address(a)) for a in addresses]
        return cls(
            deployer=at[0],
            members=tuple(at[1:6]),
            project=at[6].address,
            coordinator=at[8],
            registrar=at[8],
            wallet_voter=Account.from_mnemonic(PUBLIC_TEST_MNEMONIC, account_path="m/44'/60'/0'/0/5"),
            relayer=at[7],
        )


@dataclass(frozen=True)
class DemoResult:
    """What the demo ends with."""

    record: DeploymentRecord
    members_registered: int
    rewards_minted: int
    proposal_id: int
    state: ProposalState
    votes_for: int
    votes_against: int
    votes_abstain: int
    quorum: int
    treasury_balance: int
    project_balance_before: int
    project_balance_after: int
    sale: str
    sale_raised: int
    sale_tokens_delivered: int
    budget_paid: int
    summary: str
    report: Path


def run_demo(
    w3: Web3,
    actors: DemoActors,
    root: Path,
    network: str = "development",
    log: Log = print,
    *,
    records_dir: Path | None = None,
    work: Path | None = None,
) -> DemoResult:
    """Run the whole demo; every step is a real transaction on the development chain. The deployment record goes
    to ``records_dir`` (default ``deployments/``), scratch files (reward plan, relayer log) to ``work`` (default
    ``build/demo``, emptied first; the transparency report then goes to ``work/report``, else ``reports/demo``)."""
    artifacts = Artifacts(root)
    config = load_config(preset="local")
    log("== 1. deploy the governance core (preset: local)")
    record = deploy_dao(
        w3,
        actors.deployer,
        config,
        artifacts,
        network=network,
        development=True,
        records_dir=records_dir or root / "deployments",
        log=log,
    )

    session = session_over(w3, record, root, development=True, artifacts=artifacts)
    dao = session.dao
    token, governor, treasury, timelock = dao.token, dao.governor, dao.treasury, dao.timelock
    gov = dao.governance

    log("== 2. ふるさと住民登録: town staff register members from their spreadsheet")
    registry = session.registry()
    members_csv = root / "examples" / "members" / "members-2027.csv"
    import_members(w3, actors.registrar, registry, read_member_list(members_csv), decoder=dao.decoder, log=log)
    counts = registry_stats(registry)
    log("  cards: " + ", ".join(f"{kind} {counts[kind]}" for kind in MEMBER_KINDS) + f"; {counts['total']} members")

    log("== 3. activity rewards: the month's log becomes tokens in members' wallets")
    out = (work or root / "build" / "demo") / "rewards-2026-12"
    if out.parent.exists():
        shutil.rmtree(out.parent)  # the demo's own scratch folder: a fresh chain needs a fresh plan and relayer log
    rewards = session.rewards()

    def pass_window(payable_at: int) -> bool:
        advance_time(w3, payable_at - int(w3.eth.get_block("latest")["timestamp"]) + 1)
        log("  (challenge window passed: nobody voided the root)")
        return True

    advance_to_epoch(w3, rewards, 202612)  # a development chain: the month must have started to publish it
    result = run_epoch(
        RewardsDesk(w3, actors.coordinator, rewards, network, dao.decoder, log),
        log_path=root / "examples" / "activity-2026-12.csv", policy_path=root / "examples" / "rewards-policy.yaml",
        epoch="2026-12", out_dir=out, wait_window=pass_window,
    )  # fmt: skip
    assert result is not None
    folder = load_plan_folder(out)
    for index in range(folder.leaf_count):
        _i, account, amount = folder.leaf(index)
        log(
            f"  {account} earned {format_units(amount):>8} tokens; "
            f"votes now {format_units(token.functions.getVotes(account).call())}"
        )

    log("== 4. fund the treasury")
    send_eth(w3, actors.deployer, treasury.address, TREASURY_FUNDING, label="fund treasury")
    log(f"  treasury holds {format_units(w3.eth.get_balance(treasury.address))} ETH")

    log("== 5. a member proposes a treasury payment to a local project and a token sale to registered members")
    proposer = actors.members[0]
    terms = load_terms(root / "examples" / "members" / "sale-terms.yaml", token=token.address,
                       treasury=treasury.address, registry=registry.address, now=dao.now())  # fmt: skip
    sale_address, _ = deploy_sale(dao, proposer, artifacts, terms)
    sale = session.contract("TokenSale", sale_address)
    log(
        f"  TokenSale deployed at {sale_address}: {format_units(terms.price)} ETH per token, "
        f"goal {format_units(terms.goal)}"
    )
    starting = start_proposal(token, sale_address, terms.description)
    proposal = Proposal(
        actions=(
            call_action(treasury, "pay", ETH, actors.project, PAYMENT, "古民家再生 / farmhouse renovation"),
            *starting.actions,
        ),
        description=DESCRIPTION,
    ).bound_to(proposer.address)
    gov.propose(proposer, proposal)
    pid = proposal.proposal_id
    log(f"  proposal {pid:#x}: {gov.state(pid).name}")

    log("== 6. voting opens; members vote from their wallets (no delegate transaction was needed)")
    advance_time(w3, int(governor.functions.votingDelay().call()) + 1)
    choices = (Support.For, Support.For, Support.Against, Support.Abstain)
    for member, support in zip(actors.members[:-1], choices, strict=True):
        gov.cast_vote(member, pid, support)
        weight = token.functions.getVotes(member.address).call()
        log(f"  {member.address} voted {support.name:<7} with {format_units(weight)} votes")
    # The last member signs the EIP-712 ballot in a wallet; the town's relayer checks it and pays the gas.
    ballot = export_ballot(dao, pid, Support.For, actors.wallet_voter.address)
    _v, _r, _s, signature = eip712.sign(actors.wallet_voter, ballot)
    relayer = Relayer(dao, actors.relayer, RelayerSettings(log_path=out.parent / "relayer.jsonl"), log=lambda _l: None)
    relayed = relayer.submit({"typedData": ballot, "signature": "0x" + signature.hex()})
    relayer.wait(relayed["tx"])
    weight = token.functions.getVotes(actors.wallet_voter.address).call()
    log(
        f"  {actors.wallet_voter.address} signed a For ballot with {format_units(weight)} votes; "
        f"relayed in {relayed['tx']}"
    )

    log("== 7. voting ends, the proposal is queued in the timelock and executed after the delay")
    advance_time(w3, gov.deadline(pid) - int(w3.eth.get_block("latest")["timestamp"]) + 1)
    log(f"  state after voting: {gov.state(pid).name}")
    gov.queue(proposer, proposal)
    advance_time(w3, int(timelock.functions.getMinDelay().call()) + 1)
    before = w3.eth.get_balance(Web3.to_checksum_address(actors.project))
    gov.execute(proposer, proposal)
    after = w3.eth.get_balance(Web3.to_checksum_address(actors.project))
    log(f"  {gov.state(pid).name}: {format_units(PAYMENT)} ETH paid to the project; the sale may now mint")

    log("== 8. 資金調達: registered members buy, the sale closes, proceeds go to the treasury, buyers claim")
    advance_time(w3, max(terms.opens_at - dao.now(), 0) + 1)
    buyers = actors.members[1 : 1 + len(PURCHASES)]
    for buyer, whole in zip(buyers, PURCHASES, strict=True):
        buy(dao, buyer, sale, whole * 10**18)
        log(f"  {buyer.address} bought {whole:,} tokens")
    advance_time(w3, terms.closes_at - dao.now() + 1)
    treasury_before_sale = w3.eth.get_balance(treasury.address)
    transact(w3, proposer, sale.functions.finalize(), label="finalize sale", decoder=dao.decoder)
    raised = w3.eth.get_balance(treasury.address) - treasury_before_sale
    delivered = 0
    for buyer in buyers:
        votes_before = token.functions.getVotes(buyer.address).call()
        transact(w3, buyer, sale.functions.claim(buyer.address), label="claim tokens", decoder=dao.decoder)
        gained = token.functions.getVotes(buyer.address).call() - votes_before
        delivered += gained
        log(f"  {buyer.address} claimed its tokens: votes +{format_units(gained)}")
    log(f"  goal met: {format_units(raised)} ETH went to the treasury")

    log("== 9. 参加型予算: members choose among 10 plans within a 5 ETH budget line (some ballots signed gaslessly)")
    budget_round = run_demo_round(
        dao, artifacts, funder=actors.deployer, registrar=actors.registrar, governors=actors.members[:4],
        relayer=actors.relayer, log=lambda line: log("  " + line),
    )  # fmt: skip
    winners = budget_round.status.recomputed.winners

    state = gov.state(pid)
    tally = gov.tally(pid)
    quorum = gov.quorum_at_snapshot(pid)
    treasury_balance = w3.eth.get_balance(treasury.address)
    summary = "\n".join(
        [
            "",
            "==================== furusato-dao demo: result ====================",
            table(
                [
                    (
                        "members registered",
                        f"{counts['total']} ({', '.join(f'{k} {counts[k]}' for k in MEMBER_KINDS)})",
                    ),
                    ("rewards minted", f"{format_units(result.state.minted)} tokens to {folder.leaf_count} members"),
                    ("proposal", f"{pid:#x}"[:18] + "…"),
                    ("state", state.name),
                    ("votes for", format_units(tally.for_)),
                    ("votes against", format_units(tally.against)),
                    ("votes abstain", format_units(tally.abstain)),
                    (
                        "quorum needed",
                        f"{format_units(quorum)} ({governor.functions.quorumNumerator().call()}% of voting supply)",
                    ),
                    ("treasury balance", f"{format_units(treasury_balance)} ETH"),
                    ("project balance", f"{format_units(before)} ETH -> {format_units(after)} ETH"),
                    (
                        "token sale",
                        f"{format_units(delivered)} tokens to {len(buyers)} members, {format_units(raised)} ETH raised",
                    ),
                    (
                        "budget round",
                        f"{len(winners)} of {len(budget_round.status.plans)} plans funded, "
                        f"{format_units(budget_round.status.recomputed.total)} ETH paid, "
                        f"{budget_round.status.ballots} ballots",
                    ),
                    ("RegionToken", record.address("RegionToken")),
                    ("RegionGovernor", record.address("RegionGovernor")),
                    ("TimelockController", record.address("TimelockController")),
                    ("Treasury", record.address("Treasury")),
                    ("ActivityRewards", record.address("ActivityRewards")),
                    ("ResidentRegistry", record.address("ResidentRegistry")),
                    ("TokenSale", sale_address),
                    ("BudgetRound", budget_round.round_address),
                ]
            ),
            "===================================================================",
        ]
    )
    log(summary)
    log("== 10. 関係人口の可視化: the transparency report, rebuilt from the chain's events and reconciled to the wei")
    scratch = work or root / "build" / "demo"
    report = write_report(
        w3, record, artifacts,
        ReportOptions(out=scratch / "report" if work else root / "reports" / "demo", plans=[out],
                      cache=scratch / "index.sqlite", log=lambda _l: None),
    )  # fmt: skip
    log(f"  transparency report: {report} (report.json, csv/, charts/ beside it)")
    return DemoResult(
        record=record,
        members_registered=counts["total"],
        rewards_minted=result.state.minted,
        proposal_id=pid,
        state=state,
        votes_for=tally.for_,
        votes_against=tally.against,
        votes_abstain=tally.abstain,
        quorum=quorum,
        treasury_balance=treasury_balance,
        project_balance_before=before,
        project_balance_after=after,
        sale=sale_address,
        sale_raised=raised,
        sale_tokens_delivered=delivered,
        budget_paid=budget_round.status.recomputed.total,
        summary=summary,
        report=report,
    )
