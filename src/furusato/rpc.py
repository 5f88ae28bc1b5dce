"""A read-only JSON-RPC client shaped like the part of web3.py that read commands use.

Importing web3.py costs most of a command's start-up (it loads eth-account, aiohttp and pydantic); a command that
only reads — ``proposal list``, ``proposal show``, ``registry stats`` — answers in well under a second through this
client instead. It speaks plain JSON-RPC over one kept-alive HTTP connection and leaves the ABI to ``eth_abi``; it
signs nothing. The shapes match web3.py's for what it offers (``w3.eth.chain_id``,
``w3.eth.get_block``, ``contract.functions.name(*args).call()``, ``contract.events.Name().get_logs(...)``: a single
output is returned bare, several as a tuple, addresses checksummed, ``bytesN`` as bytes), so the core reads through
either without knowing which.

:class:`Rpc` is also the wire under :func:`furusato.chain.rpc_batch` where web3.py's provider is plain HTTP (one
connection per thread, :func:`thread_rpc`): the relayer's batches and sends go through it. Over ``http://`` the
answer is read by llhttp (``httptools``, the parser uvicorn serves the portal with) from a socket written in one
call; ``https://`` goes through ``http.client``.
"""

from __future__ import annotations

import http.client
import itertools
import json
import socket
import threading
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from furusato.abi import abi_type, decode_output, keccak, normalise, selector, signature, to_checksum_address
from furusato.errors import ChainError

_ids = itertools.count(1)


def _call(method: str, params: Sequence[Any]) -> dict[str, Any]:
    """One JSON-RPC request object, with a fresh id."""
    return {"jsonrpc": "2.0", "id": next(_ids), "method": method, "params": list(params)}


@dataclass(frozen=True)
class RpcFailure:
    """A request of a batch the node refused: its message and, for a revert, the revert data."""

    message: str
    data: bytes | None = None


def outcome(response: Any) -> Any:
    """One JSON-RPC response's result, or an :class:`RpcFailure` for an error (with its revert data, if any)."""
    if not isinstance(response, dict):
        return RpcFailure(f"unexpected answer {response!r}")
    error = response.get("error")
    if error is None:
        return response.get("result")
    if not isinstance(error, dict):
        return RpcFailure(str(error))
    data = error.get("data")
    if isinstance(data, dict):  # some nodes nest it: {"data": {"data": "0x…"}}
        data = data.get("data")
    raw = bytes.fromhex(data[2:]) if isinstance(data, str) and data.startswith("0x") and len(data) % 2 == 0 else None
    return RpcFailure(str(error.get("message", error)), raw)


class Wire:
    """One kept-alive HTTP/1.1 connection that POSTs JSON: the request is written in one call, the answer read by
    llhttp (``httptools``), which deals with Content-Length, chunked bodies and ``Connection: close``. Any failure
    closes the connection (the next post opens a new one) and raises an OSError."""

    def __init__(self, host: str, port: int, target: str, timeout: float) -> None:
        self._address = (host, port)
        self._timeout = timeout
        name = f"[{host}]" if ":" in host else host
        self._head = (f"POST {target} HTTP/1.1\r\nHost: {name}:{port}\r\nContent-Type: application/json\r\n"
                      "Accept: application/json\r\nContent-Length: ").encode("ascii")  # fmt: skip
        self._sock: socket.socket | None = None
        self._chunks: list[bytes] = []
        self._complete = self._keep_alive = False
        self._parser: Any = None

    # llhttp's callbacks (whether to keep the connection is known once the headers are: llhttp forgets it when the
    # message completes)
    def on_headers_complete(self) -> None:
        self._keep_alive = bool(self._parser.should_keep_alive())

    def on_body(self, body: bytes) -> None:
        self._chunks.append(body)

    def on_message_complete(self) -> None:
        self._complete = True

    def post(self, body: bytes) -> tuple[int, bytes]:
        """The status and the body of the answer to ``body``."""
        import httptools

        self._chunks, self._complete, self._keep_alive = [], False, False
        parser = self._parser = httptools.HttpResponseParser(self)
        try:
            if self._sock is None:
                self._sock = socket.create_connection(self._address, self._timeout)
                self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._sock.sendall(self._head + str(len(body)).encode("ascii") + b"\r\n\r\n" + body)
            while not self._complete:
                data = self._sock.recv(262_144)
                if not data:
                    raise ConnectionResetError("the node closed the connection before it answered")
                parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self.close()
            raise ConnectionResetError(f"the node's answer is not HTTP ({exc})") from exc
        except BaseException:
            self.close()
            raise
        if not self._keep_alive:
            self.close()
        return int(parser.get_status_code()), b"".join(self._chunks)

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


