"""The preflight: every check that can refuse a deployment, run before the question is asked and before anything
is sent. Its outcome is a :class:`PreparedDeploy`, whose plan a person reads (once) before ``run_deploy``."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import NotRequired, TypedDict, Unpack

from web3 import Web3

from furusato.accounts import PUBLIC_TEST_MNEMONIC, public_test_addresses, refuse_public_test_account
from furusato.artifacts import Artifacts
from furusato.chain import Sender, require_cancun
from furusato.config import DeployConfig
from furusato.deploy.lint import lint_plan
from furusato.deploy.plan import DeployPlan
from furusato.deploy.simulate import journal_matches, simulate_constructors
from furusato.errors import DeployError
from furusato.records import DeploymentRecord, read_record, record_path


@dataclass(frozen=True)
class PreparedDeploy:
    """A deployment that passed every preflight check, with what the run needs to send it."""

    w3: Web3
    sender: Sender
    artifacts: Artifacts
    plan: DeployPlan

    def summary(self) -> list[str]:
        """The plan's lines, to print once before asking (or before a --yes/--dry-run run)."""
        return self.plan.summary()


class Destination(TypedDict):
    """Where a deployment goes: the network's name, whether it is a development chain, the folder of deployment
    records, and whether an existing record may be replaced (``force``) or an unfinished one set aside
    (``restart``)."""

    network: str
    development: bool
    records_dir: Path
    force: NotRequired[bool]
    restart: NotRequired[bool]


def prepare_deploy(
    w3: Web3, sender: Sender, config: DeployConfig, artifacts: Artifacts, **destination: Unpack[Destination]
) -> PreparedDeploy:
    """Run every preflight check; raise (``UnsupportedChainError``, ``AccountError``, ``DeployError``) on the first
    that fails, having sent and written nothing. Checks: the chain runs Cancun code; no public-test-mnemonic
    deployer on a live network; no live record overwritten without ``force``; the config's roles make sense for a
    deployer that gives up its powers; the deployer can pay for gas; an unfinished journal belongs to this chain,
    deployer and config, or its contracts are still valid for a corrected config (then the run resumes it; else it
    names the orphaned contracts and ``restart`` sets the journal aside); every constructor still to deploy, run as
    an ``eth_call`` with its real arguments (``simulate_constructors``)."""
    network, development, records_dir = destination["network"], destination["development"], destination["records_dir"]
    force, restart = destination.get("force", False), destination.get("restart", False)
    require_cancun(w3, f"network '{network}'")
    deployer = sender.address
    if not development:
        refuse_public_test_account(deployer, network)
    _check_config(config, deployer, development)  # the deployer in a standing role: the more specific mistake first
    if not development:
        refuse_public_roles(config, network)
    final_path = record_path(records_dir, network)
    journal = record_path(records_dir, network, partial=True)
    chain_id = w3.eth.chain_id
    if final_path.exists() and not development and not force:
        existing = read_record(final_path)
        token = existing.contracts["RegionToken"].address if "RegionToken" in existing.contracts else "?"
        raise DeployError(
            f"{final_path} already records a DAO on {network} (chain {existing.chain_id}, token {token}); "
            "pass --force to deploy another one (the old record is kept as .replaced.json)"
        )
    findings = lint_plan(config, live=not development)
    errors = [f.message for f in findings if f.level == "error"]
    if errors:
        raise DeployError("the plan's DAO could never work; nothing was sent:\n  - " + "\n  - ".join(errors))
    if w3.eth.get_balance(deployer) == 0:
        raise DeployError(f"the deployer {deployer} has no ETH on {network} to pay for gas")
    resume = _unfinished(journal, chain_id, deployer, config, network) if not (development or restart) else None
    problems = simulate_constructors(w3, artifacts, config, deployer, resume)
    if problems:
        raise DeployError(
            "the deployment would stop part-way; nothing was sent:\n  - "
            + "\n  - ".join(problems)
            + "\nCorrect the config (see the error names above) and run again."
        )
    restarting = restart and journal.exists()
    warnings = tuple(str(f) for f in findings)
    plan = DeployPlan(
        config, network, chain_id, deployer, development, final_path, journal, resume, restarting, warnings
    )
    return PreparedDeploy(w3, sender, artifacts, plan)


