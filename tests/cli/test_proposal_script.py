"""`brownie run scripts/proposal.py` (development demo, and `cli` for any command) on the test chain."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from furusato.governance import ProposalState

ROOT = Path(__file__).resolve().parents[2]


def load_script():
    spec = importlib.util.spec_from_file_location("proposal_script", ROOT / "scripts" / "proposal.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_script_runs_the_example_end_to_end_and_its_cli_lists_it(tmp_path, monkeypatch, capsys):
    script = load_script()
    pid = script.main(records_dir=tmp_path)
    out = capsys.readouterr().out
    assert "proposal: 草刈り機の購入と秋祭りの予算" in out
    assert "quorum: 69.6% of 4% needed (reached)" in out
    assert f"state:     {ProposalState.Executed.name}" in out

    monkeypatch.setenv("FURUSATO_ARGS", f"proposal show {pid} --deployments {tmp_path}")
    monkeypatch.setattr(script.network, "show_active", lambda: "development")
    script.cli()
    assert "Executed" in capsys.readouterr().out
