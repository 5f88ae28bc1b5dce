"""furusato.rewards.activity_log: encodings, header names, and every kind of bad row, all reported at once."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from furusato.errors import InputError
from furusato.rewards.activity_log import ActivityLogError, ActivityRow, read_activity_log
from furusato.rewards.policy import Policy, load_policy, parse_epoch

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"
DECEMBER = parse_epoch("2026-12")
ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
BOB = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
HEADER = "member,activity,quantity,date,note\n"


@pytest.fixture
def policy() -> Policy:
    return load_policy(EXAMPLES / "rewards-policy.yaml")


def _csv(tmp_path: Path, body: str, header: str = HEADER, name: str = "log.csv") -> Path:
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


def _content(rows: tuple[ActivityRow, ...]) -> list[tuple[object, ...]]:
    return [(r.member, r.activity, r.quantity, r.date, r.note) for r in rows]


def test_example_utf8_and_shift_jis_give_the_same_rows(policy: Policy) -> None:
    utf8 = read_activity_log(EXAMPLES / "activity-2026-12.csv", policy, DECEMBER)
    sjis = read_activity_log(EXAMPLES / "activity-2026-12-sjis.csv", policy, DECEMBER)
    assert utf8.encoding == "utf-8"
    assert sjis.encoding == "cp932"
    assert len(utf8.rows) == 21
    assert utf8.rows == sjis.rows
    first = utf8.rows[0]
    assert (first.line, first.member, first.activity, first.quantity, first.date, first.note) == (
        2,
        ALICE,
        "grass_cutting",
        Decimal(3),
        dt.date(2026, 12, 1),
        "公民館裏の草刈り",
    )
    assert len({r.member for r in utf8.rows}) == 5


def test_utf8_with_bom(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes((EXAMPLES / "activity-2026-12.csv").read_text(encoding="utf-8").encode("utf-8-sig"))
    log = read_activity_log(path, policy, DECEMBER)
    assert log.encoding == "utf-8-sig"
    assert log.rows == read_activity_log(EXAMPLES / "activity-2026-12.csv", policy, DECEMBER).rows


def test_json_log_with_line_numbers_and_exact_numbers(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "log.json"
    path.write_text(
        "[\n"
        f'  {{"member": "{ALICE}", "activity": "草刈り", "quantity": 1.1, "date": "2026-12-01"}},\n'
        f'  {{"メンバー": "{BOB}", "活動": "観光案内", "時間": "2.5", "日付": "2026/12/02", "備考": "駅前"}}\n'
        "]\n",
        encoding="utf-8",
    )
    log = read_activity_log(path, policy, DECEMBER)
    assert log.encoding == "json"
    assert [r.line for r in log.rows] == [2, 3]
    assert _content(log.rows) == [
        (ALICE, "grass_cutting", Decimal("1.1"), dt.date(2026, 12, 1), ""),
        (BOB, "tourist_guide", Decimal("2.5"), dt.date(2026, 12, 2), "駅前"),
    ]


def test_japanese_alternative_headers_fullwidth_values_and_lowercase_address(tmp_path: Path, policy: Policy) -> None:
    path = _csv(
        tmp_path,
        f"{ALICE.lower()},Snow_Clearing,１．５,2026/12/1,メモ,山田\n",
        header="ウォレットアドレス,活動種別,ポイント,活動日,メモ,名前\n",
    )
    (row,) = read_activity_log(path, policy, DECEMBER).rows
    assert (row.member, row.activity, row.quantity, row.date, row.note) == (
        ALICE,
        "snow_clearing",
        Decimal("1.5"),
        dt.date(2026, 12, 1),
        "メモ",
    )


def test_blank_rows_are_skipped_but_counted_in_line_numbers(tmp_path: Path, policy: Policy) -> None:
    path = _csv(tmp_path, f"{ALICE},草刈り,1,2026-12-01,\n,,,,\n\n{BOB},草刈り,1,2026-12-01,\n")
    assert [r.line for r in read_activity_log(path, policy, DECEMBER).rows] == [2, 5]


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (f"{ALICE},dancing,1,2026-12-01,", "unknown activity type 'dancing' (the policy knows: "),
        ("0x1234,草刈り,1,2026-12-01,", "member '0x1234' is not an address"),
        (f"{ALICE[:-2]}c8,草刈り,1,2026-12-01,", f"member {ALICE[:-2]}c8 has a wrong checksum"),
        ("0x" + "0" * 40 + ",草刈り,1,2026-12-01,", "member is the zero address"),
        (f"{ALICE},草刈り,-1,2026-12-01,", "quantity -1 is negative"),
        (f"{ALICE},草刈り,NaN,2026-12-01,", "quantity 'NaN' is not a number (NaN)"),
        (f"{ALICE},草刈り,Infinity,2026-12-01,", "quantity 'Infinity' is infinite"),
        (f"{ALICE},草刈り,two,2026-12-01,", "quantity 'two' is not a number"),
        (f"{ALICE},草刈り,8.5,2026-12-01,", "quantity 8.5 is more than the policy allows per row (8)"),
        (
            f"{ALICE},草刈り,0.0000000000000000001,2026-12-01,",
            "quantity 0.0000000000000000001 has more than 18 decimal places",
        ),
        (f"{ALICE},草刈り,1,2027-01-01,", "date 2027-01-01 is outside epoch 202612 (2026-12-01 – 2026-12-31)"),
        (f"{ALICE},草刈り,1,2026-11-30,", "date 2026-11-30 is outside epoch"),
        (f"{ALICE},草刈り,1,2026-13-01,", "date '2026-13-01' is not a date like 2026-12-01"),
        (f"{ALICE},草刈り,1,2026-12/01,", "date '2026-12/01' is not a date"),
        (f"{ALICE},草刈り,1,01/12/2026,", "date '01/12/2026' is not a date"),
        (",草刈り,1,2026-12-01,", "member is empty"),
        (f"{ALICE},,1,2026-12-01,", "activity is empty"),
        (f"{ALICE},草刈り,,2026-12-01,", "quantity is empty"),
        (f"{ALICE},草刈り,1,,", "date is empty"),
        (f"{ALICE},草刈り,1,2026-12-01,,extra", "has 6 cells but the header has 5 columns"),
    ],
)
def test_each_bad_row_is_reported_with_file_line_and_problem(
    tmp_path: Path, policy: Policy, row: str, problem: str
) -> None:
    path = _csv(tmp_path, f"{BOB},草刈り,1,2026-12-01,ok\n{row}\n", name="december.csv")
    with pytest.raises(ActivityLogError) as info:
        read_activity_log(path, policy, DECEMBER)
    assert isinstance(info.value, InputError)
    message = str(info.value)
    assert str(path) in message
    assert f"december.csv line 3: {problem}" in message
    assert [p.line for p in info.value.problems] == [3]


def test_duplicate_rows_name_the_earlier_line(tmp_path: Path, policy: Policy) -> None:
    path = _csv(
        tmp_path,
        f"{ALICE},草刈り,1.5,2026-12-01,午前\n"
        f"{ALICE},草刈り,1.5,2026-12-01,午後\n"
        f"{ALICE.lower()},grass_cutting,1.50,2026/12/01,午前\n",
    )
    with pytest.raises(ActivityLogError) as info:
        read_activity_log(path, policy, DECEMBER)
    assert [str(p) for p in info.value.problems] == [
        "line 4: duplicates line 2 (same member, activity, quantity, date and note)"
    ]


def test_all_problems_are_reported_together(tmp_path: Path, policy: Policy) -> None:
    path = _csv(
        tmp_path,
        f"{ALICE},dancing,1,2026-12-01,\n"  # line 2
        f"{BOB},草刈り,1,2026-12-01,\n"  # line 3: fine
        f"{BOB},草刈り,-2,2027-01-01,\n"  # line 4: two problems
        "0xabc,草刈り,1,2026-12-01,\n",  # line 5
    )
    with pytest.raises(ActivityLogError) as info:
        read_activity_log(path, policy, DECEMBER)
    assert [p.line for p in info.value.problems] == [2, 4, 4, 5]
    message = str(info.value)
    assert message.startswith(f"{path}: 4 problems in the activity log")
    for expected in ["line 2: unknown activity", "line 4: quantity -2", "line 4: date 2027-01-01", "line 5: member"]:
        assert expected in message


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "the file is empty"),
        (b" \r\n\r\n", "the file is empty"),
        (HEADER.encode(), "the file has no activity rows"),
        (b"member,activity,date\n0x1,a,2026-12-01\n", "line 1: missing required column(s) quantity"),
        (b"member,address,activity,quantity,date\n", "line 1: two columns mean 'member'"),
        (HEADER.encode() + b"\x81 ,x,1,2026-12-01,\n", "line 2: cannot decode the text"),
        ("member\n".encode("utf-16"), "the file is UTF-16"),
        (b'member,activity,quantity,date\n"unterminated,x,1,2026-12-01\n', "not a readable CSV file"),
    ],
)
def test_bad_files(tmp_path: Path, policy: Policy, data: bytes, problem: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    with pytest.raises(ActivityLogError) as info:
        read_activity_log(path, policy, DECEMBER)
    assert str(path) in str(info.value)
    assert problem in str(info.value)


def test_missing_file(tmp_path: Path, policy: Policy) -> None:
    with pytest.raises(ActivityLogError, match="cannot read the file"):
        read_activity_log(tmp_path / "nope.csv", policy, DECEMBER)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "the file is empty"),
        ("[]", "the JSON list has no activity objects"),
        ('{"member": 1}', "line 1: invalid JSON: expected a JSON list"),
        ('[\n  {"member": "x",\n  oops}\n]', "line 3: invalid JSON"),
        ('[\n  {"a": 1}\n  {"b": 2}\n]', "line 3: invalid JSON: expected ',' or ']'"),
        ("[1] x", "invalid JSON: unexpected text after the list"),
        ('[\n  "row"\n]', "line 2: expected an object"),
        (
            f'[\n  {{"member": "{ALICE}", "activity": "草刈り", "quantity": NaN, "date": "2026-12-01"}}\n]',
            "line 2: quantity",
        ),
        (
            f'[\n  {{"member": "{ALICE}", "activity": "草刈り", "quantity": true, "date": "2026-12-01"}}\n]',
            "expected text or",
        ),
        (f'[\n {{"member": "{ALICE}", "wallet": "{BOB}", "activity": "x"}}\n]', "line 2: two keys mean 'member'"),
    ],
)
def test_bad_json(tmp_path: Path, policy: Policy, text: str, problem: str) -> None:
    path = tmp_path / "log.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ActivityLogError) as info:
        read_activity_log(path, policy, DECEMBER)
    assert problem in str(info.value)


def test_json_and_csv_of_the_example_agree(tmp_path: Path, policy: Policy) -> None:
    csv_log = read_activity_log(EXAMPLES / "activity-2026-12.csv", policy, DECEMBER)
    items = [
        {"member": r.member, "activity": r.activity, "quantity": str(r.quantity), "date": str(r.date), "note": r.note}
        for r in csv_log.rows
    ]
    path = tmp_path / "log.json"
    path.write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
    assert _content(read_activity_log(path, policy, DECEMBER).rows) == _content(csv_log.rows)


@pytest.mark.parametrize("prefix", [b"\n\n", b"\xef\xbb\xbf\n", b"\xef\xbb\xbf\r\n,,\r\n"])
def test_blank_lines_before_the_header_are_skipped(tmp_path: Path, policy: Policy, prefix: bytes) -> None:
    """The trap: a blank line (or a BOM and a blank line) before the header was reported as "the file is empty"."""
    example = (EXAMPLES / "activity-2026-12.csv").read_bytes()
    path = tmp_path / "blank.csv"
    path.write_bytes(prefix + example)
    log = read_activity_log(path, policy, DECEMBER)
    plain = read_activity_log(EXAMPLES / "activity-2026-12.csv", policy, DECEMBER).rows
    skipped = prefix.count(b"\n")
    assert _content(log.rows) == _content(plain)
    assert [r.line for r in log.rows] == [r.line + skipped for r in plain]  # lines as the spreadsheet numbers them
    path.write_bytes(prefix + b"member,activity,quantity,date\n" + f"{ALICE},nope,1,2026-12-01\n".encode())
    with pytest.raises(ActivityLogError) as info:
        read_activity_log(path, policy, DECEMBER)
    assert f"line {skipped + 2}" in str(info.value)
    path.write_bytes(prefix + b"\n \n")
    with pytest.raises(ActivityLogError, match="the file is empty"):
        read_activity_log(path, policy, DECEMBER)
