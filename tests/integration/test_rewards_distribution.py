"""The rewards driver on chain: publish, challenge window, push in batches, claims, idempotence and refusals."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from brownie import web3
from helpers import w3c

from furusato.abi import error_selectors
from furusato.chain import UnlockedSender, advance_time
from furusato.errors import ChainError, InputError
from furusato.reverts import ErrorDecoder
from furusato.rewards import plan
from furusato.rewards.onchain import RewardsDesk, claim, distribute, epoch_state, load_plan_folder, publish
from furusato.rewards.pipeline import plan_or_reuse
from furusato.units import format_units

pytestmark = pytest.mark.usefixtures("epochs_started")  # reward epochs are months that have started

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
QUIET = lambda _line: None  # noqa: E731


@pytest.fixture
def folder(tmp_path):
    plan(EXAMPLES / "activity-2026-12.csv", EXAMPLES / "rewards-policy.yaml", "2026-12", tmp_path / "plan")
    return load_plan_folder(tmp_path / "plan")


@pytest.fixture
def desk(rewards, coordinator):
    """The coordinator's desk the driver calls share (quiet)."""
    decoder = ErrorDecoder(error_selectors([rewards.abi]))
    return RewardsDesk(web3, UnlockedSender(coordinator.address), w3c(rewards), "development", decoder, QUIET)


def pass_window(rewards, epoch):
    payable_at = epoch_state(w3c(rewards), epoch).payable_at
    advance_time(web3, payable_at - web3.eth.get_block("latest")["timestamp"] + 1)


def journal(folder):
    return [json.loads(line) for line in (folder.path / "transactions.jsonl").read_text().splitlines()]


def test_plan_publish_distribute_pays_every_member_exactly(rewards, token, folder, desk):
    before = {folder.leaf(i)[1]: token.balanceOf(folder.leaf(i)[1]) for i in range(folder.leaf_count)}
    lines: list[str] = []
    publish(replace(desk, log=lines.append), folder)
    assert f"total {format_units(folder.total)} tokens" in lines[0]  # token units with separators
    assert "," in format_units(folder.total)
    with pytest.raises(ChainError, match="challenge window until"):
        distribute(desk, folder)
    pass_window(rewards, folder.epoch)

    result = distribute(replace(desk, log=lines.append), folder, batch_size=2)

    assert f"minted {format_units(folder.total)} tokens" in lines[-1]
    assert (result.batches_sent, result.paid, result.skipped) == (3, folder.leaf_count, 0)
    for i in range(folder.leaf_count):
        _index, account, amount = folder.leaf(i)
        assert token.balanceOf(account) == before[account] + amount
        assert token.getVotes(account) == token.balanceOf(account)  # vote-ready, no delegate transaction
    state = epoch_state(w3c(rewards), folder.epoch)
    assert state.minted == folder.total == result.amount
    assert state.cursor == state.leaf_count == folder.leaf_count
    actions = [entry["action"] for entry in journal(folder)]
    assert actions == ["publish", "distribute", "distribute", "distribute"]
    assert all(web3.eth.get_transaction_receipt(e["tx"])["status"] == 1 for e in journal(folder))


def test_running_again_pays_nothing_and_sends_nothing(rewards, token, folder, desk):
    publish(desk, folder)
    pass_window(rewards, folder.epoch)
    distribute(desk, folder)
    nonce = web3.eth.get_transaction_count(desk.sender.address)
    supply = token.totalSupply()

    publish(desk, folder)
    again = distribute(desk, folder)

    assert (again.batches_sent, again.paid) == (0, 0)
    assert web3.eth.get_transaction_count(desk.sender.address) == nonce
    assert token.totalSupply() == supply


def test_claims_before_the_push_are_skipped_and_nothing_is_paid_twice(rewards, token, folder, desk, outsider, members):
    publish(desk, folder)
    pass_window(rewards, folder.epoch)
    _i, claimed_member, claimed_amount = folder.leaf(2)
    balance = token.balanceOf(claimed_member)
    receipt = claim(replace(desk, sender=UnlockedSender(outsider.address)), folder, claimed_member)
    assert receipt is not None
    assert token.balanceOf(claimed_member) == balance + claimed_amount  # paid to the member, sent by an outsider
    assert token.balanceOf(outsider) == 0

    result = distribute(desk, folder)

    assert (result.paid, result.skipped) == (folder.leaf_count - 1, 1)
    assert token.balanceOf(claimed_member) == balance + claimed_amount
    assert epoch_state(w3c(rewards), folder.epoch).minted == folder.total
    assert claim(replace(desk, sender=UnlockedSender(outsider.address)), folder, claimed_member) is None


def test_claim_for_someone_without_a_reward_is_named(rewards, folder, desk, outsider):
    with pytest.raises(InputError, match="has no reward in epoch 202612"):
        claim(replace(desk, sender=UnlockedSender(outsider.address)), folder, outsider.address)


