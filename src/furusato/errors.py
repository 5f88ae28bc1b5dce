"""One exception hierarchy for the package: every error a user can cause names the problem in its message.

Every error class furusato raises is defined here and derives from :class:`FurusatoError`; the modules that raise
the domain-specific ones (``rewards.activity_log``, ``membership.registry_import``, ``ballots`` …) import them from
here and re-export them under the same names.

::

    FurusatoError
    ├── ConfigError                  a configuration or input file is missing, malformed or inconsistent
    │   ├── InvalidValueError        (also an InputError) an amount, duration, time or zone cannot be read
    │   └── SpecActionError          one action of a proposal spec is wrong (proposals.actions)
    ├── InputError                   bad user input (a CSV row, an address, an amount)
    │   ├── InvalidValueError
    │   ├── TextEncodingError        a spreadsheet's bytes are neither UTF-8 nor Shift_JIS (textio)
    │   ├── FileProblemsError        a spreadsheet-like file has problems, all listed
    │   │   ├── ActivityLogError     … an activity log (rewards.activity_log)
    │   │   └── MemberListError      … a member list (membership.registry_import)
    │   └── SignatureRejected        a signed message is refused; carries an HTTP status (ballots, relayer)
    ├── PlanExistsError              the output folder holds another plan (rewards.outputs)
    ├── BudgetRoundError             a budget round's plans, ballots or result are wrong (budget)
    ├── ChainError                   the chain cannot be used as asked
    │   └── UnsupportedChainError    the chain lacks an EVM capability the contracts need
    ├── AccountError                 an account cannot be used
    ├── DeployError                  a deployment failed or its wiring does not check out
    └── ArtifactError                compiled contract artifacts are missing or stale
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "AccountError",
    "ActivityLogError",
    "ArtifactError",
    "BudgetRoundError",
    "ChainError",
    "ClaimRefused",
    "ConfigError",
    "DeployError",
    "FileProblemsError",
    "FurusatoError",
    "InputError",
    "InvalidValueError",
    "MemberListError",
    "PlanExistsError",
    "Problem",
    "SignatureRejected",
    "SpecActionError",
    "TextEncodingError",
    "UnsupportedChainError",
]


class FurusatoError(Exception):
    """Base class of every error raised on purpose by furusato."""


class ConfigError(FurusatoError):
    """A configuration or input file is missing, malformed or inconsistent."""


class InputError(FurusatoError):
    """Bad user input (a CSV row, an address, an amount) — the message names the file, line and problem."""


class InvalidValueError(ConfigError, InputError):
    """A value (token amount, duration, time, time zone) cannot be read; the message names the field.

    Raised by :mod:`furusato.units`. It is both a :class:`ConfigError` and an :class:`InputError`: the same value is
    wrong whether it came from a file or from the command line.
    """


class SpecActionError(ConfigError):
    """One action of a proposal spec is wrong; ``kind`` is the action's kind when it is known."""

    def __init__(self, message: str, kind: str = "") -> None:
        super().__init__(message)
        self.kind = kind


class PlanExistsError(FurusatoError):
    """The output folder already holds a different plan (or other files) and may not be replaced."""


class TextEncodingError(InputError):
    """A text file's bytes cannot be decoded; ``line`` is the first line that fails (None: the whole file)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Problem:
    """One problem in an input file; ``line`` is None for problems with the file as a whole."""

    line: int | None
    message: str

    def __str__(self) -> str:
        """``line 4: …`` or just the message."""
        return self.message if self.line is None else f"line {self.line}: {self.message}"


_MAX_REPORTED = 200


class FileProblemsError(InputError):
    """A spreadsheet-like input file has problems; ``problems`` lists all of them, the message one per line."""

    def __init__(self, path: Path, problems: list[Problem], what: str, advice: str) -> None:
        """Build the message: the file, the number of problems in ``what``, ``advice``, then one problem per line."""
        self.path = path
        self.problems = tuple(problems)
        shown = [f"  {path.name} {p}" for p in problems[:_MAX_REPORTED]]
        if len(problems) > _MAX_REPORTED:
            shown.append(f"  … and {len(problems) - _MAX_REPORTED} more")
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"{path}: {count} in {what}; {advice}:\n" + "\n".join(shown))


class ActivityLogError(FileProblemsError):
    """An activity log has problems; ``problems`` lists all of them, the message shows them line by line."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        super().__init__(path, problems, "the activity log", "fix them all and run again")


class MemberListError(FileProblemsError):
    """A member list has problems; ``problems`` lists all of them, the message shows them line by line."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        super().__init__(path, problems, "the member list", "nothing was sent. Fix them all and run again")


class SignatureRejected(InputError):  # noqa: N818 - reads as what happened to the signature
    """A signed message is refused; ``status`` is the HTTP status the relayer answers with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class ClaimRefused(SignatureRejected):
    """A reward claim that would fail or must not be sent. It carries no signature (the contract pays the leaf's
    account whoever sends it) but a relayer answers it like a refused message: ``status`` is the HTTP status;
    ``reason`` is the leaf's state (``paid``, ``withheld``, …) or ``sent`` (a claim of it is already on its way)."""

    def __init__(self, message: str, reason: str, status: int = 400) -> None:
        super().__init__(message, status)
        self.reason = reason


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


class BudgetRoundError(FurusatoError):
    """A budget round's plans file, ballots or result are wrong, or the chain disagrees with the recomputed result."""
