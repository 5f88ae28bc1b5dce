"""Names every layer shares: the zero address and the OpenZeppelin role ids (``bytes32`` as ``bytes``)."""

from __future__ import annotations

from web3 import Web3

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
#: Where a currency is expected (a sale's payment token, a treasury payment), the zero address means ETH.
ETH = ZERO_ADDRESS

ROLE_DEFAULT_ADMIN = b"\x00" * 32
ROLE_MINTER = bytes(Web3.keccak(text="MINTER_ROLE"))
ROLE_PROPOSER = bytes(Web3.keccak(text="PROPOSER_ROLE"))
ROLE_CANCELLER = bytes(Web3.keccak(text="CANCELLER_ROLE"))
ROLE_EXECUTOR = bytes(Web3.keccak(text="EXECUTOR_ROLE"))
ROLE_COORDINATOR = bytes(Web3.keccak(text="COORDINATOR_ROLE"))
ROLE_GUARDIAN = bytes(Web3.keccak(text="GUARDIAN_ROLE"))
ROLE_REGISTRAR = bytes(Web3.keccak(text="REGISTRAR_ROLE"))
