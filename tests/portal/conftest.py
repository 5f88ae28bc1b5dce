"""Fixtures of the portal's browser tests: the portal served by uvicorn from a thread against the test's Anvil, a
Debian Chromium driven by Playwright (never Playwright's own browser download), and a test wallet injected into
every page that announces itself by EIP-6963 and signs in Python with eth-account.

Chromium must be installed: the tests fail (never skip) with the command to run when it is not.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from brownie import Contract, accounts, web3
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from web3 import HTTPProvider, Web3

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("FURUSATO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]  # fmt: skip
TOKEN = 10**18

WALLET_JS = """
(() => {
  const listeners = {};
  const provider = {
    isFurusatoTestWallet: true,
    async request({ method, params }) {
      const answer = JSON.parse(await window.furusatoWallet(method, JSON.stringify(params || [])));
      for (const [event, arg] of answer.emit || []) for (const f of listeners[event] || []) f(arg);
      if (answer.error) {
        const e = new Error(answer.error.message);
        e.code = answer.error.code;
        throw e;
      }
      return answer.result;
    },
    on(event, f) { (listeners[event] = listeners[event] || []).push(f); },
    removeListener(event, f) { listeners[event] = (listeners[event] || []).filter((g) => g !== f); },
  };
  const info = { uuid: "6f1b1c9e-1d0a-4c36-9c50-7d2f3f2b9a01", name: "Furusato Test Wallet", rdns: "jp.furusato.test",
                 icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E" };
  const announce = () => window.dispatchEvent(
    new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
})();
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TestWallet:
    """What a browser wallet does, in Python: one account, a current chain, typed-data signing with eth-account and
    transactions sent to the test's Anvil. ``calls`` lists every method the page asked for."""

    __test__ = False

    def __init__(self, account: LocalAccount, chain_id: int, w3: Web3) -> None:
        self.account = account
        self.chain_id = chain_id
        self.w3 = w3
        self.calls: list[str] = []
        self.signed: list[dict[str, Any]] = []
        self.refuse_switch = False

    def handle(self, _source: Any, method: str, params_json: str) -> str:
        self.calls.append(method)
        params = json.loads(params_json)
        try:
            return json.dumps(self._answer(method, params))
        except Exception as exc:  # the page sees it as a wallet error
            return json.dumps({"error": {"code": -32603, "message": f"{type(exc).__name__}: {exc}"}})

    def _answer(self, method: str, params: list[Any]) -> dict[str, Any]:
        if method in ("eth_requestAccounts", "eth_accounts"):
            return {"result": [self.account.address]}
        if method == "eth_chainId":
            return {"result": hex(self.chain_id)}
        if method == "wallet_switchEthereumChain":
            if self.refuse_switch:
                return {"error": {"code": 4001, "message": "User rejected the request."}}
            self.chain_id = int(params[0]["chainId"], 16)
            return {"result": None, "emit": [["chainChanged", hex(self.chain_id)]]}
        if method == "eth_signTypedData_v4":
            assert Web3.to_checksum_address(params[0]) == self.account.address
            typed = json.loads(params[1])
            self.signed.append(typed)
            signed = self.account.sign_message(encode_typed_data(full_message=typed))
            return {"result": "0x" + bytes(signed.signature).hex()}
        if method == "eth_sendTransaction":
            tx = params[0]
            assert Web3.to_checksum_address(tx["from"]) == self.account.address
            full = {
                "from": self.account.address,
                "to": Web3.to_checksum_address(tx["to"]),
                "data": tx["data"],
                "value": int(tx.get("value", "0x0"), 16),
                "chainId": self.chain_id,
                "nonce": self.w3.eth.get_transaction_count(self.account.address),
            }
            full["gas"] = int(self.w3.eth.estimate_gas(full) * 1.3)  # type: ignore[arg-type]
            full["gasPrice"] = self.w3.eth.gas_price
            raw = self.account.sign_transaction(full).raw_transaction
            return {"result": self.w3.eth.send_raw_transaction(raw).to_0x_hex()}
        return {"error": {"code": 4200, "message": f"unsupported method {method}"}}


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium through PyPI playwright (fails with the install command when missing)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: run `sudo apt-get update && sudo apt-get install -y chromium "
            "fonts-noto-cjk` (or set FURUSATO_CHROMIUM to a Chromium binary)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def node_w3() -> Web3:
    """A web3 of our own over the test's Anvil (the portal and the wallet use it from other threads)."""
    return Web3(HTTPProvider(web3.provider.endpoint_uri))


@pytest.fixture
def serve_portal(dao: Any, node_w3: Web3, tmp_path: Path) -> Iterator[Any]:
    """Factory: serve the portal for the module's DAO (gasless unless ``read_only``); returns its base URL."""
    import uvicorn

    from furusato.artifacts import Artifacts
    from furusato.chain import LocalKeySender
    from furusato.portal import PortalSettings, create_app
    from furusato.proposals import load_dao
    from furusato.relayer import Relayer, RelayerSettings

    servers: list[tuple[Any, threading.Thread]] = []

    def serve(read_only: bool = False, report_dir: Path | None = None, plans: list[Path] | None = None,
              **relayer_settings: Any) -> str:  # fmt: skip
        pdao = load_dao(Web3(HTTPProvider(web3.provider.endpoint_uri)), dao.record, Artifacts(ROOT))
        relayer = None
        if not read_only:
            sponsor = Account.create()
            accounts[0].transfer(sponsor.address, 10 * TOKEN)
            settings = RelayerSettings(log_path=tmp_path / "relayer.jsonl", retry_seconds=2, **relayer_settings)
            relayer = Relayer(pdao, LocalKeySender(sponsor), settings, log=lambda _line: None)
        app = create_app(pdao, relayer, PortalSettings(rpc_url=web3.provider.endpoint_uri, report_dir=report_dir,
                                                       plans=plans or []))  # fmt: skip
        port = _free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        for _ in range(200):
            if server.started:
                break
            time.sleep(0.02)
        assert server.started, "the portal did not start"
        servers.append((server, thread))
        return f"http://127.0.0.1:{port}"

    yield serve
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=5)


@pytest.fixture
def portal_url(serve_portal: Any) -> str:
    return str(serve_portal())


@pytest.fixture
def open_page(chromium: Any, node_w3: Web3) -> Iterator[Any]:
    """Factory: a page with the test wallet of ``account`` injected (on ``chain_id``, default the test chain's);
    returns ``(page, wallet)``. ``width`` 1280 or 375; ``wallet=False`` opens a page with no wallet at all."""
    contexts: list[Any] = []

    def open_(
        account: LocalAccount | None = None,
        *,
        chain_id: int | None = None,
        width: int = 1280,
        wallet: bool = True,
        bypass_csp: bool = False,
        locale: str = "ja-JP",
    ) -> tuple[Any, TestWallet | None]:
        context = chromium.new_context(viewport={"width": width, "height": 900}, locale=locale, bypass_csp=bypass_csp)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("dialog", lambda dialog: (errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
        page.errors = errors  # type: ignore[attr-defined]
        test_wallet = None
        if wallet:
            test_wallet = TestWallet(account or Account.create(), chain_id or int(node_w3.eth.chain_id), node_w3)
            page.expose_binding("furusatoWallet", test_wallet.handle)
            page.add_init_script(WALLET_JS)
        return page, test_wallet

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def member(dao: Any, alice: Any, staff: Any) -> LocalAccount:
    """A fresh key with 0 ETH, registered in the ResidentRegistry, holding 1,000 tokens delegated to itself (the
    delegation signed by the member and sent by someone else: the member never pays gas)."""
    from helpers import advance

    from furusato import eip712

    account = Account.create()
    registry = Contract.from_abi("ResidentRegistry", dao.record.address("ResidentRegistry"),
                                 _abi("ResidentRegistry"))  # fmt: skip
    registry.register(account.address, 1, b"\x00" * 32, {"from": staff})
    dao.token.transfer(account.address, 1_000 * TOKEN, {"from": alice})
    w3 = Web3(HTTPProvider(web3.provider.endpoint_uri))
    token = w3.eth.contract(address=dao.token.address, abi=dao.token.abi)
    typed = eip712.delegation(eip712.domain_of(token), account.address, 0, 2**40)
    v, r, s, _sig = eip712.sign(account, typed)
    dao.token.delegateBySig(account.address, 0, 2**40, v, r, s, {"from": accounts[0]})
    advance(1)
    assert web3.eth.get_balance(account.address) == 0
    return account


def _abi(name: str) -> Any:
    return json.loads((ROOT / "build" / "contracts" / f"{name}.json").read_text())["abi"]
