"""The gasless-voting relayer over real HTTP (urllib) against Anvil, through the portal's relayer endpoints (`/relay`,
`/ballot`, `/delegation`, `/health`: what `furusato relayer serve` and `furusato portal serve` serve): ballots signed
with eth-account from the full typed-data JSON a wallet receives are accepted and mined; replays, other chains,
contracts and proposals, malformed or oversized bodies, and spending past the daily gas cap are refused; it survives
a node restart. `furusato relayer batch` is tested in tests/cli/test_relayer_commands.py."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from brownie import web3
from eth_account import Account
from helpers import advance, wallet_sign
from web3 import HTTPProvider, Web3

from furusato import ballots
from furusato.artifacts import Artifacts
from furusato.chain import UnlockedSender, transact
from furusato.config import load_config
from furusato.deploy import deploy_dao
from furusato.governance import Proposal, Support, call_action
from furusato.portal import create_app
from furusato.portal.server import Running, start_in_thread
from furusato.proposals import load_dao
from furusato.relayer import Relayer, RelayerSettings, core
from furusato.rpc import Rpc, RpcFailure

ROOT = Path(__file__).resolve().parents[2]
TOKEN = 10**18
ZERO = "0x" + "00" * 20


# ------------------------------------------------------------------------------------------------ helpers


def post(url: str, body: Any, path: str = "/relay") -> tuple[int, dict[str, Any]]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def serve(relayer: Relayer) -> tuple[str, Running]:
    running = start_in_thread(create_app(relayer.dao, relayer))
    return running.url, running


# ------------------------------------------------------------------------------------------------ fixtures


@pytest.fixture
def relayer(pdao: Any, tmp_path: Path) -> Relayer:
    settings = RelayerSettings(log_path=tmp_path / "relayer.jsonl", max_body=4096, retry_seconds=2)
    return Relayer(pdao, UnlockedSender(Web3.to_checksum_address(web3.eth.accounts[7])), settings, log=lambda _l: None)


@pytest.fixture
def url(relayer: Relayer) -> Any:
    address, server = serve(relayer)
    yield address
    server.stop()


# ------------------------------------------------------------------------------------------------ accepted


def test_a_wallet_signed_ballot_is_relayed_and_mined(url, relayer, pdao, active, voters, governor, tmp_path):
    voter = voters[0]
    submission = wallet_sign(ballots.export_ballot(pdao, active, Support.For, voter.address), voter)
    status, body = post(url, submission)
    assert status == 200, body
    assert body["kind"] == "Ballot"
    assert body["signer"] == voter.address
    receipt = web3.eth.wait_for_transaction_receipt(body["tx"])
    assert receipt["status"] == 1
    assert receipt["from"] == web3.eth.accounts[7]
    assert governor.hasVoted(active, voter.address)
    assert governor.proposalVotes(active)[1] >= 100 * TOKEN
    (line,) = [json.loads(x) for x in (tmp_path / "relayer.jsonl").read_text().splitlines()]
    assert line["tx"] == body["tx"]
    assert line["proposal"] == active
    assert line["support"] == "For"
    assert line["gas"] > 0

    # The same signature again: refused while known, and by nonce once mined (also by a restarted relayer).
    status, body = post(url, submission)
    assert status == 409
    assert "replay: this signature was already submitted" in body["error"]
    restarted = Relayer(pdao, relayer.sender, relayer.settings, log=lambda _l: None)
    assert restarted.gas_today() == line["gas"]
    with pytest.raises(ballots.SignatureRejected, match="already submitted"):
        restarted.submit(submission)
    fresh_log = RelayerSettings(log_path=tmp_path / "other.jsonl")
    with pytest.raises(ballots.SignatureRejected, match="has already voted") as exc:
        Relayer(pdao, relayer.sender, fresh_log, log=lambda _l: None).submit(submission)
    assert exc.value.status == 409
    status, health = urllib_get(url + "/health")
    assert status == 200
    assert health["chainId"] == 31337
    assert health["gasToday"] == line["gas"]


def urllib_get(address: str) -> tuple[int, dict[str, Any]]:
    with urllib.request.urlopen(address, timeout=10) as response:
        return response.status, json.loads(response.read())


def test_a_ballot_costs_one_batch_and_the_send_and_a_stale_nonce_recovers(relayer, pdao, active, voters, monkeypatch):
    """After the first ballot (the proposal's snapshot, the sponsor's nonce and the chain's kind of fees are then
    known), a ballot costs the node two requests: one JSON-RPC batch (power, snapshot, simulation, block; no tip on
    a chain whose base fee is zero) and the send. A transaction the sponsor sent elsewhere makes the kept nonce
    stale: the node refuses it ("nonce too low") and the relayer retries once with the node's count."""
    sent: list[str] = []

    def method_names(data: str | bytes) -> str:
        body = json.loads(data)
        return "batch:" + ",".join(r["method"] for r in body) if isinstance(body, list) else body["method"]

    lean_post = Rpc._post  # what goes over the wire: the relayer's own connections ...

    def counting_lean(self: Rpc, body: str, what: str) -> Any:
        sent.append(method_names(body))
        return lean_post(self, body, what)

    monkeypatch.setattr(Rpc, "_post", counting_lean)
    sessions = relayer.dao.w3.provider._request_session_manager  # ... and web3.py's (not its cache hits)
    post = sessions.make_post_request

    def counting(uri: str, data: bytes, **kwargs: Any) -> Any:
        sent.append(method_names(data))
        return post(uri, data, **kwargs)

    monkeypatch.setattr(sessions, "make_post_request", counting)
    first = relayer.submit(wallet_sign(ballots.export_ballot(pdao, active, Support.For, voters[0].address), voters[0]))
    web3.eth.wait_for_transaction_receipt(first["tx"])
    signed = wallet_sign(ballots.export_ballot(pdao, active, Support.Against, voters[1].address), voters[1])
    sent.clear()
    second = relayer.submit(signed)
    assert sent == ["batch:eth_call,eth_call,eth_simulateV1,eth_getBlockByNumber", "eth_sendTransaction"]
    assert web3.eth.wait_for_transaction_receipt(second["tx"])["status"] == 1
    web3.eth.send_transaction({"from": relayer.sender.address, "to": voters[3].address, "value": 1})  # elsewhere
    sent.clear()
    third = relayer.submit(wallet_sign(ballots.export_ballot(pdao, active, Support.Abstain, voters[2].address),
                                       voters[2]))  # fmt: skip
    assert sent[-3:] == ["eth_sendTransaction", "eth_getTransactionCount", "eth_sendTransaction"]  # refused, recovered
    receipt = web3.eth.wait_for_transaction_receipt(third["tx"])
    assert receipt["status"] == 1
    assert pdao.governor.functions.hasVoted(active, voters[2].address).call()


