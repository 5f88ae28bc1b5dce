"""PLANS.yaml: a budget round's plans and settings, loaded and validated before anything is sent.

::

    title: 2027年度 参加型予算             # the proposal's first line
    token: ETH                           # or an ERC-20 address (18 decimals)
    budget: "5"                          # whole units
    voters: members                      # members (one member, one ballot) | token (token votes at the snapshot)
    max_approvals: 3                     # K: most plans one ballot may approve
    voting_period: "7 days"
    line_expires: "60 days"              # the budget line's life, from the proposal; must outlast the vote
    plans:
      - title: 棚田の石積み修復
        description: |                   # hashed (keccak256 of the UTF-8 text); or description_hash: 0x…
          …
        recipient: "0x…"
        amount: "1.2"
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from web3 import Web3

from furusato.config import parse_address
from furusato.constants import ZERO_ADDRESS
from furusato.errors import BudgetRoundError, FurusatoError
from furusato.textio import load_yaml_mapping
from furusato.units import format_units, parse_duration, parse_units

MIN_PLANS, MAX_PLANS = 2, 64
VOTER_MODES = {"members": 0, "token": 1}
KNOWN = {"title", "token", "budget", "voters", "max_approvals", "voting_period", "line_expires", "plans"}
PLAN_KNOWN = {"title", "description", "description_hash", "recipient", "amount"}


@dataclass(frozen=True)
class PlanSpec:
    """One plan as the round contract stores it."""

    title: str
    description_hash: bytes
    recipient: str
    amount: int

    def as_tuple(self) -> tuple[str, bytes, str, int]:
        return (self.title, self.description_hash, self.recipient, self.amount)


@dataclass(frozen=True)
class RoundSpec:
    """A validated PLANS.yaml."""

    title: str
    token: str  # ZERO_ADDRESS = ETH
    budget: int
    voters: str
    max_approvals: int
    voting_period: int
    line_expires: int  # seconds from the proposal
    plans: tuple[PlanSpec, ...]

    @property
    def mode(self) -> int:
        return VOTER_MODES[self.voters]

    @property
    def token_label(self) -> str:
        return "ETH" if self.token == ZERO_ADDRESS else self.token

    def description(self) -> str:
        """The proposal description: title, rule summary and the plans."""
        lines = [
            self.title,
            "",
            f"Participatory budget round: {format_units(self.budget)} {self.token_label}, voters: {self.voters}, "
            f"approve up to {self.max_approvals} plans, voting {self.voting_period}s after execution.",
            "",
        ]
        for i, p in enumerate(self.plans, 1):
            lines.append(f"#{i} {p.title}: {format_units(p.amount)} {self.token_label} to {p.recipient}")
        return "\n".join(lines)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BudgetRoundError(f"{where} must be non-empty text")
    return value.strip()


def parse_round_spec(data: dict[str, Any], source: str) -> RoundSpec:
    """Validate a PLANS mapping; the error names the first problem and where it is."""
    unknown = sorted(set(data) - KNOWN)
    if unknown:
        raise BudgetRoundError(f"{source}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(KNOWN))}")
    try:
        token_raw = data.get("token", "ETH")
        token = ZERO_ADDRESS if str(token_raw).upper() == "ETH" else parse_address(token_raw, "token")
        assert token is not None
        budget = parse_units(data.get("budget"), "budget", positive=True)
        period = parse_duration(data.get("voting_period", "7 days"), "voting_period")
        expires = parse_duration(data.get("line_expires", "60 days"), "line_expires")
    except FurusatoError as exc:
        raise BudgetRoundError(f"{source}: {exc}") from None
    if not 1 <= period < 2**32:
        raise BudgetRoundError(f"{source}: voting_period must be between 1 second and about 136 years")
    voters = data.get("voters", "members")
    if voters not in VOTER_MODES:
        raise BudgetRoundError(f"{source}: voters must be one of {', '.join(VOTER_MODES)}, got {voters!r}")
    raw_plans = data.get("plans")
    if not isinstance(raw_plans, list) or not MIN_PLANS <= len(raw_plans) <= MAX_PLANS:
        count = len(raw_plans) if isinstance(raw_plans, list) else "no"
        raise BudgetRoundError(f"{source}: a round needs {MIN_PLANS} to {MAX_PLANS} plans, got {count}")
    plans = tuple(_plan(p, f"{source}: plans[{i + 1}]", budget) for i, p in enumerate(raw_plans))
    k = data.get("max_approvals", 1)
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= len(plans):
        raise BudgetRoundError(f"{source}: max_approvals must be a whole number from 1 to {len(plans)}, got {k!r}")
    title = _text(data.get("title"), f"{source}: title")
    return RoundSpec(title, token, budget, str(voters), k, period, expires, plans)


def _plan(raw: Any, where: str, budget: int) -> PlanSpec:
    if not isinstance(raw, dict):
        raise BudgetRoundError(f"{where} must be a mapping with title, description, recipient and amount")
    unknown = sorted(set(raw) - PLAN_KNOWN)
    if unknown:
        raise BudgetRoundError(f"{where}: unknown key(s) {', '.join(unknown)}")
    title = _text(raw.get("title"), f"{where}.title")
    if len(title.encode()) > 200:
        raise BudgetRoundError(f"{where}.title is longer than 200 bytes: keep it short, put details in description")
    if "description_hash" in raw:
        text = str(raw["description_hash"])
        if not (text.startswith("0x") and len(text) == 66):
            raise BudgetRoundError(f"{where}.description_hash must be 0x and 64 hex digits")
        try:
            digest = bytes.fromhex(text[2:])
        except ValueError:
            raise BudgetRoundError(f"{where}.description_hash must be 0x and 64 hex digits") from None
    else:
        digest = bytes(Web3.keccak(text=_text(raw.get("description"), f"{where}.description")))
    try:
        recipient = parse_address(raw.get("recipient"), f"{where}.recipient")
        amount = parse_units(raw.get("amount"), f"{where}.amount", positive=True)
    except FurusatoError as exc:
        raise BudgetRoundError(str(exc)) from None
    assert recipient is not None
    if recipient == ZERO_ADDRESS:
        raise BudgetRoundError(f"{where}.recipient is the zero address")
    if amount > budget:
        raise BudgetRoundError(
            f"{where} ({title}) costs {format_units(amount)}, more than the whole budget ({format_units(budget)}): "
            "it could never win; lower it or raise the budget"
        )
    return PlanSpec(title, digest, recipient, amount)


def load_round_spec(path: Path) -> RoundSpec:
    """Load and validate PLANS.yaml."""
    return parse_round_spec(load_yaml_mapping(path, "a budget round's plans file"), str(path))
