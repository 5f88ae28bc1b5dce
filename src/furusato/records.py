"""Deployment records: ``deployments/<network>.json``, the one place later commands find the DAO's addresses."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from furusato.abi import to_checksum_address
from furusato.errors import ConfigError

if TYPE_CHECKING:
    from eth_typing import ChecksumAddress
from furusato.textio import atomic_write

RECORD_FORMAT = "furusato-deployment-v1"
#: A record names each contract by its role; where the deployed contract is another artifact, this says which (its
#: ABI is a superset of the role's: a record from before RegionTimelock, with OpenZeppelin's TimelockController, reads
#: the same way).
RECORD_ARTIFACTS = {"TimelockController": "RegionTimelock"}


@dataclass
class ContractRecord:
    """Where one contract lives and how it was made."""

    address: str
    tx_hash: str
    block: int
    constructor_args: list[Any]
    gas_used: int


@dataclass
class DeploymentRecord:
    """Everything about one DAO deployment on one network."""

    network: str
    chain_id: int
    deployer: str
    preset: str
    config_digest: str
    contracts: dict[str, ContractRecord] = field(default_factory=dict)
    wiring: dict[str, str] = field(default_factory=dict)  # step name -> tx hash ("" when already in place)
    deploy_block: int = 0
    complete: bool = False
    compiler: dict[str, Any] = field(default_factory=dict)
    verification: dict[str, Any] = field(default_factory=dict)

    def address(self, name: str) -> ChecksumAddress:
        """The address of contract ``name``; ConfigError if the record has none."""
        try:
            return to_checksum_address(self.contracts[name].address)  # type: ignore[return-value]
        except KeyError:
            raise ConfigError(f"the deployment on {self.network} has no {name}") from None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        return {"format": RECORD_FORMAT, **data}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DeploymentRecord:
        if data.get("format") != RECORD_FORMAT:
            raise ConfigError(f"not a furusato deployment record (format {data.get('format')!r})")
        fields = {k: v for k, v in data.items() if k != "format"}
        fields["contracts"] = {k: ContractRecord(**v) for k, v in fields.get("contracts", {}).items()}
        return cls(**fields)


def record_path(records_dir: Path, network: str, *, partial: bool = False) -> Path:
    """``<records_dir>/<network>.json`` (or ``.partial.json`` while a deployment is in progress).

    ``records_dir`` is the project's ``deployments/`` folder unless a caller chooses another.
    """
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in network)
    return records_dir / (f"{safe}.partial.json" if partial else f"{safe}.json")


def write_record(path: Path, record: DeploymentRecord) -> None:
    """Write atomically (temp file + rename), so a crash never leaves half a record; public, mode 0644."""
    atomic_write(path, json.dumps(record.to_json(), indent=2, ensure_ascii=False) + "\n", mode=0o644)


def read_record(path: Path) -> DeploymentRecord:
    """Load a record, with a clear error when it is missing or damaged."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"no deployment record at {path}: deploy first (furusato deploy)") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path} is damaged: {exc}") from exc
    return DeploymentRecord.from_json(data)