@pytest.mark.parametrize(
    "refusal",
    [
        RpcFailure("the method eth_simulateV1 does not exist/is not available"),
        RpcFailure("invalid params: unknown field `blockStateCalls`"),
    ],
    ids=["no-such-method", "other-params"],
)
def test_a_node_that_cannot_simulate_is_asked_to_estimate_from_then_on(
    relayer, pdao, active, voters, monkeypatch, refusal
):
    """eth_simulateV1 (one execution, the gas used) is tried first; a node that refuses it for anything but a revert
    gets the same batch again with eth_estimateGas, and only that afterwards. The daily cap is charged what it
    said."""
    real = core.rpc_batch
    asked: list[list[str]] = []

    def without_simulate(w3: Any, requests: list[tuple[str, list[Any]]]) -> list[Any]:
        asked.append([method for method, _ in requests])
        answers = real(w3, [("eth_chainId", []) if m == "eth_simulateV1" else (m, p) for m, p in requests])
        return [refusal if m == "eth_simulateV1" else a for (m, _), a in zip(requests, answers, strict=True)]

    monkeypatch.setattr(core, "rpc_batch", without_simulate)
    for voter, support in zip(voters[:2], (Support.For, Support.Against), strict=True):
        sent = relayer.submit(wallet_sign(ballots.export_ballot(pdao, active, support, voter.address), voter))
        assert web3.eth.wait_for_transaction_receipt(sent["tx"])["status"] == 1
    simulations = [[m for m in batch if m in ("eth_simulateV1", "eth_estimateGas")] for batch in asked]
    assert [s for s in simulations if s] == [["eth_simulateV1"], ["eth_estimateGas"], ["eth_estimateGas"]]
    entries = [json.loads(line) for line in relayer.settings.log_path.read_text().splitlines()]
    assert relayer.gas_today() == sum(e["gas"] for e in entries) > 0


