"""Deploy the governance core with `brownie run`.

  brownie run scripts/deploy.py                          # development: Anvil started by Brownie, preset `local`
  brownie run scripts/deploy.py live --network NAME      # live network, keystore account, preset `town` by default

The live entry point reads FURUSATO_KEYSTORE (a keystore file) or FURUSATO_ACCOUNT (a Brownie account id),
FURUSATO_CONFIG (a config YAML) or FURUSATO_PRESET, and FURUSATO_PASSWORD_FILE or asks for the password;
FURUSATO_DEPLOYMENTS names another folder for the deployment record (default: deployments/).
Both entry points call the same core as `furusato deploy`.
"""

import os
from pathlib import Path

from brownie import network

from furusato.accounts import SignerChoice
from furusato.artifacts import Artifacts
from furusato.config import load_config
from furusato.deploy import deploy_dao
from furusato.networks import connect

ROOT = Path(__file__).resolve().parent.parent


def _deploy(preset_default: str) -> None:
    conn = connect(network.show_active(), ROOT)
    keystore = os.environ.get("FURUSATO_KEYSTORE")
    signer = SignerChoice(keystore=Path(keystore) if keystore else None, account_id=os.environ.get("FURUSATO_ACCOUNT"))
    sender = signer.sender(conn.w3, conn.network, conn.development)
    config_path = os.environ.get("FURUSATO_CONFIG")
    config = load_config(Path(config_path) if config_path else None, os.environ.get("FURUSATO_PRESET") or None)
    if config_path is None and "FURUSATO_PRESET" not in os.environ:
        config = load_config(preset=preset_default)
    deploy_dao(
        conn.w3,
        sender,
        config,
        Artifacts(ROOT),
        network=conn.network,
        development=conn.development,
        records_dir=Path(os.environ.get("FURUSATO_DEPLOYMENTS") or ROOT / "deployments"),
    )


def main() -> None:
    """Development deployment (preset `local`)."""
    _deploy("local")


def live() -> None:
    """Live-network deployment (preset `town` unless FURUSATO_CONFIG / FURUSATO_PRESET say otherwise)."""
    if network.show_active().startswith("development"):
        raise SystemExit("`live` is for live networks: pass --network NAME")
    _deploy("town")
