"""Fixtures of the TokenSale tests."""

from __future__ import annotations

from typing import Any

import pytest
from brownie import accounts
from helpers import govern

ADMIN_ROLE = b"\x00" * 32


@pytest.fixture(scope="module")
def admin(token: Any, governor: Any, timelock: Any, members: list[Any]) -> Any:
    """accounts[8] made token admin by one proposal, so tests can start sales in two transactions."""
    account = accounts[8]
    govern(governor, timelock, members, (token, "grantRole", ADMIN_ROLE, account.address), description="sale admin")
    return account
