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
        ("governor: {voting_delay: 0}", r"voting_delay is 0 seconds; it must be between 1 second and 30 days"),
        ("governor: {voting_delay: 31 days}", r"governor.voting_delay is 31 days; it must be between"),
        (
            "governor: {voting_period: 91 days}",
            r"voting_period is 91 days; it must be between 1 second and 90 days",
        ),
        ("timelock: {min_delay: 45 days}", r"timelock.min_delay is 45 days; it must be between 0 seconds and 30 days"),
        ("surprise: 1", "unknown key .surprise."),
        ("genesis: [{to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', amount: 0}]", "amount must be positive"),
        ("token: {cap: '10'}", "more than token.cap"),
        ("- a list", "expected a mapping"),
        ("token: [unclosed", "not valid YAML"),
    ],
)
def test_config_mistakes_are_named(tmp_path: Path, yaml_text, message):
    path = tmp_path / "c.yaml"
    path.write_text(yaml_text if yaml_text.startswith(("-", "token: [")) else "preset: local\n" + yaml_text)
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


# --- issue 11: a config cannot silently inherit or ignore ---------------------------------------------------------


def test_a_typo_in_a_key_is_an_error_naming_the_nearest_known_key(tmp_path: Path):
    path = tmp_path / "c.yaml"
    path.write_text("preset: town\ngovernor:\n  quorum_precent: 10\n")
    with pytest.raises(
        ConfigError, match=r"unknown key 'governor.quorum_precent'; did you mean 'governor.quorum_percent'"
    ):
        load_config(path)


@pytest.mark.parametrize(
    ("yaml_text", "key", "near"),
    [
        ("tokn: {name: x}", "tokn", "token"),
        ("token: {nmae: x}", "token.nmae", "token.name"),
        ("timelock: {min_dealy: 60}", "timelock.min_dealy", "timelock.min_delay"),
        ("rewards: {coordinator: []}", "rewards.coordinator", "rewards.coordinators"),
        ("registry: {registrar: []}", "registry.registrar", "registry.registrars"),
        ("genesis: [{to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', amout: 1}]", "genesis.amout", "genesis.amount"),
    ],
)
def test_unknown_keys_in_every_section_are_named(tmp_path: Path, yaml_text, key, near):
    path = tmp_path / "c.yaml"
    path.write_text("preset: local\n" + yaml_text + "\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert f"unknown key '{key}'; did you mean '{near}'?" in str(info.value)


def test_a_config_file_without_preset_is_refused_with_the_reason(tmp_path: Path):
    """The trap: a copy without `preset:` was layered on `local`, whose guardian is Anvil's public account #9."""
    path = tmp_path / "my-town.yaml"
    path.write_text("token: {name: 山古志トークン, symbol: YMK}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="does not say which preset it extends; add a first line `preset: town`"):
        load_config(path)
    with pytest.raises(ConfigError, match="does not say which preset"):  # --preset does not stand in for the file
        load_config(path, "town")
    path.write_text("preset: local\n")
    with pytest.raises(ConfigError, match="extends preset 'local' but --preset town was given"):
        load_config(path, "town")
    assert load_config(path, "local").preset == "local"


def test_town_yaml_copied_as_the_readme_says_is_a_complete_valid_town_config(tmp_path: Path):
    import shutil

    import yaml

    from furusato.config import KNOWN_KEYS

    src = Path(__file__).resolve().parents[2] / "src" / "furusato" / "presets" / "town.yaml"
    copy = tmp_path / "my-town.yaml"
    shutil.copy(src, copy)  # README: cp src/furusato/presets/town.yaml my-town.yaml
    config = load_config(copy)
    assert config == load_config(preset="town")
    assert config.preset == "town"
    assert config.guardian is None
    raw = yaml.safe_load(copy.read_text(encoding="utf-8"))
    alternatives = {"governor": {"quorum"}}  # `quorum: {kind, percent}` is the headcount form of `quorum_percent`
    for section in ("governor", "timelock", "rewards", "registry"):  # every key written out, none inherited unseen
        assert set(raw[section]) == set(KNOWN_KEYS[section]) - alternatives.get(section, set()), section
    assert set(raw["token"]) | {"domain_name"} == set(KNOWN_KEYS["token"])  # domain_name: documented, commented out
    assert "domain_name" in copy.read_text(encoding="utf-8")


LONG_NAME = "やまこしデジタル村民トークン"  # 14 characters, 42 UTF-8 bytes


def test_a_long_japanese_token_name_needs_a_short_domain_name(tmp_path: Path):
    path = tmp_path / "c.yaml"
    path.write_text(f"preset: town\ntoken: {{name: {LONG_NAME}}}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert "42 UTF-8 bytes (14 characters)" in message
    assert "at most 31 bytes" in message
    assert "token.domain_name" in message
    path.write_text(f"preset: town\ntoken: {{name: {LONG_NAME}, domain_name: 山古志トークン}}\n", encoding="utf-8")
    config = load_config(path)
    assert (config.token_name, config.token_domain) == (LONG_NAME, "山古志トークン")
    path.write_text(f"preset: town\ntoken: {{name: x, domain_name: {LONG_NAME}}}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"token.domain_name .* is 42 UTF-8 bytes \(14 characters\)"):
        load_config(path)


def test_a_long_governor_name_is_refused_before_anything_is_sent(tmp_path: Path):
    path = tmp_path / "c.yaml"
    path.write_text("preset: town\ngovernor: {name: やまこし村デジタル議会ガバナー}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"governor.name .* is 45 UTF-8 bytes \(15 characters\).*at most 31 bytes"):
        load_config(path)


def test_the_default_domain_name_is_the_token_name_and_keeps_old_digests():
    config = load_config(preset="local")
    assert config.token_domain == config.token_name
    assert config.token_domain_name == ""
    assert config.digest() == "8ac4151568717fb5993a5816164b288a506e941d8c5a10c6da3b8dd5f6351c25"  # as before the field
