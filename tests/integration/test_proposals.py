"""Proposal specs built by the package core (`furusato.proposals.build`) against the `dao` fixture: the examples
build, every bad spec gets its error, an unquoted YAML address is restored. The commands are in
tests/cli/test_proposal_commands.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from eth_account import Account

from furusato.errors import ConfigError
from furusato.proposals import build
from furusato.proposals.spec import load_spec, public_test_accounts_in, refuse_public_test_accounts

ROOT = Path(__file__).resolve().parents[2]
ETH = "0x0000000000000000000000000000000000000000"


def spec(*actions: dict[str, Any], title: str = "テスト提案", body: str = "本文 / body") -> dict[str, Any]:
    return {"title": title, "description": body, "actions": list(actions)}


def test_the_examples_build_against_the_local_deployment(pdao, funded_treasury):
    for path in sorted((ROOT / "examples" / "proposals").glob("*.yaml")):
        built = build(load_spec(path), pdao, source=str(path))
        assert built.actions, path
        assert built.warnings == (), path
        assert built.preview()[0].startswith("proposal: ")


# ------------------------------------------------------------------------------------------------ bad specs


BAD = [
    ({"title": ""}, "title: required"),
    ({"title": "a\nb"}, "title: must be a single line"),
    ({"description": None}, "description: required"),
    ({"actions": []}, "actions: required, a non-empty list"),
    ({"extra": 1}, "unknown field(s) extra"),
    ({"actions": [{"kind": "mint"}]}, "unknown kind 'mint'"),
    ({"actions": ["pay"]}, "expected a mapping with a `kind`"),
    ({"actions": [{"kind": "pay", "to": "0x1234"}]}, "(pay): missing amount"),
    ({"actions": [{"kind": "pay", "to": "0x1234", "amount": "1"}]}, "'0x1234' is not an address"),
    (
        {"actions": [{"kind": "pay", "to": "0x976ea74026e726554db657fa54763abd0c3a0aa9", "amount": "1", "x": 1}]},
        "unknown field(s) x",
    ),
    (
        {"actions": [{"kind": "pay", "to": "0x976EA74026E726554dB657fA54763abd0C3a0aA9", "amount": "1"}]},
        "wrong EIP-55 checksum",
    ),
    (
        {"actions": [{"kind": "pay", "to": "0x976ea74026e726554db657fa54763abd0c3a0aa9", "amount": 1.5}]},
        "write amounts as integers or quoted decimals",
    ),
    (
        {"actions": [{"kind": "pay", "to": "0x976ea74026e726554db657fa54763abd0c3a0aa9", "amount": "-1"}]},
        "must be positive",
    ),
    (
        {"actions": [{"kind": "pay", "to": "0x976ea74026e726554db657fa54763abd0c3a0aa9", "amount": "11"}]},
        "payments of 11 ETH exceed the treasury's balance of 10 ETH",
    ),
    ({"actions": [{"kind": "pay", "to": ETH, "amount": "1"}]}, "cannot pay the zero address"),
    (
        {
            "actions": [
                {
                    "kind": "pay",
                    "token": "0x976ea74026e726554db657fa54763abd0c3a0aa9",
                    "to": "0x976ea74026e726554db657fa54763abd0c3a0aa9",
                    "amount": "1",
                }
            ]
        },
        "is not a contract",
    ),
    (
        {
            "actions": [
                {
                    "kind": "appropriate",
                    "category": "x",
                    "steward": "0x976ea74026e726554db657fa54763abd0c3a0aa9",
                    "amount": "1",
                    "expires": "2020-01-01",
                }
            ]
        },
        "is before the proposal could execute",
    ),
    (
        {
            "actions": [
                {
                    "kind": "appropriate",
                    "category": "x",
                    "steward": "0x976ea74026e726554db657fa54763abd0c3a0aa9",
                    "amount": "1",
                    "expires": "soon",
                }
            ]
        },
        "'soon' is not a date or time",
    ),
    ({"actions": [{"kind": "cancel_budget_line", "line": 7}]}, "budget line 7 does not exist (the treasury has 0)"),
    (
        {"actions": [{"kind": "revoke_minter", "account": "0x976ea74026e726554db657fa54763abd0c3a0aa9"}]},
        "does not hold the token's MINTER_ROLE",
    ),
    ({"actions": [{"kind": "governor_setting", "setting": "speed", "value": 1}]}, "'speed' is not one of"),
    (
        {"actions": [{"kind": "governor_setting", "setting": "quorum_percent", "value": 101}]},
        "expected a whole percent from 1 to 100",
    ),
    ({"actions": [{"kind": "governor_setting", "setting": "voting_period", "value": "soon"}]}, "is not a duration"),
    (
        {"actions": [{"kind": "governor_setting", "setting": "voting_period", "value": "15 minutes"}]},
        "voting_period: 15 minutes is outside what the governor accepts (1 hour – 90 days); the proposal would pass",
    ),
    (
        {"actions": [{"kind": "governor_setting", "setting": "quorum_percent", "value": 60}]},
        "quorum_percent: 60% is outside what the governor accepts (1% – 50%)",
    ),
    (
        {"actions": [{"kind": "governor_setting", "setting": "voting_delay", "value": "31 days"}]},
        "voting_delay: 31 days is outside what the governor accepts (0 seconds – 30 days)",
    ),
    (
        {"actions": [{"kind": "governor_setting", "setting": "proposal_threshold", "value": "1000000000"}]},
        "proposal_threshold: 1000000000 tokens is outside what the governor accepts (0 tokens – ",
    ),
    ({"actions": [{"kind": "call", "target": "treasury", "function": "steal"}]}, "Treasury has no function steal"),
    ({"actions": [{"kind": "call", "target": "treasury", "function": "remaining", "args": [1]}]}, "is a view function"),
    (
        {"actions": [{"kind": "call", "target": "rewards", "function": "setMemberCap", "args": []}]},
        "setMemberCap(uint256) takes 1 argument(s), the spec gives 0",
    ),
    (
        {"actions": [{"kind": "call", "target": "rewards", "function": "setMemberCap", "args": ["lots"]}]},
        "argument cap of setMemberCap(uint256): 'lots' is not an integer",
    ),
    (
        {"actions": [{"kind": "call", "target": "rewards", "function": "setChallengeWindow", "args": [2**64]}]},
        "does not fit in uint64",
    ),
    (
        {"actions": [{"kind": "call", "target": "0x976ea74026e726554db657fa54763abd0c3a0aa9", "function": "x"}]},
        "abi: name the compiled contract",
    ),
    (
        {"actions": [{"kind": "call", "target": "treasury", "abi": "NoSuchContract", "function": "x"}]},
        "no known contract ABI named 'NoSuchContract'",
    ),
    (
        {
            "actions": [
                {
                    "kind": "call",
                    "target": "treasury",
                    "function": "pay",
                    "value": "1",
                    "args": [ETH, "0x976ea74026e726554db657fa54763abd0c3a0aa9", 1, "m"],
                }
            ]
        },
        "is not payable",
    ),
    (
        {"actions": [{"kind": "call", "target": "token", "function": "mintBatch", "args": ["0x12", [1]]}]},
        "expected a list for address[]",
    ),
]


@pytest.mark.parametrize(("change", "message"), BAD, ids=[m for _c, m in BAD])
def test_every_bad_spec_gets_its_error(pdao, funded_treasury, good_pay, change, message):
    data = {**spec(good_pay), **change}
    with pytest.raises(ConfigError) as exc:
        build(data, pdao, source="bad.yaml")
    assert message in str(exc.value)
    assert str(exc.value).startswith("bad.yaml: ")


def test_accounts_of_the_public_test_mnemonic_in_a_proposal_are_found(pdao, funded_treasury, good_pay, project):
    public = "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955"  # Anvil's account #7
    town = Account.create().address
    risky = build({**spec(good_pay), "actions": [
        {"kind": "set_guardian", "address": public},
        {"kind": "pay", "to": town, "amount": "0.1"},
        {"kind": "grant_minter", "account": public},
        {"kind": "pay", "to": project.address, "amount": "0.1"},  # Anvil's account #6
    ]}, pdao)  # fmt: skip
    assert public_test_accounts_in(risky) == [
        f"actions[0]: {public}",
        f"actions[2]: {public}",
        f"actions[3]: {project.address}",
    ]
    with pytest.raises(
        ConfigError, match=r"names accounts of the public test mnemonic .* on 'my-testnet': actions\[0\]"
    ):
        refuse_public_test_accounts(risky, "my-testnet")
    fresh = build({**spec(good_pay), "actions": [{"kind": "pay", "to": town, "amount": "0.1"}]}, pdao)
    assert public_test_accounts_in(fresh) == []
    refuse_public_test_accounts(fresh, "my-testnet")


def test_an_unquoted_yaml_address_is_restored(pdao, funded_treasury, project, tmp_path):
    path = tmp_path / "raw.yaml"
    path.write_text(
        f"title: t\ndescription: d\nactions:\n  - {{kind: pay, to: {project.address.lower()}, amount: 1}}\n"
    )
    built = build(load_spec(path), pdao)
    assert built.proposal.actions[0].calldata.hex().find(project.address.lower()[2:]) > 0


def test_a_timelock_delay_outside_its_bounds_is_warned_before_the_proposal_is_made(pdao, funded_treasury):
    """`call` on the timelock: the simulation from the timelock reads RegionTimelock's own error (the record still
    names it TimelockController), so the proposer learns it could never execute before anyone votes."""
    day, month = 86_400, 30 * 86_400
    for fine in (day, month):
        built = build(spec({"kind": "call", "target": "timelock", "function": "updateDelay", "args": [fine]}), pdao)
        assert built.warnings == ()
    for refused in (day - 1, month + 1):
        built = build(spec({"kind": "call", "target": "timelock", "function": "updateDelay", "args": [refused]}), pdao)
        error = f"RegionTimelockDelayOutOfBounds({refused}, {day}, {month})"
        assert built.warnings == (f"actions[0] (call) would revert if executed now: {error}",)
