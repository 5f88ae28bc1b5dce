"""Indexer benchmark: a history of at least 100,000 events made cheaply on a development chain (batched mints
from a pool of holders: each mint is a ``Transfer`` and a ``DelegateVotesChanged``), then a cold index, a no-op
run and a whole report over it.

Metrics: ``rate.index.events_per_s`` (cold index: fetch, store, decode), ``time.index.noop`` (an indexer run with
nothing new: sync and sale discovery, no decoding; goal ≤ 1 s), ``time.report.full`` (a whole report with charts
on that history) and ``count.index.events``.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from furusato.artifacts import Artifacts
from furusato.chain import Sender, UnlockedSender, transact
from furusato.config import load_config
from furusato.deploy import deploy_dao
from furusato.transparency.build import ReportOptions, abis_of, index_deployment, update_index, write_report

MINTER_ROLE = keccak(text="MINTER_ROLE")


def _pool(n: int) -> list[str]:
    return [to_checksum_address(keccak(text=f"bench-index-holder-{i}")[:20]) for i in range(n)]


def bench_index(
    w3: Any,
    root: Path,
    deployer: Sender,
    *,
    events: int = 100_000,
    holders: int = 400,
    per_tx: int = 700,
    work: Path | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, float]:
    """Deploy a fresh ``local`` DAO on a development chain (Anvil: the timelock is impersonated once to make the
    deployer a minter), mint until the DAO's contracts have emitted at least ``events`` events, then measure.
    Returns the metrics above; ``work`` (default ``build/bench-index``) holds the record, the index and the report."""
    work = work or root / "build" / "bench-index"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    artifacts = Artifacts(root)
    record = deploy_dao(w3, deployer, load_config(preset="local"), artifacts, network="bench-index",
                        development=True, records_dir=work, log=lambda _l: None)  # fmt: skip
    token = w3.eth.contract(address=record.address("RegionToken"), abi=artifacts.get("RegionToken").abi)
    timelock = record.address("TimelockController")
    w3.provider.make_request("anvil_impersonateAccount", [timelock])
    w3.provider.make_request("anvil_setBalance", [timelock, hex(10**18)])
    transact(w3, UnlockedSender(timelock), token.functions.grantRole(MINTER_ROLE, deployer.address))
    w3.provider.make_request("anvil_stopImpersonatingAccount", [timelock])

    pool = _pool(holders)
    made = sum(len(r["logs"]) for r in [w3.eth.get_transaction_receipt(h) for h in record.wiring.values() if h])
    started = time.perf_counter()
    receipts = []
    for i in range(0, holders, 200):  # first mints to new holders cost about 100k gas each
        part = pool[i : i + 200]
        receipts.append(transact(w3, deployer, token.functions.mintBatch(part, [1] * len(part))))
        made += len(receipts[-1]["logs"])
    batch = (pool * (per_tx // holders + 1))[:per_tx]
    # the node's estimate falls short for repeated mints (storage refunds): give the batch a fixed gas limit
    fixed = {"from": deployer.address, "gas": 29_000_000}
    while made < events:
        tx = token.functions.mintBatch(batch, [1] * len(batch)).build_transaction(fixed)
        receipts.append(transact(w3, deployer, tx))
        made += len(receipts[-1]["logs"])
    log(f"  history: {made:,} events in {len(receipts)} mint transactions, {time.perf_counter() - started:.1f} s")

    abis = abis_of(artifacts)
    cache = work / "index.sqlite"
    t0 = time.perf_counter()
    ix = index_deployment(w3, record, abis, cache)
    cold = time.perf_counter() - t0
    count = len(ix.events)
    ix.index.close()
    t0 = time.perf_counter()
    index, _stats, _roles, _sales, _to = update_index(w3, record, abis, cache)
    noop = time.perf_counter() - t0
    index.close()
    t0 = time.perf_counter()
    write_report(w3, record, artifacts, ReportOptions(out=work / "report", cache=cache))
    full = time.perf_counter() - t0
    results = {
        "count.index.events": float(count),
        "rate.index.events_per_s": round(count / cold, 1),
        "time.index.noop": round(noop, 3),
        "time.report.full": round(full, 2),
    }
    log("  " + ", ".join(f"{k} {v:,}" for k, v in results.items()))
    return results