class Rpc:
    """JSON-RPC over HTTP(S), one connection kept alive (not thread-safe: see :func:`thread_rpc`)."""

    def __init__(self, url: str, timeout: float = 60) -> None:
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ChainError(f"the node address {url!r} is not an http(s) URL")
        self.url = url
        self._target = (parsed.path or "/") + (f"?{parsed.query}" if parsed.query else "")
        self._wire: Wire | None = None
        self._conn: http.client.HTTPConnection | None = None
        if parsed.scheme == "http":
            self._wire = Wire(parsed.hostname, parsed.port or 80, self._target, timeout)
        else:
            self._conn = http.client.HTTPSConnection(parsed.hostname, parsed.port, timeout=timeout)

    def _exchange(self, body: str) -> tuple[int, bytes]:
        if self._wire is not None:
            return self._wire.post(body.encode("utf-8"))
        assert self._conn is not None
        try:
            self._conn.request("POST", self._target, body, {"Content-Type": "application/json"})
            response = self._conn.getresponse()
            return response.status, response.read()
        except http.client.HTTPException as exc:
            self._conn.close()
            raise ConnectionResetError(str(exc)) from exc
        except OSError:
            self._conn.close()
            raise

    def _post(self, body: str, what: str) -> Any:
        """POST ``body`` and the decoded JSON answer; ConnectionError when the node cannot be reached."""
        for attempt in (0, 1):  # a kept-alive connection the node closed is reopened once
            try:
                status, raw = self._exchange(body)
                break
            except OSError as exc:
                if attempt:
                    raise ConnectionError(f"cannot reach the node at {self.url}: {exc}") from exc
        if status != 200:
            raise ChainError(f"the node at {self.url} answered HTTP {status} to {what}")
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise ChainError(f"the node at {self.url} answered {what} with something that is not JSON") from exc

    def request(self, method: str, params: Sequence[Any] = ()) -> Any:
        reply = self._post(json.dumps(_call(method, params)), method)
        if not isinstance(reply, dict):
            raise ChainError(f"the node at {self.url} answered {method} with {reply!r}")
        if "error" in reply:
            error = reply["error"]
            raise ChainError(f"{method} failed at {self.url}: {error.get('message', error)}")
        return reply.get("result")

    def batch(self, requests: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
        """Several requests in one JSON-RPC batch: each one's result, or an :class:`RpcFailure` for one the node
        refused. A node that answers a batch with anything but one response per request is asked one by one."""
        if not requests:
            return []
        if len(requests) == 1:  # one request goes alone (not every node or proxy takes batches)
            method, params = requests[0]
            return [outcome(self._post(json.dumps(_call(method, params)), method))]
        calls = [_call(method, params) for method, params in requests]
        ids = [c["id"] for c in calls]
        reply = self._post(json.dumps(calls), "a batch")
        if isinstance(reply, list) and len(reply) == len(requests):
            by_id = {r.get("id"): r for r in reply if isinstance(r, dict)}
            if all(i in by_id for i in ids):
                return [outcome(by_id[i]) for i in ids]
        return [outcome(self._post(json.dumps(c), c["method"])) for c in calls]

    def close(self) -> None:
        if self._wire is not None:
            self._wire.close()
        if self._conn is not None:
            self._conn.close()


_local = threading.local()


def thread_rpc(url: str, timeout: float = 60) -> Rpc:
    """This thread's kept-alive :class:`Rpc` to ``url`` (one per thread and address: a server's worker threads
    each keep their own connection)."""
    clients: dict[tuple[str, float], Rpc] | None = getattr(_local, "clients", None)
    if clients is None:
        clients = _local.clients = {}
    client = clients.get((url, timeout))
    if client is None:
        client = clients[(url, timeout)] = Rpc(url, timeout)
    return client


class _Eth:
    def __init__(self, rpc: Rpc) -> None:
        self._rpc = rpc

    @property
    def chain_id(self) -> int:
        return int(self._rpc.request("eth_chainId"), 16)

    @property
    def block_number(self) -> int:
        return int(self._rpc.request("eth_blockNumber"), 16)

    @property
    def accounts(self) -> list[str]:
        return [to_checksum_address(a) for a in self._rpc.request("eth_accounts")]

    def get_block(self, ident: str | int = "latest") -> dict[str, Any]:
        tag = ident if isinstance(ident, str) else hex(ident)
        block = self._rpc.request("eth_getBlockByNumber", [tag, False])
        if block is None:
            raise ChainError(f"no block {ident}")
        out: dict[str, Any] = dict(block)
        for key in ("number", "timestamp", "gasLimit", "gasUsed", "baseFeePerGas"):
            if isinstance(out.get(key), str):
                out[key] = int(out[key], 16)
        return out

    def get_code(self, address: str) -> bytes:
        return bytes.fromhex(self._rpc.request("eth_getCode", [address, "latest"])[2:])

    def get_balance(self, address: str, block: str | int = "latest") -> int:
        return int(self._rpc.request("eth_getBalance", [address, block if isinstance(block, str) else hex(block)]), 16)

    def call(self, tx: dict[str, Any], block: str | int = "latest") -> bytes:
        tag = block if isinstance(block, str) else hex(block)
        return bytes.fromhex(self._rpc.request("eth_call", [tx, tag])[2:])

    def get_logs(self, flt: dict[str, Any]) -> list[dict[str, Any]]:
        return list(self._rpc.request("eth_getLogs", [flt]))

    def contract(self, address: str, abi: list[dict[str, Any]]) -> ReadContract:
        return ReadContract(self, to_checksum_address(address), abi)


class ReadWeb3:
    """The read-only stand-in for ``web3.Web3`` (``w3.eth`` only)."""

    def __init__(self, url: str, timeout: float = 60) -> None:
        self.rpc = Rpc(url, timeout)
        self.eth = _Eth(self.rpc)

    def close(self) -> None:
        self.rpc.close()


class _Call:
    def __init__(self, contract: ReadContract, item: dict[str, Any], args: tuple[Any, ...]) -> None:
        self._contract, self._item, self._args = contract, item, args

    def call(self, block_identifier: str | int = "latest") -> Any:
        from eth_abi.abi import encode

        inputs = [abi_type(p) for p in self._item.get("inputs", [])]
        data = selector(self._item) + encode(inputs, list(self._args))
        raw = self._contract.eth.call({"to": self._contract.address, "data": "0x" + data.hex()}, block_identifier)
        return decode_output(self._item, raw)


def _fits(item: dict[str, Any], args: tuple[Any, ...]) -> bool:
    from eth_abi.abi import encode

    try:
        encode([abi_type(p) for p in item.get("inputs", [])], list(args))
    except Exception:
        return False
    return True


class _Functions:
    def __init__(self, contract: ReadContract) -> None:
        self._contract = contract

    def __getattr__(self, name: str) -> Callable[..., _Call]:
        items = [i for i in self._contract.abi if i.get("type") == "function" and i.get("name") == name]
        if not items:
            raise AttributeError(f"the ABI has no function {name}")

        def bind(*args: Any) -> _Call:
            fitting = [i for i in items if len(i.get("inputs", [])) == len(args) and _fits(i, args)]
            if not fitting:
                raise ChainError(f"{name}: no overload takes {len(args)} argument(s) like {args!r}")
            return _Call(self._contract, fitting[0], args)

        return bind


class _Event:
    def __init__(self, contract: ReadContract, item: dict[str, Any]) -> None:
        self._contract, self._item = contract, item
        self.topic = "0x" + keccak(signature(item).encode()).hex()

    def get_logs(self, from_block: int = 0, to_block: int | str = "latest") -> list[dict[str, Any]]:
        flt = {
            "address": self._contract.address,
            "topics": [self.topic],
            "fromBlock": hex(from_block),
            "toBlock": to_block if isinstance(to_block, str) else hex(to_block),
        }
        return [self.decode(log) for log in self._contract.eth.get_logs(flt)]

    def decode(self, log: dict[str, Any]) -> dict[str, Any]:
        from eth_abi.abi import decode

        inputs = self._item["inputs"]
        indexed = [p for p in inputs if p.get("indexed")]
        plain = [p for p in inputs if not p.get("indexed")]
        args: dict[str, Any] = {}
        for param, topic in zip(indexed, log["topics"][1:], strict=True):
            kind = abi_type(param)
            raw = bytes.fromhex(topic[2:])
            dynamic = kind in ("string", "bytes") or kind.endswith("]") or kind.startswith("(")
            args[param["name"]] = raw if dynamic else normalise(kind, decode([kind], raw)[0])
        kinds = [abi_type(p) for p in plain]
        for param, kind, value in zip(plain, kinds, decode(kinds, bytes.fromhex(log["data"][2:])), strict=True):
            args[param["name"]] = normalise(kind, value)
        return {
            "event": self._item["name"],
            "args": args,
            "address": to_checksum_address(log["address"]),
            "blockNumber": int(log["blockNumber"], 16),
            "transactionHash": bytes.fromhex(log["transactionHash"][2:]),
            "logIndex": int(log["logIndex"], 16),
        }


class _Events:
    def __init__(self, contract: ReadContract) -> None:
        self._contract = contract

    def __getattr__(self, name: str) -> Callable[[], _Event]:
        items = [i for i in self._contract.abi if i.get("type") == "event" and i.get("name") == name]
        if not items:
            raise AttributeError(f"the ABI has no event {name}")
        return lambda: _Event(self._contract, items[0])


class ReadContract:
    """A contract for reading: ``functions.name(*args).call()`` and ``events.Name().get_logs(...)``."""

    def __init__(self, eth: _Eth, address: str, abi: list[dict[str, Any]]) -> None:
        self.eth = eth
        self.address = address
        self.abi = abi
        self.functions = _Functions(self)
        self.events = _Events(self)
