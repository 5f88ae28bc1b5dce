"""Every external function, event and error we declare carries NatSpec (`@notice`, `@dev`, or `@inheritdoc`).

The sources are compiled afresh (no optimizer: only the documentation output is asked for) with the same compiler,
and the check reads the compiler's userdoc/devdoc, so `@inheritdoc` counts and nothing is guessed from comments.
Members inherited from OpenZeppelin are documented upstream and are not ours to check.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from eth_utils.abi import abi_to_signature

from furusato.artifacts import Artifacts

ROOT = Path(__file__).resolve().parents[2]
OURS = sorted(
    p.relative_to(ROOT).as_posix() for folder in ("contracts", "interfaces") for p in (ROOT / folder).glob("*.sol")
)
DEPLOYABLE = sorted(Path(p).stem for p in OURS if p.startswith("contracts/"))
DECLARED = re.compile(r"^\s*(function|event|error)\s+(\w+)\s*\(", re.MULTILINE)


@pytest.fixture(scope="module")
def docs() -> dict:
    artifacts = Artifacts(ROOT)
    standard = artifacts.standard_json_input(DEPLOYABLE)
    standard["settings"]["optimizer"] = {"enabled": False}
    standard["settings"]["outputSelection"] = {"*": {"*": ["abi", "userdoc", "devdoc"]}}
    solc = (
        ROOT
        / ".tools"
        / "solcx"
        / f"solc-v{json.loads((ROOT / 'package.json').read_text())['devDependencies']['solc']}"
    )
    out = subprocess.run(
        [str(solc), "--standard-json"], input=json.dumps(standard), capture_output=True, text=True, cwd=ROOT, check=True
    )
    result = json.loads(out.stdout)
    errors = [e["formattedMessage"] for e in result.get("errors", []) if e["severity"] == "error"]
    assert errors == []
    return result["contracts"]


def declared_names() -> set[str]:
    names = set()
    for path in OURS:
        names |= {m.group(2) for m in DECLARED.finditer((ROOT / path).read_text())}
    return names


@pytest.mark.parametrize("name", DEPLOYABLE)
def test_every_member_we_declare_is_documented(docs, name):
    out = docs[f"contracts/{name}.sol"][name]
    ours = declared_names()
    userdoc, devdoc = out["userdoc"], out["devdoc"]
    section = {"function": "methods", "event": "events", "error": "errors"}
    missing = []
    for item in out["abi"]:
        if item["type"] not in section or item["name"] not in ours:
            continue
        sig = abi_to_signature(item)
        key = section[item["type"]]
        user, dev = userdoc.get(key, {}).get(sig), devdoc.get(key, {}).get(sig)
        user = user[0] if isinstance(user, list) else user
        dev = dev[0] if isinstance(dev, list) else dev
        if not ((user or {}).get("notice") or (dev or {}).get("details")):
            missing.append(f"{item['type']} {sig}")
    assert missing == [], f"{name}: no @notice/@dev for {missing}"


def test_the_check_sees_our_contracts():
    assert {"RegionToken", "RegionGovernor", "Treasury"} <= set(DEPLOYABLE)
    assert {"mint", "excludeFromVoting", "spend", "TreasuryZeroAmount", "BudgetLineSpent"} <= declared_names()
