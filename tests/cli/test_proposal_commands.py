"""The `furusato proposal …` / `furusato delegate` commands against the `dao` fixture (specs built by the core are
tested in tests/integration/test_proposals.py).

The commands run in-process through click's runner on the test chain (connect/disconnect are pointed at the
test's own connection, so the network Brownie started is not torn down).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from brownie import MockERC20, chain
from helpers import advance

from furusato.constants import ROLE_MINTER as MINTER_ROLE
from furusato.errors import ChainError
from furusato.governance import ProposalState
from furusato.proposals import find_proposal, format_status, read_status, require_step

ETH = "0x0000000000000000000000000000000000000000"
TOKEN = 10**18
JST = dt.timezone(dt.timedelta(hours=9), "JST")


# ------------------------------------------------------------------------------------------------ fixtures


@pytest.fixture
def write_spec(tmp_path: Path) -> Any:
    def write(data: dict[str, Any], name: str = "spec.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return path

    return write


def spec(*actions: dict[str, Any], title: str = "テスト提案", body: str = "本文 / body") -> dict[str, Any]:
    return {"title": title, "description": body, "actions": list(actions)}


def pid_of(result: Any) -> str:
    match = re.search(r"proposed (\d+)", result.output)
    assert match, result.output
    return match.group(1)


def to_voting(governor: Any) -> None:
    advance(governor.votingDelay() + 1)


def past_deadline(governor: Any, pid: str) -> None:
    advance(governor.proposalDeadline(int(pid)) - chain.time() + 1)


def jst(ts: int) -> str:
    return dt.datetime.fromtimestamp(ts, JST).strftime("%Y-%m-%d %H:%M:%S JST")


# ------------------------------------------------------------------------------------------------ every action kind


def test_every_action_kind_executes_through_the_cli(
    cli, write_spec, funded_treasury, token, governor, timelock, treasury, rewards, deployer, project, outsider,
    steward, alice, bob, carol, pdao,
):  # fmt: skip
    usd = MockERC20.deploy("Yen Coin", "JPYC", {"from": deployer})
    usd.mint(treasury, 500 * TOKEN, {"from": deployer})
    expires = (dt.datetime.now(JST) + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%S")
    path = write_spec(spec(
        {"kind": "pay", "token": "ETH", "to": project.address, "amount": "1.5", "memo": "草刈り機"},
        {"kind": "pay", "token": usd.address, "to": project.address, "amount": "100"},
        {"kind": "appropriate", "category": "秋祭り", "steward": steward.address, "token": "ETH", "amount": "2",
         "expires": expires},
        {"kind": "grant_minter", "account": outsider.address},
        {"kind": "governor_setting", "setting": "voting_period", "value": "1 hour"},  # bounded: 1 h - 90 days
        {"kind": "set_guardian", "address": carol.address},
        {"kind": "call", "target": "rewards", "function": "setMemberCap", "args": [str(3000 * TOKEN)]},
        {"kind": "call", "target": usd.address, "abi": "MockERC20", "function": "mint(address,uint256)",
         "args": [outsider.address, str(5 * TOKEN)]},
    ))  # fmt: skip
    created = cli("proposal", "create", str(path), dev=1)
    assert created.exit_code == 0, created.output
    out = created.output
    assert "Treasury pays 1.5 ETH to" in out
    assert "Treasury pays 100 JPYC to" in out
    assert "appropriates 2 ETH for '秋祭り'" in out
    assert "grant MINTER_ROLE" in out
    assert "warning" not in out
    pid = pid_of(created)
    shown = cli("proposal", "show", pid)
    assert "Pending" in shown.output
    assert "voting starts" in shown.output
    assert "quorum: 0.0% of 4% needed" in shown.output

    to_voting(governor)
    assert cli("proposal", "vote", pid, "--support", "for", dev=1).exit_code == 0
    assert cli("proposal", "vote", pid, "--support", "against", "--reason", "高すぎる", dev=3).exit_code == 0
    listed = cli("proposal", "list").output
    assert "Active" in listed
    assert "quorum: 43.5% of 4% needed (reached)" in listed
    assert "voting ends" in listed

    past_deadline(governor, pid)
    assert "succeeded but not queued: run queue" in cli("proposal", "list").output
    queued = cli("proposal", "queue", pid, dev=2)
    assert queued.exit_code == 0, queued.output
    assert "timelock ready at" in queued.output
    advance(timelock.getMinDelay() + 1)
    before = project.balance()
    executed = cli("proposal", "execute", pid, dev=2)
    assert executed.exit_code == 0, executed.output
    assert "Executed" in cli("proposal", "show", pid).output

    assert project.balance() - before == 3 * TOKEN // 2
    assert usd.balanceOf(project) == 100 * TOKEN
    assert usd.balanceOf(outsider) == 5 * TOKEN
    line = treasury.budgetLine(1)
    assert (line[0], line[1], line[3]) == ("秋祭り", steward.address, 2 * TOKEN)
    assert token.hasRole(MINTER_ROLE, outsider)
    assert governor.votingPeriod() == 3600
    assert governor.proposalGuardian() == carol.address
    assert rewards.memberCap() == 3000 * TOKEN

    # A second proposal: the action kinds that need the first one's effects.
    second = write_spec(spec(
        {"kind": "cancel_budget_line", "line": 1},
        {"kind": "revoke_minter", "account": outsider.address},
        {"kind": "governor_setting", "setting": "quorum_percent", "value": 5},
        {"kind": "governor_setting", "setting": "proposal_threshold", "value": "200"},
        {"kind": "governor_setting", "setting": "voting_delay", "value": "2 minutes"},
        {"kind": "governor_setting", "setting": "late_quorum_extension", "value": "3 minutes"},
        {"kind": "set_guardian", "address": "none"},
        title="後片付け",
    ), "second.yaml")  # fmt: skip
    created = cli("proposal", "create", str(second), dev=1)
    assert created.exit_code == 0, created.output
    pid2 = pid_of(created)
    to_voting(governor)
    assert cli("proposal", "vote", pid2, "--support", "for", dev=1).exit_code == 0
    past_deadline(governor, pid2)
    assert cli("proposal", "queue", pid2, dev=1).exit_code == 0
    advance(timelock.getMinDelay() + 1)
    assert cli("proposal", "execute", pid2, dev=1).exit_code == 0
    assert treasury.budgetLine(1)[6] is True
    assert not token.hasRole(MINTER_ROLE, outsider)
    assert governor.quorumNumerator() == 5
    assert governor.proposalThreshold() == 200 * TOKEN
    assert governor.votingDelay() == 120
    assert governor.lateQuorumVoteExtension() == 180
    assert governor.proposalGuardian() == ETH


# ------------------------------------------------------------------------------------------------ bad specs


def test_all_problems_are_reported_at_once_and_the_cli_exits_2(cli, write_spec, funded_treasury, project):
    path = write_spec({"title": "", "actions": [{"kind": "pay", "to": project.address, "amount": "99"}, {"kind": "x"}]})
    result = cli("proposal", "create", str(path), dev=1)
    assert result.exit_code == 2
    assert "4 problem(s)" in result.output
    assert "actions[1]: unknown kind 'x'" in result.output
    assert "exceed the treasury's balance" in result.output


def test_dry_run_previews_and_sends_nothing(cli, write_spec, funded_treasury, good_pay, governor):
    path = write_spec(spec(good_pay, body="## 見出し\n本文"))
    result = cli("proposal", "create", str(path), "--dry-run", dev=1)
    assert result.exit_code == 0, result.output
    assert "dry run: nothing was sent" in result.output
    assert "| ## 見出し" in result.output
    assert "no proposals yet" in cli("proposal", "list").output


def test_a_proposer_below_the_threshold_is_told_why(cli, write_spec, funded_treasury, good_pay):
    result = cli("proposal", "create", str(write_spec(spec(good_pay))), dev=7)
    assert result.exit_code == 2
    assert "has 0 votes; proposing needs 100" in result.output
    assert "tokens vote on receipt" in result.output
    assert "delegate to yourself" not in result.output  # the old advice: tokens vote without it


# ------------------------------------------------------------------------------------------------ status and steps


def test_status_and_step_errors_in_every_reachable_state(
    cli, write_spec, funded_treasury, pdao, governor, timelock, guardian, project
):
    def propose(body: str) -> str:
        result = cli("proposal", "create", str(write_spec(spec({"kind": "pay", "to": project.address,
                                                                 "amount": "1"}, body=body))), dev=1)  # fmt: skip
        assert result.exit_code == 0, result.output
        return pid_of(result)

    def status(pid: str) -> Any:
        return read_status(pdao, find_proposal(pdao, int(pid)))

    passing, failing, canceled = propose("passes"), propose("fails"), propose("canceled")
    st = status(passing)
    assert st.state == ProposalState.Pending
    vote = cli("proposal", "vote", passing, "--support", "for", dev=1)
    assert vote.exit_code == 2
    assert f"cannot vote proposal {passing}: voting starts {jst(st.snapshot + 1)}" in vote.output

    canceled_out = cli("proposal", "cancel", canceled, dev=9)  # the guardian (resident council)
    assert canceled_out.exit_code == 0, canceled_out.output
    assert status(canceled).state == ProposalState.Canceled
    assert "already canceled" in cli("proposal", "vote", canceled, "--support", "for", dev=1).output

    to_voting(governor)
    assert status(passing).state == ProposalState.Active
    early = cli("proposal", "queue", passing, dev=1)
    assert f"voting is still open: voting ends {jst(status(passing).deadline)}" in early.output
    assert cli("proposal", "vote", passing, "--support", "for", dev=1).exit_code == 0
    again = cli("proposal", "vote", passing, "--support", "for", dev=1)
    assert "has already voted" in again.output
    assert cli("proposal", "vote", failing, "--support", "against", dev=1).exit_code == 0
    assert cli("proposal", "vote", failing, "--support", "for", dev=5).exit_code == 0
    partial = status(failing)
    assert partial.quorum_line() == "quorum: 4.3% of 4% needed (reached)"

    past_deadline(governor, failing)  # created after `passing`: its deadline is the later one
    assert status(failing).state == ProposalState.Defeated
    assert "defeated: not more votes for than against" in "\n".join(format_status(status(failing)))
    assert status(passing).state == ProposalState.Succeeded
    not_queued = cli("proposal", "execute", passing, dev=1)
    assert not_queued.exit_code == 2
    assert "succeeded but not queued: run queue" in not_queued.output

    assert cli("proposal", "queue", passing, dev=1).exit_code == 0
    st = status(passing)
    assert st.state == ProposalState.Queued
    waiting = cli("proposal", "execute", passing, dev=1)
    assert f"timelock ready at {jst(st.eta)}" in waiting.output
    assert "already queued" in cli("proposal", "queue", passing, dev=1).output

    advance(timelock.getMinDelay() + 1)
    assert "run execute" in "\n".join(format_status(status(passing)))
    assert cli("proposal", "execute", passing, dev=1).exit_code == 0
    assert status(passing).state == ProposalState.Executed
    with pytest.raises(ChainError, match="already executed"):
        require_step(status(passing), "execute")

    listed = cli("proposal", "list").output.splitlines()
    states = [line.split()[2] for line in listed]
    assert states == ["Executed", "Defeated", "Canceled"]
    assert [line.split()[0] for line in listed] == ["#1", "#2", "#3"]
    # the list's number and an unambiguous prefix name a proposal wherever an id is taken
    full = cli("proposal", "show", passing).output
    assert cli("proposal", "show", "#1").output == full
    assert cli("proposal", "show", "1").output == full
    assert cli("proposal", "show", passing[:12]).output == full
    assert cli("proposal", "show", hex(int(passing))[:10]).output == full
    missing = cli("proposal", "show", "#9")
    assert missing.exit_code == 2
    assert "there is no proposal #9" in missing.output
    assert "Traceback" not in missing.output
    short = cli("proposal", "show", "12")
    assert short.exit_code == 2
    assert "no proposal #12" in short.output
    assert cli("proposal", "show", "0x12").exit_code == 2  # too short a hex prefix
    assert "too short" in cli("proposal", "show", "0x12").output
    utc = cli("proposal", "show", passing, "--tz", "UTC").output
    assert " UTC" in utc
    assert " JST" not in utc


def test_a_quorum_short_of_the_need_is_explained(cli, write_spec, funded_treasury, pdao, governor, project):
    result = cli("proposal", "create", str(write_spec(spec({"kind": "pay", "to": project.address,
                                                               "amount": "1"}))), dev=1)  # fmt: skip
    pid = pid_of(result)
    to_voting(governor)
    assert cli("proposal", "vote", pid, "--support", "abstain", dev=5).exit_code == 0
    st = read_status(pdao, find_proposal(pdao, int(pid)))
    assert st.quorum_line() == "quorum: 4.3% of 4% needed (reached)"
    past_deadline(governor, pid)
    shown = cli("proposal", "show", pid).output
    assert "Defeated" in shown


def test_unknown_proposal_and_bad_ids(cli):
    assert "no proposal id starts with 12345 on the governor" in cli("proposal", "show", "12345").output
    assert "'abc' is not a proposal id" in cli("proposal", "show", "abc").output


# ------------------------------------------------------------------------------------------------ delegate


def test_delegate_to_another_member_to_none_and_back_to_self(cli, token, alice, bob):
    before = token.getVotes(alice)
    result = cli("delegate", alice.address, dev=2)
    assert result.exit_code == 0, result.output
    assert token.getVotes(alice) == before + token.balanceOf(bob)
    assert cli("delegate", "none", dev=2).exit_code == 0
    assert token.getVotes(alice) == before
    assert token.getVotes(bob) == 0
    assert cli("delegate", "self", dev=2).exit_code == 0
    assert token.getVotes(bob) == token.balanceOf(bob)
    assert "is not an address" in cli("delegate", "nobody", dev=2).output


def test_an_action_that_would_revert_is_warned_about_and_execute_explains_the_revert(
    cli, write_spec, funded_treasury, governor, timelock, deployer, outsider
):
    usd = MockERC20.deploy("Yen Coin", "JPYC", {"from": deployer})
    path = write_spec(spec({"kind": "call", "target": usd.address, "abi": "MockERC20", "function": "transfer",
                            "args": [outsider.address, "5"]}))  # fmt: skip
    created = cli("proposal", "create", str(path), dev=1)
    assert created.exit_code == 0, created.output
    assert "warning: actions[0] (call) would revert if executed now: ERC20InsufficientBalance(" in created.output
    pid = pid_of(created)
    to_voting(governor)
    assert cli("proposal", "vote", pid, "--support", "for", dev=1).exit_code == 0
    past_deadline(governor, pid)
    assert cli("proposal", "queue", pid, dev=1).exit_code == 0
    advance(timelock.getMinDelay() + 1)
    failed = cli("proposal", "execute", pid, dev=1)
    assert failed.exit_code == 2
    assert f"execute would revert: ERC20InsufficientBalance({timelock.address}, 0, 5)" in failed.output
