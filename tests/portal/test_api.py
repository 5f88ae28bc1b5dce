"""The portal's HTTP face without a browser: security headers, CORS closed, the JSON API and its OpenAPI document,
typed data built on the server, the relayer endpoints (body cap, rate limits per client and per voter, public
status) and the votes' CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import httpx
import pytest
from brownie import accounts, web3
from eth_account import Account
from eth_account.messages import encode_typed_data
from helpers import advance

from furusato.governance import Proposal, Support, call_action

TOKEN = 10**18


def propose(dao: Any, proposer: Any, description: str) -> int:
    treasury = web3.eth.contract(address=dao.treasury.address, abi=dao.treasury.abi)
    action = call_action(treasury, "pay", "0x" + "00" * 20, accounts[6].address, 2 * TOKEN, "memo <b>x</b>")
    proposal = Proposal((action,), description)
    dao.governor.propose(*proposal.args(), proposal.description, {"from": proposer})
    advance(dao.governor.votingDelay() + 1)
    return proposal.proposal_id


def sign(typed: dict[str, Any], account: Any) -> dict[str, Any]:
    signed = account.sign_message(encode_typed_data(full_message=typed))
    return {"typedData": typed, "signature": "0x" + bytes(signed.signature).hex()}


def test_headers_cors_and_openapi(dao: Any, alice: Any, portal_url: str) -> None:
    propose(dao, alice, "# ヘッダー")
    r = httpx.get(f"{portal_url}/", headers={"origin": "https://evil.example"})
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "access-control-allow-origin" not in r.headers  # CORS closed
    pre = httpx.options(f"{portal_url}/api/relay", headers={"origin": "https://evil.example",
                                                            "access-control-request-method": "POST"})  # fmt: skip
    assert "access-control-allow-origin" not in pre.headers
    assert "<script" not in r.text.split("</head>")[1].replace('<script type="application/json"', "")
    spec = httpx.get(f"{portal_url}/api/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/proposals", "/api/proposals/{pid}", "/api/proposals/{pid}/ballot", "/api/relay",
                 "/api/relayer/status", "/api/delegation"):  # fmt: skip
        assert path in spec["paths"], path


def test_read_api_and_csv(dao: Any, alice: Any, bob: Any, portal_url: str) -> None:
    pid = propose(dao, alice, "# 予算の提案\n\n本文")
    dao.governor.castVoteWithReason(pid, Support.For, '=HYPERLINK("x")', {"from": bob})
    listed = httpx.get(f"{portal_url}/api/proposals").json()
    assert [p["id"] for p in listed] == [str(pid)]
    p = httpx.get(f"{portal_url}/api/proposals/{pid}").json()
    assert p["title"] == "予算の提案"
    assert p["state"] == "Active"
    assert p["stateText"] == "投票受付中"
    assert p["for"] == str(dao.token.getPastVotes(bob, dao.governor.proposalSnapshot(pid)))
    assert p["deadlineText"].startswith("投票締切 ")
    assert "JST（あと" in p["deadlineText"]
    assert p["actions"][0]["text"].startswith("トレジャリーから 2 ETH を ")
    assert p["votes"][0]["reason"] == '=HYPERLINK("x")'
    en = httpx.get(f"{portal_url}/api/proposals/{pid}?lang=en").json()
    assert en["stateText"] == "Voting open"
    assert en["actions"][0]["text"].startswith("The treasury pays 2 ETH to ")
    assert httpx.get(f"{portal_url}/api/proposals/0x{pid:x}").status_code == 404  # decimal ids only
    assert httpx.get(f"{portal_url}/proposals/12345").status_code == 404
    rows = list(csv.reader(io.StringIO(httpx.get(f"{portal_url}/proposals/{pid}/votes.csv").text.lstrip("\ufeff"))))
    assert rows[0] == ["voter", "support", "weight", "reason", "tx"]
    assert rows[1][0] == bob.address
    assert rows[1][1] == "賛成"
    assert rows[1][3] == '\'=HYPERLINK("x")'
    why = httpx.get(f"{portal_url}/api/proposals/{pid}/voters/{bob.address}").json()
    assert why["reason"] == "voted"
    assert why["voted"] is True
    nobody = httpx.get(f"{portal_url}/api/proposals/{pid}/voters/{Account.create().address}").json()
    assert nobody["reason"] == "no_power"
    assert nobody["canVote"] is False


def test_ballot_typed_data_and_relay(dao: Any, alice: Any, member: Any, portal_url: str) -> None:
    pid = propose(dao, alice, "# 署名")
    plain = httpx.post(f"{portal_url}/api/proposals/{pid}/ballot",
                       json={"voter": member.address, "support": 1}).json()  # fmt: skip
    assert plain["typedData"]["primaryType"] == "Ballot"
    built = httpx.post(f"{portal_url}/api/proposals/{pid}/ballot",
                       json={"voter": member.address, "support": 2, "reason": "理由"}).json()  # fmt: skip
    typed = built["typedData"]
    assert typed["primaryType"] == "ExtendedBallot"
    assert typed["message"]["reason"] == "理由"
    assert "「棄権」" in built["explanation"]
    assert "理由「理由」" in built["explanation"]
    bad = httpx.post(f"{portal_url}/api/proposals/{pid}/ballot", json={"voter": "0x12", "support": 1})
    assert bad.status_code == 400
    assert "not an address" in bad.json()["error"]
    body = sign(typed, member)
    ok = httpx.post(f"{portal_url}/api/relay", json=body, timeout=60)
    assert ok.status_code == 200, ok.text
    tx = ok.json()["tx"]
    assert httpx.get(f"{portal_url}/api/tx/{tx}").json() == {"tx": tx, "mined": True, "status": 1}
    assert dao.governor.proposalVotes(pid)[2] == 1_000 * TOKEN
    again = httpx.post(f"{portal_url}/api/relay", json=body)
    assert again.status_code == 409
    assert "replay" in again.json()["error"]
    big = httpx.post(f"{portal_url}/api/relay", content=b"{" + b" " * 20_000 + b"}",
                     headers={"content-type": "application/json"})  # fmt: skip
    assert big.status_code == 413
    tx_data = httpx.post(f"{portal_url}/api/proposals/{pid}/vote-tx",
                         json={"voter": member.address, "support": 0, "reason": "r"}).json()["tx"]  # fmt: skip
    call = dao.governor.decode_input(tx_data["data"])
    assert call[0].startswith("castVoteWithReason")
    assert call[1] == [pid, 0, "r"]
    status = httpx.get(f"{portal_url}/api/relayer/status").json()
    assert status["gasToday"] > 0
    assert status["votesAffordable"] > 0
    assert int(status["balanceWei"]) > 0
    assert status["remainingGasToday"] == status["dailyGasCap"] - status["gasToday"]


def test_rate_limits_per_client_and_per_voter(dao: Any, alice: Any, serve_portal: Any) -> None:
    url = serve_portal(per_client_per_minute=3, per_signer_per_hour=1)
    pid = propose(dao, alice, "# 制限")
    voter = Account.create()
    typed = httpx.post(f"{url}/api/proposals/{pid}/ballot", json={"voter": voter.address, "support": 1}).json()
    body = sign(typed["typedData"], voter)
    first = httpx.post(f"{url}/api/relay", json=body)  # refused (no voting power) but counted for the voter
    assert first.status_code == 400
    assert "no voting power" in first.json()["error"]
    second = httpx.post(f"{url}/api/relay", json=body)
    assert second.status_code == 400  # a refused check does not count against the voter
    third = httpx.post(f"{url}/api/relay", json=body)
    assert third.status_code == 400
    fourth = httpx.post(f"{url}/api/relay", json=body)
    assert fourth.status_code == 429
    assert "too many requests" in fourth.json()["error"]


def test_per_voter_limit(dao: Any, alice: Any, member: Any, serve_portal: Any) -> None:
    url = serve_portal(per_client_per_minute=0, per_signer_per_hour=1)
    a, b = propose(dao, alice, "# 一つ目"), propose(dao, alice, "# 二つ目")
    for pid, expected in ((a, 200), (b, 429)):
        typed = httpx.post(f"{url}/api/proposals/{pid}/ballot", json={"voter": member.address, "support": 1}).json()
        r = httpx.post(f"{url}/api/relay", json=sign(typed["typedData"], member), timeout=60)
        assert r.status_code == expected, r.text
    assert "too many submissions signed by" in r.json()["error"]
    assert not dao.governor.hasVoted(b, member.address)


def test_read_only_portal_relays_nothing(dao: Any, alice: Any, serve_portal: Any) -> None:
    url = serve_portal(read_only=True)
    pid = propose(dao, alice, "# 閲覧専用")
    page = httpx.get(f"{url}/proposals/{pid}").text
    assert "閲覧専用" in page
    r = httpx.post(f"{url}/api/relay", json={"typedData": {}, "signature": "0x"})
    assert r.status_code == 404
    assert "read-only" in r.json()["error"]
    assert httpx.get(f"{url}/api/relayer/status").status_code == 404
    assert json.loads(httpx.get(f"{url}/health").text)["status"] == "ok"


@pytest.mark.parametrize(("lang", "header", "expected"), [(None, "en-US,en;q=0.9", "en"), ("ja", "en-US", "ja"),
                                                  (None, None, "ja"), ("xx", "fr", "ja")])  # fmt: skip
def test_language_choice(lang: str | None, header: str | None, expected: str) -> None:
    from furusato.portal.i18n import MESSAGES, pick_lang

    assert pick_lang(lang, header) == expected
    assert set(MESSAGES["ja"]) == set(MESSAGES["en"])  # every message in both languages


def test_batched_statuses_match_read_status(dao: Any, alice: Any, bob: Any, pdao: Any) -> None:
    from furusato.portal.views import Reader
    from furusato.proposals.status import read_status

    active = propose(dao, alice, "# 受付中")
    dao.governor.castVote(active, Support.For, {"from": bob})
    treasury = web3.eth.contract(address=dao.treasury.address, abi=dao.treasury.abi)
    pending = Proposal((call_action(treasury, "pay", "0x" + "00" * 20, bob.address, 1, "later"),), "# 開始前")
    dao.governor.propose(*pending.args(), pending.description, {"from": alice})
    reader = Reader(pdao)
    infos = reader.infos()
    assert reader.statuses(infos) == [read_status(pdao, i) for i in infos]
    advance(dao.governor.proposalDeadline(active) - web3.eth.get_block("latest")["timestamp"] + 1)
    for _ in range(2):  # the second time the defeated/succeeded one may come from the cache of final states
        reader.forget()
        got = reader.statuses(reader.infos())
        want = [read_status(pdao, i) for i in reader.infos()]
        assert [(s.state, s.tally, s.deadline, s.quorum, s.supply, s.snapshot) for s in got] == [
            (s.state, s.tally, s.deadline, s.quorum, s.supply, s.snapshot) for s in want
        ]
    assert {s.state.name for s in got} == {"Succeeded", "Active"}


def test_the_transparency_report_is_served_at_report_without_any_script(serve_portal: Any, tmp_path: Any) -> None:
    site = tmp_path / "report"
    (site / "charts").mkdir(parents=True)
    (site / "index.html").write_text(
        '<html lang="ja"><head><style>h1{color:#123}</style></head><body><h1>透明性レポート</h1>'
        "<script>alert(1)</script></body></html>",
        encoding="utf-8",
    )
    (site / "charts" / "members.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    url = serve_portal(read_only=True, report_dir=site)
    page = httpx.get(f"{url}/report/")
    assert page.status_code == 200
    assert "透明性レポート" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'none'" in csp  # a script that slipped into a report could never run
    assert "style-src 'self' 'unsafe-inline'" in csp  # the report's own stylesheet applies
    assert httpx.get(f"{url}/report/charts/members.svg").status_code == 200
    assert "unsafe-inline" not in httpx.get(f"{url}/").headers["content-security-policy"]  # the pages keep theirs
    assert httpx.get(f"{url}/report/../pyproject.toml").status_code == 404
    plain = httpx.get(f"{serve_portal(read_only=True)}/report/")
    assert plain.status_code == 404  # no report folder given: nothing served


class FakeRelayer:
    """Stands in for a Relayer behind the portal's relayer endpoints: the HTTP layer's own checks (body cap, JSON,
    endpoint, method) happen before it is asked anything; its answers and failures come back as JSON."""

    def __init__(self, dao: Any) -> None:
        from furusato.relayer import RelayerSettings

        self.dao = dao
        self.settings = RelayerSettings(log_path=None, max_body=100)  # type: ignore[arg-type]
        self.seen: list[Any] = []
        self.logged: list[str] = []

    def log(self, line: str) -> None:
        self.logged.append(line)

    def submit(self, payload: Any, expect: str | None = None, client: str | None = None) -> dict[str, Any]:
        from furusato.errors import ChainError

        self.seen.append((payload, expect))
        if payload == {"boom": 1}:
            raise ChainError("the node is unreachable (ConnectionError); try again later")
        if payload == {"crash": 1}:
            raise RuntimeError("unexpected")
        return {"status": "submitted", "tx": "0x" + "00" * 32}

    def health(self) -> dict[str, Any]:
        return {"status": "ok"}


def test_relayer_endpoints_limits_and_errors_in_json(pdao: Any) -> None:
    """What `relayer serve` (http.server) answered, the portal's endpoints answer (ported from its unit test)."""
    from starlette.testclient import TestClient

    from furusato.portal import create_app

    fake = FakeRelayer(pdao)
    client = TestClient(create_app(pdao, fake), raise_server_exceptions=False)  # type: ignore[arg-type]
    assert client.get("/health").json() == {"status": "ok"}
    missing = client.get("/api/nothing")
    assert (missing.status_code, missing.json()["error"]) == (404, "no such endpoint: GET /api/nothing")
    assert client.post("/nothing", content=b"{}").json() == {"error": "no such endpoint: POST /nothing", "status": 404}
    assert client.get("/relay").status_code == 405
    assert client.get("/relay").json()["status"] == 405
    r = client.post("/relay", content=b"x" * 101)
    assert (r.status_code, r.json()["error"]) == (413, "body of 101 bytes exceeds the limit of 100")
    chunked = client.post("/relay", content=iter([b"x" * 60, b"x" * 60]))  # no Content-Length: capped as it arrives
    assert (chunked.status_code, chunked.json()["error"]) == (413, "body exceeds the limit of 100 bytes")
    r = client.post("/relay", content=b"\xff\xfe")
    assert r.status_code == 400
    assert r.json()["error"].startswith("malformed JSON")
    assert client.post("/relay", json={"boom": 1}).status_code == 503
    crash = client.post("/relay", json={"crash": 1})
    assert (crash.status_code, crash.json()) == (500, {"error": "internal error: RuntimeError: unexpected",
                                                       "status": 500})  # fmt: skip
    assert fake.logged == ["internal error on /relay: RuntimeError: unexpected"]
    assert client.post("/ballot", content=b"{}").json() == {"status": "submitted", "tx": "0x" + "00" * 32}
    assert fake.seen[-1] == ({}, "Ballot")
    client.post("/delegation", content=b"{}")
    client.post("/api/relay", content=b"{}")
    assert [expect for _payload, expect in fake.seen[-2:]] == ["Delegation", None]
