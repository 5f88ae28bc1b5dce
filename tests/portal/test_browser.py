"""The member portal in a real browser (Debian Chromium via Playwright) with a test wallet injected into the page:
gasless vote with a reason by a member with 0 ETH, direct vote, gasless delegation, wrong chain → switch, refused
ballots shown readably, hostile descriptions rendered inert, no wallet, English, axe-core, screenshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from brownie import accounts, web3
from eth_account import Account
from helpers import advance
from playwright.sync_api import expect

from furusato.governance import Proposal, Support, call_action

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "portal-screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TOKEN = 10**18


def shot(page: Any, name: str) -> Path:
    """Keep a full-page screenshot as test output (build/portal-screenshots/NAME.png)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


HOSTILE = (
    "# 遊び場の整備 <script>window.__pwned = 'title'</script>\n\n"
    "<script>window.__pwned = 'script'</script>\n\n"
    '<img src="x" onerror="window.__pwned = \'img\'">\n\n'
    "[押してください](javascript:window.__pwned='link') と "
    "<a href=\"javascript:window.__pwned='a'\">こちら</a>\n\n"
    "**予算** は [町のサイト](https://example.jp/budget) に。"
)


def propose(dao: Any, proposer: Any, description: str) -> int:
    """A proposal paying 1 wei of ETH from the treasury, open for voting; returns its id."""
    w3 = web3.eth.contract(address=dao.treasury.address, abi=dao.treasury.abi)
    zero = "0x" + "00" * 20
    proposal = Proposal((call_action(w3, "pay", zero, accounts[6].address, 10**18, "playground"),), description)
    dao.governor.propose(*proposal.args(), proposal.description, {"from": proposer})
    advance(dao.governor.votingDelay() + 1)
    return proposal.proposal_id


