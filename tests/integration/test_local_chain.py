"""The project's Anvil (``tools/anvil.sh``, on PATH as ``anvil``) leaves nothing on disk.

Anvil writes the state of each block older than its in-memory window to ``~/.foundry/anvil/tmp`` and never removes
it. Every chain this project starts goes through the wrapper, which keeps the history in memory only.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from web3 import HTTPProvider, Web3
from web3.exceptions import Web3RPCError

from furusato.networks import stop_process

BLOCKS = 700  # more than Anvil's in-memory window (300 blocks, measured), so the native binary writes 400 to disk


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _binary(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is not on PATH: run the tests through `make test` (it puts .tools/bin first)"
    return found


@contextmanager
def _chain(binary: str, home: Path, *args: str) -> Iterator[Web3]:
    """Anvil ``binary`` with ``home`` as its home folder (where it keeps ``.foundry``), stopped as Brownie stops it."""
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--silent", *args],
        env={**os.environ, "HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    w3 = Web3(HTTPProvider(f"http://127.0.0.1:{port}"))
    try:
        for _ in range(200):
            assert proc.poll() is None, f"{binary} {' '.join(args)} exited with {proc.returncode}"
            try:
                w3.eth.chain_id  # noqa: B018 - probing readiness
                break
            except OSError:
                time.sleep(0.05)
        yield w3
    finally:
        stop_process(proc)


def _files(home: Path) -> list[Path]:
    return [p for p in home.rglob("*") if p.is_file()]


def _mine(w3: Web3, blocks: int) -> None:
    w3.provider.make_request("anvil_mine", [hex(blocks)])  # type: ignore[arg-type]
    assert w3.eth.block_number == blocks


def test_the_project_anvil_leaves_no_block_state_on_disk(tmp_path: Path):
    with _chain(_binary("anvil"), tmp_path) as w3:
        _mine(w3, BLOCKS)
        account = w3.eth.accounts[0]
        # a read at a recent block still works: the transparency report reads at the block it started at
        assert w3.eth.get_balance(account, BLOCKS - 400) == w3.eth.get_balance(account)
    assert _files(tmp_path) == []


def test_the_native_anvil_would_have_left_its_history_on_disk(tmp_path: Path):
    """Why the wrapper exists. If this fails, a newer Anvil cleans up after itself and tools/anvil.sh can go."""
    with _chain(_binary("anvil-native"), tmp_path) as w3:
        _mine(w3, BLOCKS)
    written = _files(tmp_path)
    assert len(written) >= BLOCKS // 2
    assert all(".foundry/anvil/tmp/anvil-state-" in str(p) for p in written)


def test_a_history_setting_given_on_the_command_line_is_kept(tmp_path: Path):
    with _chain(_binary("anvil"), tmp_path, "--prune-history", "50") as w3:
        _mine(w3, BLOCKS)
        account = w3.eth.accounts[0]
        assert w3.eth.get_balance(account, BLOCKS - 40) == w3.eth.get_balance(account)
        with pytest.raises(Web3RPCError, match="BlockOutOfRange"):
            w3.eth.get_balance(account, BLOCKS - 100)
    assert _files(tmp_path) == []


def test_a_subcommand_reaches_anvil_unchanged():
    out = subprocess.run([_binary("anvil"), "completions", "bash"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "anvil" in out.stdout
