"""`furusato.rpc`'s connection to the node (`Wire` over http://, the JSON-RPC `Rpc` on top): kept-alive
connections, chunked and length-framed answers, a node that closes the connection, answers that are not HTTP or
not 200, and batches answered out of order, with errors, or not at all as batches. Against a local socket server
whose answers each test writes byte by byte."""

from __future__ import annotations

import json
import socket
import socketserver
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from furusato.errors import ChainError
from furusato.rpc import Rpc, RpcFailure, Wire

Answer = Callable[[bytes], bytes]


def _http(body: bytes, *headers: str, status: str = "200 OK") -> bytes:
    head = [f"HTTP/1.1 {status}", "Content-Type: application/json", *headers]
    if not any(h.lower().startswith(("content-length", "transfer-encoding")) for h in headers):
        head.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def _result(request: bytes, result: Any) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": json.loads(request)["id"], "result": result}).encode()


class _Node(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answer: Answer = lambda body: _http(_result(body, "0x1"))
        self.connections = 0
        self.requests: list[bytes] = []
        self.close_after: int | None = None  # close each connection silently after this many answers


class _Handler(socketserver.StreamRequestHandler):
    server: _Node

    def handle(self) -> None:
        self.server.connections += 1
        answered = 0
        while True:
            head = b""
            while not head.endswith(b"\r\n\r\n"):
                byte = self.rfile.read(1)
                if not byte:
                    return
                head += byte
            length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length"))  # fmt: skip
            body = self.rfile.read(length)
            self.server.requests.append(body)
            self.wfile.write(self.server.answer(body))
            self.wfile.flush()
            answered += 1
            if self.server.close_after is not None and answered >= self.server.close_after:
                self.connection.shutdown(socket.SHUT_RDWR)
                return


@pytest.fixture
def node() -> Iterator[_Node]:
    server = _Node()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _rpc(node: _Node) -> Rpc:
    return Rpc(f"http://127.0.0.1:{node.server_address[1]}/", timeout=5)


def test_one_kept_alive_connection_carries_every_request(node):
    rpc = _rpc(node)
    assert [rpc.request("eth_chainId") for _ in range(5)] == ["0x1"] * 5
    assert node.connections == 1
    assert all(json.loads(r)["method"] == "eth_chainId" for r in node.requests)


def test_a_chunked_answer_is_put_back_together(node):
    def chunked(body: bytes) -> bytes:
        payload = _result(body, "0x" + "ab" * 3000)
        chunks = [payload[i : i + 1000] for i in range(0, len(payload), 1000)]
        framed = b"".join(f"{len(c):x}\r\n".encode() + c + b"\r\n" for c in chunks) + b"0\r\n\r\n"
        return _http(framed, "Transfer-Encoding: chunked")

    node.answer = chunked
    assert _rpc(node).request("eth_getCode", ["0x" + "00" * 20, "latest"]) == "0x" + "ab" * 3000


def test_connection_close_opens_a_new_connection_next_time(node):
    node.answer = lambda body: _http(_result(body, "0x2"), "Connection: close")
    node.close_after = 1
    rpc = _rpc(node)
    assert rpc.request("eth_blockNumber") == "0x2"
    assert rpc.request("eth_blockNumber") == "0x2"
    assert node.connections == 2


def test_a_connection_the_node_dropped_while_idle_is_reopened_once(node):
    node.close_after = 1  # answers with keep-alive, then closes: the next request finds the connection dead
    rpc = _rpc(node)
    assert rpc.request("eth_chainId") == "0x1"
    assert rpc.request("eth_chainId") == "0x1"
    assert node.connections == 2


def test_an_answer_that_is_not_http_is_a_connection_error(node):
    node.answer = lambda _body: b"hello, this is not HTTP\r\n\r\n"
    with pytest.raises(ConnectionError, match=r"cannot reach the node at .*not HTTP"):
        _rpc(node).request("eth_chainId")


def test_a_node_that_says_500_is_named(node):
    node.answer = lambda _body: _http(b"oops", status="500 Internal Server Error")
    with pytest.raises(ChainError, match="answered HTTP 500 to eth_chainId"):
        _rpc(node).request("eth_chainId")


def test_nothing_listening_is_a_connection_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ConnectionError, match="cannot reach the node"):
        Rpc(f"http://127.0.0.1:{port}", timeout=2).request("eth_chainId")


def test_a_batch_answered_out_of_order_comes_back_in_order_with_failures_kept(node):
    def reversed_batch(body: bytes) -> bytes:
        answers = []
        for item in json.loads(body):
            if item["method"] == "eth_call":
                error = {"code": 3, "message": "execution reverted", "data": "0x94ab6c07"}
                answers.append({"jsonrpc": "2.0", "id": item["id"], "error": error})
            else:
                answers.append({"jsonrpc": "2.0", "id": item["id"], "result": item["method"]})
        return _http(json.dumps(answers[::-1]).encode())

    node.answer = reversed_batch
    got = _rpc(node).batch([("eth_chainId", []), ("eth_call", [{}, "latest"]), ("eth_gasPrice", [])])
    assert got == ["eth_chainId", RpcFailure("execution reverted", bytes.fromhex("94ab6c07")), "eth_gasPrice"]
    assert isinstance(json.loads(node.requests[0]), list)


def test_a_node_without_batches_is_asked_one_by_one(node):
    def no_batches(body: bytes) -> bytes:
        request = json.loads(body)
        if isinstance(request, list):
            refusal = {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "batches not allowed"}}
            return _http(json.dumps(refusal).encode())
        return _http(_result(body, request["method"]))

    node.answer = no_batches
    assert _rpc(node).batch([("eth_chainId", []), ("eth_gasPrice", [])]) == ["eth_chainId", "eth_gasPrice"]
    assert len(node.requests) == 3


def test_a_batch_of_one_goes_as_a_single_request(node):
    assert _rpc(node).batch([("eth_chainId", [])]) == ["0x1"]
    assert json.loads(node.requests[0])["method"] == "eth_chainId"


def test_the_wire_names_the_host_and_frames_the_body(node):
    seen: list[bytes] = []

    class Recording(_Handler):
        def handle(self) -> None:
            seen.append(self.rfile.peek(4096) if hasattr(self.rfile, "peek") else b"")
            super().handle()

    node.RequestHandlerClass = Recording
    port = node.server_address[1]
    status, body = Wire("127.0.0.1", port, "/rpc?key=1", 5).post(b'{"jsonrpc":"2.0","id":7,"method":"m"}')
    assert status == 200
    assert json.loads(body)["id"] == 7
    head = seen[0].split(b"\r\n\r\n")[0].decode()
    assert head.startswith("POST /rpc?key=1 HTTP/1.1\r\n")
    assert f"Host: 127.0.0.1:{port}" in head
    assert "Content-Length: 37" in head
