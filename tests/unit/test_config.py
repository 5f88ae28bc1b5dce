"""Deploy configuration: presets, units, durations, addresses, and the error each mistake gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from furusato.config import load_config, parse_address
from furusato.errors import ConfigError
from furusato.units import parse_duration, parse_units

TOKEN = 10**18


@pytest.mark.parametrize(
    ("text", "seconds"),
    [(90, 90), ("90", 90), ("90s", 90), ("5 minutes", 300), ("2h", 7200), ("1 day", 86400), ("7 days", 604800),
     ("2 weeks", 1_209_600)],
)  # fmt: skip
def test_durations_are_read_in_seconds(text, seconds):
    assert parse_duration(text, "x") == seconds


@pytest.mark.parametrize("bad", ["soon", "1.5 days", "-3", True, "3 fortnights"])
def test_bad_durations_are_named(bad):
    with pytest.raises(ConfigError, match="x"):
        parse_duration(bad, "x")


@pytest.mark.parametrize(
    ("value", "units"), [(1, TOKEN), ("1000", 1000 * TOKEN), ("0.5", TOKEN // 2), ("1_000", 1000 * TOKEN)]
)
def test_token_amounts_become_exact_base_units(value, units):
    assert parse_units(value, "amount") == units


@pytest.mark.parametrize("bad", [1.5, "-1", "NaN", "inf", "abc", "0.0000000000000000001"])
def test_bad_token_amounts_are_refused(bad):
    with pytest.raises(ConfigError, match="amount"):
        parse_units(bad, "amount")


def test_addresses_need_a_valid_checksum_when_mixed_case():
    good = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    assert parse_address(good, "a") == good
    assert parse_address(good.lower(), "a") == good
    with pytest.raises(ConfigError, match="wrong EIP-55 checksum"):
        parse_address("0x70997970c51812DC3A010C7d01b50e0d17dc79C8", "a")
    with pytest.raises(ConfigError, match="is not an address"):
        parse_address("0x1234", "a")


def test_local_preset_is_short_and_funds_five_members():
    config = load_config(preset="local")
    assert config.voting_delay == 60
    assert config.voting_period == 600
    assert config.timelock_delay == 60
    assert len(config.genesis) == 5
    assert sum(a.amount for a in config.genesis) == 115_000 * TOKEN


def test_town_preset_has_realistic_timing():
    config = load_config(preset="town")
    assert (config.voting_delay, config.voting_period, config.timelock_delay) == (86400, 7 * 86400, 2 * 86400)
    assert config.genesis == ()


def test_a_config_file_extends_its_preset(tmp_path: Path):
    path = tmp_path / "town.yaml"
    path.write_text("preset: town\ntoken: {name: 山古志トークン, symbol: YMK}\ngovernor: {quorum_percent: 10}\n")
    config = load_config(path)
    assert config.token_name == "山古志トークン"
    assert config.quorum_percent == 10
    assert config.voting_period == 7 * 86400  # from the preset


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("governor: {quorum_percent: 0}", "quorum_percent must be an integer from 1 to 100"),
        ("governor: {voting_delay: 0}", "voting_delay must be at least 1 second"),
        ("surprise: 1", "unknown section"),
        ("genesis: [{to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', amount: 0}]", "amount must be positive"),
        ("token: {cap: '10'}", "more than token.cap"),
        ("- a list", "expected a mapping"),
        ("token: [unclosed", "not valid YAML"),
    ],
)
def test_config_mistakes_are_named(tmp_path: Path, yaml_text, message):
    path = tmp_path / "c.yaml"
    path.write_text(yaml_text)
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_unknown_preset_and_missing_file():
    with pytest.raises(ConfigError, match="unknown preset"):
        load_config(preset="city")
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(Path("/nonexistent/config.yaml"))


def test_digest_changes_with_any_setting():
    a = load_config(preset="local")
    b = load_config(preset="town")
    assert a.digest() == load_config(preset="local").digest()
    assert a.digest() != b.digest()