def test_a_simulation_says_the_gas_the_daily_cap_is_charged(relayer, pdao, active, voters):
    sent = relayer.submit(wallet_sign(ballots.export_ballot(pdao, active, Support.For, voters[0].address), voters[0]))
    used = web3.eth.wait_for_transaction_receipt(sent["tx"])["gasUsed"]
    (entry,) = [json.loads(line) for line in relayer.settings.log_path.read_text().splitlines()]
    assert abs(entry["gas"] - used) <= 25_000  # simulated on the latest block, mined in the next: close, not equal


def test_a_delegation_is_relayed(url, pdao, voters, bob, token):
    voter = voters[1]
    token.transfer(voter.address, 5 * TOKEN, {"from": bob})
    typed = ballots.export_delegation(pdao, voter.address, bob.address, int(time.time()) + 10**6)
    status, body = post(url, wallet_sign(typed, voter), "/delegation")
    assert status == 200, body
    web3.eth.wait_for_transaction_receipt(body["tx"])
    assert token.delegates(voter.address) == bob.address


# ------------------------------------------------------------------------------------------------ refused


@pytest.mark.parametrize(
    ("tamper", "status", "message"),
    [
        (lambda t, g, tok: t["domain"].update(chainId=5), 400, "signed for chain id 5, but this is chain 31337"),
        (lambda t, g, tok: t["domain"].update(verifyingContract=tok), 400, "signed for contract"),
        (lambda t, g, tok: t["message"].update(proposalId="42"), 404, "unknown proposal 42"),
    ],
    ids=["another-chain", "another-contract", "unknown-proposal"],
)
def test_signed_for_another_chain_contract_or_proposal_is_refused(url, pdao, active, voters, tamper, status, message):
    typed = ballots.export_ballot(pdao, active, Support.For, voters[2].address)
    tamper(typed, pdao.governor.address, pdao.token.address)
    got, body = post(url, wallet_sign(typed, voters[2]))
    assert (got, message in body["error"]) == (status, True), body


def test_a_signature_moved_to_another_proposal_is_refused(url, pdao, active, voters, governor, alice, project):
    other = Proposal((call_action(pdao.treasury, "pay", ZERO, project.address, 2, "other"),), "another proposal")
    governor.propose(*other.args(), other.description, {"from": alice})
    advance(governor.votingDelay() + 1)
    submission = wallet_sign(ballots.export_ballot(pdao, active, Support.For, voters[2].address), voters[2])
    submission["typedData"]["message"]["proposalId"] = str(other.proposal_id)
    status, body = post(url, submission)
    assert status == 400
    assert "bad signature: it recovers" in body["error"]


def test_an_inactive_proposal_is_refused(url, pdao, active, voters, governor, alice, project):
    pending = Proposal((call_action(pdao.treasury, "pay", ZERO, project.address, 3, "later"),), "pending proposal")
    governor.propose(*pending.args(), pending.description, {"from": alice})
    status, body = post(url, wallet_sign(ballots.export_ballot(pdao, pending.proposal_id, Support.For,
                                                                 voters[3].address), voters[3]))  # fmt: skip
    assert status == 409
    assert "is not active yet: voting starts" in body["error"]


def test_malformed_oversized_and_misdirected_bodies_are_refused(url, pdao, active, voters):
    assert post(url, b"{nope")[0] == 400
    assert "malformed JSON" in post(url, b"{nope")[1]["error"]
    status, body = post(url, b"x" * 5000)
    assert status == 413
    assert "exceeds the limit of 4096" in body["error"]
    status, body = post(url, {"typedData": {}, "signature": "0xzz"})
    assert (status, "expected 65 bytes" in body["error"]) == (400, True)
    status, body = post(url, [1, 2])
    assert (status, "expected a JSON object" in body["error"]) == (400, True)
    submission = wallet_sign(ballots.export_ballot(pdao, active, Support.For, voters[3].address), voters[3])
    status, body = post(url, submission, "/delegation")
    assert (status, "this endpoint takes a Delegation" in body["error"]) == (400, True)
    assert post(url, submission, "/elsewhere")[0] == 404
    permit = ballots.export_permit(pdao, voters[3].address, voters[2].address, 1, int(time.time()) + 3600)
    status, body = post(url, wallet_sign(permit, voters[3]))
    assert (status, "Permit signatures are not relayed" in body["error"]) == (400, True)


