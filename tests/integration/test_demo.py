"""`make demo`'s flow (furusato.demo.run_demo) end to end on the test chain: members registered from the example
spreadsheet, rewards paid, the treasury payment and the token sale passed by one proposal (one member voting by a
relayed signed ballot), the sale bought, finalized and claimed."""

from __future__ import annotations

from pathlib import Path

from brownie import accounts, web3

from furusato.demo import PAYMENT, PURCHASES, DemoActors, run_demo
from furusato.governance import ProposalState

ROOT = Path(__file__).resolve().parents[2]
TOKEN = 10**18


def test_the_demo_runs_every_step_and_ends_executed_with_a_successful_sale(tmp_path):
    actors = DemoActors.development([a.address for a in accounts])
    lines: list[str] = []
    result = run_demo(web3, actors, ROOT, network="test-demo", log=lines.append,
                      records_dir=tmp_path / "records", work=tmp_path / "work")  # fmt: skip
    assert result.state == ProposalState.Executed
    assert result.members_registered == 7
    assert result.rewards_minted > 0
    assert result.project_balance_after - result.project_balance_before == PAYMENT
    assert result.sale_tokens_delivered == sum(PURCHASES) * TOKEN
    assert result.sale_raised == sum(PURCHASES) * TOKEN // 1000  # 0.001 ETH per token, goal met
    assert result.votes_for > result.quorum
    assert (tmp_path / "records" / "test-demo.json").exists()
    assert not (ROOT / "deployments" / "test-demo.json").exists()
    text = "\n".join(lines)
    for step in ("ふるさと住民登録", "activity rewards", "資金調達", "Executed", "goal met"):
        assert step in text
