"""Talking to a chain: who sends transactions, sending them, decoding reverts, and checking EVM capabilities."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, cast

from furusato.abi import abi_type, decode_output, selector
from furusato.errors import ChainError, UnsupportedChainError
from furusato.reverts import DEFAULT_DECODER, ErrorDecoder, revert_data
from furusato.rpc import RpcFailure, outcome, thread_rpc

if TYPE_CHECKING:  # web3.py loads inside the functions that send: a read command never pays for its import
    from eth_account.signers.local import LocalAccount
    from eth_typing import ChecksumAddress
    from hexbytes import HexBytes
    from web3 import Web3
    from web3.contract.contract import ContractFunction
    from web3.types import TxParams, TxReceipt

Log = Callable[[str], None]

#: Init-code probes, one per opcode family the contracts need. Each runs the opcode and stops.
CAPABILITY_PROBES: dict[str, str] = {
    "PUSH0 (Shanghai, EIP-3855)": "0x5f5000",
    "TSTORE/TLOAD (Cancun, EIP-1153)": "0x600160005d60005c5000",
    "MCOPY (Cancun, EIP-5656)": "0x6020600060205e00",
    "BLOBBASEFEE (Cancun, EIP-7516)": "0x4a5000",
}


def missing_capabilities(w3: Web3) -> list[str]:
    """The opcode families (see :data:`CAPABILITY_PROBES`) the connected chain does not execute."""
    from hexbytes import HexBytes
    from web3.exceptions import ContractLogicError, Web3RPCError

    missing = []
    for name, code in CAPABILITY_PROBES.items():
        try:
            w3.eth.call({"data": HexBytes(code), "gas": 100_000})
        except (ContractLogicError, Web3RPCError, ValueError):
            missing.append(name)
    return missing


def require_cancun(w3: Web3, where: str) -> None:
    """Raise :class:`UnsupportedChainError` unless the chain executes every Cancun opcode OpenZeppelin 5.7 uses."""
    missing = missing_capabilities(w3)
    if missing:
        raise UnsupportedChainError(
            f"the chain at {where} (chain id {w3.eth.chain_id}) does not support "
            + ", ".join(missing)
            + ". RegionToken and RegionGovernor are built on OpenZeppelin Contracts 5.7 for the Cancun EVM "
            "(they use MCOPY and transient storage), so they cannot run there. Use Anvil (the default local "
            "chain) or a network that has activated Cancun. Nothing was deployed."
        )


def fee_caps(w3: Web3) -> tuple[int, int]:
    """The (max fee, priority fee) per gas a locally signed transaction offers: twice the latest base fee plus the
    node's suggested tip (no tip where the base fee is zero, as on a development Anvil)."""
    base = w3.eth.get_block("latest").get("baseFeePerGas", 0) or 0
    tip = w3.eth.max_priority_fee if base else 0
    return 2 * base + tip, tip


class Sender(Protocol):
    """An account that can send transactions."""

    @property
    def address(self) -> ChecksumAddress: ...

    def send(self, w3: Web3, tx: TxParams) -> HexBytes:
        """Sign (or have the node sign) and broadcast ``tx``; return its hash."""
        ...

    def send_request(self, tx: dict[str, Any]) -> tuple[str, list[Any]]:
        """The JSON-RPC request that broadcasts ``tx`` (for :func:`rpc_call`), which names every field: ``from``,
        ``to``, ``data``, ``value``, ``gas``, ``nonce``, ``chainId`` and the fees. Used by a caller that keeps the
        nonce itself (the relayer)."""
        ...


def _quantities(tx: dict[str, Any]) -> dict[str, Any]:
    """``tx`` as JSON-RPC takes it: numbers as 0x-hex quantities."""
    return {k: hex(v) if isinstance(v, int) else v for k, v in tx.items()}