def config_roles(config: DeployConfig) -> list[tuple[str, str]]:
    """Every (role, address) the config hands power or tokens to: guardian, coordinators, registrars, genesis."""
    roles = [("governor.guardian", config.guardian)] if config.guardian else []
    if config.rewards:
        roles += [(f"rewards.coordinators[{i}]", a) for i, a in enumerate(config.rewards.coordinators)]
    if config.registry:
        roles += [(f"registry.registrars[{i}]", a) for i, a in enumerate(config.registry.registrars)]
    roles += [(f"genesis[{i}].to", a.to) for i, a in enumerate(config.genesis)]
    return roles


def refuse_public_roles(config: DeployConfig, network: str) -> None:
    """On a network other than development, refuse any role given to an account of the public test mnemonic:
    its private key is published, so anyone could act in that role (or take those tokens)."""
    public = public_test_addresses()
    found = [(role, address) for role, address in config_roles(config) if address.lower() in public]
    if found:
        listed = ", ".join(f"{role} {address}" for role, address in found)
        raise DeployError(
            f"the config gives roles to accounts of the public test mnemonic ('{PUBLIC_TEST_MNEMONIC}'), whose "
            f"private keys are published: {listed}. Anyone could act as them on '{network}'. Put the town's own "
            "addresses there (the `local` preset's sample accounts are for a development chain only)."
        )


def _check_config(config: DeployConfig, deployer: str, development: bool) -> None:
    if config.registry and deployer in config.registry.registrars:
        raise DeployError(
            f"the deployer {deployer} is listed as a registrar; the deployer gives up every role at the end of a "
            "deployment, so name the town staff's own account(s) in registry.registrars"
        )
    if not development:
        # The deployer renounces its own roles but cannot be trusted with a standing one either: on a live network
        # the coordinator and the guardian must be other keys (issue 10, like the registrar above).
        if config.guardian and config.guardian.lower() == deployer.lower():
            raise DeployError(
                f"the deployer {deployer} is the governor's guardian; on a live network name the resident "
                "council's own key (e.g. its multisig) as governor.guardian"
            )
        if config.rewards and any(c.lower() == deployer.lower() for c in config.rewards.coordinators):
            raise DeployError(
                f"the deployer {deployer} is listed as a rewards coordinator; on a live network name the "
                "coordinator's own account(s) in rewards.coordinators"
            )
    if config.rewards and config.rewards.members_only and not config.registry:
        raise DeployError("rewards.members_only needs a registry section: the ResidentRegistry of the members")


def _unfinished(
    journal: Path, chain_id: int, deployer: str, config: DeployConfig, network: str
) -> DeploymentRecord | None:
    """The unfinished deployment in ``journal`` if there is one: this deployment's, or one whose contracts are all
    still valid for ``config`` (a corrected retry; no wiring sent yet). Otherwise refused, naming the orphans."""
    if not journal.exists():
        return None
    previous = read_record(journal)
    restart = f"run the same command with --restart to start a new deployment on {network} ({journal} is kept as " \
        f"{journal.with_suffix('.abandoned.json').name})"  # fmt: skip
    if (previous.chain_id, previous.deployer) != (chain_id, deployer):
        raise DeployError(
            f"{journal} holds an unfinished deployment by {previous.deployer} on chain {previous.chain_id}: finish it "
            f"with that deployer, or {restart}"
        )
    if previous.config_digest == config.digest():
        return previous
    orphans = journal_matches(previous, config)
    if not orphans:  # every contract deployed so far is built exactly as the corrected config builds it
        resumed = copy.deepcopy(previous)
        resumed.config_digest = config.digest()
        resumed.preset = config.preset
        return resumed
    listed = ", ".join(f"{n} {previous.contracts[n].address}" for n in orphans)
    raise DeployError(
        f"{journal} holds an unfinished deployment made with another config, and the changed config no longer fits "
        f"what it deployed: orphaned (deployed, unused by the new config): {listed}. Finish it with the old config, "
        f"or {restart}"
    )
