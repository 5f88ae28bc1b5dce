"""What a deployment consists of, and the plan a person reads before saying yes.

``DeployPlan`` is the outcome of the preflight (see ``preflight.py``): every fact the run needs that was read from the
chain and the records folder before anything is sent. This module only describes; it reads and sends nothing.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

from furusato.config import MAX_TIMELOCK_DELAY, MIN_TIMELOCK_DELAY, DeployConfig
from furusato.records import RECORD_ARTIFACTS, DeploymentRecord

CORE_CONTRACTS = ("RegionToken", "TimelockController", "RegionGovernor", "Treasury")
REWARDS = "ActivityRewards"
REGISTRY = "ResidentRegistry"


def contract_names(config: DeployConfig) -> tuple[str, ...]:
    """The contracts a deployment with ``config`` consists of, in deployment order."""
    return CORE_CONTRACTS + ((REWARDS,) if config.rewards else ()) + ((REGISTRY,) if config.registry else ())


def _tokens(amount: int) -> str:
    return f"{amount / 10**18:,.0f}"


def plan_summary(config: DeployConfig, deployer: str, network: str) -> list[str]:
    """Human-readable lines describing what a deployment will do (printed before anything is sent)."""
    lines = [
        f"network {network}, deployer {deployer}, preset {config.preset}",
        f"RegionToken '{config.token_name}' ({config.token_symbol}), cap {_tokens(config.token_cap)} tokens",
        f"RegionGovernor '{config.governor_name}': voting delay {config.voting_delay}s, period {config.voting_period}s,"
        f" quorum {config.quorum_percent}%, threshold {_tokens(config.proposal_threshold)} tokens,"
        f" late-quorum extension {config.late_quorum_extension}s, guardian {config.guardian or 'none'}"
        + ("; MEMBERS ONLY: only registry members may propose and vote" if config.governor_members_only else ""),
        *(
            [
                f"HEADCOUNT QUORUM (HeadcountGovernor): valid votes from more than {config.quorum_percent}% of the "
                "members active at each proposal's snapshot, then a majority by weight"
            ]
            if config.quorum_kind == "headcount"
            else []
        ),
        f"TimelockController (RegionTimelock, governance may set a delay of {MIN_TIMELOCK_DELAY // 86400} to "
        f"{MAX_TIMELOCK_DELAY // 86400} days): min delay {config.timelock_delay}s; proposer/canceller/executor = "
        "governor only",
        "Treasury owned by the timelock; treasury, timelock and governor excluded from voting",
    ]
    if config.rewards:
        r = config.rewards
        lines.append(
            f"ActivityRewards: minter, excluded from voting; challenge window {r.challenge_window}s,"
            f" member cap {_tokens(r.member_cap)}, standing budget {_tokens(r.standing_budget)} tokens/epoch,"
            f" {len(r.coordinators)} coordinator(s); "
            + (
                "pays registered members ONLY (a non-member's reward is withheld until they register and claim)"
                if r.members_only
                else "pays anyone in a plan"
            )
        )
    if config.registry:
        reg = config.registry
        lines.append(
            f"ResidentRegistry '{reg.name}' ({reg.symbol}): {len(reg.registrars)} registrar(s), self-registration mask"
            f" {reg.self_registration_kinds:#05b}, admin the timelock; token transfers "
            + (
                "RESTRICTED to registered members (genesis recipients are registered first)"
                if reg.restrict_transfers
                else "not restricted"
            )
        )
    lines += [
        f"genesis: {len(config.genesis)} allocation(s), {_tokens(sum(a.amount for a in config.genesis))} tokens",
        "then the deployer renounces every role it held",
    ]
    return lines


@dataclass(frozen=True)
class DeployPlan:
    """A deployment that passed its preflight: where it goes, who sends it, where its record and journal live."""

    config: DeployConfig
    network: str
    chain_id: int
    deployer: str
    development: bool
    final_path: Path  # <records>/<network>.json, written once every wiring check passes
    journal: Path  # <records>/<network>.partial.json, written after every transaction
    resume: DeploymentRecord | None = None  # the unfinished deployment the journal holds, continued by the run
    restart: bool = False  # the journal holds an abandoned deployment: the run sets it aside (.abandoned.json) first
    warnings: tuple[str, ...] = ()  # the plan's lint warnings (``lint.lint_plan``), each saying what to change

    def summary(self) -> list[str]:
        """The plan as a person reads it before saying yes (and, when resuming, where it resumes from)."""
        lines = plan_summary(self.config, self.deployer, self.network)
        lines += list(self.warnings)
        if self.resume is not None:
            kept = ", ".join(self.resume.contracts) or "nothing deployed yet"
            lines.append(f"resuming the unfinished deployment from {self.journal} (already deployed: {kept})")
        if self.restart:
            lines.append(f"starting over: the unfinished deployment in {self.journal} is set aside as .abandoned.json")
        return lines

    def start_record(self) -> DeploymentRecord:
        """The record the run fills in: a copy of the journal's when resuming, else a new empty one."""
        if self.resume is not None:
            return copy.deepcopy(self.resume)
        c = self.config
        return DeploymentRecord(
            network=self.network, chain_id=self.chain_id, deployer=self.deployer, preset=c.preset,
            config_digest=c.digest(),
        )  # fmt: skip


def artifact_of(name: str, config: DeployConfig) -> str:
    """The contract deployed as the record's ``name``: HeadcountGovernor (same ABI plus ``headcount``) as the
    ``RegionGovernor`` for a headcount quorum; RegionTimelock (TimelockController with its delay bounded) as the
    ``TimelockController``; else ``name`` itself."""
    if name == "RegionGovernor" and config.quorum_kind == "headcount":
        return "HeadcountGovernor"
    return RECORD_ARTIFACTS.get(name, name)
