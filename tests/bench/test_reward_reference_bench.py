"""`ref.gas.reward.push.new` (issue 10): OpenZeppelin's own new-member path, measured like the bench does."""

from __future__ import annotations

from typing import Any

from brownie import web3

from furusato.artifacts import Artifacts
from furusato.bench.rewards import reference_new_member_gas, synthetic_members
from furusato.chain import UnlockedSender


def test_reference_new_member_gas_is_mint_share_plus_first_delegation(deployer: Any, artifacts: Artifacts) -> None:
    gas = reference_new_member_gas(web3, artifacts, UnlockedSender(deployer.address), synthetic_members(20, "ref"))
    # a batch-minted ERC20Votes balance (~25-35k per recipient) plus a first delegate(self) (~70-95k)
    assert 90_000 < gas < 140_000, gas
