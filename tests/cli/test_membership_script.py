"""`brownie run scripts/membership.py` (development demo, and `cli` for any registry/sale command) on the test
chain: cards on chain for the example member list, a sale started by governance, bought, finalized and claimed."""

from __future__ import annotations

import csv
import importlib.util
import re
from pathlib import Path

import pytest
from brownie import RegionGovernor, RegionToken, ResidentRegistry, TokenSale, accounts, web3

from furusato.governance import ProposalState
from furusato.records import read_record

ROOT = Path(__file__).resolve().parents[2]
TOKEN = 10**18


def load_script():
    spec = importlib.util.spec_from_file_location("membership_script", ROOT / "scripts" / "membership.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def script(monkeypatch):
    module = load_script()
    monkeypatch.setattr(module.network, "show_active", lambda: "development")
    return module


def test_the_script_runs_registry_and_sale_end_to_end_and_its_cli_reads_them(script, tmp_path, capsys, monkeypatch):
    demo = script.main(records_dir=tmp_path)
    out = capsys.readouterr().out
    record = read_record(tmp_path / "development.json")
    registry = ResidentRegistry.at(record.address("ResidentRegistry"))
    assert demo.registry == registry.address

    # every row of the example list holds a card of its kind, with its record hash
    with (ROOT / "examples" / "members" / "members-2027.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))[1:]
    kinds = {"住民": 0, "関係人口": 1, "サポーター": 2}
    for address, kind, record_hash in rows:
        card = registry.card(registry.cardOf(address))
        assert card[1] == kinds[kind], address
        assert card[3] == (record_hash or "0x" + "00" * 32)
    assert registry.memberCount() == len(rows) == 7
    assert [registry.countOf(k) for k in range(3)] == [3, 3, 1]
    assert re.search(r"resident \(住民\)\s+3\n", out)
    assert re.search(r"total\s+7\n", out)

    # the sale: started by an executed proposal, goal met, proceeds in the Treasury, tokens delivered
    sale = TokenSale.at(demo.sale)
    governor = RegionGovernor.at(record.address("RegionGovernor"))
    token = RegionToken.at(record.address("RegionToken"))
    treasury = record.address("Treasury")
    assert governor.state(demo.proposal_id) == ProposalState.Executed
    assert sale.state() == 2  # Succeeded
    assert sale.finalized()
    assert sale.sold() == 3_500 * TOKEN
    assert sale.raised() == 3_500 * TOKEN // 1000
    assert web3.eth.get_balance(treasury) == 3_500 * TOKEN // 1000  # 3.5 ETH of proceeds
    assert web3.eth.get_balance(sale.address) == 0
    for index, whole in script.PURCHASES.items():
        buyer = accounts[index]
        assert token.balanceOf(buyer) == whole * TOKEN
        assert token.getVotes(buyer) == whole * TOKEN  # vote-ready on receipt
        assert sale.purchaseOf(buyer)[2]  # settled
    assert token.balanceOf(sale) == 0
    assert f"proposed {demo.proposal_id}" in out
    assert "sold 3,500 of 10,000 tokens (goal 3,000, per buyer 2,000); raised 3.5 ETH" in out
    assert f"{accounts[6].address}: bought 2,000 tokens, paid 2 ETH, settled" in out

    # cli: the same commands on the deployment record the demo wrote
    monkeypatch.setenv("FURUSATO_ARGS", f"sale status {demo.sale} --deployments {tmp_path}")
    script.cli()
    assert f"sale {sale.address}: Succeeded (finalized)" in capsys.readouterr().out
    monkeypatch.setenv("FURUSATO_ARGS", f"registry stats --deployments {tmp_path}")
    script.cli()
    assert re.search(r"relationship \(関係人口\)\s+3\n", capsys.readouterr().out)
    monkeypatch.setenv("FURUSATO_ARGS", f"sale claim {demo.sale} --buyer {accounts[6].address} --yes "
                                        f"--deployments {tmp_path}")  # fmt: skip
    script.cli()
    assert f"{accounts[6].address}: already settled" in capsys.readouterr().out
    monkeypatch.setenv("FURUSATO_ARGS", f"sale refund {demo.sale} --yes --deployments {tmp_path}")
    with pytest.raises(SystemExit) as failed:
        script.cli()
    assert failed.value.code == 2
    assert "refund needs a failed sale" in capsys.readouterr().err
