"""The end-to-end demo on a development chain: deploy, fund, propose a treasury payment, vote, queue, execute."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract

from furusato import eip712
from furusato.artifacts import Artifacts, error_selectors
from furusato.ballots import export_ballot
from furusato.chain import ErrorDecoder, Log, Sender, advance_time, send_eth
from furusato.config import load_config
from furusato.deploy import deploy_dao
from furusato.governance import Governance, Proposal, ProposalState, Support, call_action
from furusato.proposals.dao import load_dao
from furusato.records import DeploymentRecord
from furusato.relayer.service import Relayer, RelayerSettings
from furusato.report import table, units
from furusato.rewards.onchain import load_plan_folder
from furusato.rewards.pipeline import run_epoch

ETH = "0x0000000000000000000000000000000000000000"
TREASURY_FUNDING = 10 * 10**18
PAYMENT = 2 * 10**18
DESCRIPTION = (
    "# 古民家再生プロジェクトへの支援 / Support for the old-house renovation project\n\n"
    "空き家になった古民家を交流拠点に改修する地域プロジェクトへ、トレジャリーから 2 ETH を支払います。\n"
    "Pay 2 ETH from the treasury to the local project turning an empty farmhouse into a community space."
)


@dataclass(frozen=True)
class DemoActors:
    """Who plays which part (development accounts)."""

    deployer: Sender
    members: tuple[Sender, ...]  # five members with genesis tokens; members[0] proposes
    project: str  # the local project that receives the payment
    coordinator: Sender  # the town's reward coordinator (COORDINATOR_ROLE in the `local` preset)
    wallet_voter: LocalAccount  # members[-1]'s key: votes by signing a ballot in a wallet, never pays gas
    relayer: Sender  # the town's relayer account that pays for signed ballots


@dataclass(frozen=True)
class DemoResult:
    """What the demo ends with."""

    record: DeploymentRecord
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
    summary: str


def run_demo(w3: Web3, actors: DemoActors, root: Path, network: str = "development", log: Log = print) -> DemoResult:
    """Run the whole demo; every step is a real transaction on the development chain."""
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
        records_dir=root / "deployments",
        log=log,
    )

    def at(name: str) -> Contract:
        return w3.eth.contract(address=record.address(name), abi=artifacts.get(name).abi)

    token, governor, treasury = at("RegionToken"), at("RegionGovernor"), at("Treasury")
    gov = Governance(w3, governor)

    log("== 2. activity rewards: the month's log becomes tokens in members' wallets")
    out = root / "build" / "demo" / "rewards-2026-12"
    if out.parent.exists():
        shutil.rmtree(out.parent)  # the demo's own scratch folder: a fresh chain needs a fresh plan and relayer log
    rewards = at("ActivityRewards")
    decoder = ErrorDecoder(error_selectors([artifacts.get("ActivityRewards").abi]))

    def pass_window(payable_at: int) -> bool:
        advance_time(w3, payable_at - int(w3.eth.get_block("latest")["timestamp"]) + 1)
        log("  (challenge window passed: nobody voided the root)")
        return True

    result = run_epoch(
        w3, actors.coordinator, rewards, decoder,
        log_path=root / "examples" / "activity-2026-12.csv", policy_path=root / "examples" / "rewards-policy.yaml",
        epoch="2026-12", out_dir=out, network=network, wait_window=pass_window, log=log,
    )  # fmt: skip
    assert result is not None
    folder = load_plan_folder(out)
    for index in range(folder.leaf_count):
        _i, account, amount = folder.leaf(index)
        log(
            f"  {account} earned {units(amount):>8} tokens; votes now {units(token.functions.getVotes(account).call())}"
        )

    log("== 3. fund the treasury")
    send_eth(w3, actors.deployer, treasury.address, TREASURY_FUNDING, label="fund treasury")
    log(f"  treasury holds {units(w3.eth.get_balance(treasury.address))} ETH")

    log("== 4. a member proposes a treasury payment to a local project")
    proposal = Proposal(
        actions=(call_action(treasury, "pay", ETH, actors.project, PAYMENT, "古民家再生 / farmhouse renovation"),),
        description=DESCRIPTION,
    )
    proposer = actors.members[0]
    gov.propose(proposer, proposal)
    pid = proposal.proposal_id
    log(f"  proposal {pid:#x}: {gov.state(pid).name}")

    log("== 5. voting opens; members vote from their wallets (no delegate transaction was needed)")
    advance_time(w3, int(governor.functions.votingDelay().call()) + 1)
    choices = (Support.For, Support.For, Support.Against, Support.Abstain)
    for member, support in zip(actors.members[:-1], choices, strict=True):
        gov.cast_vote(member, pid, support)
        weight = token.functions.getVotes(member.address).call()
        log(f"  {member.address} voted {support.name:<7} with {units(weight)} votes")
    # The last member signs the EIP-712 ballot in a wallet; the town's relayer checks it and pays the gas.
    dao = load_dao(w3, record, artifacts)
    ballot = export_ballot(dao, pid, Support.For, actors.wallet_voter.address)
    _v, _r, _s, signature = eip712.sign(actors.wallet_voter, ballot)
    relayer = Relayer(dao, actors.relayer, RelayerSettings(log_path=out.parent / "relayer.jsonl"), log=lambda _l: None)
    relayed = relayer.submit({"typedData": ballot, "signature": "0x" + signature.hex()})
    relayer.wait(relayed["tx"])
    weight = token.functions.getVotes(actors.wallet_voter.address).call()
    log(f"  {actors.wallet_voter.address} signed a For ballot with {units(weight)} votes; relayed in {relayed['tx']}")

    log("== 6. voting ends, the proposal is queued in the timelock and executed after the delay")
    advance_time(w3, gov.deadline(pid) - int(w3.eth.get_block("latest")["timestamp"]) + 1)
    log(f"  state after voting: {gov.state(pid).name}")
    gov.queue(proposer, proposal)
    timelock = at("TimelockController")
    advance_time(w3, int(timelock.functions.getMinDelay().call()) + 1)
    before = w3.eth.get_balance(Web3.to_checksum_address(actors.project))
    gov.execute(proposer, proposal)
    after = w3.eth.get_balance(Web3.to_checksum_address(actors.project))

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
                    ("rewards minted", f"{units(result.state.minted)} tokens to {folder.leaf_count} members"),
                    ("proposal", f"{pid:#x}"[:18] + "…"),
                    ("state", state.name),
                    ("votes for", units(tally.for_)),
                    ("votes against", units(tally.against)),
                    ("votes abstain", units(tally.abstain)),
                    (
                        "quorum needed",
                        f"{units(quorum)} ({governor.functions.quorumNumerator().call()}% of voting supply)",
                    ),
                    ("treasury balance", f"{units(treasury_balance)} ETH"),
                    ("project balance", f"{units(before)} ETH -> {units(after)} ETH"),
                    ("RegionToken", record.address("RegionToken")),
                    ("RegionGovernor", record.address("RegionGovernor")),
                    ("TimelockController", record.address("TimelockController")),
                    ("Treasury", record.address("Treasury")),
                    ("ActivityRewards", record.address("ActivityRewards")),
                ]
            ),
            "===================================================================",
        ]
    )
    log(summary)
    return DemoResult(
        record=record,
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
        summary=summary,
    )
