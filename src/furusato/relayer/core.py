"""The gasless-voting relayer's core: validates signed ballots and delegations and submits them from a funded account.

Rules: a submission is ``{"typedData": {...}, "signature": "0x…"}`` (what a wallet's ``eth_signTypedData_v4``
signed, see :mod:`furusato.ballots`). It is checked offline first (signer, nonce, chain id, verifying contract,
proposal state, voting power), then its gas is estimated (a revert is refused, not sent), the daily gas cap is
checked, and the transaction is sent. Every submission is appended to the relayer's
:class:`~furusato.relayer.journal.Journal`, read back on start so that replays and the day's gas stay refused across
restarts. Connection errors to the node are retried for ``retry_seconds`` (a node restart is survived); past that
the request fails with 503. The HTTP face is the portal's (:mod:`furusato.portal.app`), batch mode
:mod:`furusato.relayer.batch`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import requests

from furusato.ballots import parse_signed, prepare
from furusato.chain import Sender, call_request, decode_call, rpc_batch, rpc_call, with_margin
from furusato.constants import JST
from furusato.errors import ChainError, SignatureRejected
from furusato.proposals.dao import Dao, own_connection
from furusato.relayer.fees import FeeReads
from furusato.relayer.journal import Journal
from furusato.relayer.limits import RateLimiter
from furusato.rpc import RpcFailure

__all__ = ["BALLOT_GAS", "DEFAULT_PORT", "Relayer", "RelayerSettings"]

T = TypeVar("T")
Log = Callable[[str], None]
DEFAULT_PORT = 8765
DEFAULT_MAX_BODY = 16_384
DEFAULT_DAILY_GAS = 20_000_000
#: About what one relayed vote with a reason costs (castVoteBySig relayed: 97,811 gas; a short reason adds some).
BALLOT_GAS = 110_000
#: Lowest gas limit per kind. An estimate made in the same second as the voter's last checkpoint prices an update
#: in place; mined a second later the same call writes new checkpoint slots (two of them for a delegation that moves
#: votes), which the usual margin does not always cover. Unused gas is not charged.
MIN_GAS_LIMIT = {"Ballot": 160_000, "Delegation": 220_000}
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    ConnectionError,
)


@dataclass
class RelayerSettings:
    """How much gas a day, where the log goes, how big a body may be, how long to wait for a restarting node."""

    log_path: Path
    daily_gas_cap: int = DEFAULT_DAILY_GAS
    max_body: int = DEFAULT_MAX_BODY
    retry_seconds: float = 30.0
    tz: dt.tzinfo = field(default=JST)
    #: Submissions allowed per client (IP address) per minute, and per signer per hour (0: no limit).
    per_client_per_minute: int = 30
    per_signer_per_hour: int = 20


_NONCE_REFUSED = re.compile(r"nonce too low|nonce too high|already known|replacement transaction underpriced", re.I)


def _decoded(calls: list[Any], answers: list[Any]) -> list[Any]:
    """The values of ``calls`` from their batch answers; a failed read as the exception ``Check.finish`` expects."""
    values = [decode_call(fn, a) for fn, a in zip(calls, answers, strict=True)]
    return [ChainError(v.message) if isinstance(v, RpcFailure) else v for v in values]


class Relayer:
    """Validates and submits signed messages; thread-safe (checks run concurrently, sending one at a time)."""

    def __init__(self, dao: Dao, sender: Sender, settings: RelayerSettings, log: Log = print) -> None:
        self.dao = own_connection(dao)
        self.sender = sender
        self.settings = settings
        self.log = log
        self._lock = threading.Lock()
        self.chain_id = self._retry(lambda: int(dao.w3.eth.chain_id))
        self.journal = Journal(settings.log_path, self.chain_id)
        self.client_limit = RateLimiter(settings.per_client_per_minute, 60.0)
        self.signer_limit = RateLimiter(settings.per_signer_per_hour, 3600.0)
        self._nonce: int | None = None  # the sponsor's next nonce, once known
        self._simulate_v1 = True  # until the node says it has no eth_simulateV1
        self._fee_reads = FeeReads()

    # ---------------------------------------------------------------- state

    def _day(self) -> str:
        return dt.datetime.now(self.settings.tz).date().isoformat()

    def gas_today(self) -> int:
        """Gas reserved today (in the relayer's time zone)."""
        return self.journal.gas_on(self._day())

    # ---------------------------------------------------------------- node access

    def _retry(self, fn: Callable[[], T]) -> T:
        """``fn()``, retried while the node cannot be reached (e.g. restarting), for ``retry_seconds``."""
        deadline = time.monotonic() + self.settings.retry_seconds
        delay = 0.1
        while True:
            try:
                return fn()
            except CONNECTION_ERRORS as exc:
                if time.monotonic() >= deadline:
                    raise ChainError(f"the node is unreachable ({type(exc).__name__}); try again later") from exc
                time.sleep(delay)
                delay = min(delay * 2, 2.0)

    # ---------------------------------------------------------------- submitting

    def submit(self, payload: Any, expect: str | None = None, client: str | None = None) -> dict[str, Any]:
        """Validate and send one submission ``{"typedData": …, "signature": "0x…"}``; return
        ``{"status": "submitted", "tx": …}`` or raise SignatureRejected (4xx) / ChainError (node unreachable, 503).
        ``client`` (e.g. the caller's IP address) is rate-limited per minute, the signer per hour (429)."""
        if client is not None and self.settings.per_client_per_minute:
            wait = self.client_limit.hit(client)
            if wait:
                raise SignatureRejected(f"too many requests from {client}: try again in {wait:.0f} s", 429)
        typed, signature = parse_signed(payload)
        return self.submit_signed(typed, signature, expect)

    def submit_signed(self, typed: dict[str, Any], signature: bytes, expect: str | None = None) -> dict[str, Any]:
        """:meth:`submit` for typed data and a signature already parsed (a batch file, see ``read_signed``);
        ``expect`` is the primary type the caller accepts (None: any; ``Ballot`` takes an ExtendedBallot too).

        Node round trips: one JSON-RPC batch with the simulation (``eth_simulateV1``, or ``eth_estimateGas`` on a
        node without it; it succeeds only for an active proposal, a voter who has not voted and the signer's
        current nonce, and says the gas used, which the daily cap is charged), the voter's power at the
        snapshot, the latest block and the fees; then the send. Once per proposal its snapshot is read, the
        sponsor's nonce at start and after a refused send; a refused simulation costs one more batch, the reads
        that say why in words. The receipt is not waited for: the journal holds the transaction, and
        ``GET /api/tx/<hash>`` says when it is mined."""
        primary = typed.get("primaryType")
        accepted = ("Ballot", "ExtendedBallot") if expect == "Ballot" else (expect,)
        if expect is not None and primary not in accepted:
            raise SignatureRejected(f"this endpoint takes a {expect}, got primaryType {primary!r}")
        with self._lock:
            self._refuse_known(signature)
        check = self._retry(lambda: prepare(self.dao, typed, signature, self.settings.tz, chain_id=self.chain_id))
        call = check.call
        if call is None:
            raise SignatureRejected(f"{check.kind} signatures are not relayed (only Ballot and Delegation)")
        data = call.data
        simulate = {"from": self.sender.address, "to": call.address, "data": data}
        reads = [call_request(fn) for fn in check.needed]
        needed, estimated, now, fees = self._simulated(reads, simulate)
        if isinstance(estimated, RpcFailure):  # refused: the full checks say why in words, else the revert does
            reads = self._retry(lambda: rpc_batch(self.dao.w3, [call_request(fn) for fn in check.reads]))
            verified = self._retry(lambda: check.finish(_decoded(check.reads, reads), now))
        else:
            verified = check.accept(_decoded(check.needed, needed), now)
        if self.settings.per_signer_per_hour:
            wait = self.signer_limit.hit(verified.signer)
            if wait:
                raise SignatureRejected(
                    f"too many submissions signed by {verified.signer}: try again in {wait / 60:.0f} min", 429
                )
        if isinstance(estimated, RpcFailure):
            reason = self.dao.decoder.decode(estimated.data) if estimated.data else estimated.message
            raise SignatureRejected(f"the transaction would revert: {reason}")
        estimate = estimated
        # Checked again under the lock: another request may have sent the same signature or nonce meanwhile.
        with self._lock:
            self._refuse_known(signature)
            earlier = self.journal.tx_of_nonce(verified.kind, verified.signer, verified.nonce)
            if earlier is not None:
                raise SignatureRejected(
                    f"replay: nonce {verified.nonce} of {verified.signer} was already submitted (tx {earlier})", 409
                )
            tx: dict[str, Any] = {
                "from": self.sender.address,
                "to": call.address,
                "data": data,
                "gas": max(with_margin(estimate), MIN_GAS_LIMIT.get(verified.kind, 0)),
                "value": 0,
                **fees,
            }
            tx_hash = self.send_journaled(tx, estimate, {
                "kind": verified.kind,
                "signer": verified.signer,
                "nonce": verified.nonce,
                "signature": "0x" + signature.hex(),
                **{k: v for k, v in verified.details.items() if k in ("proposal", "support", "delegatee")},
            })  # fmt: skip
        self.log(f"relayed {verified.kind} of {verified.signer}: {tx_hash}")
        return {"status": "submitted", "tx": tx_hash, "kind": verified.kind, "signer": verified.signer}

    def _simulated(
        self, reads: list[tuple[str, list[Any]]], tx: dict[str, Any]
    ) -> tuple[list[Any], int | RpcFailure, int, dict[str, Any]]:
        """One round trip: ``reads``, the simulation of ``tx``, the latest block and what the fees need. Returns
        the reads' answers, the gas the call uses (or an :class:`RpcFailure` with the revert), the latest block's
        time and the transaction's chain id and fee fields. A node without ``eth_simulateV1`` is asked again with
        ``eth_estimateGas``, and from then on."""
        while True:
            fee_reads = self._fee_reads.requests()
            batch = [*reads, self._simulation_request(tx), *fee_reads]
            answers = self._retry(functools.partial(rpc_batch, self.dao.w3, batch))
            gas = self._gas_of(answers[len(reads)])
            if gas is not None:
                break
            self._simulate_v1 = False
        fee_answers = answers[len(reads) + 1 :]
        fees = self._fee_reads.fees(fee_reads, fee_answers, self._read_one)
        return answers[: len(reads)], gas, int(fee_answers[0]["timestamp"], 16), {"chainId": self.chain_id, **fees}

    def _read_one(self, request: tuple[str, list[Any]]) -> Any:
        (answer,) = self._retry(functools.partial(rpc_batch, self.dao.w3, [request]))
        return answer

    def _simulation_request(self, tx: dict[str, Any]) -> tuple[str, list[Any]]:
        """The request that simulates ``tx`` on the latest state: ``eth_simulateV1`` (one execution, which says
        the gas used and the revert data), or ``eth_estimateGas`` (a search of several executions) on a node
        without it."""
        if self._simulate_v1:
            return "eth_simulateV1", [{"blockStateCalls": [{"calls": [tx]}]}, "latest"]
        return "eth_estimateGas", [tx]

    def _gas_of(self, answer: Any) -> int | RpcFailure | None:
        """The gas a simulation says the call uses, an :class:`RpcFailure` with the revert data for a call that
        would revert, or None when the node cannot answer ``eth_simulateV1`` (no such method, another shape of
        parameters or of answer): :meth:`_simulated` then estimates instead, which works everywhere."""
        if not self._simulate_v1:
            return answer if isinstance(answer, RpcFailure) else int(answer, 16)
        if isinstance(answer, RpcFailure):  # a revert, or a node that cannot simulate (no such method, other params)
            return answer if answer.data is not None or "revert" in answer.message.lower() else None
        try:
            result = answer[0]["calls"][0]
            if int(result["status"], 16) == 1:
                return int(result["gasUsed"], 16)
            error = result.get("error") or {}
            revert = result.get("returnData") or "0x"
            return RpcFailure(str(error.get("message", "execution reverted")), bytes.fromhex(revert[2:]) or None)
        except (LookupError, TypeError, ValueError, AttributeError):
            return None

    def fees(self) -> dict[str, Any]:
        """The fee fields of a transaction sent now (one round trip), with the chain id: what
        :meth:`send_journaled` needs besides the call and its gas."""
        requests = self._fee_reads.requests()
        answers = self._retry(functools.partial(rpc_batch, self.dao.w3, requests))
        return {"chainId": self.chain_id, **self._fee_reads.fees(requests, answers, self._read_one)}

    def send_journaled(self, tx: dict[str, Any], estimate: int, fields: dict[str, Any]) -> str:
        """Send ``tx`` (simulated at ``estimate`` gas; every field but the nonce given: ``to``, ``data``, ``value``,
        ``gas``, ``chainId`` and the fees, see :meth:`fees`) once the daily gas cap allows it, and journal it with
        ``fields``; returns its hash. Call it holding the lock, after the replay checks."""
        day = self._check_gas_cap(estimate)
        tx_hash = self._retry(lambda: self._send(tx))
        self.journal.append({
            "time": dt.datetime.now(self.settings.tz).isoformat(timespec="seconds"),
            "day": day,
            "chainId": self.chain_id,
            **fields,
            "tx": tx_hash,
            "gas": estimate,
        })  # fmt: skip
        return tx_hash

    def _check_gas_cap(self, estimate: int) -> str:
        """Today (ISO date) when ``estimate`` more gas fits under the daily cap, else refused (429). Call it holding
        the lock, then journal the transaction before releasing it."""
        day = self._day()
        used = self.journal.gas_on(day)
        cap = self.settings.daily_gas_cap
        if used + estimate > cap:
            raise SignatureRejected(
                f"daily gas cap reached: {used:,} of {cap:,} gas spent on {day}, this needs {estimate:,}; "
                "try again tomorrow",
                429,
            )
        return day

    def _send(self, tx: dict[str, Any]) -> str:
        """Send ``tx`` with the sponsor's next nonce, kept here (the lock is held). The nonce is read from the node
        at start and whenever a send fails (a node restart, a transaction sent from the same account elsewhere);
        a send refused for its nonce is retried once with the node's count."""
        for attempt in (0, 1):
            if self._nonce is None:
                self._nonce = int(self.dao.w3.eth.get_transaction_count(self.sender.address, "pending"))
            try:
                tx_hash = str(rpc_call(self.dao.w3, *self.sender.send_request({**tx, "nonce": self._nonce})))
            except ChainError as exc:
                self._nonce = None
                if attempt or not _NONCE_REFUSED.search(str(exc)):
                    raise ChainError(f"the node refused the transaction: {exc}") from exc
                continue
            except BaseException:
                self._nonce = None  # unknown whether the node took it: ask it again
                raise
            self._nonce += 1
            return tx_hash
        raise AssertionError("unreachable")

    def _refuse_known(self, signature: bytes) -> None:
        earlier = self.journal.tx_of_signature(signature)
        if earlier is not None:
            raise SignatureRejected(f"replay: this signature was already submitted (tx {earlier})", 409)

    def health(self) -> dict[str, Any]:
        return {
            "status": "ok",
            "chainId": self.chain_id,
            "governor": self.dao.governor.address,
            "token": self.dao.token.address,
            "relayer": self.sender.address,
            "gasToday": self.gas_today(),
            "dailyGasCap": self.settings.daily_gas_cap,
        }

    def status(self) -> dict[str, Any]:
        """What the public may know about the sponsor: its balance, today's remaining gas budget and about how many
        votes that pays for (the smaller of what the budget and the balance allow, at today's gas price)."""
        answers = self._retry(lambda: rpc_batch(self.dao.w3, [("eth_getBalance", [self.sender.address, "latest"]),
                                                             ("eth_gasPrice", [])]))  # fmt: skip
        if any(isinstance(a, RpcFailure) for a in answers):
            raise ChainError(f"the node did not answer for the sponsor's balance: {answers}")
        balance, gas_price = (int(a, 16) for a in answers)
        remaining = max(self.settings.daily_gas_cap - self.gas_today(), 0)
        by_budget = remaining // BALLOT_GAS
        by_balance = balance // (gas_price * BALLOT_GAS) if gas_price else by_budget
        return {
            "chainId": self.chain_id,
            "sponsor": self.sender.address,
            "balanceWei": str(balance),
            "gasPriceWei": str(gas_price),
            "dailyGasCap": self.settings.daily_gas_cap,
            "gasToday": self.gas_today(),
            "remainingGasToday": remaining,
            "votesAffordable": int(min(by_budget, by_balance)),
            "gasPerVote": BALLOT_GAS,
        }

    def wait(self, tx_hash: str, timeout: float = 120) -> dict[str, Any]:
        receipt = self._retry(
            lambda: self.dao.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=timeout, poll_latency=0.05)  # type: ignore[arg-type]
        )
        return {"tx": tx_hash, "status": int(receipt["status"]), "gasUsed": int(receipt["gasUsed"])}
