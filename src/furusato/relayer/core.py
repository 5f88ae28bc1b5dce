"""The gasless-voting relayer's core: validates signed ballots and delegations and submits them from a funded account.

Rules: a submission is ``{"typedData": {...}, "signature": "0x…"}`` (what a wallet's ``eth_signTypedData_v4``
signed, see :mod:`furusato.ballots`). It is checked offline first (signer, nonce, chain id, verifying contract,
proposal state, voting power), then its gas is estimated (a revert is refused, not sent), the daily gas cap is
checked, and the transaction is sent. Every submission is appended to the relayer's
:class:`~furusato.relayer.journal.Journal`, read back on start so that replays and the day's gas stay refused across
restarts. Connection errors to the node are retried for ``retry_seconds`` (a node restart is survived); past that
the request fails with 503. The HTTP face is :mod:`furusato.relayer.http`, batch mode :mod:`furusato.relayer.batch`.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import requests
from web3 import HTTPProvider, Web3
from web3.exceptions import ContractCustomError, ContractLogicError, ContractPanicError, Web3RPCError
from web3.middleware import ExtraDataToPOAMiddleware
from web3.types import RPCEndpoint, TxParams, Wei

from furusato.ballots import parse_signed, verify
from furusato.chain import Sender, with_margin
from furusato.constants import JST
from furusato.errors import ChainError, SignatureRejected
from furusato.proposals.dao import Dao, rebind
from furusato.relayer.journal import Journal
from furusato.relayer.limits import RateLimiter
from furusato.reverts import revert_data

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


def _own_connection(dao: Dao) -> Dao:
    """``dao`` over a connection of the relayer's own that remembers the chain id (web3 asks the node for it before
    every call otherwise: most of a ballot's round trips). Non-HTTP providers are kept as they are."""
    provider = dao.w3.provider
    if not isinstance(provider, HTTPProvider) or provider.endpoint_uri is None:
        return dao
    own = HTTPProvider(
        provider.endpoint_uri, cache_allowed_requests=True, cacheable_requests={RPCEndpoint("eth_chainId")}
    )
    w3 = Web3(own)
    w3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)  # POA chains' long extraData in get_block
    return rebind(dao, w3)


class Relayer:
    """Validates and submits signed messages; thread-safe (checks run concurrently, sending one at a time)."""

    def __init__(self, dao: Dao, sender: Sender, settings: RelayerSettings, log: Log = print) -> None:
        self.dao = _own_connection(dao)
        self.sender = sender
        self.settings = settings
        self.log = log
        self._lock = threading.Lock()
        self.chain_id = self._retry(lambda: int(dao.w3.eth.chain_id))
        self.journal = Journal(settings.log_path, self.chain_id)
        self.client_limit = RateLimiter(settings.per_client_per_minute, 60.0)
        self.signer_limit = RateLimiter(settings.per_signer_per_hour, 3600.0)

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
        ``expect`` is the primary type the caller accepts (None: any; ``Ballot`` takes an ExtendedBallot too)."""
        primary = typed.get("primaryType")
        accepted = ("Ballot", "ExtendedBallot") if expect == "Ballot" else (expect,)
        if expect is not None and primary not in accepted:
            raise SignatureRejected(f"this endpoint takes a {expect}, got primaryType {primary!r}")
        with self._lock:
            self._refuse_known(signature)
        verified = self._retry(lambda: verify(self.dao, typed, signature, self.settings.tz, chain_id=self.chain_id))
        if verified.call is None:
            raise SignatureRejected(f"{verified.kind} signatures are not relayed (only Ballot and Delegation)")
        call = verified.call
        if self.settings.per_signer_per_hour:
            wait = self.signer_limit.hit(verified.signer)
            if wait:
                raise SignatureRejected(
                    f"too many submissions signed by {verified.signer}: try again in {wait / 60:.0f} min", 429
                )
        try:
            estimate = self._retry(lambda: int(call.estimate_gas({"from": self.sender.address})))
        except (ContractCustomError, ContractLogicError, ContractPanicError, Web3RPCError) as exc:
            data = revert_data(exc)
            reason = self.dao.decoder.decode(data) if data else str(exc)
            raise SignatureRejected(f"the transaction would revert: {reason}") from exc
        # Checked again under the lock: another request may have sent the same signature or nonce meanwhile.
        with self._lock:
            self._refuse_known(signature)
            earlier = self.journal.tx_of_nonce(verified.kind, verified.signer, verified.nonce)
            if earlier is not None:
                raise SignatureRejected(
                    f"replay: nonce {verified.nonce} of {verified.signer} was already submitted (tx {earlier})", 409
                )
            day = self.check_gas_cap(estimate)
            tx: TxParams = {
                "from": self.sender.address,
                "to": call.address,
                "data": call._encode_transaction_data(),
                "gas": max(with_margin(estimate), MIN_GAS_LIMIT.get(verified.kind, 0)),
                "value": Wei(0),
            }
            tx_hash = self._retry(lambda: self.sender.send(self.dao.w3, tx)).to_0x_hex()
            entry = {
                "time": dt.datetime.now(self.settings.tz).isoformat(timespec="seconds"),
                "day": day,
                "chainId": self.chain_id,
                "kind": verified.kind,
                "signer": verified.signer,
                "nonce": verified.nonce,
                "signature": "0x" + signature.hex(),
                "tx": tx_hash,
                "gas": estimate,
                **{k: v for k, v in verified.details.items() if k in ("proposal", "support", "delegatee")},
            }
            self.journal.append(entry)
        self.log(f"relayed {verified.kind} of {verified.signer}: {tx_hash}")
        return {"status": "submitted", "tx": tx_hash, "kind": verified.kind, "signer": verified.signer}

    def check_gas_cap(self, estimate: int) -> str:
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
        w3 = self.dao.w3
        balance = int(self._retry(lambda: w3.eth.get_balance(self.sender.address)))
        gas_price = int(self._retry(lambda: w3.eth.gas_price))
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