@dataclass
class UnlockedSender:
    """An account the node holds unlocked (Anvil's development accounts): the node signs."""

    address: ChecksumAddress

    def send(self, w3: Web3, tx: TxParams) -> HexBytes:
        from hexbytes import HexBytes

        return HexBytes(w3.eth.send_transaction(tx))

    def send_request(self, tx: dict[str, Any]) -> tuple[str, list[Any]]:
        return "eth_sendTransaction", [_quantities({**tx, "from": self.address})]


@dataclass
class LocalKeySender:
    """An account whose key is held in memory (decrypted from a keystore); signs locally, tracks its nonce."""

    account: LocalAccount
    _nonce: int | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def address(self) -> ChecksumAddress:
        from web3 import Web3

        return Web3.to_checksum_address(self.account.address)

    def send(self, w3: Web3, tx: TxParams) -> HexBytes:
        from hexbytes import HexBytes

        with self._lock:
            full: dict[str, Any] = dict(tx)
            if "nonce" in full:  # the caller keeps the nonce (the relayer does)
                self._nonce = int(full["nonce"])
            elif self._nonce is None:
                self._nonce = w3.eth.get_transaction_count(self.address, "pending")
            full.setdefault("chainId", w3.eth.chain_id)
            full["nonce"] = self._nonce
            if "gasPrice" not in full and "maxFeePerGas" not in full:
                full["maxFeePerGas"], full["maxPriorityFeePerGas"] = fee_caps(w3)
            signed = self.account.sign_transaction(full)
            try:
                tx_hash = HexBytes(w3.eth.send_raw_transaction(signed.raw_transaction))
            except BaseException:
                self._nonce = None  # refused or unknown: ask the node again next time
                raise
            self._nonce += 1
            return tx_hash

    def send_request(self, tx: dict[str, Any]) -> tuple[str, list[Any]]:
        signed = self.account.sign_transaction({k: v for k, v in tx.items() if k != "from"})
        return "eth_sendRawTransaction", ["0x" + bytes(signed.raw_transaction).hex()]


def with_margin(estimate: int) -> int:
    """Gas limit for an estimate. With a timestamp clock, a transaction mined one second later than it was estimated
    writes new checkpoint slots where the estimate updated existing ones (about 20,000 gas each: the token's votes of
    two accounts and its supply, the registry's member count and the account's membership), so estimates get
    25% + 100,000 headroom. Unused gas is not charged."""
    return int(estimate * 1.25) + 100_000


def transact(
    w3: Web3,
    sender: Sender,
    call: ContractFunction | TxParams,
    *,
    value: int = 0,
    label: str = "",
    decoder: ErrorDecoder = DEFAULT_DECODER,
    poll_latency: float = 0.01,
    timeout: float = 300,
) -> TxReceipt:
    """Send a contract call (or a raw transaction) from ``sender`` and wait for a successful receipt.

    Reverts are caught when gas is estimated, before anything is broadcast, and raised as :class:`ChainError`
    naming the decoded custom error.
    """
    from web3.contract.contract import ContractFunction
    from web3.exceptions import ContractCustomError, ContractLogicError, ContractPanicError, Web3RPCError
    from web3.types import Wei

    what = label or (call.fn_name if isinstance(call, ContractFunction) else "transaction")
    try:
        if isinstance(call, ContractFunction):
            params: TxParams = {"from": sender.address, "value": Wei(value)}
            tx = call.build_transaction({**params, "gas": with_margin(call.estimate_gas(params))})
        else:
            tx = dict(call)  # type: ignore[assignment]
            tx.setdefault("from", sender.address)
            if "gas" not in tx:
                tx["gas"] = with_margin(w3.eth.estimate_gas(tx))
    except (ContractCustomError, ContractLogicError, ContractPanicError, Web3RPCError, ValueError) as exc:
        data = revert_data(exc)
        if isinstance(exc, ValueError) and data is None and "revert" not in str(exc).lower():
            raise  # a plain ValueError (bad argument, ...) is not a revert: let it surface as it is
        reason = decoder.decode(data) if data else str(exc)
        raise ChainError(f"{what} would revert: {reason}") from exc
    tx_hash = sender.send(w3, tx)
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=timeout, poll_latency=poll_latency)
    if receipt["status"] != 1:
        raise ChainError(f"{what} reverted on chain (tx {tx_hash.to_0x_hex()})")
    return receipt


