"""furusato.rewards.policy: reading, validating and resolving the reward policy and epochs."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from furusato.errors import ConfigError
from furusato.rewards.policy import Epoch, OverBudget, load_policy, parse_epoch, resolve_epoch, to_base_units

REPO = Path(__file__).resolve().parents[3]

BASE = """\
decimals: 18
epoch_budget: 1000
member_cap: 300
over_budget: pro_rata
max_quantity_per_row: 12
activities:
  grass_cutting:
    rate: 10
    aliases: [草刈り]
  guide:
    rate: 0.1
    max_quantity_per_row: 5
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_policy_loads_with_exact_amounts() -> None:
    policy = load_policy(REPO / "examples" / "rewards-policy.yaml")
    assert policy.decimals == 18
    assert policy.epoch_budget == 20_000 * 10**18
    assert policy.member_cap == 2_500 * 10**18
    assert policy.over_budget is OverBudget.PRO_RATA
    assert policy.epoch is None
    points = policy.activity("イベントポイント")
    assert points is not None
    assert points.name == "event_points"
    assert points.rate == Decimal("2.5")
    assert points.rate_units == 25 * 10**17
    assert points.max_quantity_per_row == 200
    grass = policy.activity("草刈り")
    assert grass is not None
    assert grass.max_quantity_per_row == 8
    festival = policy.activity("festival_prep")
    assert festival is not None
    assert festival.max_quantity_per_row == 12


def test_yaml_floats_are_read_exactly_and_the_hash_is_of_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, BASE)
    policy = load_policy(path)
    guide = policy.activity("guide")
    assert guide is not None
    assert guide.rate == Decimal("0.1")
    assert guide.rate_units == 10**17  # a float would give 100000000000000005551
    assert guide.max_quantity_per_row == 5
    assert policy.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_leading_zeros_are_decimal_not_octal(tmp_path: Path) -> None:
    policy = load_policy(_write(tmp_path, BASE.replace("rate: 10", "rate: 010").replace("1000", "1_000")))
    grass = policy.activity("grass_cutting")
    assert grass is not None
    assert grass.rate_units == 10 * 10**18
    assert policy.epoch_budget == 1000 * 10**18


def test_names_match_after_nfkc_trim_and_casefold(tmp_path: Path) -> None:
    policy = load_policy(_write(tmp_path, BASE))
    for name in ["grass_cutting", " GRASS_Cutting ", "ｇｒａｓｓ＿ｃｕｔｔｉｎｇ", "草刈り"]:
        found = policy.activity(name)
        assert found is not None
        assert found.name == "grass_cutting"
    assert policy.activity("dancing") is None


def test_epoch_in_policy(tmp_path: Path) -> None:
    policy = load_policy(_write(tmp_path, BASE + "epoch:\n  id: 7\n  start: 2026-12-01\n  end: '2026-12-15'\n"))
    assert policy.epoch == Epoch(7, dt.date(2026, 12, 1), dt.date(2026, 12, 15))


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("decimals: 18", "decimals: 18\nmember_capp: 3", "unknown key(s) ['member_capp']"),
        ("member_cap: 300\n", "", "missing required key(s) ['member_cap']"),
        ("decimals: 18", "decimals: 0", "guide.rate: 0.1 has more than 0 decimal places"),
        ("rate: 10", "rate: 1.0000000000000000001", "rate: 1.0000000000000000001 has more than 18 decimal places"),
        ("rate: 10", "rate: -10", "activities.grass_cutting.rate: must be at least 0"),
        ("rate: 10", "rate: yes", "expected a number"),
        ("rate: 10", "rate: .nan", "'.nan' is not a decimal number"),
        ("rate: 10", "rate: '1e999999999'", "fits in a uint256"),
        ("rate: 10", "rate: 0x10", "line 8: write '0x10' as a plain decimal number"),
        ("rate: 10", "rate: 1:30", "line 8: write '1:30' as a plain decimal number"),
        ("epoch_budget: 1000", "epoch_budget: 0", "epoch_budget: must be greater than 0"),
        ("member_cap: 300", "member_cap: ten", "member_cap: 'ten' is not a decimal number"),
        ("over_budget: pro_rata", "over_budget: ask", "over_budget: expected one of ['pro_rata', 'reject']"),
        ("decimals: 18", "decimals: 80", "decimals: expected an integer from 0 to 77"),
        ("max_quantity_per_row: 12", "max_quantity_per_row: 0", "max_quantity_per_row: must be greater than 0"),
        ("    aliases: [草刈り]", "    aliases: [草刈り]\n    rat: 3", "unknown key(s) ['rat']"),
        ("    aliases: [草刈り]", "    aliases: [guide]", "'guide' names both 'grass_cutting' and 'guide'"),
        ("    aliases: [草刈り]", "    aliases: 草刈り", "aliases: expected a list of non-empty names"),
        ("  guide:\n    rate: 0.1", "  guide:\n    aliases: [x]", "activities.guide: 'rate' (whole tokens per unit)"),
        ("    rate: 10\n", "    rate: 10\n    rate: 20\n", "line 9: key 'rate' repeats line 8"),
    ],
)
def test_bad_policy_is_a_config_error_naming_file_and_problem(tmp_path: Path, old: str, new: str, problem: str) -> None:
    assert old in BASE
    path = _write(tmp_path, BASE.replace(old, new, 1))
    with pytest.raises(ConfigError) as info:
        load_policy(path)
    assert str(path) in str(info.value)
    assert problem in str(info.value)


