"""The few ERC-20 functions the core reads or calls on tokens it did not deploy (a payment token, a treasury asset)."""

from __future__ import annotations

from typing import Any

from web3 import Web3
from web3.contract import Contract

__all__ = ["ERC20_ABI", "erc20", "token_meta"]

ERC20_ABI: list[dict[str, Any]] = [
    {"type": "function", "name": "decimals", "stateMutability": "view", "inputs": [],
     "outputs": [{"name": "", "type": "uint8"}]},
    {"type": "function", "name": "symbol", "stateMutability": "view", "inputs": [],
     "outputs": [{"name": "", "type": "string"}]},
    {"type": "function", "name": "balanceOf", "stateMutability": "view",
     "inputs": [{"name": "account", "type": "address"}], "outputs": [{"name": "", "type": "uint256"}]},
    {"type": "function", "name": "allowance", "stateMutability": "view",
     "inputs": [{"name": "owner", "type": "address"}, {"name": "spender", "type": "address"}],
     "outputs": [{"name": "", "type": "uint256"}]},
    {"type": "function", "name": "approve", "stateMutability": "nonpayable",
     "inputs": [{"name": "spender", "type": "address"}, {"name": "amount", "type": "uint256"}],
     "outputs": [{"name": "", "type": "bool"}]},
]  # fmt: skip


def erc20(w3: Web3, address: str) -> Contract:
    """The ERC-20 at ``address`` with :data:`ERC20_ABI`."""
    return w3.eth.contract(address=Web3.to_checksum_address(address), abi=ERC20_ABI)


def token_meta(w3: Web3, address: str) -> tuple[int, str]:
    """(decimals, symbol) of the ERC-20 at ``address``; the call's error when it does not answer ``decimals()``.
    A symbol is the token's own text: only its printable characters are kept (at most 16), so a hostile one cannot
    move the terminal's cursor or fake a line; a token without ``symbol()`` is shown by its address."""
    contract = erc20(w3, address)
    decimals = int(contract.functions.decimals().call())
    try:
        raw = str(contract.functions.symbol().call())
    except Exception:  # symbol() is optional in ERC-20 (and bytes32 in a few old tokens)
        raw = ""
    symbol = "".join(c for c in raw if c.isprintable() and not c.isspace())[:16]
    return decimals, symbol or contract.address
