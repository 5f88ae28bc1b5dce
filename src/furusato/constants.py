"""Shared vocabulary of the core: the zero address, token decimals, the town's time zone, role ids and member kinds.

Role ids are ``keccak256("<NAME>_ROLE")`` as OpenZeppelin's ``AccessControl`` defines them (checked by the unit
tests), written out so that importing this module costs nothing.
"""

from __future__ import annotations

import datetime as dt

__all__ = [
    "DECIMALS",
    "ETH",
    "JST",
    "MEMBER_KINDS",
    "ROLE_CANCELLER",
    "ROLE_COORDINATOR",
    "ROLE_DEFAULT_ADMIN",
    "ROLE_EXECUTOR",
    "ROLE_GUARDIAN",
    "ROLE_MINTER",
    "ROLE_PROPOSER",
    "ROLE_REGISTRAR",
    "ZERO_ADDRESS",
]

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
#: The "asset is ETH" marker of the Treasury and TokenSale (the zero address).
ETH = ZERO_ADDRESS
#: Decimals of RegionToken (and of ETH).
DECIMALS = 18
#: Japan Standard Time, the town's clock (UTC+9, no daylight saving time).
JST = dt.timezone(dt.timedelta(hours=9), "JST")

ROLE_DEFAULT_ADMIN = bytes(32)
ROLE_MINTER = bytes.fromhex("9f2df0fed2c77648de5860a4cc508cd0818c85b8b8a1ab4ceeef8d981c8956a6")
ROLE_PROPOSER = bytes.fromhex("b09aa5aeb3702cfd50b6b62bc4532604938f21248a27a1d5ca736082b6819cc1")
ROLE_CANCELLER = bytes.fromhex("fd643c72710c63c0180259aba6b2d05451e3591a24e58b62239378085726f783")
ROLE_EXECUTOR = bytes.fromhex("d8aa0f3194971a2a116679f7c2090f6939c8d4e01a2a8d7e41d55e5351469e63")
ROLE_COORDINATOR = bytes.fromhex("2e8b98eef02e8df3bd27d1270ded3bea3d14db99c5234c7b14001a7fff957bcc")
ROLE_GUARDIAN = bytes.fromhex("55435dd261a4b9b3364963f7738a7a662ad9c84396d64be3365284bb7f0a5041")
ROLE_REGISTRAR = bytes.fromhex("edcc084d3dcd65a1f7f23c65c46722faca6953d28e43150a467cf43e5c309238")

#: Membership kinds, in the order of ``IResidentRegistry.Kind`` (the on-chain enum value is the index).
MEMBER_KINDS = ("resident", "relationship", "supporter")
