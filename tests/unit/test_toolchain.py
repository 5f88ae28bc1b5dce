"""The offline compiler: one solc version everywhere, and the solc-js stand-in answering like the native CLI."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = json.loads((ROOT / "package.json").read_text())
SOLC_VERSION = PACKAGE["devDependencies"]["solc"]
WRAPPER = ROOT / ".tools" / "solcx" / f"solc-v{SOLC_VERSION}"


def test_brownie_and_npm_pin_the_same_compiler_version():
    config = yaml.safe_load((ROOT / "brownie-config.yaml").read_text())
    assert str(config["compiler"]["solc"]["version"]) == SOLC_VERSION
    assert config["compiler"]["evm_version"] == "cancun"
    assert config["compiler"]["solc"]["optimizer"] == {"enabled": True, "runs": 200}


@pytest.mark.parametrize("requirements", ["requirements.txt", "requirements-slither.txt"])
def test_dependencies_are_pinned_exactly(requirements: str):
    for name, spec in PACKAGE["devDependencies"].items():
        assert spec[0].isdigit(), f"{name} is not pinned: {spec}"
    lines = [line for line in (ROOT / requirements).read_text().splitlines() if line and line[0].isalpha()]
    assert lines
    assert all("==" in line for line in lines), [line for line in lines if "==" not in line]


def test_lockfile_and_requirements_name_no_registry_host():
    lock = (ROOT / "package-lock.json").read_text()
    assert '"resolved"' not in lock
    for requirements in ("requirements.txt", "requirements-slither.txt"):
        text = (ROOT / requirements).read_text()
        assert "index-url" not in text, requirements
        assert "://" not in text, requirements


def run(*args: str, stdin: str = "", cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    assert WRAPPER.exists(), "the compiler is not installed: run `make install`"
    return subprocess.run([str(WRAPPER), *args], input=stdin, capture_output=True, text=True, cwd=cwd, timeout=120)


def test_version_is_printed_the_way_py_solc_x_parses_it():
    out = run("--version")
    assert out.returncode == 0
    assert out.stdout.splitlines()[-1].startswith(f"Version: {SOLC_VERSION}+commit.")


def standard_input(source: str) -> str:
    return json.dumps(
        {
            "language": "Solidity",
            "sources": {"contracts/A.sol": {"content": source}},
            "settings": {"evmVersion": "cancun", "outputSelection": {"*": {"*": ["evm.bytecode.object"]}}},
        }
    )


def test_standard_json_compiles_with_imports_from_allowed_paths(tmp_path: Path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "B.sol").write_text(
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\ncontract B {}\n"
    )
    src = '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\nimport "lib/B.sol";\ncontract A is B {}\n'
    out = run("--standard-json", "--allow-paths", str(tmp_path), stdin=standard_input(src), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert [e for e in result.get("errors", []) if e["severity"] == "error"] == []
    assert result["contracts"]["contracts/A.sol"]["A"]["evm"]["bytecode"]["object"]


def test_imports_outside_the_allowed_paths_are_refused(tmp_path: Path):
    secret = tmp_path.parent / f"{tmp_path.name}-outside.sol"
    secret.write_text("contract Secret {}\n")
    work = tmp_path / "work"
    work.mkdir()
    src = f'// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\nimport "{secret}";\ncontract A {{}}\n'
    out = run("--standard-json", stdin=standard_input(src), cwd=work)
    assert out.returncode == 0
    errors = [e["message"] for e in json.loads(out.stdout)["errors"] if e["severity"] == "error"]
    assert any("outside of allowed directories" in m for m in errors), errors


def test_remapping_targets_are_allowed_through_a_symlink(tmp_path: Path):
    # A git worktree's node_modules is a symlink to another checkout, and crytic-compile (Slither) passes only
    # `--allow-paths <project>`: the targets of the input's remappings are allowed too.
    shared = tmp_path / "shared" / "node_modules" / "@oz"
    shared.mkdir(parents=True)
    (shared / "B.sol").write_text("// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\ncontract B {}\n")
    work = tmp_path / "work"
    work.mkdir()
    (work / "node_modules").symlink_to(shared.parent, target_is_directory=True)

    def errors(import_path: str, remappings: list[str]) -> list[str]:
        src = (
            f'// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\nimport "{import_path}";\ncontract A is B {{}}'
        )
        request = json.loads(standard_input(src))
        request["settings"]["remappings"] = remappings
        # This checkout's wrapper: the one under .tools may belong to the checkout that installed it.
        out = subprocess.run(
            ["node", str(ROOT / "tools" / "solc-js.cjs"), "--standard-json", "--allow-paths", str(work)],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            cwd=work,
            timeout=120,
        )
        assert out.returncode == 0, out.stderr
        return [e["message"] for e in json.loads(out.stdout).get("errors", []) if e["severity"] == "error"]

    assert errors("@oz/B.sol", ["@oz/=node_modules/@oz/"]) == []
    refused = errors("node_modules/@oz/B.sol", [])
    assert any("outside of allowed directories" in m for m in refused), refused


@pytest.mark.parametrize("args", [("--bin", "x.sol"), ()])
def test_unsupported_calls_fail_loudly(args):
    out = run(*args)
    assert out.returncode == 1
    assert "solc-js wrapper" in out.stderr


def test_invalid_json_on_stdin_is_named():
    out = run("--standard-json", stdin="{not json")
    assert out.returncode == 1
    assert "not valid JSON" in out.stderr
