"""`furusato budget round create|status|vote|finalize` on the test chain: mistakes in PLANS.yaml and a budget the
treasury cannot cover are refused with what to do (exit 2, nothing sent); a round in token-weight mode goes through
propose → governance → a direct ballot and a signed ballot relayed → finalize, paying the winner."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from brownie import chain, web3
from eth_account import Account
from eth_account.messages import encode_typed_data
from helpers import advance

ETHER = 10**18


def recipient(i: int) -> str:
    return str(Account.from_key(web3.keccak(text=f"cli-budget-{i}")).address)


@pytest.fixture
def write_plans(tmp_path: Path) -> Any:
    def write(**overrides: Any) -> Path:
        data: dict[str, Any] = {
            "title": "テスト予算",
            "budget": "2",
            "voters": "token",
            "max_approvals": 1,
            "voting_period": "1 hour",
            "line_expires": "10 days",
            "plans": [
                {"title": "橋の修理", "description": "橋", "recipient": recipient(0), "amount": "1.5"},
                {"title": "花火", "description": "花火", "recipient": recipient(1), "amount": "1"},
            ],
        }
        data.update(overrides)
        path = tmp_path / "plans.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return path

    return write


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"plans": [{"title": "a", "description": "a", "recipient": "0x" + "11" * 20, "amount": "1"}]},
         "a round needs 2 to 64 plans, got 1"),
        ({"budget": "1.2"}, "costs 1.5, more than the whole budget (1.2): it could never win"),
        ({"max_approvals": 3}, "max_approvals must be a whole number from 1 to 2"),
        ({"voters": "everyone"}, "voters must be one of members, token"),
        ({"budget": "500"}, "500 more cannot be covered; lower the budget or fund the treasury first"),
        ({"line_expires": "1 hour"}, "the line would expire before the round can be finalized"),
    ],
)  # fmt: skip
def test_mistakes_are_refused_before_anything_is_sent(
    cli: Any, write_plans: Any, funded_treasury: Any, overrides: dict[str, Any], message: str
) -> None:
    nonce = web3.eth.get_transaction_count(web3.eth.accounts[1])
    result = cli("budget", "round", "create", str(write_plans(**overrides)), dev=1)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert web3.eth.get_transaction_count(web3.eth.accounts[1]) == nonce


def test_a_round_from_plans_file_to_payment(
    cli: Any, write_plans: Any, funded_treasury: Any, governor: Any, timelock: Any, tmp_path: Path, signer: Any,
    token: Any, alice: Any,
) -> None:  # fmt: skip
    token.transfer(signer.address, 1_000 * ETHER, {"from": alice})  # a member who will only sign
    advance(2)
    dry = cli("budget", "round", "create", str(write_plans()), "--dry-run", dev=1)
    assert dry.exit_code == 0, dry.output
    assert "dry run: nothing was sent" in dry.output
    created = cli("budget", "round", "create", str(write_plans()), dev=1)
    assert created.exit_code == 0, created.output
    address = re.search(r"round: (0x[0-9a-fA-F]{40})", created.output).group(1)  # type: ignore[union-attr]
    pid = re.search(r"proposed (\d+)", created.output).group(1)  # type: ignore[union-attr]
    assert "created" in cli("budget", "round", "status", address).output

    advance(governor.votingDelay() + 1)
    for dev in (1, 2, 3):
        assert cli("proposal", "vote", pid, "--support", "for", dev=dev).exit_code == 0
    advance(governor.proposalDeadline(pid) - chain.time() + 1)
    assert cli("proposal", "queue", pid, dev=1).exit_code == 0
    advance(timelock.getMinDelay() + 1)
    executed = cli("proposal", "execute", pid, dev=1)
    assert executed.exit_code == 0, executed.output

    assert "voting" in cli("budget", "round", "status", address).output
    too_many = cli("budget", "round", "vote", address, "--plans", "1,2", dev=2)
    assert too_many.exit_code == 2
    assert "a ballot approves at most 1 plans" in too_many.output
    voted = cli("budget", "round", "vote", address, "--plans", "2", dev=2)  # 30k tokens for plan 2
    assert voted.exit_code == 0, voted.output
    again = cli("budget", "round", "vote", address, "--plans", "1", dev=2)
    assert again.exit_code == 2
    assert "has already cast its ballot" in again.output

    ballot = tmp_path / "ballot.json"
    exported = cli("budget", "round", "vote", address, "--plans", "1", "--export", str(ballot), "--voter",
                   signer.address, dev=0)  # fmt: skip
    assert exported.exit_code == 0, exported.output
    typed = json.loads(ballot.read_text(encoding="utf-8"))
    signature = Account.sign_message(encode_typed_data(full_message=typed), private_key=signer.key).signature
    signed = tmp_path / "signed.json"
    signed.write_text(json.dumps({"typedData": typed, "signature": "0x" + bytes(signature).hex()}), encoding="utf-8")
    relayed = cli("budget", "round", "vote", address, "--relay", str(signed), dev=7)
    assert relayed.exit_code == 0, relayed.output
    replay = cli("budget", "round", "vote", address, "--relay", str(signed), dev=7)
    assert replay.exit_code == 2
    assert "a replay is refused" in replay.output

    early = cli("budget", "round", "finalize", address, dev=4)
    assert early.exit_code == 2
    assert "it can be finalized only after its vote" in early.output
    status = cli("budget", "round", "status", address).output
    advance(3_600 + 1)
    before = web3.eth.get_balance(recipient(1))
    done = cli("budget", "round", "finalize", address, dev=4)
    assert done.exit_code == 0, done.output
    assert "#2 花火" in done.output
    assert web3.eth.get_balance(recipient(1)) - before == ETHER  # 30k > 1k: plan 2 wins, and plan 1 no longer fits
    assert web3.eth.get_balance(recipient(0)) == 0
    final = cli("budget", "round", "status", address).output
    assert "finalized" in final
    assert "2 ballots" in status
