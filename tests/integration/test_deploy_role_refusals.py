"""Issue 10: on a live network the deploy refuses the deployer as guardian or rewards coordinator (as registrar
before), before anything is sent."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from brownie import web3
from helpers import fresh_key_sender

from furusato.artifacts import Artifacts
from furusato.config import load_config
from furusato.deploy import deploy_dao
from furusato.errors import DeployError

ARTIFACTS = Artifacts(Path(__file__).resolve().parents[2])


@pytest.mark.parametrize("role", ["guardian", "coordinator"])
def test_deployer_as_guardian_or_coordinator_is_refused_on_a_live_network(role: str, tmp_path: Path) -> None:
    sender: Any = fresh_key_sender()
    config = load_config(preset="local")
    assert config.rewards is not None
    if role == "guardian":
        config = replace(config, guardian=sender.address)
    else:
        config = replace(config, rewards=replace(config.rewards, coordinators=(sender.address,)))
    with pytest.raises(DeployError, match=f"the deployer {sender.address} is "):
        deploy_dao(
            web3, sender, config, ARTIFACTS, network="testnet", development=False, records_dir=tmp_path,
            log=lambda _l: None,
        )  # fmt: skip
    assert web3.eth.get_transaction_count(sender.address) == 0  # nothing was sent
