"""My page's rewards over HTTP, with the coordinator's plan folders given to the portal: each epoch's amount and
state in words with its date, and the gasless claim of a withheld reward — no signature, the relayer pays the gas,
the tokens go to the member — simulated, journaled, refused when paid or already on its way, counted against the
daily gas cap and the rate limits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from brownie import web3

from furusato.errors import ConfigError

pytestmark = pytest.mark.usefixtures("epochs_started")  # reward epochs are months that have started

TOKEN = 10**18


def rewards_of(url: str, account: str, lang: str = "ja") -> list[dict[str, Any]]:
    r = httpx.get(f"{url}/api/members/{account}/rewards?lang={lang}")
    assert r.status_code == 200, r.text
    rows: list[dict[str, Any]] = r.json()["rewards"]
    return rows


def claim(url: str, account: str, epoch: int = 202612, lang: str = "ja") -> httpx.Response:
    return httpx.post(f"{url}/api/rewards/claim?lang={lang}", json={"account": account, "epoch": epoch}, timeout=30)


def journal(tmp_path: Path) -> list[dict[str, Any]]:
    path = tmp_path / "relayer.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_rewards_per_epoch_in_words(dao: Any, withheld_rewards: Any, serve_portal: Any) -> None:
    w = withheld_rewards
    url = serve_portal(plans=[w.plans])
    later, row = rewards_of(url, w.newcomer.address)  # newest first
    assert (later["epoch"], later["state"], later["claimable"]) == (202701, "not_published", False)
    assert (later["amount"], later["stateText"], later["whenText"]) == (str(200 * TOKEN), "まだ公開されていません", "")
    assert (row["epoch"], row["state"], row["claimable"]) == (202612, "claimable", True)
    assert row["amount"] == str(w.amounts[w.newcomer.address]) == str(300 * TOKEN)
    assert row["epochText"] == "2026年12月"
    assert row["amountText"].startswith("300 ")
    assert row["stateText"] == "受け取れます（支払い時は住民登録がなく保留）"
    assert row["whenText"].endswith(" JST に保留")
    (held,) = rewards_of(url, w.stranger.address)  # not in 2027-01's plan: that epoch is left out
    assert (held["state"], held["claimable"]) == ("withheld", False)
    assert held["stateText"] == "保留中（支払い時に住民登録がなかったため）"
    assert "住民登録が済むと" in held["why"]
    (paid,) = rewards_of(url, w.paid, lang="en")
    assert (paid["state"], paid["stateText"], paid["epochText"]) == ("paid", "Paid", "2026-12")
    assert paid["whenText"].startswith("paid 20")
    assert paid["tx"].startswith("0x")
    assert rewards_of(url, "0x" + "12" * 20) == []  # in no plan
    assert httpx.get(f"{url}/api/members/0x1234/rewards").status_code == 400
    page = httpx.get(f"{url}/me").text
    assert "ガス代は町が負担します。トークンはあなたのウォレットに届きます。" in page
    spec = httpx.get(f"{url}/api/openapi.json").json()
    assert {"/api/members/{account}/rewards", "/api/rewards/claim"} <= set(spec["paths"])
    early = claim(url, w.newcomer.address, epoch=202701)
    assert early.status_code == 400
    assert "epoch 202701 has no live root on chain" in early.json()["error"]


def test_gasless_claim_pays_the_member_once(dao: Any, withheld_rewards: Any, serve_portal: Any,
                                           tmp_path: Path) -> None:  # fmt: skip
    w = withheld_rewards
    url = serve_portal(plans=[w.plans / "2026-12"])  # a plan folder itself works too
    member = w.newcomer.address
    amount = w.amounts[member]
    assert dao.token.balanceOf(member) == 0
    assert web3.eth.get_balance(member) == 0
    # a member who is not registered: refused before anything is sent, in words
    refused = claim(url, w.stranger.address)
    assert refused.status_code == 400
    assert refused.json()["error"].startswith("住民登録がまだのため受け取れません。")
    assert journal(tmp_path) == []
    sent = claim(url, member)
    assert sent.status_code == 200, sent.text
    body = sent.json()
    assert (body["status"], body["kind"], body["account"], body["amount"]) == ("submitted", "Claim", member,
                                                                               str(amount))  # fmt: skip
    receipt = web3.eth.wait_for_transaction_receipt(body["tx"])
    assert receipt["status"] == 1
    assert receipt["from"] != member  # the relayer sent it ...
    assert dao.token.balanceOf(member) == amount  # ... and the tokens went to the member
    assert web3.eth.get_balance(member) == 0
    (entry,) = journal(tmp_path)
    assert (entry["kind"], entry["signer"], entry["epoch"], entry["tx"]) == ("Claim", member, 202612, body["tx"])
    assert entry["gas"] > 50_000
    status = httpx.get(f"{url}/api/relayer/status").json()
    assert status["gasToday"] == entry["gas"]  # counted against the daily cap
    (row,) = rewards_of(url, member)
    assert (row["state"], row["claimable"]) == ("paid", False)
    assert claim(url, member, epoch=202701).status_code == 404  # not in the plan folder given
    again = claim(url, member)
    assert again.status_code == 409
    assert again.json()["error"].startswith("この報酬はすでに支払われています。")
    assert "already paid" in claim(url, member, lang="en").json()["error"]
    assert len(journal(tmp_path)) == 1
    assert dao.token.balanceOf(member) == amount


def test_a_claim_on_its_way_is_not_sent_twice(dao: Any, withheld_rewards: Any, serve_portal: Any,
                                             tmp_path: Path) -> None:  # fmt: skip
    w = withheld_rewards
    url = serve_portal(plans=[w.plans])
    member = w.newcomer.address
    web3.provider.make_request("evm_setAutomine", [False])
    try:
        first = claim(url, member)
        assert first.status_code == 200, first.text
        second = claim(url, member)  # the first is still pending
        assert second.status_code == 409
        assert second.json()["error"].startswith("この報酬の受け取りはすでに送信されています。")
        assert first.json()["tx"] in second.json()["error"]
    finally:
        web3.provider.make_request("evm_setAutomine", [True])
        web3.provider.make_request("evm_mine", [])
    assert web3.eth.wait_for_transaction_receipt(first.json()["tx"])["status"] == 1
    assert dao.token.balanceOf(member) == w.amounts[member]
    assert len(journal(tmp_path)) == 1


def test_claims_count_against_the_gas_cap_and_the_rate_limits(dao: Any, withheld_rewards: Any,
                                                             serve_portal: Any) -> None:  # fmt: skip
    w = withheld_rewards
    capped = serve_portal(plans=[w.plans], daily_gas_cap=60_000)
    r = claim(capped, w.newcomer.address)
    assert r.status_code == 429
    assert "daily gas cap reached" in r.json()["error"]
    limited = serve_portal(plans=[w.plans], per_client_per_minute=1)
    assert claim(limited, w.stranger.address).status_code == 400  # refused, but counted for this client
    r = claim(limited, w.newcomer.address)
    assert r.status_code == 429
    assert "too many requests" in r.json()["error"]
    assert dao.token.balanceOf(w.newcomer.address) == 0


def test_read_only_portal_shows_rewards_but_claims_nothing(dao: Any, withheld_rewards: Any,
                                                          serve_portal: Any) -> None:  # fmt: skip
    w = withheld_rewards
    url = serve_portal(read_only=True, plans=[w.plans])
    row = rewards_of(url, w.newcomer.address)[1]
    assert (row["state"], row["claimable"]) == ("claimable", False)
    assert "閲覧専用" in row["why"]
    assert claim(url, w.newcomer.address).status_code == 404
    assert "ガス代は町が負担します" not in httpx.get(f"{url}/me").text
    plain = serve_portal()
    assert httpx.get(f"{plain}/api/members/{w.newcomer.address}/rewards").status_code == 404
    assert 'id="me-rewards"' not in httpx.get(f"{plain}/me").text
    (w.plans / "2027-01" / "tree.json").write_text("{}", encoding="utf-8")  # damaged while the portal runs
    damaged = httpx.get(f"{url}/api/members/{w.newcomer.address}/rewards")
    assert damaged.status_code == 500
    assert "2027-01/tree.json" in damaged.json()["error"]


def test_a_folder_without_plans_is_refused_at_start(dao: Any, serve_portal: Any, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="holds no reward plan"):
        serve_portal(plans=[tmp_path / "empty"])
