"""The portal's text helpers without a chain: sanitized markdown, あと2日-style times, the message catalog, limits."""

from __future__ import annotations

import re

import pytest

from furusato.portal.i18n import MESSAGES, t
from furusato.portal.markdown import render_markdown
from furusato.portal.views import relative_time, tokens
from furusato.relayer.limits import RateLimiter


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[x](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "![i](javascript:alert(1))",
        '<iframe src="https://evil.example"></iframe>',
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
    ],
)
def test_markdown_is_inert(text: str) -> None:
    html = render_markdown(text)
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<img" not in lowered
    assert "<iframe" not in lowered
    assert not re.search(r'<a [^>]*href="(?!https?:|mailto:)', lowered)
    assert " on" not in re.sub(r"&lt;.*?&gt;", "", lowered)  # no event-handler attribute on a real tag


def test_markdown_keeps_ordinary_formatting() -> None:
    html = render_markdown("# 題\n\n**太字** と [町](https://example.jp)\n\n- 一\n- 二")
    assert "<h1>題</h1>" in html
    assert "<strong>太字</strong>" in html
    assert '<a href="https://example.jp" rel="noopener noreferrer nofollow">町</a>' in html
    assert "<li>一</li>" in html


@pytest.mark.parametrize(
    ("delta", "ja", "en"),
    [
        (2 * 86_400 + 5, "あと2日", "in 2 days"),
        (3 * 3_600, "あと3時間", "in 3 hours"),
        (-5 * 60, "5分前", "5 minutes ago"),
        (-86_400 * 10, "10日前", "10 days ago"),
        (30, "まもなく", "now"),
    ],
)
def test_relative_time(delta: int, ja: str, en: str) -> None:
    assert relative_time(1_000_000 + delta, 1_000_000, "ja") == ja
    assert relative_time(1_000_000 + delta, 1_000_000, "en") == en


def test_catalog_is_complete_and_fills_values() -> None:
    assert set(MESSAGES["ja"]) == set(MESSAGES["en"])
    assert t("ja", "wallet.connect") == "ウォレットを接続"
    assert t("en", "wallet.connect") == "Connect wallet"
    assert (t("ja", "vote.for"), t("ja", "vote.against"), t("ja", "vote.abstain")) == ("賛成", "反対", "棄権")
    assert t("ja", "vote.reason").startswith("理由")
    assert tokens(1_234_567 * 10**16) == "12,345.67"


def test_rate_limiter_slides() -> None:
    now = [0.0]
    limiter = RateLimiter(2, 60.0, clock=lambda: now[0])
    assert limiter.hit("a") == 0
    assert limiter.hit("a") == 0
    assert limiter.hit("a") == pytest.approx(60.0)
    assert limiter.hit("b") == 0
    now[0] = 60.5
    assert limiter.hit("a") == 0
