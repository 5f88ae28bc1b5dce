"""`furusato relayer batch FOLDER`: a folder of wallet-signed ballots relayed in one run on the test chain, the bad one
refused with its reason. The relayer service over HTTP is tested in tests/integration/test_relayer.py."""

from __future__ import annotations

import json

from helpers import wallet_sign

from furusato import ballots
from furusato.governance import Support


def test_batch_mode_relays_a_folder(cli, pdao, active, voters, governor, tmp_path):
    folder = tmp_path / "signed"
    folder.mkdir()
    for i, voter in enumerate(voters[:3]):
        submission = wallet_sign(ballots.export_ballot(pdao, active, Support(i % 3), voter.address), voter)
        (folder / f"{i}.json").write_text(json.dumps(submission))
    bad = wallet_sign(ballots.export_ballot(pdao, active, Support.For, voters[3].address), voters[3])
    bad["typedData"]["domain"]["chainId"] = 1
    (folder / "9-bad.json").write_text(json.dumps(bad))
    result = cli("relayer", "batch", str(folder), "--log", str(tmp_path / "batch.jsonl"), dev=7)
    assert result.exit_code == 1, result.output
    assert "3 relayed, 1 refused" in result.output
    assert "9-bad.json: refused (400): signed for chain id 1" in result.output
    assert all(governor.hasVoted(active, v.address) for v in voters[:3])
    assert len((tmp_path / "batch.jsonl").read_text().splitlines()) == 3
