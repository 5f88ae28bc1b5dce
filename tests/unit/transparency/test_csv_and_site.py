"""CSV tables round-trip in both encodings and keep formulas inert; the site escapes every user text."""

from __future__ import annotations

from typing import Any

import pytest

from furusato.errors import ConfigError, InputError
from furusato.transparency.csvout import decode, encode, safe_cell
from furusato.transparency.site import Page, check_template

HEADER = ["月", "区分", "金額"]
ROWS = [["2027-01", "祭り / festival", "1500000000000000000"], ["2027-02", "草刈り, 清掃 \"夏\"", "-2"],
        ["2027-03", "改行\nあり", ""]]  # fmt: skip


@pytest.mark.parametrize("sjis", [False, True])
def test_round_trip(sjis: bool) -> None:
    data = encode(HEADER, ROWS, sjis=sjis)
    assert data.startswith(b"\xef\xbb\xbf") != sjis
    assert decode(data) == [HEADER, *ROWS]


def test_utf8_has_bom_and_crlf_and_sjis_is_cp932() -> None:
    data = encode(["a"], [["b"]])
    assert data == b"\xef\xbb\xbfa\r\nb\r\n"
    assert encode(["関係人口"], [], sjis=True) == "関係人口\r\n".encode("cp932")


def test_sjis_refuses_what_cp932_cannot_hold() -> None:
    with pytest.raises(InputError, match="Shift_JIS"):
        encode(["x"], [["🎉"]], sjis=True)


def test_formula_cells_are_neutralised_numbers_are_not() -> None:
    assert safe_cell("=SUM(A1)") == "'=SUM(A1)"
    assert safe_cell("+81 3") == "'+81 3"
    assert safe_cell("@x") == "'@x"
    assert safe_cell("-5") == "-5"
    assert safe_cell("-1.25") == "-1.25"
    assert safe_cell(None) == ""
    assert safe_cell(3) == "3"


def minimal_data(text: str) -> dict[str, Any]:
    zero = "0x0000000000000000000000000000000000000000"
    token = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
    return {
        "method_version": "v", "network": text, "chain_id": 1, "report_block": 1, "report_time": 0,
        "contracts": {"RegionToken": token}, "assets": {"ETH": {"symbol": "ETH", "decimals": 18},
                                                        token: {"symbol": text, "decimals": 18}},
        "members": {"total": 1, "by_kind": {"resident": 1}, "ever_registered": 1, "months": []},
        "participation": {"proposals": [{"title": text, "tx_hash": "0xab", "voters": 1, "eligible": 1,
                                         "turnout_headcount": 1.0, "turnout_weight": 0.5, "quorum_margin": "1",
                                         "result": "executed"}],
                          "concentration": {"holders": 1, "gini": 0, "top10_share": 1.0, "hhi": 10000,
                                            "smallest_coalition_quorum": 1, "smallest_coalition_majority": 1}},
        "rewards": {"epochs": [{"epoch": "1", "tx_hash": "0x1", "total": "1", "recipients": 1, "paid_push": "1",
                                "paid_claim": "0", "withheld_open": "0", "gini": 0, "by_activity": {text: text}}]},
        "treasury": {"runway": {"ETH": {"balance": "1", "monthly_burn": "0", "runway_months": None}},
                     "monthly": [{"month": "2027-01", "asset": "ETH", "category": f"budget:{text}", "inflow": "0",
                                  "outflow": "1"}],
                     "budget_lines": [{"line": 1, "tx_hash": "0x2", "category": text, "asset": "ETH",
                                       "approved": "2", "spent": "1", "left": "1", "expires_at": 0,
                                       "status": "open"}],
                     "ledger": [{"timestamp": 0, "tx_hash": "0x3", "asset": token, "category": "payment",
                                 "delta": "-1", "memo": text}]},
        "sales": [{"address": token, "tx_hash": None, "payment_token": zero, "raised": "1", "sold": "1",
                   "goal": "1", "buyers": 1, "outcome": "succeeded"}],
        "reconciliation": [{"name": text, "events": "1", "unrecorded": "0", "chain": "1"}],
    }  # fmt: skip


EVIL = "<script>alert(1)</script>\"'&<img src=x onerror=alert(2)>"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_user_text_is_escaped(lang: str) -> None:
    page = Page(minimal_data(EVIL), lang, "https://scan.example/tx/{tx}?a=1&b=2").render({}, {"t": (["a"], [])})
    assert "<script>" not in page
    assert "<img src=x" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 8  # title, memo, category, symbol, check…
    assert 'href="https://scan.example/tx/0xab?a=1&amp;b=2"' in page
    assert f'<html lang="{lang}">' in page


def test_explorer_template_must_be_http_with_a_placeholder() -> None:
    assert check_template(None) is None
    for bad in ("javascript:alert(1)//{tx}", "https://scan.example/tx/", "ftp://x/{tx}"):
        with pytest.raises(ConfigError, match="explorer-url"):
            check_template(bad)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_heading_is_in_the_catalog(lang: str) -> None:
    import re

    page = Page(minimal_data("x"), lang, None).render({}, {})
    headings = re.findall(r"<th(?: class=\"n\")?>(.*?)</th>", page)
    assert headings
    untranslated = [h for h in headings if re.fullmatch(r"[a-z0-9_]+", h)]
    assert untranslated == []
