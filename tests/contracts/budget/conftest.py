"""Fixtures of the BudgetRound tests: 20 registered members whose keys the test holds, the timelock acting for
governance (impersonated; the integration test opens a round by a real proposal), and a round factory."""

from __future__ import annotations

from typing import Any

import pytest
from brownie import BudgetRound, ResidentRegistry, accounts, chain
from eth_account import Account
from web3 import Web3

ETH = "0x0000000000000000000000000000000000000000"
ETHER = 10**18
DAY = 86_400
PERIOD = 3_600


def recipient(i: int) -> str:
    """The recipient of plan ``i``: a fresh address per plan, so its balance is exactly what it was paid."""
    return str(Account.from_key(Web3.keccak(text=f"budget-recipient-{i}")).address)


@pytest.fixture(scope="module")
def registry(dao: Any) -> Any:
    return ResidentRegistry.at(dao.record.address("ResidentRegistry"))


@pytest.fixture(scope="module")
def registrar() -> Any:
    """The `local` preset's registrar (Anvil account #8)."""
    return accounts[8]


@pytest.fixture(scope="module")
def keys() -> list[Any]:
    """Twenty keys the test holds (members that vote directly and sign ballots), plus two spares."""
    return [Account.from_key(Web3.keccak(text=f"budget-member-{i}")) for i in range(22)]


@pytest.fixture(scope="module")
def voters(keys: list[Any], registry: Any, registrar: Any, deployer: Any) -> list[Any]:
    """Twenty registered, funded members as Brownie accounts (index i has key ``keys[i]``)."""
    out = []
    for k in keys[:20]:
        acct = accounts.add(k.key.hex())
        deployer.transfer(acct, ETHER)
        out.append(acct)
    registry.registerBatch([a.address for a in out], [0] * 20, [b"\x00" * 32] * 20, {"from": registrar})
    chain.sleep(2)
    chain.mine()
    return out


@pytest.fixture(scope="module")
def gov(timelock: Any, deployer: Any) -> Any:
    """The timelock as an account: what a passed proposal does, without the voting (see tests/integration)."""
    deployer.transfer(timelock, ETHER)
    return accounts.at(timelock.address, force=True)


@pytest.fixture(scope="module")
def fund(treasury: Any, deployer: Any) -> Any:
    deployer.transfer(treasury, 20 * ETHER)
    return treasury


@pytest.fixture
def make_round(gov: Any, treasury: Any, registry: Any, token: Any, deployer: Any, fund: Any, voters: Any) -> Any:
    """Factory: deploy a round over ``amounts`` (wei), appropriate a line of ``line`` (default the budget) whose
    steward is the round, and open it (unless ``opened=False``)."""

    def make(
        amounts: list[int],
        budget: int,
        k: int = 3,
        mode: int = 0,
        token_address: str = ETH,
        line: int | None = None,
        opened: bool = True,
        period: int = PERIOD,
    ) -> Any:
        plans = [(f"plan {i}", Web3.keccak(text=f"plan {i}"), recipient(i), a) for i, a in enumerate(amounts)]
        cfg = (gov.address, treasury.address, token_address, budget, period, k, mode, registry.address, token.address)
        rnd = BudgetRound.deploy(cfg, plans, {"from": deployer})
        if opened:
            expiry = chain.time() + 30 * DAY
            treasury.appropriate("participatory budget", rnd, token_address, line or budget, expiry, {"from": gov})
            rnd.open({"from": gov})
        return rnd

    return make
