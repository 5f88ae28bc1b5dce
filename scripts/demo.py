"""`brownie run scripts/demo.py` — the end-to-end demo on the development chain (Anvil, started by Brownie)."""

from pathlib import Path

from brownie import accounts, network, web3
from eth_account import Account

from furusato.accounts import PUBLIC_TEST_MNEMONIC
from furusato.chain import UnlockedSender
from furusato.demo import DemoActors, run_demo

ROOT = Path(__file__).resolve().parent.parent


Account.enable_unaudited_hdwallet_features()


def main() -> None:
    if not network.show_active().startswith("development"):
        raise SystemExit("the demo runs on the development network only (it moves the chain's clock)")
    actors = DemoActors(
        deployer=UnlockedSender(accounts[0].address),
        members=tuple(UnlockedSender(accounts[i].address) for i in range(1, 6)),
        project=accounts[6].address,
        coordinator=UnlockedSender(accounts[8].address),
        registrar=UnlockedSender(accounts[8].address),  # the `local` preset's town staff
        # member #5's key, derived from the public test mnemonic Anvil funds (development only)
        wallet_voter=Account.from_mnemonic(PUBLIC_TEST_MNEMONIC, account_path="m/44'/60'/0'/0/5"),
        relayer=UnlockedSender(accounts[7].address),
    )
    result = run_demo(web3, actors, ROOT)
    if result.state.name != "Executed":
        raise SystemExit(f"demo failed: the proposal ended {result.state.name}")
    if result.sale_raised == 0 or result.sale_tokens_delivered == 0:
        raise SystemExit("demo failed: the token sale raised nothing or delivered no tokens")