@pytest.mark.parametrize(
    ("epoch", "problem"),
    [
        ("epoch:\n  id: 1\n  start: 2026-12-02\n  end: 2026-12-01\n", "start 2026-12-02 is after end 2026-12-01"),
        ("epoch:\n  id: 0\n  start: 2026-12-01\n  end: 2026-12-31\n", "epoch.id: expected a positive integer"),
        ("epoch:\n  id: 1\n  start: 2026-12-01\n", "epoch: expected a mapping with exactly id, start and end"),
        ("epoch:\n  id: 1\n  start: 2026-12-01 10:00:00\n  end: 2026-12-31\n", "got a date and time"),
        ("epoch:\n  id: 1\n  start: December\n  end: 2026-12-31\n", "epoch.start: expected a date"),
    ],
)
def test_bad_epoch_in_policy(tmp_path: Path, epoch: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        load_policy(_write(tmp_path, BASE + epoch))


def test_unreadable_or_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the policy"):
        load_policy(tmp_path / "missing.yaml")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_policy(_write(tmp_path, "activities: [unclosed\n"))
    with pytest.raises(ConfigError, match="expected a YAML mapping"):
        load_policy(_write(tmp_path, "- 1\n"))
    (tmp_path / "sjis.yaml").write_bytes("activities: {草刈り: {rate: 1}}\n".encode("cp932"))
    with pytest.raises(ConfigError, match="must be UTF-8"):
        load_policy(tmp_path / "sjis.yaml")


@pytest.mark.parametrize(
    ("text", "epoch"),
    [
        ("2026-12", Epoch(202612, dt.date(2026, 12, 1), dt.date(2026, 12, 31))),
        ("2028-02", Epoch(202802, dt.date(2028, 2, 1), dt.date(2028, 2, 29))),
        (" 2027-04 ", Epoch(202704, dt.date(2027, 4, 1), dt.date(2027, 4, 30))),
    ],
)
def test_parse_epoch_month(text: str, epoch: Epoch) -> None:
    assert parse_epoch(text) == epoch


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026/12", "202612", "2026-1", "0000-01"])
def test_parse_epoch_rejects(text: str) -> None:
    with pytest.raises(ConfigError, match="expected a month as YYYY-MM"):
        parse_epoch(text)


def test_resolve_epoch(tmp_path: Path) -> None:
    loose = load_policy(_write(tmp_path, BASE))
    pinned = load_policy(_write(tmp_path, BASE + "epoch:\n  id: 202612\n  start: 2026-12-01\n  end: 2026-12-31\n"))
    december = parse_epoch("2026-12")
    assert resolve_epoch(loose, "2026-12") == december
    assert resolve_epoch(pinned, None) == december
    assert resolve_epoch(pinned, december) == december
    with pytest.raises(ConfigError, match="differs from the epoch given"):
        resolve_epoch(pinned, "2027-01")
    with pytest.raises(ConfigError, match="no epoch"):
        resolve_epoch(loose, None)


def test_to_base_units_is_exact() -> None:
    assert to_base_units(Decimal("1.5"), 18) == 15 * 10**17
    assert to_base_units(Decimal("12"), 0) == 12
    assert to_base_units(Decimal("1.200"), 1) == 12
    assert to_base_units(Decimal("1E+3"), 2) == 100_000
    # 34 significant digits: Decimal arithmetic at the default precision (28) would round this.
    assert (
        to_base_units(Decimal("1234567890123456789012345678901234"), 18) == 1234567890123456789012345678901234 * 10**18
    )
    assert to_base_units(Decimal(2**256 - 1), 0) == 2**256 - 1
    with pytest.raises(ValueError, match="more than 2 decimal places"):
        to_base_units(Decimal("0.001"), 2)
    with pytest.raises(ValueError, match="fits in a uint256"):
        to_base_units(Decimal(2**256), 0)
    with pytest.raises(ValueError, match="fits in a uint256"):
        to_base_units(Decimal("1e999999999"), 18)
