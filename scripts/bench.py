"""`brownie run scripts/bench.py` (or `make bench`): measure, write bench/results.json, print the table."""

from pathlib import Path

from brownie import accounts, web3

from furusato.bench import format_comparison, merge_results, run_all

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"


def main() -> None:
    merged = merge_results(RESULTS, run_all(web3, ROOT, [a.address for a in accounts]))
    print(f"\nbenchmark results ({RESULTS.relative_to(ROOT)}):")
    print(format_comparison(merged))