def test_the_daily_gas_cap_is_enforced(pdao, active, voters, relayer, tmp_path):
    relayer.settings.daily_gas_cap = 10_000
    address, server = serve(relayer)
    try:
        status, body = post(address, wallet_sign(ballots.export_ballot(pdao, active, Support.For, voters[0].address),
                                                 voters[0]))  # fmt: skip
    finally:
        server.stop()
    assert status == 429, body
    assert "daily gas cap reached: 0 of 10,000 gas spent on" in body["error"]


# ------------------------------------------------------------------------------------------------ node restart


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class StatefulAnvil:
    """An Anvil that saves its state on exit (--state) and can be restarted on the same port."""

    def __init__(self, state: Path) -> None:
        self.port = _free_port()
        self.state = state
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("anvil")
        assert binary
        self.proc = subprocess.Popen([binary, "--port", str(self.port), "--silent", "--state", str(self.state)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        w3 = Web3(HTTPProvider(self.url))
        for _ in range(200):
            try:
                w3.eth.chain_id  # noqa: B018 - probing readiness
                return
            except Exception:
                time.sleep(0.05)
        raise RuntimeError("anvil did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def test_the_relayer_survives_a_node_restart(tmp_path):
    # A restarted Anvil forgets evm_increaseTime (its clock would jump back), so this chain moves in real time:
    # a one-second voting delay, waited out with sleep.
    config_path = tmp_path / "dao.yaml"
    config_path.write_text("preset: local\ngovernor:\n  voting_delay: 1\n")
    node = StatefulAnvil(tmp_path / "state.json")
    node.start()
    try:
        w3 = Web3(HTTPProvider(node.url))
        accts = [UnlockedSender(Web3.to_checksum_address(a)) for a in w3.eth.accounts]
        record = deploy_dao(w3, accts[0], load_config(config_path), Artifacts(ROOT), network="restart",
                            development=True, records_dir=tmp_path, log=lambda _l: None)  # fmt: skip
        d = load_dao(w3, record, Artifacts(ROOT))
        voters = [Account.from_key(Web3.keccak(text=f"restart-{i}")) for i in range(2)]
        for v in voters:
            transact(w3, accts[1], d.token.functions.transfer(v.address, 10 * TOKEN))
        proposal = Proposal((call_action(d.treasury, "pay", ZERO, voters[0].address, 1, "r"),), "restart test")
        transact(w3, accts[1], d.governor.functions.propose(*proposal.args(), proposal.description))
        pid = proposal.proposal_id
        snapshot = int(d.governor.functions.proposalSnapshot(pid).call())
        # The chain's clock runs ahead of the wall clock when the deploy mined more blocks than seconds passed
        # (each block is at least a second after its parent): wait on the chain's time, not the wall clock's.
        while int(w3.eth.get_block("latest")["timestamp"]) <= snapshot:
            time.sleep(max(snapshot + 1.2 - time.time(), 0.2))
            w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
        rel = Relayer(d, accts[7], RelayerSettings(log_path=tmp_path / "r.jsonl", retry_seconds=0.5),
                      log=lambda _l: None)  # fmt: skip
        address, server = serve(rel)
        try:
            first = wallet_sign(ballots.export_ballot(d, pid, Support.For, voters[0].address), voters[0])
            second = wallet_sign(ballots.export_ballot(d, pid, Support.Against, voters[1].address), voters[1])
            status, body = post(address, first)
            assert status == 200, body
            w3.eth.wait_for_transaction_receipt(body["tx"])
            node.stop()
            status, body = post(address, second)
            assert status == 503
            assert "the node is unreachable" in body["error"]
            rel.settings.retry_seconds = 30
            restarter = threading.Timer(1.0, node.start)
            restarter.start()
            status, body = post(address, second)
            restarter.join()
            assert status == 200, body
            rc = w3.eth.wait_for_transaction_receipt(body["tx"])
            assert rc["status"] == 1
            assert d.governor.functions.hasVoted(pid, voters[0].address).call()
            assert d.governor.functions.hasVoted(pid, voters[1].address).call()
        finally:
            server.stop()
    finally:
        node.stop()
