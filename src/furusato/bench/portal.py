"""Portal benchmarks: the proposals page with many proposals, gasless ballots through the portal's HTTP API beside
raw signed sends in the same run, and the size of the JS + CSS the portal ships.

``time.portal.proposals_page``: median seconds of ``GET /`` over ``requests`` requests with ``proposals`` proposals
(statuses are read once per block); ``time.portal.proposals_page_new_block``: the same with a block mined before
each request (every status read again).

The rates are measured from the same chain state (Anvil snapshots: its cost per block grows with the chain's
height, so a later run would be slower). ``rate.portal.ballots_per_s``: ballots per second through
``POST /api/proposals/<id>/ballot`` (typed data built by the server) + ``POST /api/relay`` from ``clients``
members' browsers (kept-alive connections, each signing its ballot), first request to the last ballot included in a
block; ``rate.web3.send_per_s``: the node's own rate for raw signed transactions (signed beforehand, sent one by one
on one kept-alive connection, until the last is included); ``ratio.portal.ballots_vs_raw``;
``rate.web3.ballot_send_per_s``: the same ballots sent as raw relay transactions signed beforehand (the node's
ceiling for ballots, no checks and no simulation) and ``ratio.portal.ballots_vs_raw_ballots``;
``rate.portal.ballots_per_s_keystore``: the same ballots through the API with the sponsor in a keystore, as a town
runs it on a live network (the relayer signs each transaction itself; the development account lets the node sign)
and ``ratio.portal.ballots_keystore_vs_raw``.

``size.portal.assets_kb``. Development chains only (moves the clock, takes snapshots).
"""

from __future__ import annotations

import http.client
import json
import select
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from eth_account import Account
from eth_account.messages import encode_typed_data
from web3 import Web3
from web3.types import RPCEndpoint

from furusato.ballots import export_vote
from furusato.bench.context import TOKEN, Bench
from furusato.chain import advance_time, rpc_batch, send_eth, transact
from furusato.constants import ETH
from furusato.governance import Proposal, Support, call_action
from furusato.networks import stop_process
from furusato.proposals.dao import Dao
from furusato.records import DeploymentRecord, write_record
from furusato.relayer.core import Relayer
from furusato.session import session_over

__all__ = ["assets_kb", "bench_portal_ballots", "bench_portal_page", "serving"]


def assets_kb() -> dict[str, float]:
    """``size.portal.assets_kb``: every JS and CSS file the portal serves, in KiB (no build step: as shipped)."""
    static = Path(__file__).resolve().parent.parent / "portal" / "static"
    size = sum(p.stat().st_size for p in static.iterdir() if p.suffix in (".js", ".css"))
    return {"size.portal.assets_kb": round(size / 1024, 1)}


class Sponsor(NamedTuple):
    """A relayer's sponsor key as a town keeps it: a V3 keystore and the file holding its password."""

    keystore: Path
    password_file: Path
    address: str


