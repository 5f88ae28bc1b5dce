"""`furusato member show ADDRESS`: card, balance, votes now and at a proposal's snapshot, delegate, nonce, rewards of
plan folders — a read command on the local DAO (genesis: Anvil's accounts #1-#5)."""

from __future__ import annotations

from pathlib import Path

from brownie import accounts
from helpers import advance, proposal_of

from furusato.rewards import plan

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def test_member_show_reads_balance_votes_delegate_and_nonce(cli, dao):
    holder = accounts[1].address  # genesis 50,000 tokens, votes on receipt
    shown = cli("member", "show", holder)
    assert shown.exit_code == 0, shown.output
    out = shown.output
    assert f"{holder}: not a member" in out  # the local preset registers nobody at genesis
    assert "balance 50,000 tokens; votes now 50,000" in out
    assert "its balance votes through itself" in out
    assert "signature nonce 0" in out

    dao.token.delegate(accounts[3], {"from": accounts[2]})
    moved = cli("member", "show", accounts[2].address).output
    assert f"votes through {accounts[3].address}" in moved
    assert "votes now 0" in moved
    assert "votes now 50,000" in cli("member", "show", accounts[3].address.lower()).output  # 20,000 + 30,000


def test_member_show_at_a_proposal_snapshot_and_with_a_plan(cli, dao, tmp_path):
    p = proposal_of((dao.token, "transferRegistry"), description="member show snapshot")
    dao.governor.propose(p.targets, p.values, p.calldatas, p.description, {"from": accounts[1]})
    advance(int(dao.governor.votingDelay()) + 2)
    shown = cli("member", "show", accounts[1].address, "--proposal", "#1")
    assert shown.exit_code == 0, shown.output
    assert "votes at the proposal's snapshot (" in shown.output
    assert "): 50,000" in shown.output

    plan(EXAMPLES / "activity-2026-12.csv", EXAMPLES / "rewards-policy.yaml", "2026-12", tmp_path / "plan")
    with_plan = cli("member", "show", accounts[1].address, "--plan", str(tmp_path / "plan")).output
    assert "rewards epoch 202612" in with_plan
    assert "not published" in with_plan
    outsider = cli("member", "show", accounts[7].address, "--plan", str(tmp_path / "plan")).output
    assert "not in the plan" in outsider


def test_member_show_names_a_bad_address_and_an_unknown_proposal(cli):
    bad = cli("member", "show", "0x1234")
    assert bad.exit_code == 2
    assert "is not an address" in bad.output
    missing = cli("member", "show", accounts[1].address, "--proposal", "#99")
    assert missing.exit_code == 2
    assert "no proposal #99" in missing.output
    assert "Traceback" not in missing.output


def test_member_show_says_paid_withheld_and_claimable_with_dates(cli, withheld_rewards):
    """The same reading as the portal's my page (furusato.rewards.standing): paid, withheld, claimable, with dates."""
    w = withheld_rewards
    plans = ("--plan", str(w.plans / "2026-12"), "--plan", str(w.plans / "2027-01"))
    newcomer = cli("member", "show", w.newcomer.address, *plans)
    assert newcomer.exit_code == 0, newcomer.output
    assert "rewards epoch 202612" in newcomer.output
    claimable = "300 tokens, withheld (not a member at push time), claimable now: furusato rewards claim (20"
    assert claimable in newcomer.output
    assert "rewards epoch 202701" in newcomer.output
    assert "200 tokens, not published" in newcomer.output
    stranger = cli("member", "show", w.stranger.address, *plans).output
    assert "240 tokens, withheld (not a member at push time: claim once registered) (20" in stranger
    assert "not in the plan" in stranger  # 2027-01
    paid = cli("member", "show", w.paid, *plans).output
    assert "400 tokens, paid (20" in paid
    assert " JST)" in paid
