"""The gasless-voting relayer: validates signed ballots and delegations and submits them from a funded account.

Rules: a submission is ``{"typedData": {...}, "signature": "0x…"}`` (what a wallet's ``eth_signTypedData_v4``
signed, see :mod:`furusato.ballots`). It is checked offline first (signer, nonce, chain id, verifying contract,
proposal state, voting power), then its gas is estimated (a revert is refused, not sent), the daily gas cap is
checked, and the transaction is sent. Every submission is appended to a JSONL log, which is read back on start so
that replays and the day's gas stay refused across restarts. Connection errors to the node are retried for
``retry_seconds`` (a node restart is survived); past that the request fails with 503.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import requests
from web3 import HTTPProvider, Web3
from web3.exceptions import ContractCustomError, ContractLogicError, ContractPanicError, Web3RPCError
from web3.middleware import ExtraDataToPOAMiddleware
from web3.types import RPCEndpoint, TxParams, Wei

from furusato.ballots import parse_signed, read_signed, verify
from furusato.chain import Sender, with_margin
from furusato.constants import JST
from furusato.errors import ChainError, SignatureRejected
from furusato.proposals.dao import Dao, rebind
from furusato.reverts import revert_data

T = TypeVar("T")
Log = Callable[[str], None]
DEFAULT_PORT = 8765
DEFAULT_MAX_BODY = 16_384
DEFAULT_DAILY_GAS = 20_000_000
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
        self._signatures: dict[bytes, str] = {}  # signature -> tx hash
        self._nonces: dict[tuple[str, str, int], str] = {}  # (kind, signer, nonce) -> tx hash
        self._gas: dict[str, int] = {}  # day -> gas reserved (estimates)
        self.chain_id = self._retry(lambda: int(dao.w3.eth.chain_id))
        self._load_log()

    # ---------------------------------------------------------------- state

    def _day(self) -> str:
        return dt.datetime.now(self.settings.tz).date().isoformat()

    def gas_today(self) -> int:
        return self._gas.get(self._day(), 0)

    def _load_log(self) -> None:
        path = self.settings.log_path
        if not path.exists():
            return
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                if entry.get("chainId") != self.chain_id:
                    continue
                self._remember(entry)
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise ChainError(f"{path}:{number}: damaged relayer log line ({exc})") from exc

    def _remember(self, entry: dict[str, Any]) -> None:
        tx = str(entry["tx"])
        self._signatures[bytes.fromhex(entry["signature"][2:])] = tx
        self._nonces[(entry["kind"], entry["signer"], int(entry["nonce"]))] = tx
        self._gas[entry["day"]] = self._gas.get(entry["day"], 0) + int(entry["gas"])

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

    def submit(self, payload: Any, expect: str | None = None) -> dict[str, Any]:
        """Validate and send one submission; return ``{"status": "submitted", "tx": …}`` or raise SignatureRejected
        (4xx) / ChainError (node unreachable, 503)."""
        typed, signature = parse_signed(payload)
        if expect is not None and typed.get("primaryType") != expect:
            raise SignatureRejected(f"this endpoint takes a {expect}, got primaryType {typed.get('primaryType')!r}")
        with self._lock:
            self._refuse_known(signature)
        verified = self._retry(lambda: verify(self.dao, typed, signature, self.settings.tz, chain_id=self.chain_id))
        if verified.call is None:
            raise SignatureRejected(f"{verified.kind} signatures are not relayed (only Ballot and Delegation)")
        call = verified.call
        try:
            estimate = self._retry(lambda: int(call.estimate_gas({"from": self.sender.address})))
        except (ContractCustomError, ContractLogicError, ContractPanicError, Web3RPCError) as exc:
            data = revert_data(exc)
            reason = self.dao.decoder.decode(data) if data else str(exc)
            raise SignatureRejected(f"the transaction would revert: {reason}") from exc
        # Checked again under the lock: another request may have sent the same signature or nonce meanwhile.
        with self._lock:
            self._refuse_known(signature)
            key = (verified.kind, verified.signer, verified.nonce)
            if key in self._nonces:
                raise SignatureRejected(
                    f"replay: nonce {verified.nonce} of {verified.signer} was already submitted "
                    f"(tx {self._nonces[key]})",
                    409,
                )
            day = self._day()
            used = self._gas.get(day, 0)
            cap = self.settings.daily_gas_cap
            if used + estimate > cap:
                raise SignatureRejected(
                    f"daily gas cap reached: {used:,} of {cap:,} gas spent on {day}, this needs {estimate:,}; "
                    "try again tomorrow",
                    429,
                )
            tx: TxParams = {
                "from": self.sender.address,
                "to": call.address,
                "data": call._encode_transaction_data(),
                "gas": with_margin(estimate),
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
            self._remember(entry)
            self.settings.log_path.parent.mkdir(parents=True, exist_ok=True)
            with self.settings.log_path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.log(f"relayed {verified.kind} of {verified.signer}: {tx_hash}")
        return {"status": "submitted", "tx": tx_hash, "kind": verified.kind, "signer": verified.signer}

    def _refuse_known(self, signature: bytes) -> None:
        if signature in self._signatures:
            raise SignatureRejected(
                f"replay: this signature was already submitted (tx {self._signatures[signature]})", 409
            )

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

    def wait(self, tx_hash: str, timeout: float = 120) -> dict[str, Any]:
        receipt = self._retry(
            lambda: self.dao.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=timeout, poll_latency=0.05)  # type: ignore[arg-type]
        )
        return {"tx": tx_hash, "status": int(receipt["status"]), "gasUsed": int(receipt["gasUsed"])}


# ------------------------------------------------------------------------------------------------ batch


@dataclass(frozen=True)
class BatchResult:
    file: Path
    ok: bool
    message: str  # tx hash, or why it was refused
    status: int = 200
    gas_used: int = 0


def relay_folder(relayer: Relayer, folder: Path, *, wait: bool = True) -> list[BatchResult]:
    """Submit every ``*.json`` in ``folder`` (sorted by name); refused files are reported, not fatal."""
    results: list[BatchResult] = []
    for path in sorted(folder.glob("*.json")):
        try:
            typed, signature = read_signed(path)
            sent = relayer.submit({"typedData": typed, "signature": "0x" + signature.hex()})
            results.append(BatchResult(path, True, str(sent["tx"])))
        except SignatureRejected as exc:
            results.append(BatchResult(path, False, str(exc), exc.status))
        except Exception as exc:  # a damaged file must not stop the batch
            results.append(BatchResult(path, False, str(exc), 400))
    if wait:
        for i, r in enumerate(results):
            if r.ok:
                mined = relayer.wait(r.message)
                ok = mined["status"] == 1
                results[i] = BatchResult(r.file, ok, r.message if ok else f"reverted on chain: {r.message}",
                                         200 if ok else 500, mined["gasUsed"])  # fmt: skip
    return results


# ------------------------------------------------------------------------------------------------ HTTP


class RelayerServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], relayer: Relayer) -> None:
        self.relayer = relayer
        super().__init__(address, _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


ENDPOINTS = {"/relay": None, "/ballot": "Ballot", "/delegation": "Delegation"}


class _Handler(BaseHTTPRequestHandler):
    server: RelayerServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, status: int, body: dict[str, Any], close: bool = False) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, message: str, close: bool = False) -> None:
        self._reply(status, {"error": message, "status": status}, close)

    def do_GET(self) -> None:
        if self.path != "/health":
            self._error(HTTPStatus.NOT_FOUND, f"no such endpoint {self.path}: POST /relay, GET /health")
            return
        try:
            self._reply(HTTPStatus.OK, self.server.relayer.health())
        except ChainError as exc:
            self._error(HTTPStatus.SERVICE_UNAVAILABLE, str(exc))

    def do_POST(self) -> None:
        if self.path not in ENDPOINTS:
            self._error(HTTPStatus.NOT_FOUND, f"no such endpoint {self.path}: POST /relay, /ballot or /delegation")
            return
        limit = self.server.relayer.settings.max_body
        length_text = self.headers.get("Content-Length")
        if length_text is None:
            self._error(HTTPStatus.LENGTH_REQUIRED, "a Content-Length header is required", close=True)
            return
        try:
            length = int(length_text)
            if length < 0:
                raise ValueError(length_text)
        except ValueError:
            self._error(HTTPStatus.BAD_REQUEST, f"bad Content-Length {length_text!r}", close=True)
            return
        if length > limit:
            self._error(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"body of {length} bytes exceeds the limit of {limit}", close=True
            )
            return
        body = self.rfile.read(length)
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            self._error(HTTPStatus.BAD_REQUEST, f"malformed JSON: {exc}")
            return
        try:
            result = self.server.relayer.submit(payload, ENDPOINTS[self.path])
        except SignatureRejected as exc:
            self._error(exc.status, str(exc))
            return
        except ChainError as exc:
            self._error(HTTPStatus.SERVICE_UNAVAILABLE, str(exc))
            return
        except Exception as exc:  # answer every request; the service keeps running
            self.server.relayer.log(f"internal error on {self.path}: {type(exc).__name__}: {exc}")
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, f"internal error: {type(exc).__name__}: {exc}")
            return
        self._reply(HTTPStatus.OK, result)


def make_server(relayer: Relayer, host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> RelayerServer:
    """An HTTP server for ``relayer`` (not started: call ``serve_forever`` or :func:`start_in_thread`)."""
    return RelayerServer((host, port), relayer)


def start_in_thread(server: RelayerServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return thread
