"""Networks by Brownie name, reached with web3.py alone: no Brownie import on the command line's path.

A network is named as Brownie names it (`brownie networks list`): its list lives in Brownie's data folder
(``~/.brownie/network-config.yaml``, created by Brownie's first run; until then Brownie's packaged default), and the
project's ``brownie-config.yaml`` may override a development network's ``cmd_settings``. A *development* network
(``development``: Anvil) is attached to when something already answers at its address, and otherwise started for the
length of the connection and stopped afterwards, as Brownie does. Anything else is a *live* network reached by its
RPC URL (a testnet, an L2, mainnet, or a separately started Anvil standing in for one); its declared chain id must
be the node's.
"""

from __future__ import annotations

import difflib
import functools
import importlib.util
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from furusato.errors import ChainError, NetworkError

#: Brownie's flags for an Anvil it launches (``brownie/network/rpc/anvil.py``), so a chain started here is the same.
ANVIL_FLAGS = {
    "port": "--port",
    "host": "--host",
    "evm_version": "--hardfork",
    "fork": "--fork-url",
    "fork_block": "--fork-block-number",
    "chain_id": "--chain-id",
    "default_balance": "--balance",
    "accounts": "--accounts",
    "mnemonic": "--mnemonic",
    "block_time": "--block-time",
    "base_fee": "--block-base-fee-per-gas",
    "gas_price": "--gas-price",
    "gas_limit": "--gas-limit",
    "steps_tracing": "--steps-tracing",
}
START_TIMEOUT = 20.0  # seconds for a launched Anvil to answer
REQUEST_TIMEOUT = 60  # seconds for one JSON-RPC request


@dataclass(frozen=True)
class Network:
    """One entry of Brownie's network list."""

    name: str
    url: str
    development: bool
    chain_id: int | None = None  # a live network's declared chain id
    cmd: str | None = None  # a development network's launch command (``anvil``)
    cmd_settings: dict[str, Any] = field(default_factory=dict)
    explorer: str | None = None


def brownie_data_folder() -> Path:
    """Brownie's data folder (``~/.brownie``): where ``brownie networks add`` writes the network list."""
    return Path.home() / ".brownie"


