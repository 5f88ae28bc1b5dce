"""`brownie run scripts/portal.py` (`make portal`) — the demo's DAO and data on the development chain, one more
proposal open for voting, and the member portal served until Ctrl-C (URL printed), with the demo's reward plan (my
page lists rewards) and its transparency report at /report/."""

import os
from pathlib import Path

from brownie import accounts, network, web3

from furusato.artifacts import Artifacts
from furusato.chain import advance_time, transact
from furusato.constants import ETH
from furusato.demo import DemoActors, run_demo
from furusato.governance import Proposal, call_action
from furusato.portal import PortalSettings, create_app
from furusato.proposals.dao import load_dao
from furusato.relayer.core import Relayer, RelayerSettings

ROOT = Path(__file__).resolve().parent.parent
DESCRIPTION = """# 棚田の見学路に案内板を設置する

見学者が増えた棚田の周りに、日本語と英語の**案内板を 6 枚**設置します。

- 費用: 0.5 ETH（町内の看板店に支払い）
- 期間: 来月末まで

詳しくは [町のサイト](https://example.jp/tanada) をご覧ください。
"""


def main() -> None:
    if not network.show_active().startswith("development"):
        raise SystemExit("`make portal` runs on the development network only (it moves the chain's clock)")
    actors = DemoActors.development([a.address for a in accounts])
    work = ROOT / "build" / "portal"
    result = run_demo(web3, actors, ROOT, log=lambda _line: None, work=work)
    dao = load_dao(web3, result.record, Artifacts(ROOT))
    action = call_action(dao.treasury, "pay", ETH, accounts[6].address, 5 * 10**17, "案内板")
    proposal = Proposal((action,), DESCRIPTION)
    transact(web3, actors.members[0], dao.governor.functions.propose(*proposal.args(), proposal.description))
    advance_time(web3, int(dao.governor.functions.votingDelay().call()) + 1)
    log_path = work / "relayer-portal.jsonl"
    log_path.unlink(missing_ok=True)
    relayer = Relayer(dao, actors.relayer, RelayerSettings(log_path=log_path), log=print)
    rpc = str(web3.provider.endpoint_uri)
    settings = PortalSettings(
        rpc_url=rpc, chain_name="furusato development", report_dir=work / "report", plans=[work / "rewards-2026-12"]
    )  # the demo's report at /report/, rewards on my page
    app = create_app(dao, relayer, settings)
    port = int(os.environ.get("PORTAL_PORT", "8000"))
    print(f"demo DAO ready (governor {dao.governor.address}); proposal {proposal.proposal_id} is open for voting")
    print(f"wallet network: RPC {rpc}, chain id {web3.eth.chain_id}")
    print(f"portal: http://127.0.0.1:{port}/  (Ctrl-C stops)")
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
