"""Portal benchmarks: the proposals page with many proposals, gasless ballots through the portal's HTTP API beside
raw signed sends in the same run, and the size of the JS + CSS the portal ships.

``time.portal.proposals_page``: median seconds of ``GET /`` over ``requests`` requests with ``proposals`` proposals;
``rate.portal.ballots_per_s``: ballots per second through ``POST /api/proposals/<id>/ballot`` (typed data built by
the server) + ``POST /api/relay``, first request to last receipt; ``rate.web3.send_per_s``: raw signed transactions
per second on the same chain (send all, then the receipts); ``ratio.portal.ballots_vs_raw``;
``size.portal.assets_kb``. Development chains only (moves the clock). The lead wires these into the suite.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from web3 import Web3

from furusato.bench.context import TOKEN, Bench
from furusato.chain import advance_time, send_eth, transact
from furusato.constants import ETH
from furusato.governance import Proposal, call_action
from furusato.proposals.dao import Dao
from furusato.relayer.core import Relayer, RelayerSettings
from furusato.session import session_over

__all__ = ["assets_kb", "bench_portal_ballots", "bench_portal_page", "serving"]


def assets_kb() -> dict[str, float]:
    """``size.portal.assets_kb``: every JS and CSS file the portal serves, in KiB (no build step: as shipped)."""
    static = Path(__file__).resolve().parent.parent / "portal" / "static"
    size = sum(p.stat().st_size for p in static.iterdir() if p.suffix in (".js", ".css"))
    return {"size.portal.assets_kb": round(size / 1024, 1)}


@contextmanager
def serving(dao: Dao, relayer: Relayer | None) -> Iterator[str]:
    """The portal for ``dao`` served by uvicorn from a thread on a free local port; yields its base URL."""
    import socket

    import uvicorn

    from furusato.portal import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(create_app(dao, relayer), host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the portal did not start within 10 s")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _request(url: str, body: dict[str, Any] | None = None) -> Any:
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"the bench talks to its own local portal only, not {url}")
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310 - our own http://127.0.0.1 server
        text = response.read()
    return json.loads(text) if body is not None else text


def _open_proposal(b: Bench, dao: Dao, tag: str) -> int:
    member = b.actors.members[0]
    proposal = Proposal((call_action(dao.treasury, "pay", ETH, b.actors.recipient, 1, tag),), f"# {tag}\n\nbench")
    transact(b.w3, member, dao.governor.functions.propose(*proposal.args(), proposal.description))
    return proposal.proposal_id


def bench_portal_page(b: Bench, *, proposals: int = 200, requests: int = 50) -> dict[str, float]:
    """``time.portal.proposals_page``: deploy, make ``proposals`` proposals, then time ``GET /`` ``requests`` times
    (read-only portal; the proposal list is cached for 2 s, states and tallies are read on every request)."""
    record, artifacts = b.deploy("bench-portal-page")
    dao = session_over(b.w3, record, b.root, development=True, artifacts=artifacts).dao
    advance_time(b.w3, 2)  # genesis votes count for proposing from the second after the deploy
    for i in range(proposals):
        _open_proposal(b, dao, f"bench proposal {i}")
    advance_time(b.w3, int(dao.governor.functions.votingDelay().call()) + 1)
    times: list[float] = []
    with serving(dao, None) as url:
        page = _request(url + "/")
        if page.count(b'class="card proposal-item"') != proposals:
            raise RuntimeError("portal bench: the page does not list every proposal")
        for _ in range(requests):
            start = time.perf_counter()
            _request(url + "/")
            times.append(time.perf_counter() - start)
    median = statistics.median(times)
    b.log(f"  proposals page with {proposals} proposals: median {median * 1000:.0f} ms over {requests} requests")
    return {"time.portal.proposals_page": round(median, 4)}


def _raw_send_rate(b: Bench, count: int) -> float:
    """Raw signed sends per second: ``count`` ETH transfers signed locally (fixed gas and nonces), all sent, then
    every receipt."""
    w3 = b.w3
    sender = Account.from_key(Web3.keccak(text="bench-portal-raw-sender"))
    send_eth(w3, b.actors.deployer, sender.address, 10 * TOKEN, "fund the raw-send bench")
    nonce = w3.eth.get_transaction_count(sender.address)
    chain_id, price = int(w3.eth.chain_id), int(w3.eth.gas_price)
    raws = [
        sender.sign_transaction(
            {
                "to": b.actors.recipient,
                "value": 1,
                "gas": 21_000,
                "gasPrice": price,
                "nonce": nonce + i,
                "chainId": chain_id,
            }
        ).raw_transaction
        for i in range(count)
    ]
    start = time.perf_counter()
    hashes = [w3.eth.send_raw_transaction(raw) for raw in raws]
    for h in hashes:
        w3.eth.wait_for_transaction_receipt(h, timeout=300, poll_latency=0.005)
    return count / (time.perf_counter() - start)


def bench_portal_ballots(b: Bench, *, ballots: int = 200, clients: int = 4) -> dict[str, float]:
    """``rate.portal.ballots_per_s`` through the portal's HTTP API and ``rate.web3.send_per_s`` raw, in one run."""
    w3, actors, work = b.w3, b.actors, b.work
    work.mkdir(parents=True, exist_ok=True)
    record, artifacts = b.deploy("bench-portal-ballots")
    dao = session_over(w3, record, b.root, development=True, artifacts=artifacts).dao
    voters = [Account.from_key(Web3.keccak(text=f"bench-portal-voter-{i}")) for i in range(ballots)]
    for voter in voters:
        transact(w3, actors.members[0], dao.token.functions.transfer(voter.address, TOKEN))
    advance_time(w3, 1)
    pid = _open_proposal(b, dao, "portal ballots bench")
    advance_time(w3, int(dao.governor.functions.votingDelay().call()) + 1)
    log_path = work / "portal-bench.jsonl"
    log_path.unlink(missing_ok=True)
    settings = RelayerSettings(log_path=log_path, daily_gas_cap=10**12, per_client_per_minute=0, per_signer_per_hour=0)
    relayer = Relayer(dao, actors.relayer, settings, log=lambda _l: None)
    with serving(dao, relayer) as url:

        def vote(voter: Any) -> str:
            built = _request(f"{url}/api/proposals/{pid}/ballot", {"voter": voter.address, "support": 1,
                                                                    "reason": "bench"})  # fmt: skip
            typed = built["typedData"]
            signed = Account.sign_message(encode_typed_data(full_message=typed), private_key=voter.key)
            result = _request(f"{url}/api/relay", {"typedData": typed, "signature": "0x" + signed.signature.hex()})
            return str(result["tx"])

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            hashes = list(pool.map(vote, voters))
        receipts = [w3.eth.wait_for_transaction_receipt(h, timeout=300, poll_latency=0.01) for h in hashes]  # type: ignore[arg-type]
        elapsed = time.perf_counter() - start
    if any(r["status"] != 1 for r in receipts) or int(dao.governor.functions.proposalVotes(pid).call()[1]) != (
        ballots * TOKEN
    ):
        raise RuntimeError("portal bench: not every relayed ballot counted")
    rate = ballots / elapsed
    raw = _raw_send_rate(b, ballots)
    b.log(f"  portal: {ballots} gasless ballots in {elapsed:.2f} s ({rate:.1f}/s); raw sends {raw:.1f}/s "
          f"(ratio {rate / raw:.2f})")  # fmt: skip
    return {
        "rate.portal.ballots_per_s": round(rate, 2),
        "rate.web3.send_per_s": round(raw, 2),
        "ratio.portal.ballots_vs_raw": round(rate / raw, 3),
    }


BENCHES: dict[str, Callable[..., dict[str, float]]] = {
    "portal_page": bench_portal_page,
    "portal_ballots": bench_portal_ballots,
}
