"""The foundation modules: constants, units, text input/output, the text table and the error hierarchy."""

from __future__ import annotations

import datetime as dt
import inspect
import os
from pathlib import Path

import pytest
from eth_utils.crypto import keccak

from furusato import constants, errors
from furusato.constants import ETH, JST, ROLE_DEFAULT_ADMIN, ZERO_ADDRESS
from furusato.errors import (
    ConfigError,
    FurusatoError,
    InputError,
    InvalidValueError,
    TextEncodingError,
)
from furusato.textio import (
    atomic_write,
    clean_cell,
    decode_spreadsheet_text,
    header_columns,
    header_names,
    load_yaml_mapping,
)
from furusato.texttable import table, text_width
from furusato.units import (
    format_units,
    iso_time,
    local_time,
    parse_duration,
    parse_time,
    parse_tz,
    parse_units,
)

T0 = int(dt.datetime(2027, 3, 31, 18, 0, tzinfo=JST).timestamp())

# ------------------------------------------------------------------------------------------------ constants


@pytest.mark.parametrize(
    "name", ["MINTER", "PROPOSER", "CANCELLER", "EXECUTOR", "COORDINATOR", "GUARDIAN", "REGISTRAR"]
)
def test_role_ids_are_the_keccak_of_their_names(name: str) -> None:
    assert getattr(constants, f"ROLE_{name}") == keccak(text=f"{name}_ROLE")


def test_zero_address_eth_and_admin_role() -> None:
    assert ZERO_ADDRESS == "0x" + "0" * 40 == ETH
    assert ROLE_DEFAULT_ADMIN == b"\x00" * 32
    assert constants.MEMBER_KINDS == ("resident", "relationship", "supporter")
    assert JST.utcoffset(None) == dt.timedelta(hours=9)
    assert JST.tzname(None) == "JST"


# ------------------------------------------------------------------------------------------------ units


@pytest.mark.parametrize(
    ("amount", "decimals", "grouped", "plain"),
    [
        (0, 18, "0", "0"),
        (12_345 * 10**15, 18, "12.345", "12.345"),
        (10**24, 18, "1,000,000", "1000000"),
        (1, 18, "0.000000000000000001", "0.000000000000000001"),
        (1234, 0, "1,234", "1234"),
        (-15 * 10**17, 18, "-1.5", "-1.5"),
        (123456789012345678901234567890123 * 10**18, 18, "123,456,789,012,345,678,901,234,567,890,123",
         "123456789012345678901234567890123"),
    ],
)  # fmt: skip
def test_format_units_is_exact(amount: int, decimals: int, grouped: str, plain: str) -> None:
    assert format_units(amount, decimals) == grouped
    assert format_units(amount, decimals, grouping=False) == plain


@pytest.mark.parametrize("text", ["0", "1", "1.5", "1000000", "0.000000000000000001", "123456789.123456789"])
def test_parse_units_round_trips_format_units(text: str) -> None:
    assert format_units(parse_units(text, "x"), grouping=False) == text


def test_parse_units_refuses_what_it_cannot_read_exactly() -> None:
    assert parse_units("1_000", "x", 6) == 10**9
    assert parse_units(2, "x") == 2 * 10**18
    with pytest.raises(InvalidValueError, match="quoted decimals"):
        parse_units(1.5, "x")
    with pytest.raises(InvalidValueError, match="x: 'abc' is not a number"):
        parse_units("abc", "x")
    with pytest.raises(InvalidValueError, match="non-negative"):
        parse_units("-1", "x")
    with pytest.raises(InvalidValueError, match="must be positive"):
        parse_units("0", "x", positive=True)
    with pytest.raises(InvalidValueError, match="more than 6 decimal places"):
        parse_units("1.0000001", "x", 6)


def test_parse_duration() -> None:
    assert parse_duration("2 weeks", "d") == 14 * 86400
    assert parse_duration(90, "d") == 90
    with pytest.raises(InvalidValueError, match="d: 'soon' is not a duration"):
        parse_duration("soon", "d")