def axe_problems(page: Any, width: int) -> list[str]:
    """axe-core's serious and critical violations on the page (injected as a script tag: open the page with
    ``bypass_csp=True``), and a page wider than ``width`` (it would scroll sideways)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    bad = [f"{v['id']} ({v['impact']}): {v['help']}" for v in result["violations"]
           if v["impact"] in ("serious", "critical")]  # fmt: skip
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll > width:
        bad.append(f"the page is {scroll} px wide at {width} px: it scrolls sideways")
    return bad


def connect(page: Any, name: str = "ウォレットを接続") -> None:
    page.wait_for_selector("html[data-ready='true']")
    page.get_by_role("button", name=name).click()
    page.wait_for_selector("#account:not(:empty)")


def vote_done(page: Any) -> str:
    page.wait_for_selector("#vote-status[data-done='true'], #vote-status.error", timeout=30_000)
    return str(page.locator("#vote-status").inner_text())


def test_member_with_no_eth_votes_gasless_with_a_reason(dao: Any, alice: Any, member: Any, portal_url: str,
                                                         open_page: Any) -> None:  # fmt: skip
    pid = propose(dao, alice, "# 子どもの遊び場を直す\n\n公園の遊具を修理します。")
    page, wallet = open_page(member)
    page.goto(f"{portal_url}/proposals/{pid}")
    assert "ガス代の肩代わり" in page.locator("#relayer-status").inner_text()
    connect(page)
    expect(page.locator("#why-text")).to_contain_text("投票できます")
    assert "1,000 票" in page.locator("#why-power").inner_text()
    page.get_by_label("理由（任意）").fill("遊具が古いので賛成です <b>本当に</b>")
    page.get_by_role("button", name="賛成", exact=True).click()
    explain = page.locator("#explain")
    expect(explain).to_contain_text("「賛成」の投票に署名します")
    assert "お金の支払いではなく" in explain.inner_text()
    assert wallet.signed == []  # nothing is signed before the member has read the explanation
    page.get_by_role("button", name="ウォレットで署名する").click()
    status = vote_done(page)
    assert "チェーンに記録されました" in status, status
    assert "0x" in status  # the transaction hash
    assert page.locator("#tally-for").inner_text() == "1,000"
    # one signature, an ExtendedBallot with the reason; the vote counts on chain and the member paid nothing
    assert [t["primaryType"] for t in wallet.signed] == ["ExtendedBallot"]
    assert wallet.calls.count("eth_signTypedData_v4") == 1
    assert "eth_sendTransaction" not in wallet.calls
    assert dao.governor.hasVoted(pid, member.address)
    assert dao.governor.proposalVotes(pid)[1] == 1_000 * TOKEN
    assert web3.eth.get_balance(member.address) == 0
    for reloaded in (False, True):  # "who voted" shows the vote at once, and the same after a reload
        row = page.locator("table.votes tbody tr")
        assert row.count() == 1, f"reloaded={reloaded}"
        assert member.address in row.inner_text()
        assert "遊具が古いので賛成です <b>本当に</b>" in row.inner_text()  # shown as text, not markup
        assert page.locator("table.votes b").count() == 0
        assert page.locator("#votes-empty").is_hidden()
        if not reloaded:
            page.reload()
    shot(page, "proposal-voted-1280")
    assert page.errors == []  # type: ignore[attr-defined]


def test_direct_vote_sends_the_servers_transaction(dao: Any, alice: Any, portal_url: str, open_page: Any) -> None:
    voter = Account.create()
    accounts[0].transfer(voter.address, TOKEN)
    dao.token.transfer(voter.address, 500 * TOKEN, {"from": alice})
    dao.token.delegate(voter.address, {"from": accounts.add(voter.key.hex())})
    advance(1)
    pid = propose(dao, alice, "# 直接投票のテスト")
    page, wallet = open_page(voter)
    page.goto(f"{portal_url}/proposals/{pid}")
    connect(page)
    expect(page.locator("#votes-empty")).to_have_text("まだ投票はありません。")
    assert page.locator("table.votes").is_hidden()
    page.get_by_label("自分で取引を送る（ETH の手数料が必要）").check()
    page.get_by_role("button", name="反対", exact=True).click()
    expect(page.locator("#explain")).to_contain_text("手数料（ETH）はあなたが払います")
    page.get_by_role("button", name="ウォレットで取引を送る").click()
    assert "チェーンに記録されました" in vote_done(page)
    assert "eth_sendTransaction" in wallet.calls
    assert wallet.signed == []
    assert dao.governor.proposalVotes(pid)[0] == 500 * TOKEN
    assert page.locator("#tally-against").inner_text() == "500"
    row = page.locator("table.votes tbody tr")  # the voters list, refreshed without a reload
    expect(row).to_have_count(1)
    assert voter.address in row.inner_text()
    assert "反対" in row.inner_text()
    assert page.locator("#votes-empty").is_hidden()


def test_gasless_delegation_from_my_page(dao: Any, alice: Any, member: Any, portal_url: str, open_page: Any) -> None:
    """The member (0 ETH, votes delegated to itself) delegates to alice, gasless, from my page."""
    page, wallet = open_page(member)
    page.goto(f"{portal_url}/me")
    connect(page)
    page.wait_for_selector("#me:not([hidden])")
    assert page.locator("#me-delegate").inner_text() == "自分自身"
    assert page.locator("#me-votes").inner_text() == "1,000"
    expect(page.locator("#delegate-self")).to_be_hidden()  # tokens vote on receipt: nothing to take back
    assert "住民" in page.locator("#me-card").inner_text() or "関係人口" in page.locator("#me-card").inner_text()
    before = dao.token.getVotes(alice)
    page.get_by_label("委任先のアドレス").fill(alice.address)
    page.get_by_role("button", name="委任する（ガス代なし）").click()
    expect(page.locator("#explain")).to_contain_text(f"投票権を {alice.address} に委任する」署名をします")
    page.get_by_role("button", name="ウォレットで署名する").click()
    assert "委任が記録されました" in vote_done(page)
    assert [t["primaryType"] for t in wallet.signed] == ["Delegation"]
    assert dao.token.delegates(member.address) == alice.address
    assert dao.token.getVotes(alice) == before + 1_000 * TOKEN
    assert page.locator("#me-delegate").inner_text() == alice.address
    assert page.locator("#me-votes").inner_text() == "0"
    assert web3.eth.get_balance(member.address) == 0
    # and back to myself
    page.evaluate("document.getElementById('vote-status').removeAttribute('data-done')")
    page.get_by_role("button", name="委任をやめて自分で投票する").click()
    page.get_by_role("button", name="ウォレットで署名する").click()
    assert "委任が記録されました" in vote_done(page)
    assert dao.token.delegates(member.address) == member.address
    assert page.locator("#me-votes").inner_text() == "1,000"
    expect(page.locator("#delegate-self")).to_be_hidden()


def test_wallet_on_another_chain_is_switched(dao: Any, member: Any, portal_url: str, open_page: Any) -> None:
    page, wallet = open_page(member, chain_id=1)
    page.goto(f"{portal_url}/")
    connect(page)
    assert "wallet_switchEthereumChain" in wallet.calls
    assert wallet.chain_id == web3.eth.chain_id
    assert member.address in page.locator("#account").inner_text()
    # a wallet that refuses to switch: the page says so in words and stays unconnected
    page2, wallet2 = open_page(member, chain_id=1)
    wallet2.refuse_switch = True
    page2.goto(f"{portal_url}/")
    page2.wait_for_selector("html[data-ready='true']")
    page2.get_by_role("button", name="ウォレットを接続").click()
    page2.wait_for_selector("#wallet-message.error")
    assert "ウォレットで操作が取り消されました" in page2.locator("#wallet-message").inner_text()
    assert page2.locator("#account").inner_text() == ""


def test_refused_ballots_are_shown_in_words(dao: Any, alice: Any, member: Any, portal_url: str,
                                            open_page: Any) -> None:  # fmt: skip
    pid = propose(dao, alice, "# 二度目の投票")
    page, _wallet = open_page(member)
    page.goto(f"{portal_url}/proposals/{pid}")
    connect(page)
    page.get_by_role("button", name="棄権", exact=True).click()
    page.get_by_role("button", name="ウォレットで署名する").click()
    assert "チェーンに記録されました" in vote_done(page)
    assert "投票済みです（棄権）" in page.locator("#why-text").inner_text()
    # voting again: the relayer refuses (already voted), and the page says so
    page.evaluate("document.getElementById('vote-status').removeAttribute('data-done')")
    page.get_by_role("button", name="賛成", exact=True).click()
    page.get_by_role("button", name="ウォレットで署名する").click()
    page.wait_for_selector("#vote-status.error")
    text = page.locator("#vote-status").inner_text()
    assert text.startswith("投票できませんでした:"), text
    assert "replay:" in text, text
    assert "has already voted" in text, text
    # a key with no tokens: refused before anything is sent, explained on the page
    page3, _wallet3 = open_page(Account.create())
    page3.goto(f"{portal_url}/proposals/{pid}")
    connect(page3)
    expect(page3.locator("#why-text")).to_contain_text("トークンも委任もなかった")
    page3.get_by_role("button", name="賛成", exact=True).click()
    page3.get_by_role("button", name="ウォレットで署名する").click()
    page3.wait_for_selector("#vote-status.error")
    assert "no voting power at the snapshot" in page3.locator("#vote-status").inner_text()
    assert dao.governor.proposalVotes(pid) == (0, 0, 1_000 * TOKEN)


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "without-csp"])
def test_hostile_description_and_reason_render_inert(dao: Any, alice: Any, member: Any, portal_url: str,
                                                     open_page: Any, bypass_csp: bool) -> None:  # fmt: skip
    pid = propose(dao, alice, HOSTILE)
    reason = "<script>window.__pwned='reason'</script><img src=x onerror=\"window.__pwned='reason-img'\">"
    dao.governor.castVoteWithReason(pid, Support.For, reason, {"from": alice})
    page, _wallet = open_page(member, bypass_csp=bypass_csp)
    for path in ("/", f"/proposals/{pid}", f"/proposals/{pid}?lang=en"):
        response = page.goto(f"{portal_url}{path}")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_selector("html[data-ready='true']")
        assert page.evaluate("window.__pwned") is None
        assert page.locator("main script, main img, main [onerror]").count() == 0
        assert page.locator("a[href^='javascript']").count() == 0
    assert "<script>window.__pwned = 'script'</script>" in page.locator(".description").inner_text()
    assert page.locator(".description a[href='https://example.jp/budget']").count() == 1
    assert reason in page.locator("table.votes").inner_text()
    assert page.errors == []  # type: ignore[attr-defined]


def test_no_wallet_gets_japanese_guidance_and_english_works(dao: Any, alice: Any, portal_url: str,
                                                            open_page: Any) -> None:  # fmt: skip
    pid = propose(dao, alice, "# 英語の表示")
    page, _ = open_page(wallet=False)
    page.goto(f"{portal_url}/proposals/{pid}")
    page.wait_for_selector("html[data-ready='true']")
    page.get_by_role("button", name="ウォレットを接続").click()
    assert "ウォレットが見つかりません" in page.locator("#wallet-message").inner_text()
    page.goto(f"{portal_url}/proposals/{pid}?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    for name in ("Connect wallet", "For", "Against", "Abstain"):
        assert page.get_by_role("button", name=name, exact=True).count() == 1
    assert page.get_by_label("Reason (optional)").count() == 1
    page2, _ = open_page(wallet=False, locale="en-US")
    page2.goto(f"{portal_url}/")
    assert page2.locator("h1").inner_text() == "Proposals"  # the browser's language


def test_keyboard_only_vote(dao: Any, alice: Any, member: Any, portal_url: str, open_page: Any) -> None:
    pid = propose(dao, alice, "# キーボードで投票")
    page, wallet = open_page(member, width=375)
    page.goto(f"{portal_url}/proposals/{pid}")
    page.wait_for_selector("html[data-ready='true']")
    page.locator("#connect").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#account:not(:empty)")
    page.locator("#reason").focus()
    page.keyboard.type("キーボードだけで")
    page.keyboard.press("Tab")  # to 賛成
    page.keyboard.press("Enter")
    page.locator("#explain").wait_for()
    assert page.evaluate("document.activeElement.id") == "go"  # focus moves to the signing button
    page.keyboard.press("Enter")
    assert "チェーンに記録されました" in vote_done(page)
    assert dao.governor.proposalVotes(pid)[1] == 1_000 * TOKEN
    assert wallet.signed[0]["message"]["reason"] == "キーボードだけで"
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        "[window.innerWidth, document.body.scrollWidth, ...[...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > 376 || e.scrollWidth > e.clientWidth + 1)"
        ".map(e => e.tagName + '#' + e.id + '.' + e.className + ':' + e.scrollWidth).slice(0, 8)]"
    )
    assert width <= 375, f"the 375 px layout scrolls sideways ({width} px): {wide}"
    shot(page, "proposal-voted-375")


def test_axe_finds_no_serious_violation_and_screenshots(dao: Any, alice: Any, member: Any, portal_url: str,
                                                        open_page: Any) -> None:  # fmt: skip
    assert AXE.exists(), "npm axe-core is not installed: run `npm ci`"
    pid = propose(dao, alice, HOSTILE)
    dao.governor.castVoteWithReason(pid, Support.For, "賛成です", {"from": alice})
    found: dict[str, list[str]] = {}
    for width in (1280, 375):
        # axe is injected as a script tag, which the portal's own CSP forbids: this context bypasses it
        page, _ = open_page(member, width=width, bypass_csp=True)
        for name, path in (("list", "/"), ("proposal", f"/proposals/{pid}"), ("me", "/me"),
                           ("proposal-en", f"/proposals/{pid}?lang=en")):  # fmt: skip
            page.goto(f"{portal_url}{path}")
            connect(page, "Connect wallet" if name.endswith("-en") else "ウォレットを接続")
            if name == "me":
                page.wait_for_selector("#me:not([hidden])")
            found[f"{name}@{width}"] = axe_problems(page, width)
            shot(page, f"{name}-{width}")
    assert all(not v for v in found.values()), found
