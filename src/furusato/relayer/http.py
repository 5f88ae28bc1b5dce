"""The relayer's HTTP face: ``POST /relay`` (``/ballot``, ``/delegation``) and ``GET /health``, JSON in and out."""

from __future__ import annotations

import json
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from furusato.errors import ChainError, SignatureRejected
from furusato.relayer.core import DEFAULT_PORT, Relayer

__all__ = ["ENDPOINTS", "RelayerServer", "make_server", "start_in_thread"]


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
    """Serve ``server`` from a daemon thread; returns the thread."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return thread
