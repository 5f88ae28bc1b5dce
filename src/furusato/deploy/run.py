"""Run a prepared deployment: contracts, wiring, checks, then the final record (``deploy_dao`` does it all at once)."""

from __future__ import annotations

from typing import Unpack

from web3 import Web3

from furusato.artifacts import Artifacts
from furusato.chain import Log, Sender
from furusato.config import DeployConfig
from furusato.deploy.checks import check_wiring
from furusato.deploy.plan import artifact_of, contract_names
from furusato.deploy.preflight import Destination, PreparedDeploy, prepare_deploy
from furusato.deploy.steps import Deployment, deploy_contracts
from furusato.deploy.wiring import wire
from furusato.errors import DeployError
from furusato.records import DeploymentRecord, write_record


def run_deploy(prepared: PreparedDeploy, log: Log = print) -> DeploymentRecord:
    """Send the prepared deployment (resuming its journal, if any), check the wiring and write the final record
    ``<records>/<network>.json``. Prints step lines only: the plan is the caller's to print, once, beforehand."""
    plan, artifacts = prepared.plan, prepared.artifacts
    if plan.restart and plan.journal.exists():
        plan.journal.replace(plan.journal.with_suffix(".abandoned.json"))
    record = plan.start_record()
    d = Deployment(prepared, record, log)
    deploy_contracts(d)
    wire(d)
    checks = check_wiring(prepared.w3, artifacts, record, plan.config)
    failed = [c.description for c in checks if not c.ok]
    if failed:
        raise DeployError("the deployed system does not check out:\n  - " + "\n  - ".join(failed))
    log(f"wiring checks: {len(checks)} passed")
    first = artifacts.get("RegionToken")
    record.compiler = {
        "version": first.compiler_version,
        "evmVersion": first.evm_version,
        "optimizer": first.optimizer,
        "remappings": artifacts.remappings(),
    }
    built = {n: artifact_of(n, plan.config) for n in contract_names(plan.config)}
    record.verification = {
        "contracts": {n: f"{artifacts.get(a).source_path}:{a}" for n, a in built.items()},
        "standardJsonInput": artifacts.standard_json_input(list(built.values())),
    }
    record.complete = True
    final_path = plan.final_path
    if final_path.exists() and not plan.development:  # a development chain's record is simply overwritten
        final_path.replace(final_path.with_suffix(".replaced.json"))
    write_record(final_path, record)
    plan.journal.unlink(missing_ok=True)
    log(f"deployment record written to {final_path}")
    return record


def deploy_dao(
    w3: Web3,
    sender: Sender,
    config: DeployConfig,
    artifacts: Artifacts,
    *,
    log: Log = print,
    dry_run: bool = False,
    **destination: Unpack[Destination],
) -> DeploymentRecord:
    """In one call, for scripts, the demo and tests: the preflight (``network``, ``development``, ``records_dir``,
    ``force`` as for :func:`prepare_deploy`), the plan (logged once), then the run.

    With ``dry_run`` nothing is sent or written; the returned record is the empty one the run would start from.
    """
    prepared = prepare_deploy(w3, sender, config, artifacts, **destination)
    for line in prepared.summary():
        log(line)
    if dry_run:
        log("dry run: nothing was sent")
        return prepared.plan.start_record()
    return run_deploy(prepared, log)
