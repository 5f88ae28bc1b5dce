"""Fixtures of the RegionGovernor tests."""

from __future__ import annotations

from typing import Any

import pytest
from brownie import Contract


@pytest.fixture
def at() -> Any:
    """Factory: a Brownie contract object for an address and ABI."""
    return lambda name, address, abi: Contract.from_abi(name, address, abi)