def deploy(
    w3: Web3,
    sender: Sender,
    abi: list[dict[str, Any]],
    bytecode: str,
    args: list[Any],
    *,
    label: str,
    decoder: ErrorDecoder = DEFAULT_DECODER,
) -> tuple[ChecksumAddress, TxReceipt]:
    """Deploy a contract; return its address and the receipt."""
    from web3 import Web3

    factory = w3.eth.contract(abi=abi, bytecode=bytecode)
    tx: TxParams = {"data": factory.constructor(*args).data_in_transaction, "from": sender.address}
    receipt = transact(w3, sender, tx, label=f"deploy {label}", decoder=decoder)
    address = receipt["contractAddress"]
    if address is None:
        raise ChainError(f"deploy {label}: the receipt has no contract address")
    return Web3.to_checksum_address(address), receipt


def advance_time(w3: Web3, seconds: int) -> int:
    """Development chains only (Anvil): move the clock forward and mine a block; return the new timestamp."""
    w3.provider.make_request("evm_increaseTime", [seconds])  # type: ignore[arg-type]
    w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
    return int(w3.eth.get_block("latest")["timestamp"])


def send_eth(w3: Web3, sender: Sender, to: str, amount: int, label: str = "send ETH") -> TxReceipt:
    """Plain ETH transfer from ``sender``."""
    from web3 import Web3
    from web3.types import Wei

    tx: TxParams = {"to": Web3.to_checksum_address(to), "value": Wei(amount)}
    return transact(w3, sender, tx, label=label)


# ------------------------------------------------------------------------------------------------ JSON-RPC batches


def rpc_batch(w3: Web3, requests: list[tuple[str, list[Any]]]) -> list[Any]:
    """Several JSON-RPC requests in one round trip (a JSON-RPC batch): each item's raw result (hex strings, dicts as
    the node sends them), or an :class:`RpcFailure` for an item the node refused. A provider or node without batches
    is asked request by request. A connection error propagates (the caller retries).

    Over a plain HTTP provider the batch goes through this thread's kept-alive :func:`~furusato.rpc.thread_rpc`
    connection rather than web3.py's request stack (a relayed ballot makes two of these: web3.py's formatting and
    ``requests`` cost more than the node's answer)."""
    from web3.types import RPCEndpoint

    if not requests:
        return []
    provider: Any = w3.provider
    lean = _lean_endpoint(provider)
    if lean is not None:
        return thread_rpc(*lean).batch(requests)
    calls = [(RPCEndpoint(method), params) for method, params in requests]
    responses: Any = None
    if hasattr(provider, "make_batch_request"):
        try:
            responses = provider.make_batch_request(calls)
        except NotImplementedError:
            responses = None
    if not isinstance(responses, list) or len(responses) != len(calls):  # no batches here: one by one
        responses = [provider.make_request(method, params) for method, params in calls]
    return [outcome(r) for r in responses]


def _lean_endpoint(provider: Any) -> tuple[str, float] | None:
    """``(url, timeout)`` when ``provider`` is web3.py's plain HTTPProvider to an http(s) URL that needs nothing
    ``requests`` would add (no credentials in the URL, no headers, proxy or auth settings, no proxy from the
    environment): :func:`rpc_batch` may then talk to the node itself. None otherwise. Remembered per provider."""
    cached = getattr(provider, "_furusato_lean", False)
    if cached is not False:
        return cast("tuple[str, float] | None", cached)
    import urllib.parse
    import urllib.request

    from web3 import HTTPProvider

    found: tuple[str, float] | None = None
    if type(provider) is HTTPProvider:
        url = str(provider.endpoint_uri)
        parts = urllib.parse.urlsplit(url)
        kwargs = dict(provider._request_kwargs or {})
        timeout = kwargs.pop("timeout", 30)
        proxied = parts.scheme in urllib.request.getproxies() and not urllib.request.proxy_bypass(parts.hostname or "")
        if (parts.scheme in ("http", "https") and parts.hostname and not parts.username and not kwargs
                and isinstance(timeout, int | float) and not proxied):  # fmt: skip
            found = (url, float(timeout))
    provider._furusato_lean = found
    return found


