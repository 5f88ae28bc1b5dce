"""`governor.quorum: {kind: headcount, percent: N}` in a deploy config: the Yamakoshi example loads, the deploy
builds HeadcountGovernor for it, and mistakes are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from furusato.config import load_config
from furusato.deploy.plan import artifact_of, plan_summary
from furusato.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def test_the_yamakoshi_example_states_ten_percent_of_heads() -> None:
    config = load_config(ROOT / "examples" / "config" / "yamakoshi.yaml")
    assert (config.quorum_kind, config.quorum_percent, config.governor_members_only) == ("headcount", 10, True)
    assert artifact_of("RegionGovernor", config) == "HeadcountGovernor"
    assert any("more than 10% of the members active" in line for line in plan_summary(config, "0xD", "x"))


def test_the_default_stays_a_token_quorum() -> None:
    config = load_config(preset="local")
    assert (config.quorum_kind, config.quorum_percent) == ("token", 4)
    assert artifact_of("RegionGovernor", config) == "RegionGovernor"
    assert artifact_of("TimelockController", config) == "RegionTimelock"  # the record's name, our bounded timelock
    assert artifact_of("Treasury", config) == "Treasury"


@pytest.mark.parametrize(
    ("governor", "message"),
    [
        ("  quorum: {kind: heads, percent: 10}", "governor.quorum.kind must be one of token, headcount"),
        ("  quorum: {kind: headcount, percent: 0}", "governor.quorum.percent must be an integer from 1 to 100"),
        ("  quorum: {kind: headcount, percent: 10, extra: 1}", "governor.quorum must be a mapping"),
        ("  quorum: {kind: headcount, percent: 10}\n  members_only: false", "a headcount quorum counts members"),
    ],
)
def test_quorum_mistakes_are_named(tmp_path: Path, governor: str, message: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(f"preset: town\ngovernor:\n{governor}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=None) as exc:
        load_config(path)
    assert message in str(exc.value)
