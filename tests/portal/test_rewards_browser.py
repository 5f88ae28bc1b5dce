"""My page's rewards in a real browser (Debian Chromium via Playwright, the injected test wallet): a member whose
reward was withheld (not registered when the epoch was paid out), registered since, claims it gaslessly with one
click — no signature, the relayer sends, the tokens arrive — and a second claim is refused in words; a non-member's
withheld reward says why it cannot be claimed yet; axe-core and screenshots at 1280 and 375 px."""

from __future__ import annotations

from typing import Any

import pytest
from brownie import web3
from playwright.sync_api import expect

from portal.test_browser import AXE, axe_problems, connect, shot

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("epochs_started")]

TOKEN = 10**18


def open_me(open_page: Any, url: str, account: Any, width: int = 1280, **kw: Any) -> tuple[Any, Any]:
    page, wallet = open_page(account, width=width, **kw)
    page.goto(f"{url}/me")
    connect(page)
    page.wait_for_selector("#me:not([hidden])")
    expect(page.locator("#me-rewards li").first).to_be_visible()
    return page, wallet


def claim_done(page: Any) -> str:
    page.wait_for_selector("#claim-status[data-done='true'], #claim-status.error", timeout=30_000)
    return str(page.locator("#claim-status").inner_text())


def test_withheld_reward_is_claimed_gasless_from_my_page(dao: Any, withheld_rewards: Any, serve_portal: Any,
                                                         open_page: Any) -> None:  # fmt: skip
    w = withheld_rewards
    url = serve_portal(plans=[w.plans])
    member = w.newcomer
    stale, _ = open_me(open_page, url, member)  # a second tab, opened before the claim
    page, wallet = open_me(open_page, url, member)
    items = page.locator("#me-rewards li")
    expect(items).to_have_count(2)
    later, withheld = items.nth(0).inner_text(), items.nth(1).inner_text()
    assert "2027年1月" in later
    assert "200" in later
    assert "まだ公開されていません" in later
    assert "2026年12月" in withheld
    assert "300" in withheld
    assert "受け取れます（支払い時は住民登録がなく保留）" in withheld
    assert " JST に保留" in withheld
    gasless = page.locator("#rewards-gasless").inner_text()
    assert "ガス代は町が負担します。トークンはあなたのウォレットに届きます。" in gasless
    assert page.locator("#me-balance").inner_text().startswith("0 ")
    assert items.nth(0).get_by_role("button").count() == 0
    page.get_by_role("button", name="受け取る").click()
    status = claim_done(page)
    assert "報酬を受け取りました。残高に反映されています。" in status, status
    assert "0x" in status  # the transaction hash
    # on chain: the member got the tokens and paid nothing; nothing was signed or sent by the wallet
    assert dao.token.balanceOf(member.address) == w.amounts[member.address] == 300 * TOKEN
    assert web3.eth.get_balance(member.address) == 0
    assert wallet.signed == []
    assert "eth_sendTransaction" not in wallet.calls
    expect(items.nth(1)).to_contain_text("支払い済み")
    assert " JST に支払い" in items.nth(1).inner_text()
    assert page.locator("#me-rewards button").count() == 0
    assert page.locator("#me-balance").inner_text().startswith("300 ")
    shot(page, "me-rewards-paid-1280")
    # the stale tab still shows the button: its claim is refused, in words, and nothing more is paid
    stale.get_by_role("button", name="受け取る").click()
    text = claim_done(stale)
    assert text.startswith("受け取れませんでした: この報酬はすでに支払われています。"), text
    assert stale.locator("#claim-status.error").count() == 1
    assert dao.token.balanceOf(member.address) == 300 * TOKEN
    assert page.errors == []
    assert stale.errors == []


def test_a_non_members_withheld_reward_says_why(dao: Any, withheld_rewards: Any, serve_portal: Any,
                                                open_page: Any) -> None:  # fmt: skip
    w = withheld_rewards
    url = serve_portal(plans=[w.plans])
    page, _ = open_me(open_page, url, w.stranger)
    item = page.locator("#me-rewards li")
    expect(item).to_have_count(1)
    text = item.inner_text()
    assert "保留中（支払い時に住民登録がなかったため）" in text
    assert "住民登録が済むと、このページから受け取れます（登録は役場で）。" in text
    assert page.get_by_role("button", name="受け取る").count() == 0
    assert page.locator("#me-card").inner_text() == "なし"
    en, _ = open_page(w.stranger)
    en.goto(f"{url}/me?lang=en")
    connect(en, "Connect wallet")
    expect(en.locator("#me-rewards li")).to_contain_text("Withheld (not a member when it was paid out)")
    assert "Once the town registers you as a member" in en.locator("#me-rewards li").inner_text()


def test_my_page_with_rewards_axe_and_screenshots(dao: Any, withheld_rewards: Any, serve_portal: Any,
                                                  open_page: Any) -> None:  # fmt: skip
    assert AXE.exists(), "npm axe-core is not installed: run `npm ci`"
    w = withheld_rewards
    url = serve_portal(plans=[w.plans])
    found: dict[str, list[str]] = {}
    for width in (1280, 375):
        # axe is injected as a script tag, which the portal's own CSP forbids: this context bypasses it
        page, _ = open_me(open_page, url, w.newcomer, width=width, bypass_csp=True)
        found[str(width)] = axe_problems(page, width)
        shot(page, f"me-rewards-{width}")
    assert all(not v for v in found.values()), found