def test_parse_time_forms() -> None:
    assert parse_time("2027-03-31T18:00", "t") == T0
    assert parse_time("2027-03-31T09:00:00+00:00", "t") == T0
    assert parse_time(T0, "t") == T0
    assert parse_time("in 1 day", "t", now=T0) == T0 + 86400
    assert parse_time("+1 hour", "t", now=0, base=T0) == T0 + 3600
    with pytest.raises(InvalidValueError, match="has no time zone"):
        parse_time("2027-03-31T18:00", "t", require_zone=True)
    with pytest.raises(InvalidValueError, match="'in 1 day' is not a date or time"):
        parse_time("in 1 day", "t")  # relative times only where a caller gives `now`
    with pytest.raises(InvalidValueError, match="t: 'soon' is not a time"):
        parse_time("soon", "t", now=T0)
    with pytest.raises(InvalidValueError, match="t is required"):
        parse_time(None, "t", now=T0)


def test_time_zones_and_display() -> None:
    assert parse_tz(None) is JST
    assert parse_tz("utc") is dt.UTC
    assert parse_tz("-03:30").utcoffset(None) == -dt.timedelta(hours=3, minutes=30)
    assert local_time(T0) == "2027-03-31 18:00:00 JST"
    assert local_time(T0, parse_tz("Asia/Tokyo")) == "2027-03-31 18:00:00 JST"
    assert local_time(T0, dt.UTC) == "2027-03-31 09:00:00 UTC"
    assert iso_time(T0) == "2027-03-31T18:00:00+09:00"
    with pytest.raises(InputError, match="unknown time zone"):
        parse_tz("Mars/Olympus")


def test_invalid_values_are_config_and_input_errors() -> None:
    assert issubclass(InvalidValueError, ConfigError)
    assert issubclass(InvalidValueError, InputError)


# ------------------------------------------------------------------------------------------------ text in and out


def test_spreadsheet_text_encodings() -> None:
    text = "メンバー,活動\n"
    assert decode_spreadsheet_text(text.encode("utf-8")) == (text, "utf-8")
    assert decode_spreadsheet_text(b"\xef\xbb\xbf" + text.encode("utf-8")) == (text, "utf-8-sig")
    assert decode_spreadsheet_text(text.encode("cp932")) == (text, "cp932")
    with pytest.raises(TextEncodingError, match="UTF-16"):
        decode_spreadsheet_text(text.encode("utf-16"))
    with pytest.raises(TextEncodingError) as exc:
        decode_spreadsheet_text(b"a\nb\n\xef\xbb\xbf\xff\xfe")
    assert exc.value.line == 3


def test_clean_cell() -> None:
    assert clean_cell(" ０ｘＡＢ１．５ ") == "0xAB1.5"


def test_load_yaml_mapping(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("a: 1\n名前: 値\n", encoding="utf-8")
    assert load_yaml_mapping(good, "a file") == {"a": 1, "名前": "値"}
    for content, message in [
        (b"- a list\n", "expected a mapping at the top level"),
        (b"a: [unclosed\n", "not valid YAML"),
        ("a: 値".encode("cp932"), "not UTF-8"),
    ]:
        good.write_bytes(content)
        with pytest.raises(ConfigError, match=message):
            load_yaml_mapping(good, "a file")
    with pytest.raises(ConfigError, match=r"cannot read the thing .*missing\.yaml"):
        load_yaml_mapping(tmp_path / "missing.yaml", "the thing")


def test_atomic_write(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "record.json"
    atomic_write(target, "一\n")
    assert target.read_text(encoding="utf-8") == "一\n"
    assert target.stat().st_mode & 0o777 == 0o644
    atomic_write(target, b"\x00\x01", mode=0o600)
    assert target.read_bytes() == b"\x00\x01"
    assert target.stat().st_mode & 0o777 == 0o600
    assert os.listdir(target.parent) == ["record.json"]  # no temporary file left behind


def test_table_aligns_wide_characters() -> None:
    assert text_width("票数") == 4
    assert table([("票数", "1"), ("votes", "2")]).split("\n") == ["  票数   1", "  votes  2"]
    assert table([]) == ""


# ------------------------------------------------------------------------------------------------ errors


def test_every_error_class_derives_from_furusato_error() -> None:
    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, BaseException)]
    assert len(classes) >= 15
    assert all(issubclass(c, FurusatoError) for c in classes)


def test_header_columns_match_aliases_and_report_duplicates() -> None:
    names = header_names({"member": ("member", "メンバー"), "note": ("note", "備考")})
    columns, problems = header_columns([" Member ", "other", "備考", "ＭＥＭＢＥＲ"], names)
    assert columns == {0: "member", 2: "note", 3: "member"}
    assert [str(p) for p in problems] == ["line 1: two columns mean 'member': remove one of them (column 4)"]