@contextmanager
def serving_process(b: Bench, record: DeploymentRecord, log_path: Path, timeout: float = 120,
                    sponsor: Sponsor | None = None) -> Iterator[str]:  # fmt: skip
    """``furusato portal serve`` for ``record`` (development chain) in a child process, relaying from the
    development account of ``b.actors.relayer`` — or from the keystore of ``sponsor`` — with no daily
    cap or rate limit; yields its base URL."""
    records = b.work / "portal-records"
    write_record(records / "development.json", record)
    if sponsor is None:
        index = [a.lower() for a in b.w3.eth.accounts].index(b.actors.relayer.address.lower())
        signer = ["--dev-account", str(index)]
    else:
        signer = ["--keystore", str(sponsor.keystore), "--password-file", str(sponsor.password_file)]
    command = [sys.executable, "-m", "furusato.cli", "portal", "serve", "--network", "development",
               "--deployments", str(records), *signer, "--log", str(log_path),
               "--daily-gas", str(10**12), "--per-client", "0", "--per-signer", "0", "--port", "0"]  # fmt: skip
    child = subprocess.Popen(command, cwd=b.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # noqa: S603 - our own CLI
    try:
        assert child.stdout is not None
        said: list[str] = []
        deadline = time.monotonic() + timeout
        while not any(line.startswith("open http://") for line in said):
            ready, _, _ = select.select([child.stdout], [], [], max(0.0, deadline - time.monotonic()))
            line = child.stdout.readline() if ready else ""
            if not line:
                raise RuntimeError("the portal did not start: " + "".join(said))
            said.append(line)
        yield said[-1].split()[1].rstrip("/")
    finally:
        stop_process(child, timeout=10)


@contextmanager
def serving(dao: Dao, relayer: Relayer | None) -> Iterator[str]:
    """The portal for ``dao`` served by uvicorn from a thread on a free local port; yields its base URL."""
    from furusato.portal import create_app
    from furusato.portal.server import start_in_thread

    running = start_in_thread(create_app(dao, relayer))
    try:
        yield running.url
    finally:
        running.stop()


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
    (read-only portal; statuses are read once per block), and again with a new block before each request."""
    record, artifacts = b.deploy("bench-portal-page")
    dao = session_over(b.w3, record, b.root, development=True, artifacts=artifacts).dao
    advance_time(b.w3, 2)  # genesis votes count for proposing from the second after the deploy
    for i in range(proposals):
        _open_proposal(b, dao, f"bench proposal {i}")
    advance_time(b.w3, int(dao.governor.functions.votingDelay().call()) + 1)
    times: list[float] = []
    fresh: list[float] = []
    with serving(dao, None) as url:
        page = _request(url + "/")
        if page.count(b'class="card proposal-item"') != proposals:
            raise RuntimeError("portal bench: the page does not list every proposal")
        for _ in range(requests):
            start = time.perf_counter()
            _request(url + "/")
            times.append(time.perf_counter() - start)
        for _ in range(requests):  # a new block before each request: every status read again, in one batch
            b.w3.provider.make_request(RPCEndpoint("evm_mine"), [])
            start = time.perf_counter()
            _request(url + "/")
            fresh.append(time.perf_counter() - start)
    median, median_fresh = statistics.median(times), statistics.median(fresh)
    b.log(f"  proposals page with {proposals} proposals: median {median * 1000:.0f} ms over {requests} requests, "
          f"{median_fresh * 1000:.0f} ms with a new block before each")  # fmt: skip
    return {
        "time.portal.proposals_page": round(median, 4),
        "time.portal.proposals_page_new_block": round(median_fresh, 4),
    }


def _included(w3: Web3, hashes: list[str], timeout: float = 300) -> list[dict[str, Any]]:
    """The receipts of ``hashes``, polled in JSON-RPC batches (one round trip per poll for all that are not mined
    yet) until each is included in a block."""
    receipts: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + timeout
    while True:
        todo = [h for h in hashes if h not in receipts]
        if not todo:
            return [receipts[h] for h in hashes]
        for h, r in zip(todo, rpc_batch(w3, [("eth_getTransactionReceipt", [h]) for h in todo]), strict=True):
            if isinstance(r, dict):
                receipts[h] = r
        if time.monotonic() > deadline:
            raise RuntimeError(f"portal bench: {len(todo)} transaction(s) not mined within {timeout:.0f} s")
        if len(receipts) < len(hashes):
            time.sleep(0.002)


def _raw_send_rate(b: Bench, count: int) -> float:
    """Raw signed sends per second, the node's own rate: ``count`` ETH transfers signed locally beforehand (fixed
    gas and nonces), sent as :func:`_raw_rate` sends them."""
    w3 = b.w3
    sender = Account.from_key(Web3.keccak(text="bench-portal-raw-sender"))
    send_eth(w3, b.actors.deployer, sender.address, 10 * TOKEN, "fund the raw-send bench")
    nonce = w3.eth.get_transaction_count(sender.address)
    chain_id, price = int(w3.eth.chain_id), int(w3.eth.gas_price)
    raws = [
        "0x"
        + sender.sign_transaction(
            {
                "to": b.actors.recipient,
                "value": 1,
                "gas": 21_000,
                "gasPrice": price,
                "nonce": nonce + i,
                "chainId": chain_id,
            }
        ).raw_transaction.hex()
        for i in range(count)
    ]
    return _raw_rate(w3, raws, "transfer")


def _raw_rate(w3: Web3, raws: list[str], what: str) -> float:
    """Transactions per second: ``raws`` (signed, 0x-hex) sent with ``eth_sendRawTransaction`` one by one on one
    kept-alive connection with no client-side processing (the provider's ``make_request``), until the last is
    included in a block; each must succeed."""
    send = w3.provider.make_request
    start = time.perf_counter()
    hashes = [str(send(RPCEndpoint("eth_sendRawTransaction"), [raw])["result"]) for raw in raws]
    receipts = _included(w3, hashes)
    elapsed = time.perf_counter() - start
    if any(int(r["status"], 16) != 1 for r in receipts):
        raise RuntimeError(f"portal bench: a raw {what} failed")
    return len(raws) / elapsed


class _Client:
    """One member's browser: a kept-alive HTTP/1.1 connection to the local portal (per thread)."""

    def __init__(self, base: str) -> None:
        if not base.startswith("http://127.0.0.1:"):
            raise ValueError(f"the bench talks to its own local portal only, not {base}")
        self._conn = http.client.HTTPConnection("127.0.0.1", int(base.rsplit(":", 1)[1]), timeout=300)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        self._conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
        response = self._conn.getresponse()
        text = response.read()
        if response.status != 200:
            raise RuntimeError(f"portal bench: {path} answered {response.status}: {text.decode()}")
        return json.loads(text)


def bench_portal_ballots(b: Bench, *, ballots: int = 200, clients: int = 4, repeat: int = 3) -> dict[str, float]:
    """``rate.portal.ballots_per_s`` through the portal's HTTP API, ``rate.web3.send_per_s`` raw and
    ``rate.web3.ballot_send_per_s`` (the same ballots as raw relay transactions), each the median of ``repeat``
    runs from the same chain state (a shared machine's load moves single runs a lot)."""
    w3, actors = b.w3, b.actors
    b.work.mkdir(parents=True, exist_ok=True)
    record, artifacts = b.deploy("bench-portal-ballots")
    dao = session_over(w3, record, b.root, development=True, artifacts=artifacts).dao
    voters = [Account.from_key(Web3.keccak(text=f"bench-portal-voter-{i}")) for i in range(ballots)]
    for voter in voters:
        transact(w3, actors.members[0], dao.token.functions.transfer(voter.address, TOKEN))
    advance_time(w3, 1)
    pid = _open_proposal(b, dao, "portal ballots bench")
    advance_time(w3, int(dao.governor.functions.votingDelay().call()) + 1)

    def median_of(measure: Callable[[], float]) -> float:
        # Anvil's cost per block grows with the chain's height: every run starts from the same chain (snapshots).
        rates = []
        for _ in range(repeat):
            before = _snapshot(w3)
            rates.append(measure())
            _revert(w3, before)
        return float(statistics.median(rates))

    sponsor = _keystore_sponsor(b)
    rate = median_of(lambda: _relayed_rate(b, record, dao, pid, voters, clients))
    keystore_rate = median_of(lambda: _relayed_rate(b, record, dao, pid, voters, clients, sponsor))
    raw_ballots = median_of(lambda: _raw_ballot_rate(b, dao, pid, voters))
    raw = median_of(lambda: _raw_send_rate(b, ballots))
    b.log(f"  portal: {ballots} gasless ballots at {rate:.1f}/s, {keystore_rate:.1f}/s with a keystore sponsor; raw "
          f"sends {raw:.1f}/s (ratios {rate / raw:.2f}, {keystore_rate / raw:.2f}); the same ballots as raw signed "
          f"relay transactions {raw_ballots:.1f}/s (ratio {rate / raw_ballots:.2f}); medians of {repeat}")  # fmt: skip
    return {
        "rate.portal.ballots_per_s": round(rate, 2),
        "rate.portal.ballots_per_s_keystore": round(keystore_rate, 2),
        "rate.web3.send_per_s": round(raw, 2),
        "ratio.portal.ballots_vs_raw": round(rate / raw, 3),
        "ratio.portal.ballots_keystore_vs_raw": round(keystore_rate / raw, 3),
        "rate.web3.ballot_send_per_s": round(raw_ballots, 2),
        "ratio.portal.ballots_vs_raw_ballots": round(rate / raw_ballots, 3),
    }


def _keystore_sponsor(b: Bench) -> Sponsor:
    """A funded sponsor key in a V3 keystore and its password file, under the bench's work folder."""
    key = Account.from_key(Web3.keccak(text="bench-portal-keystore-sponsor"))
    send_eth(b.w3, b.actors.deployer, key.address, 100 * TOKEN, "fund the keystore sponsor")
    keystore, password = b.work / "sponsor.json", b.work / "sponsor.password"
    password.write_text("bench sponsor password\n")
    keystore.write_text(json.dumps(Account.encrypt(key.key, "bench sponsor password", kdf="pbkdf2", iterations=1024)))
    return Sponsor(keystore, password, key.address)


def _relayed_rate(b: Bench, record: DeploymentRecord, dao: Dao, pid: int, voters: list[Any], clients: int,
                  sponsor: Sponsor | None = None) -> float:  # fmt: skip
    """One ballot per voter through the portal's HTTP API from ``clients`` browsers, first request to the last
    ballot included; checks that every one counted. The portal runs as a town runs it — `furusato portal serve`
    in its own process, development account of ``b.actors.relayer`` (or the keystore ``sponsor``) paying — so its
    Python never waits on the bench's browsers (threads of this process). The relayer's journal starts empty."""
    log_path = b.work / "portal-bench.jsonl"
    log_path.unlink(missing_ok=True)
    with serving_process(b, record, log_path, sponsor=sponsor) as url:
        local = threading.local()

        def vote(voter: Any) -> str:
            if not hasattr(local, "client"):
                local.client = _Client(url)
            client: _Client = local.client
            built = client.post(f"/api/proposals/{pid}/ballot", {"voter": voter.address, "support": 1,
                                                                  "reason": "bench"})  # fmt: skip
            typed = built["typedData"]
            signed = Account.sign_message(encode_typed_data(full_message=typed), private_key=voter.key)
            result = client.post("/api/relay", {"typedData": typed, "signature": "0x" + signed.signature.hex()})
            return str(result["tx"])

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            hashes = list(pool.map(vote, voters))
        receipts = _included(b.w3, hashes)
        elapsed = time.perf_counter() - start
    counted = int(dao.governor.functions.proposalVotes(pid).call()[1])
    if any(int(r["status"], 16) != 1 for r in receipts) or counted != len(voters) * TOKEN:
        raise RuntimeError("portal bench: not every relayed ballot counted")
    paying = (sponsor.address if sponsor else b.actors.relayer.address).lower()
    if any(str(r["from"]).lower() != paying for r in receipts):
        raise RuntimeError(f"portal bench: a ballot was not paid by {paying}")
    return len(voters) / elapsed


def _snapshot(w3: Web3) -> str:
    return str(w3.provider.make_request(RPCEndpoint("evm_snapshot"), [])["result"])


def _revert(w3: Web3, snapshot: str) -> None:
    if w3.provider.make_request(RPCEndpoint("evm_revert"), [snapshot]).get("result") is not True:
        raise RuntimeError("portal bench: the chain could not go back to its snapshot")


def _raw_ballot_rate(b: Bench, dao: Dao, pid: int, voters: list[Any]) -> float:
    """The node's own rate for what the relayer sends: one ballot per voter (with the same reason), relayed as
    ``castVoteWithReasonAndParamsBySig`` transactions signed beforehand by a funded sponsor key (fixed gas and
    nonces), sent as :func:`_raw_rate` sends them. No checks, no simulation: the ceiling the relayer's own work is
    measured against."""
    w3 = b.w3
    sponsor = Account.from_key(Web3.keccak(text="bench-portal-raw-sponsor"))
    send_eth(w3, b.actors.deployer, sponsor.address, 10 * TOKEN, "fund the raw-ballot bench")
    nonce = w3.eth.get_transaction_count(sponsor.address)
    chain_id, price = int(w3.eth.chain_id), int(w3.eth.gas_price)
    raws = []
    for i, voter in enumerate(voters):
        typed = export_vote(dao, pid, Support.For, voter.address, "bench")
        signature = Account.sign_message(encode_typed_data(full_message=typed), private_key=voter.key).signature
        args = [pid, int(Support.For), voter.address, "bench", b"", bytes(signature)]
        data = dao.governor.encode_abi("castVoteWithReasonAndParamsBySig", args=args)
        tx = {"to": dao.governor.address, "data": data, "value": 0, "gas": 300_000, "gasPrice": price,
              "nonce": nonce + i, "chainId": chain_id}  # fmt: skip
        raws.append("0x" + sponsor.sign_transaction(tx).raw_transaction.hex())
    return _raw_rate(w3, raws, "relay transaction")


BENCHES: dict[str, Callable[..., dict[str, float]]] = {
    "portal_page": bench_portal_page,
    "portal_ballots": bench_portal_ballots,
}
