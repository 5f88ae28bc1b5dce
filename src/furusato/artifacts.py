"""Compiled contract artifacts (Brownie's ``build/contracts``) and the standard-JSON input to verify them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from furusato.errors import ArtifactError


def find_project_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: cwd) that holds ``brownie-config.yaml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "brownie-config.yaml").is_file():
            return folder
    raise ArtifactError(f"no brownie-config.yaml found at or above {here}: run this inside a furusato-dao checkout")


@dataclass(frozen=True)
class Artifact:
    """One compiled contract."""

    name: str
    abi: list[dict[str, Any]]
    bytecode: str
    deployed_bytecode: str
    source_path: str
    all_source_paths: tuple[str, ...]
    compiler_version: str
    evm_version: str
    optimizer: dict[str, Any]


class Artifacts:
    """Reads artifacts from a Brownie project's build folder and refuses stale ones."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.build_dir = root / "build" / "contracts"
        self._cache: dict[str, Artifact] = {}

    def get(self, name: str) -> Artifact:
        """The artifact of contract ``name``; raises ArtifactError if missing or older than its sources."""
        if name in self._cache:
            return self._cache[name]
        path = self.build_dir / f"{name}.json"
        if not path.is_file():
            raise ArtifactError(f"no compiled artifact for {name} at {path}: run `make compile` (brownie compile)")
        data = json.loads(path.read_text())
        source = self.root / data["sourcePath"]
        if source.is_file() and data["sourcePath"].startswith("contracts/"):
            current = hashlib.sha1(source.read_bytes()).hexdigest()  # noqa: S324 - Brownie's own staleness key
            if current != data["sha1"]:
                raise ArtifactError(f"the artifact of {name} is older than {data['sourcePath']}: run `make compile`")
        if not data["bytecode"]:
            raise ArtifactError(f"{name} is abstract or an interface: it has no bytecode to deploy")
        artifact = Artifact(
            name=name,
            abi=data["abi"],
            bytecode=data["bytecode"],
            deployed_bytecode=data["deployedBytecode"],
            source_path=data["sourcePath"],
            all_source_paths=tuple(sorted(set(data["allSourcePaths"].values()))),
            compiler_version=data["compiler"]["version"],
            evm_version=data["compiler"]["evm_version"],
            optimizer=data["compiler"]["optimizer"],
        )
        self._cache[name] = artifact
        return artifact

    def remappings(self) -> list[str]:
        """The solc remappings from brownie-config.yaml (Brownie passes exactly these to the compiler)."""
        config = yaml.safe_load((self.root / "brownie-config.yaml").read_text())
        remaps = config.get("compiler", {}).get("solc", {}).get("remappings") or []
        return [str(r) for r in remaps]

    def standard_json_input(self, names: list[str]) -> dict[str, Any]:
        """The solc standard-JSON input that reproduces the bytecode of ``names`` (for block-explorer verification).

        All named contracts must share compiler settings; the sources are every file they were built from.
        """
        artifacts = [self.get(n) for n in names]
        first = artifacts[0]
        for a in artifacts[1:]:
            if (a.compiler_version, a.evm_version, a.optimizer) != (
                first.compiler_version,
                first.evm_version,
                first.optimizer,
            ):
                raise ArtifactError(f"{a.name} and {first.name} were compiled with different settings")
        paths = sorted({p for a in artifacts for p in a.all_source_paths})
        sources = {p: {"content": (self.root / p).read_text()} for p in paths}
        return {
            "language": "Solidity",
            "sources": sources,
            "settings": {
                "optimizer": first.optimizer,
                "evmVersion": first.evm_version,
                "remappings": self.remappings(),
                "outputSelection": {"*": {"*": ["abi", "evm.bytecode", "evm.deployedBytecode", "metadata"]}},
            },
        }


def error_selectors(abis: list[list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Map 4-byte selectors (``0x…``) to custom-error ABI entries, for decoding reverts."""
    from eth_utils.abi import function_abi_to_4byte_selector

    out: dict[str, dict[str, Any]] = {}
    for abi in abis:
        for item in abi:
            if item.get("type") == "error":
                selector = function_abi_to_4byte_selector(item)  # type: ignore[arg-type]
                out["0x" + selector.hex()] = item
    return out
