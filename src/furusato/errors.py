"""One exception hierarchy for the package: every error a user can cause names the problem in its message."""

from __future__ import annotations


class FurusatoError(Exception):
    """Base class of every error raised on purpose by furusato."""


class ConfigError(FurusatoError):
    """A configuration or input file is missing, malformed or inconsistent."""


class InputError(FurusatoError):
    """Bad user input (a CSV row, an address, an amount) — the message names the file, line and problem."""


class ChainError(FurusatoError):
    """The chain cannot be used as asked (wrong network, missing capability, reverted transaction)."""


class NetworkError(ChainError):
    """A network name that is not in Brownie's network list, or a network entry that cannot be used."""


class UnsupportedChainError(ChainError):
    """The chain lacks an EVM capability the contracts need (e.g. Cancun's MCOPY)."""


class AccountError(FurusatoError):
    """An account cannot be used: missing keystore, wrong password, or a public test key on a live network."""


class DeployError(FurusatoError):
    """A deployment failed or its wiring does not check out."""


class ArtifactError(FurusatoError):
    """Compiled contract artifacts are missing or stale."""