def rpc_call(w3: Web3, method: str, params: list[Any]) -> Any:
    """One JSON-RPC request through :func:`rpc_batch`'s path; ChainError naming the method when the node refuses
    it (a connection error propagates)."""
    (answer,) = rpc_batch(w3, [(method, params)])
    if isinstance(answer, RpcFailure):
        raise ChainError(f"{method} failed: {answer.message}")
    return answer


@dataclass(frozen=True)
class EncodedCall:
    """A contract function call encoded with eth_abi (see :meth:`Calls.call`): what :func:`call_request`,
    :func:`decode_call` and a transaction need of a web3 ``ContractFunction`` (``address``, ``fn_name``, ``abi``),
    without building one (a relayer encodes several per ballot)."""

    address: str
    fn_name: str
    abi: dict[str, Any]
    data: str  # the calldata, 0x-hex


def call_request(fn: ContractFunction | EncodedCall, sender: str | None = None) -> tuple[str, list[Any]]:
    """The ``eth_call`` request of a contract function (from ``sender`` when given), for :func:`rpc_batch`."""
    data = fn.data if isinstance(fn, EncodedCall) else fn._encode_transaction_data()
    tx: dict[str, Any] = {"to": fn.address, "data": data}
    if sender is not None:
        tx["from"] = sender
    return "eth_call", [tx, "latest"]


def decode_call(fn: ContractFunction | EncodedCall, result: Any) -> Any:
    """The value of an ``eth_call`` result of ``fn`` as ``fn.call()`` returns it (an RpcFailure is returned as is)."""
    if isinstance(result, RpcFailure):
        return result
    return decode_output(dict(fn.abi), bytes.fromhex(str(result)[2:]))


def read_all(w3: Web3, calls: list[ContractFunction]) -> list[Any]:
    """``[fn.call() for fn in calls]`` in one round trip; raises ChainError when a read is refused."""
    values = [decode_call(fn, r) for fn, r in zip(calls, rpc_batch(w3, [call_request(fn) for fn in calls]),
                                                  strict=True)]  # fmt: skip
    for fn, value in zip(calls, values, strict=True):
        if isinstance(value, RpcFailure):
            raise ChainError(f"reading {fn.fn_name} failed: {value.message}")
    return values


class Calls:
    """``eth_call`` requests of a contract's functions by name for :func:`rpc_batch`, encoded with eth_abi from the
    ABI (no web3 ``ContractFunction`` per call: cheap for hundreds), and their answers decoded as ``fn.call()``
    returns them. Functions are found by name and number of arguments."""

    def __init__(self, address: str, abi: Any) -> None:
        self.address = address
        self._items: dict[tuple[str, int], tuple[dict[str, Any], bytes, list[str]]] = {}
        for item in abi:
            if item.get("type") == "function":
                inputs = [abi_type(p) for p in item.get("inputs", [])]
                self._items.setdefault((item["name"], len(inputs)), (dict(item), selector(item), inputs))

    def call(self, name: str, *args: Any) -> EncodedCall:
        """``name(*args)`` encoded (the function of that name taking that many arguments)."""
        from eth_abi.abi import encode

        item, sel, inputs = self._items[(name, len(args))]
        data = sel + encode(inputs, list(args)) if inputs else sel
        return EncodedCall(self.address, name, item, "0x" + data.hex())

    def request(self, name: str, *args: Any) -> tuple[str, list[Any]]:
        return call_request(self.call(name, *args))

    def decode(self, name: str, nargs: int, result: Any) -> Any:
        """The value of ``name``'s answer; ChainError for a failed call."""
        if isinstance(result, RpcFailure):
            raise ChainError(f"reading {name} failed: {result.message}")
        return decode_output(self._items[(name, nargs)][0], bytes.fromhex(str(result)[2:]))
