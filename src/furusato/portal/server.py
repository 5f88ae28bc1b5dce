"""Serving the portal's ASGI app with uvicorn: from the command line until Ctrl-C (``furusato portal serve``, and
``furusato relayer serve``, its relayer-named alias), or from a thread (benches and tests)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Running", "serve", "start_in_thread"]


def _bind(host: str, port: int) -> tuple[socket.socket, str]:
    """A listening socket on ``host:port`` (port 0: a free one) and its URL."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # asyncio sets TCP_NODELAY only then
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    bound = int(sock.getsockname()[1])
    return sock, f"http://[{host}]:{bound}" if family == socket.AF_INET6 else f"http://{host}:{bound}"


def _server(app: Any) -> Any:
    import uvicorn

    return uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))


def serve(app: Any, host: str, port: int, announce: Callable[[str], None]) -> None:
    """Serve ``app`` on ``host:port`` until interrupted (Ctrl-C); ``announce`` gets the URL once the port is bound
    (so ``--port 0`` tells which port it got)."""
    sock, url = _bind(host, port)
    announce(url)
    try:
        _server(app).run(sockets=[sock])
    finally:
        sock.close()


@dataclass
class Running:
    """An app served from a daemon thread: its base URL, and ``stop()``."""

    url: str
    _server: Any
    _thread: threading.Thread
    _sock: socket.socket

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()


def start_in_thread(app: Any, host: str = "127.0.0.1", port: int = 0, timeout: float = 10.0) -> Running:
    """Serve ``app`` from a daemon thread on a free local port; returns once it accepts requests."""
    sock, url = _bind(host, port)
    server = _server(app)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            sock.close()
            raise RuntimeError(f"the portal did not start within {timeout:.0f} s")
        time.sleep(0.01)
    return Running(url, server, thread, sock)