def test_a_different_root_for_a_live_epoch_is_refused(rewards, folder, desk, tmp_path):
    publish(desk, folder)
    policy = tmp_path / "policy.yaml"
    policy.write_text((EXAMPLES / "rewards-policy.yaml").read_text(encoding="utf-8").replace("rate: 100", "rate: 90"))
    plan(EXAMPLES / "activity-2026-12.csv", policy, "2026-12", tmp_path / "other")
    other = load_plan_folder(tmp_path / "other")
    assert other.root != folder.root
    with pytest.raises(ChainError, match="already has another root"):
        publish(desk, other)
    pass_window(rewards, folder.epoch)
    with pytest.raises(ChainError, match="root on chain is"):
        distribute(desk, other)


def test_a_plan_over_the_approved_budget_is_refused_before_sending(rewards, desk, tmp_path):
    members = [web3.to_checksum_address(web3.keccak(text=f"m{i}")[:20]) for i in range(16)]
    rows = "".join(f"{m},草刈り,8,2026/12/0{day},x\n" for m in members for day in (2, 3))  # 1,600 tokens each
    log = tmp_path / "log.csv"
    log.write_text("member,activity,quantity,date,note\n" + rows)
    policy = tmp_path / "policy.yaml"
    text = (EXAMPLES / "rewards-policy.yaml").read_text(encoding="utf-8")
    policy.write_text(text.replace("epoch_budget: 20000", "epoch_budget: 30000"))
    plan(log, policy, "2026-12", tmp_path / "big")
    folder = load_plan_folder(tmp_path / "big")
    assert folder.total > rewards.budgetOf(folder.epoch)
    nonce = web3.eth.get_transaction_count(desk.sender.address)
    with pytest.raises(InputError, match="more than epoch 202612's approved budget") as info:
        publish(desk, folder)
    assert f"pays {format_units(folder.total)} tokens" in str(info.value)  # token units with separators
    assert "budget of 20,000;" in str(info.value)
    assert web3.eth.get_transaction_count(desk.sender.address) == nonce


def test_only_a_coordinator_may_publish_or_push(rewards, folder, desk, outsider):
    with pytest.raises(ChainError, match="is not a coordinator"):
        publish(replace(desk, sender=UnlockedSender(outsider.address)), folder)
    publish(desk, folder)
    pass_window(rewards, folder.epoch)
    with pytest.raises(ChainError, match="is not a coordinator"):
        distribute(replace(desk, sender=UnlockedSender(outsider.address)), folder)


def test_a_voided_root_cannot_be_paid(rewards, folder, desk, guardian):
    publish(desk, folder)
    rewards.voidEpoch(folder.epoch, {"from": guardian})
    pass_window(rewards, folder.epoch)
    with pytest.raises(ChainError, match="has no live root"):
        distribute(desk, folder)


def test_a_damaged_plan_folder_is_named(folder, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(folder.path, broken)
    data = json.loads((broken / "plan.json").read_text())
    data["total"] = str(int(data["total"]) + 1)
    (broken / "plan.json").write_text(json.dumps(data))
    with pytest.raises(Exception, match="do not add up"):
        load_plan_folder(broken)
    with pytest.raises(Exception, match="is not a reward plan folder"):
        load_plan_folder(tmp_path / "nothing")


def test_a_changed_log_is_not_planned_over_a_published_epoch(folder, tmp_path):
    log = tmp_path / "log.csv"
    shutil.copy(EXAMPLES / "activity-2026-12.csv", log)
    out = tmp_path / "scheduled"
    policy = EXAMPLES / "rewards-policy.yaml"
    first = plan_or_reuse(log, policy, "2026-12", out, lambda _l: None)
    assert plan_or_reuse(log, policy, "2026-12", out, lambda _l: None).root == first.root
    log.write_text(log.read_text(encoding="utf-8").replace(",3,2026/12/01", ",4,2026/12/01", 1), encoding="utf-8")
    with pytest.raises(InputError, match="planned from another version"):
        plan_or_reuse(log, policy, "2026-12", out, lambda _l: None)


def test_members_only_rewards_refuse_non_members_before_publishing(dao, rewards, folder, desk, timelock):
    """The local preset's token is not restricted; once governance makes rewards members-only, a plan paying
    anyone who is not registered is refused up front, naming them; registered, it is published."""
    from brownie import ResidentRegistry, accounts

    registry = ResidentRegistry.at(dao.record.address("ResidentRegistry"))
    rewards.setMemberRegistry(registry, {"from": accounts.at(timelock.address, force=True)})
    recipients = [folder.leaf(i)[1] for i in range(folder.leaf_count)]
    staff = accounts[8]  # the local preset's registrar
    registry.register(recipients[0], 0, b"\x00" * 32, {"from": staff})
    nonce = web3.eth.get_transaction_count(desk.sender.address)
    with pytest.raises(InputError, match=f"ActivityRewards pays members only, and {len(recipients) - 1} recipient"):
        publish(desk, folder)
    assert web3.eth.get_transaction_count(desk.sender.address) == nonce
    registry.registerBatch(recipients[1:], [0] * (len(recipients) - 1), [b"\x00" * 32] * (len(recipients) - 1),
                           {"from": staff})  # fmt: skip
    assert publish(desk, folder).published
    pass_window(rewards, folder.epoch)
    result = distribute(desk, folder)
    assert (result.paid, result.withheld) == (folder.leaf_count, ())
