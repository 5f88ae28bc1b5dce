"""Deploy and wire the governance core (token, timelock, governor, treasury, and optionally the activity rewards and
the resident registry), check the wiring, record it.

The package follows the order of a deployment, one job a module, no import going back up:

- ``plan``: what a deployment consists of and the plan lines a person reads (``DeployPlan``, ``plan_summary``);
- ``preflight``: every check that can refuse, run before the question and before anything is sent
  (``prepare_deploy`` → ``PreparedDeploy``);
- ``steps``: the journaled, idempotent steps and the contract deployments (``Deployment``);
- ``wiring``: roles, exclusions, genesis and settings; the deployer gives up its powers last;
- ``checks``: the wiring checks (``check_wiring``);
- ``run``: ``run_deploy`` (a prepared deployment → the final record) and ``deploy_dao`` (all of it in one call).

A deployment that stopped half-way (crash, lost connection, out of gas) is resumed from
``deployments/<network>.partial.json`` by running the same command again; the final record is written only when
every wiring check passes. A door asks its question between ``prepare_deploy`` and ``run_deploy``::

    prepared = prepare_deploy(w3, sender, config, artifacts, network=..., development=..., records_dir=...)
    for line in prepared.summary():
        echo(line)
    if confirmed:
        record = run_deploy(prepared, log=echo)
"""

from furusato.deploy.checks import WiringCheck, check_wiring
from furusato.deploy.plan import CORE_CONTRACTS, REGISTRY, REWARDS, DeployPlan, contract_names, plan_summary
from furusato.deploy.preflight import PreparedDeploy, prepare_deploy
from furusato.deploy.run import deploy_dao, run_deploy

__all__ = [
    "CORE_CONTRACTS",
    "REGISTRY",
    "REWARDS",
    "DeployPlan",
    "PreparedDeploy",
    "WiringCheck",
    "check_wiring",
    "contract_names",
    "deploy_dao",
    "plan_summary",
    "prepare_deploy",
    "run_deploy",
]
