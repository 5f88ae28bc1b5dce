"""`brownie run scripts/demo.py` — the end-to-end demo on the development chain (Anvil, started by Brownie)."""

from pathlib import Path

from brownie import accounts, network, web3

from furusato.demo import DemoActors, run_demo

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    if not network.show_active().startswith("development"):
        raise SystemExit("the demo runs on the development network only (it moves the chain's clock)")
    actors = DemoActors.development([a.address for a in accounts])
    result = run_demo(web3, actors, ROOT)
    if result.state.name != "Executed":
        raise SystemExit(f"demo failed: the proposal ended {result.state.name}")
    if result.sale_raised == 0 or result.sale_tokens_delivered == 0:
        raise SystemExit("demo failed: the token sale raised nothing or delivered no tokens")
