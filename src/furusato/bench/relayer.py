"""Relayer benchmark: gas of a relayed ``castVoteBySig`` and ballots per second, HTTP in (the portal's ``/ballot``) to
receipt out."""

from __future__ import annotations

import json
import statistics
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from web3 import Web3

from furusato.ballots import export_ballot
from furusato.bench.context import TOKEN, Bench
from furusato.bench.portal import serving
from furusato.chain import advance_time, transact
from furusato.constants import ETH
from furusato.governance import Proposal, Support, call_action
from furusato.relayer import Relayer, RelayerSettings
from furusato.session import session_over


def _post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"the bench posts to its own local relayer only, not {url}")
    headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - our own http://127.0.0.1 server
            result: dict[str, Any] = json.loads(response.read())
            return result
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"the relayer refused a bench ballot ({exc.code}): {exc.read().decode()}") from exc


def bench_relayer(b: Bench, *, ballots: int = 200, clients: int = 4) -> dict[str, float]:
    """Deploy a fresh local DAO, give ``ballots`` new voters votes, open a proposal, and relay one wallet-signed
    ballot per voter over HTTP (``clients`` concurrent senders). Returns ``gas.relay.castVoteBySig`` (median gas of
    the relayed votes) and ``rate.relay.ballots_per_s`` (ballots accepted and mined per second, from the first
    request to the last receipt). Development chains only (moves the clock)."""
    w3, actors, work = b.w3, b.actors, b.work
    work.mkdir(parents=True, exist_ok=True)
    record, artifacts = b.deploy("bench-relayer")
    dao = session_over(w3, record, b.root, development=True, artifacts=artifacts).dao
    voters = [Account.from_key(Web3.keccak(text=f"bench-relayer-voter-{i}")) for i in range(ballots)]
    member = actors.members[0]
    for voter in voters:
        transact(w3, member, dao.token.functions.transfer(voter.address, TOKEN))
    advance_time(w3, 1)
    proposal = Proposal((call_action(dao.treasury, "pay", ETH, actors.recipient, 1, "bench"),), "relayer bench")
    transact(w3, member, dao.governor.functions.propose(*proposal.args(), proposal.description))
    advance_time(w3, int(dao.governor.functions.votingDelay().call()) + 1)
    pid = proposal.proposal_id
    submissions = []
    for voter in voters:
        text = json.dumps(export_ballot(dao, pid, Support.For, voter.address))  # what the wallet receives
        signed = Account.sign_message(encode_typed_data(full_message=json.loads(text)), private_key=voter.key)
        submissions.append({"typedData": json.loads(text), "signature": "0x" + bytes(signed.signature).hex()})
    log_path = work / "relayer-bench.jsonl"
    log_path.unlink(missing_ok=True)
    settings = RelayerSettings(log_path=log_path, daily_gas_cap=10**12, per_client_per_minute=0, per_signer_per_hour=0)
    relayer = Relayer(dao, actors.relayer, settings, log=lambda _l: None)
    with serving(dao, relayer) as url:
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            sent = list(pool.map(lambda body: _post(url + "/ballot", body), submissions))
        receipts = [w3.eth.wait_for_transaction_receipt(s["tx"], timeout=300, poll_latency=0.01) for s in sent]
        elapsed = time.perf_counter() - start
    failed = [r["transactionHash"].to_0x_hex() for r in receipts if r["status"] != 1]
    if failed or len(receipts) != ballots:
        raise RuntimeError(f"relayer bench: {len(failed)} relayed ballot(s) reverted: {failed[:3]}")
    tally = dao.governor.functions.proposalVotes(pid).call()
    if int(tally[1]) != ballots * TOKEN:
        raise RuntimeError(f"relayer bench: the proposal counted {tally[1]} votes for, expected {ballots * TOKEN}")
    rate = ballots / elapsed
    gas = statistics.median(int(r["gasUsed"]) for r in receipts)
    b.log(f"  relayed {ballots} ballots in {elapsed:.2f} s ({rate:.1f}/s), median gas {gas:,.0f}")
    return {"gas.relay.castVoteBySig": float(gas), "rate.relay.ballots_per_s": round(rate, 2)}
