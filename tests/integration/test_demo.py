"""`make demo`'s flow (furusato.demo.run_demo) end to end on the test chain: members registered from the example
spreadsheet, rewards paid, the treasury payment and the token sale passed by one proposal (one member voting by a
relayed signed ballot), the sale bought, finalized and claimed."""

from __future__ import annotations

from pathlib import Path

from brownie import accounts, web3
from eth_account import Account

from furusato.accounts import PUBLIC_TEST_MNEMONIC
from furusato.chain import UnlockedSender
from furusato.demo import PAYMENT, PURCHASES, DemoActors, run_demo
from furusato.governance import ProposalState

ROOT = Path(__file__).resolve().parents[2]
TOKEN = 10**18

Account.enable_unaudited_hdwallet_features()


def test_the_demo_runs_every_step_and_ends_executed_with_a_successful_sale(tmp_path):
    actors = DemoActors(
        deployer=UnlockedSender(accounts[0].address),
        members=tuple(UnlockedSender(accounts[i].address) for i in range(1, 6)),
        project=accounts[6].address,
        coordinator=UnlockedSender(accounts[8].address),
        registrar=UnlockedSender(accounts[8].address),
        wallet_voter=Account.from_mnemonic(PUBLIC_TEST_MNEMONIC, account_path="m/44'/60'/0'/0/5"),
        relayer=UnlockedSender(accounts[7].address),
    )
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