def _packaged_network_config() -> Path | None:
    spec = importlib.util.find_spec("brownie")  # finds the package without importing it (3 s)
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "data" / "network-config.yaml"


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: Brownie's list is long, the pure loader slow


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - a safe loader
    except OSError as exc:
        raise NetworkError(f"cannot read the network list {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise NetworkError(f"the network list {path} is not valid YAML: {exc}") from exc
    return data if isinstance(data, dict) else {}


def _url(host: str, settings: dict[str, Any]) -> str:
    host = os.path.expandvars(str(host))
    if "port" in settings and ":" not in host.split("//", 1)[-1]:
        host = f"{host}:{settings['port']}"
    return host


def load_networks(root: Path) -> dict[str, Network]:
    """Every network Brownie knows, with the project's ``networks:`` overrides of development ``cmd_settings``
    (read once per process and folder)."""
    return dict(_load_networks(root.resolve()))


@functools.lru_cache(maxsize=4)
def _load_networks(root: Path) -> dict[str, Network]:
    listed = brownie_data_folder() / "network-config.yaml"
    source = listed if listed.is_file() else _packaged_network_config()
    if source is None or not source.is_file():
        raise NetworkError("no network list: Brownie is not installed here (run `make install`)")
    data = _read_yaml(source)
    config = root / "brownie-config.yaml"
    project = (_read_yaml(config).get("networks") or {}) if config.is_file() else {}
    networks: dict[str, Network] = {}
    for entry in data.get("development") or []:
        settings = dict(entry.get("cmd_settings") or {})
        override = project.get(entry["id"]) if isinstance(project, dict) else None
        if isinstance(override, dict) and isinstance(override.get("cmd_settings"), dict):
            settings.update(override["cmd_settings"])
        networks[entry["id"]] = Network(
            name=str(entry["id"]),
            url=_url(entry.get("host", "http://127.0.0.1"), settings),
            development=True,
            cmd=str(entry.get("cmd") or ""),
            cmd_settings=settings,
        )
    for group in data.get("live") or []:
        for entry in group.get("networks") or []:
            chain_id = entry.get("chainid")
            networks[entry["id"]] = Network(
                name=str(entry["id"]),
                url=_url(entry.get("host", ""), {}),
                development=False,
                chain_id=int(chain_id) if chain_id is not None and str(chain_id).isdigit() else None,
                explorer=entry.get("explorer"),
            )
    return networks


def find_network(name: str, root: Path) -> Network:
    """The network called ``name``; a :class:`NetworkError` naming the nearest known names when there is none."""
    networks = load_networks(root)
    if name in networks:
        return networks[name]
    near = difflib.get_close_matches(name, list(networks), n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(repr(n) for n in near)}?" if near else ""
    raise NetworkError(
        f"no network called '{name}'.{hint} Known networks: `brownie networks list`; add one with "
        f"`brownie networks add Ethereum {name} host=https://… chainid=…`."
    )


def stop_process(process: subprocess.Popen[Any], timeout: float = 5) -> None:
    """Ask ``process`` to stop (SIGTERM), and kill it if it has not within ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Connection:
    """An open connection: the web3 object, the network's name, whether it is a development chain, and the chain
    this process started (stopped by :meth:`close`)."""

    w3: Any  # web3.Web3 (imported lazily: importing web3 costs most of a command's start-up)
    network: str
    development: bool
    url: str = ""
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    read_only: bool = False

    def close(self) -> None:
        """Stop the chain this connection started, if any."""
        if self.process is not None:
            stop_process(self.process)
            self.process = None

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _web3(url: str) -> Any:
    from web3 import HTTPProvider, Web3

    if not url.startswith(("http://", "https://")):
        raise NetworkError(f"the node address {url!r} is not an http(s) URL (set `host=` of the network)")
    return Web3(HTTPProvider(url, request_kwargs={"timeout": REQUEST_TIMEOUT}))


def _chain_id(w3: Any) -> int | None:
    """The node's chain id, or None when nothing answers (requests' connection errors are OSErrors too)."""
    try:
        return int(w3.eth.chain_id)
    except OSError:
        return None


def _launch(net: Network) -> subprocess.Popen[bytes]:
    parts = (net.cmd or "").split()
    if not parts or not parts[0].startswith("anvil"):
        raise NetworkError(f"'{net.name}' is launched with {net.cmd!r}: only Anvil is supported (the contracts need "
                           "Cancun)")  # fmt: skip
    binary = shutil.which(parts[0])
    if binary is None:
        raise NetworkError(f"'{parts[0]}' is not on PATH: run through `make` (it links Anvil into .tools/bin)")
    args = [binary, *parts[1:], "--silent"]
    for key, value in net.cmd_settings.items():
        if value is None or value is False or key not in ANVIL_FLAGS:
            continue
        args += [ANVIL_FLAGS[key]] if value is True else [ANVIL_FLAGS[key], str(value)]
    # the command comes from Brownie's network list (the user's own configuration), as when Brownie launches it
    return subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603


def connect(network: str | Network, root: Path, *, read_only: bool = False) -> Connection:
    """Connect to ``network`` (a Brownie network name) without Brownie.

    A development network that nobody runs is started here and stopped by :meth:`Connection.close`. A live network's
    node must answer and be the chain its entry declares. ``read_only`` connects through the lean
    :class:`furusato.rpc.ReadWeb3` (no web3.py import), for commands that only read.
    """
    net = network if isinstance(network, Network) else find_network(network, root)
    network = net.name
    if read_only:
        from furusato.rpc import ReadWeb3

        w3: Any = ReadWeb3(net.url, REQUEST_TIMEOUT)
    else:
        w3 = _web3(net.url)
    chain_id = _chain_id(w3)
    if chain_id is not None:
        if net.chain_id is not None and chain_id != net.chain_id:
            raise ChainError(
                f"network '{network}' is declared as chain {net.chain_id} but the node at {net.url} is chain "
                f"{chain_id}: fix the network's chainid (`brownie networks modify {network} chainid={chain_id}`) or "
                "its host. Nothing was sent."
            )
        return Connection(w3, network, net.development, net.url, read_only=read_only)
    if not net.development:
        raise ChainError(
            f"cannot reach the node of '{network}' at {net.url}: is it running, and is the URL right "
            f"(`brownie networks modify {network} host=…`)?"
        )
    process = _launch(net)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ChainError(f"Anvil for '{network}' exited at start (code {process.returncode}): is {net.url} free?")
        if _chain_id(w3) is not None:
            return Connection(w3, network, True, net.url, process, read_only=read_only)
        time.sleep(0.05)
    process.kill()
    process.wait()
    raise ChainError(f"Anvil for '{network}' did not answer at {net.url} within {START_TIMEOUT:.0f} s")
