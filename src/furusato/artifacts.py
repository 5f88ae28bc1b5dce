"""Compiled contract artifacts (Brownie's ``build/contracts``) and the standard-JSON input to verify them."""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from furusato.errors import ArtifactError

ABI_CACHE = ".furusato-abi-cache.json"
_PROJECT_FOLDERS = ("contracts", "interfaces")
_IMPORT = re.compile(r"""^\s*import\s+(?:[^"';]*?\bfrom\s+)?["']([^"']+)["']""", re.MULTILINE)


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
        self._abis: dict[str, Any] | None = None

    def get(self, name: str) -> Artifact:
        """The artifact of contract ``name``; raises ArtifactError if missing or older than its sources."""
        if name in self._cache:
            return self._cache[name]
        path = self.build_dir / f"{name}.json"
        if not path.is_file():
            raise ArtifactError(f"no compiled artifact for {name} at {path}: run `make compile` (brownie compile)")
        data = json.loads(path.read_text())
        for source_path in sorted(set(data["allSourcePaths"].values())):
            compiled = self.compiled_source(source_path)
            on_disk = self.root / source_path
            if compiled is not None and (not on_disk.is_file() or on_disk.read_text() != compiled):
                raise ArtifactError(f"the artifact of {name} is older than {source_path}: run `make compile`")
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

    def abi(self, name: str) -> list[dict[str, Any]]:
        """The ABI of contract ``name``, through a small cache beside the build (a command's start-up reads a few
        kilobytes instead of several megabytes of artifacts). The cache is used only while the artifact file and
        every project source it was built from are unchanged (same bytes, by sha1); otherwise :meth:`get` checks
        the artifact in full and the cache is renewed."""
        cache = self._abi_cache()
        entry = cache.get(name)
        if (
            isinstance(entry, dict)
            and entry.get("stamp") == self._stamp(name)
            and all(self._sha1(path) == sha for path, sha in entry.get("sources", {}).items())
        ):
            return list(entry["abi"])
        artifact = self.get(name)
        sources = {p: self._sha1(p) for p in artifact.all_source_paths if p.split("/", 1)[0] in _PROJECT_FOLDERS}
        cache[name] = {"stamp": self._stamp(name), "sources": sources, "abi": artifact.abi}
        self._write_abi_cache(cache)
        return artifact.abi

    def _stamp(self, name: str) -> list[int]:
        try:
            st = (self.build_dir / f"{name}.json").stat()
        except OSError:
            return []
        return [st.st_mtime_ns, st.st_size]

    def _sha1(self, source_path: str) -> str | None:
        try:
            return hashlib.sha1((self.root / source_path).read_bytes(), usedforsecurity=False).hexdigest()
        except OSError:
            return None

    def _abi_cache(self) -> dict[str, Any]:
        if self._abis is None:
            try:
                loaded = json.loads((self.root / "build" / ABI_CACHE).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                loaded = {}
            self._abis = loaded if isinstance(loaded, dict) else {}
        return self._abis

    def _write_abi_cache(self, cache: dict[str, Any]) -> None:
        path = self.root / "build" / ABI_CACHE
        try:
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=ABI_CACHE, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(cache, fh)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only build folder: the cache is an optimisation only

    def compiled_source(self, source_path: str) -> str | None:
        """The text of a project source (contracts/, interfaces/) as Brownie compiled it; None for packages."""
        folder = source_path.split("/", 1)[0]
        if folder not in _PROJECT_FOLDERS:
            return None
        stem = Path(source_path).stem
        candidates = [self.root / "build" / folder / f"{stem}.json", self.build_dir / f"{stem}.json"]
        for candidate in candidates:
            if candidate.is_file():
                data = json.loads(candidate.read_text())
                if data.get("sourcePath", source_path) == source_path and "source" in data:
                    return str(data["source"])
        raise ArtifactError(f"no build artifact holds {source_path}: run `make compile`")

    def _source_text(self, unit: str) -> str:
        return self.compiled_source(unit) or (self.root / unit).read_text()

    def import_closure(self, units: list[str]) -> list[str]:
        """Every source unit ``units`` import, directly or not (Brownie's ``allSourcePaths`` can miss some)."""
        remaps = [tuple(r.split("=", 1)) for r in self.remappings()]
        seen: set[str] = set()
        todo = list(units)
        while todo:
            unit = todo.pop()
            if unit in seen:
                continue
            seen.add(unit)
            for target in _IMPORT.findall(self._source_text(unit)):
                if target.startswith("."):
                    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(unit), target))
                else:
                    resolved = target
                    for prefix, replacement in remaps:
                        if target.startswith(prefix):
                            resolved = replacement + target[len(prefix) :]
                            break
                todo.append(resolved)
        return sorted(seen)

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
        paths = self.import_closure([a.source_path for a in artifacts])
        # Project sources exactly as compiled (the artifacts hold them); packages from node_modules (pinned).
        sources = {p: {"content": self.compiled_source(p) or (self.root / p).read_text()} for p in paths}
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
