"""`furusato relayer batch FOLDER`: a folder of wallet-signed ballots relayed in one run on the test chain, the bad one
refused with its reason. The relayer service over HTTP is tested in tests/integration/test_relayer.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from brownie import web3
from click.testing import CliRunner
from helpers import wallet_sign

from furusato import ballots
from furusato.cli_governance import standalone
from furusato.doors import Connection
from furusato.governance import Support
from furusato.records import write_record

ROOT = Path(__file__).resolve().parents[2]


def test_batch_mode_relays_a_folder(records_dir, pdao, active, voters, governor, tmp_path, monkeypatch):
    folder = tmp_path / "signed"
    folder.mkdir()
    for i, voter in enumerate(voters[:3]):
        submission = wallet_sign(ballots.export_ballot(pdao, active, Support(i % 3), voter.address), voter)
        (folder / f"{i}.json").write_text(json.dumps(submission))
    bad = wallet_sign(ballots.export_ballot(pdao, active, Support.For, voters[3].address), voters[3])
    bad["typedData"]["domain"]["chainId"] = 1
    (folder / "9-bad.json").write_text(json.dumps(bad))
    monkeypatch.setattr("furusato.doors.connect", lambda network, root: Connection(web3, network, True))
    monkeypatch.setattr("furusato.doors.disconnect", lambda: None)
    args = ["--project", str(ROOT), "relayer", "batch", str(folder), "--network", "development", "--deployments",
            str(records_dir), "--dev-account", "7", "--yes", "--log", str(tmp_path / "batch.jsonl")]  # fmt: skip
    result = CliRunner().invoke(standalone(), args, catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert "3 relayed, 1 refused" in result.output
    assert "9-bad.json: refused (400): signed for chain id 1" in result.output
    assert all(governor.hasVoted(active, v.address) for v in voters[:3])
    assert len((tmp_path / "batch.jsonl").read_text().splitlines()) == 3


@pytest.fixture(scope="module")
def records_dir(dao: Any, tmp_path_factory: Any) -> Path:
    folder = tmp_path_factory.mktemp("relayer-records")
    write_record(folder / "development.json", dao.record)
    return folder
