"""The portal's ASGI app (Starlette): server-rendered pages, a JSON read API, typed data and calldata built on the
server for the wallet, and the relayer's endpoints over :class:`furusato.relayer.core.Relayer`.

Safe by construction: every page is a Jinja2 template with autoescape; the only script is the package's own
``/static/portal.js`` (Content-Security-Policy ``script-src 'self'``, no inline script); data for the script is a
``<script type="application/json">`` block (never executed); CORS is closed unless origins are configured; bodies
are capped at the relayer's ``max_body``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.schemas import SchemaGenerator
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from web3 import Web3

from furusato import ballots
from furusato.constants import JST
from furusato.errors import ChainError, ClaimRefused, FurusatoError, SignatureRejected
from furusato.governance import Support
from furusato.portal.i18n import MESSAGES, pick_lang, t
from furusato.portal.markdown import render_markdown
from furusato.portal.rewards import member_reward_rows
from furusato.portal.views import Reader
from furusato.proposals.dao import Dao, own_connection
from furusato.relayer.claims import relay_claim
from furusato.relayer.core import DEFAULT_MAX_BODY, Relayer
from furusato.rewards.standing import PlanShelf

__all__ = ["CSP", "PortalSettings", "create_app"]

HERE = Path(__file__).parent
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
#: The static transparency report under /report/: no script at all; its own inline stylesheet is allowed.
REPORT_CSP = (
    "default-src 'none'; script-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_DECIMAL = re.compile(r"^[0-9]{1,80}$")
_TX_HASH = re.compile(r"^0x[0-9a-fA-F]{64}$")
DELEGATION_SECONDS = 7 * 86_400


@dataclass
class PortalSettings:
    """What the pages need to know beyond the deployment: the chain as a wallet adds it, CORS origins, the zone."""

    rpc_url: str = ""
    chain_name: str = "furusato"
    cors_origins: list[str] = field(default_factory=list)
    tz: dt.tzinfo = JST
    max_body: int = DEFAULT_MAX_BODY
    #: A transparency report folder (``furusato report --out DIR``) served at ``/report/``, or None.
    report_dir: Path | None = None
    #: The coordinator's reward plan folders (``furusato rewards plan --out DIR``) or folders holding them: my page
    #: then lists the member's rewards per epoch and offers a gasless claim of a withheld one.
    plans: list[Path] = field(default_factory=list)
    #: Threads for the JSON endpoints' work (each keeps its own connection to the node).
    workers: int = 16


class _Headers:
    """Security headers on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        report = str(scope.get("path", "")).startswith("/report/")

        async def send_with(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", (REPORT_CSP if report else CSP).encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status)


def _pid(text: str) -> int | None:
    return int(text) if _DECIMAL.match(text) else None


def _support(value: Any) -> Support:
    if value not in (0, 1, 2) or isinstance(value, bool):
        raise SignatureRejected("support: expected 0 (against), 1 (for) or 2 (abstain)")
    return Support(value)


def create_app(dao: Dao, relayer: Relayer | None, settings: PortalSettings | None = None) -> Starlette:
    """The portal for ``dao``; ``relayer`` None serves it read-only (no gasless submissions)."""
    settings = settings or PortalSettings()
    if relayer is not None:
        settings.max_body = relayer.settings.max_body
    dao = own_connection(dao) if relayer is None else relayer.dao  # the chain id asked once, not before each call
    reader = Reader(dao, settings.tz)
    shelf = PlanShelf(settings.plans) if settings.plans else None
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    schemas = SchemaGenerator({"openapi": "3.0.0", "info": {"title": "furusato portal API", "version": "1"}})

    def lang_of(request: Request) -> str:
        return pick_lang(request.query_params.get("lang"), request.headers.get("accept-language"))

    def config(lang: str) -> dict[str, Any]:
        return {
            "lang": lang,
            "chainId": reader.chain_id,
            "chainIdHex": hex(reader.chain_id),
            "chainName": settings.chain_name,
            "rpcUrl": settings.rpc_url,
            "governor": dao.governor.address,
            "token": dao.token.address,
            "gasless": relayer is not None,
            "messages": MESSAGES[lang],
        }

    def page(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        lang = lang_of(request)
        other = "en" if lang == "ja" else "ja"

        def tr(key: str, **kw: Any) -> str:
            return t(lang, key, **kw)

        def link(path: str) -> str:
            return path + ("?lang=en" if lang == "en" else "")

        html = env.get_template(template).render(
            t=tr, lang=lang, link=link, other_lang=other, other_href=f"{request.url.path}?lang={other}",
            data=config(lang), relayer=_relayer_status(lang), **values,
        )  # fmt: skip
        return HTMLResponse(html, status_code=status)

    def _relayer_status(lang: str) -> dict[str, Any] | None:
        if relayer is None:
            return None
        try:
            s = relayer.status()
        except ChainError:
            return None
        balance = f"{int(s['balanceWei']) / 10**18:,.4f}".rstrip("0").rstrip(".")
        s["text"] = t(lang, "relayer.status", balance=balance, votes=f"{s['votesAffordable']:,}")
        return s

    # ------------------------------------------------------------------------------------------ pages

    def home(request: Request) -> Response:
        return page(request, "list.html", proposals=reader.proposals(lang_of(request)))

    def proposal_page(request: Request) -> Response:
        pid = _pid(request.path_params["pid"])
        lang = lang_of(request)
        p = reader.proposal(pid, lang) if pid is not None else None
        if p is None:
            return page(request, "error.html", 404, message=t(lang, "error.not_found"))
        return page(request, "proposal.html", p=p, description_html=render_markdown(p["description"]))

    def votes_csv(request: Request) -> Response:
        pid = _pid(request.path_params["pid"])
        if pid is None or reader.info(pid) is None:
            return PlainTextResponse("no such proposal\n", status_code=404)
        return Response(
            "\ufeff" + reader.votes_csv(pid, lang_of(request)),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="votes-{pid}.csv"'},
        )

    def me_page(request: Request) -> Response:
        return page(request, "me.html", plans=shelf is not None)

    # ------------------------------------------------------------------------------------------ read API

    def api_proposals(request: Request) -> Response:
        """
        summary: Every proposal, newest first (state, tally in base units and words, quorum, deadlines in JST).
        responses:
          200: {description: a JSON list of proposals}
        """
        return JSONResponse(reader.proposals(lang_of(request)))

    def api_proposal(request: Request) -> Response:
        """
        summary: One proposal by decimal id, with its description (markdown), decoded actions and votes.
        responses:
          200: {description: the proposal}
          404: {description: no such proposal}
        """
        pid = _pid(request.path_params["pid"])
        p = reader.proposal(pid, lang_of(request)) if pid is not None else None
        return JSONResponse(p) if p is not None else _error(404, "no such proposal (ids are decimal)")

    def api_voter(request: Request) -> Response:
        """
        summary: An account's voting power at the proposal's snapshot, and whether and why it can vote.
        responses:
          200: {description: power, snapshot, canVote, reason (ok, voted, pending, closed, not_member, no_power)}
        """
        pid = _pid(request.path_params["pid"])
        account = request.path_params["account"]
        if pid is None or not Web3.is_address(account):
            return _error(400, "expected /api/proposals/<decimal id>/voters/<address>")
        v = reader.voter(pid, account, lang_of(request))
        return JSONResponse(v) if v is not None else _error(404, "no such proposal")

    def api_member(request: Request) -> Response:
        """
        summary: My page of an account (card, balance, votes, delegate, votes cast).
        responses:
          200: {description: the member's page}
        """
        account = request.path_params["account"]
        if not Web3.is_address(account):
            return _error(400, f"{account!r} is not an address")
        return JSONResponse(reader.member(account, lang_of(request)))

    def api_config(request: Request) -> Response:
        """
        summary: The chain, contracts and whether gasless voting is on (what the page's script needs).
        responses:
          200: {description: the configuration}
        """
        out = config(lang_of(request))
        del out["messages"]
        return JSONResponse(out)

    def api_status(request: Request) -> Response:
        """
        summary: The relayer's public status (sponsor balance, today's remaining gas, about how many votes it pays).
        responses:
          200: {description: the status}
          404: {description: the portal is read-only}
        """
        s = _relayer_status(lang_of(request))
        return JSONResponse(s) if s is not None else _error(404, "this portal is read-only: no relayer")

    def api_tx(request: Request) -> Response:
        """
        summary: Whether a transaction is mined (status 1 or 0) or still pending.
        responses:
          200: {description: the transaction's status}
        """
        tx = request.path_params["tx"]
        if not _TX_HASH.match(tx):
            return _error(400, "expected a 0x-prefixed 32-byte transaction hash")
        try:
            receipt = dao.w3.eth.get_transaction_receipt(tx)
        except Exception:
            return JSONResponse({"tx": tx, "mined": False})
        reader.forget()
        return JSONResponse({"tx": tx, "mined": True, "status": int(receipt["status"])})

    # ------------------------------------------------------------------------------------------ building messages

    async def body_of(request: Request) -> Any:
        limit = settings.max_body
        length = request.headers.get("content-length")
        if length is not None and not length.isdigit():
            raise SignatureRejected(f"bad Content-Length {length!r}")
        if length is not None and int(length) > limit:
            raise SignatureRejected(f"body of {length} bytes exceeds the limit of {limit}", 413)
        data = b""
        async for chunk in request.stream():  # a body without a length (chunked) is capped as it arrives
            data += chunk
            if len(data) > limit:
                raise SignatureRejected(f"body exceeds the limit of {limit} bytes", 413)
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SignatureRejected(f"malformed JSON: {exc}") from None

    # The JSON endpoints' work (node round trips, signature checks) runs on these threads: asyncio's executor hand-off
    # costs a fraction of anyio's, and their number bounds the node connections (one per thread).
    workers = ThreadPoolExecutor(max_workers=settings.workers, thread_name_prefix="portal-api")

    async def guarded(request: Request, fn: Any) -> Response:
        try:
            payload = await body_of(request)
            result = await asyncio.get_running_loop().run_in_executor(workers, fn, payload)
        except SignatureRejected as exc:
            return _error(exc.status, str(exc))
        except ChainError as exc:
            return _error(503, str(exc))
        except FurusatoError as exc:
            return _error(400, str(exc))
        except Exception as exc:  # answer every request in JSON; the service keeps running
            if relayer is not None:
                relayer.log(f"internal error on {request.url.path}: {type(exc).__name__}: {exc}")
            return _error(500, f"internal error: {type(exc).__name__}: {exc}")
        return JSONResponse(result)

    def _vote_text(lang: str, pid: int, support: Support, reason: str, key: str) -> str:
        choice = t(lang, f"support.{int(support)}")
        text = t(lang, key, choice=choice, id=pid)
        return text + (t(lang, "vote.explain.reason", reason=reason) if reason else "")

    def _vote_args(request: Request, payload: Any) -> tuple[int, str, Support, str]:
        pid = _pid(request.path_params["pid"])
        if pid is None or reader.info(pid) is None:
            raise SignatureRejected("no such proposal (ids are decimal)", 404)
        if not isinstance(payload, dict):
            raise SignatureRejected('expected {"voter": "0x…", "support": 0|1|2, "reason": "…"}')
        reason = payload.get("reason") or ""
        if not isinstance(reason, str):
            raise SignatureRejected("reason: expected text")
        return pid, ballots.address_of(payload.get("voter"), "voter"), _support(payload.get("support")), reason.strip()

    def vote_endpoint(make: Callable[[int, str, Support, str], dict[str, Any]], explain: str, doc: str) -> Any:
        """A POST endpoint that takes ``{"voter", "support", "reason"}`` for a proposal and answers what ``make``
        builds for the wallet, with the plain-language ``explain`` text of the vote."""

        async def endpoint(request: Request) -> Response:
            lang = lang_of(request)

            def build(payload: Any) -> dict[str, Any]:
                pid, voter, support, reason = _vote_args(request, payload)
                return {**make(pid, voter, support, reason), "explanation": _vote_text(lang, pid, support, reason,
                                                                                      explain)}  # fmt: skip

            return await guarded(request, build)

        endpoint.__doc__ = doc
        return endpoint

    def ballot_of(pid: int, voter: str, support: Support, reason: str) -> dict[str, Any]:
        return {"typedData": ballots.export_vote(dao, pid, support, voter, reason)}

    def vote_tx_of(pid: int, voter: str, support: Support, reason: str) -> dict[str, Any]:
        g = dao.governor
        data = (g.encode_abi("castVoteWithReason", args=[pid, int(support), reason]) if reason
                else g.encode_abi("castVote", args=[pid, int(support)]))  # fmt: skip
        return {"tx": {"from": voter, "to": g.address, "data": data, "value": "0x0", "chainId": hex(reader.chain_id)}}

    api_ballot = vote_endpoint(ballot_of, "vote.explain.gasless", """
        summary: The typed data of a gasless vote for the wallet (ExtendedBallot with a reason, Ballot without).
        requestBody: {description: '{"voter": "0x…", "support": 0|1|2, "reason": "…"}'}
        responses:
          200: {description: '{"typedData": …, "explanation": "…"}'}
        """)  # fmt: skip
    api_vote_tx = vote_endpoint(vote_tx_of, "vote.explain.direct", """
        summary: The transaction of a direct vote (castVote / castVoteWithReason) for eth_sendTransaction.
        requestBody: {description: '{"voter": "0x…", "support": 0|1|2, "reason": "…"}'}
        responses:
          200: {description: '{"tx": {"from", "to", "data", "value", "chainId"}, "explanation": "…"}'}
        """)  # fmt: skip

    async def api_delegation(request: Request) -> Response:
        """
        summary: The typed data of a gasless delegation (delegateBySig), valid for 7 days.
        requestBody: {description: '{"delegator": "0x…", "delegatee": "0x…"}'}
        responses:
          200: {description: '{"typedData": …, "explanation": "…"}'}
        """
        lang = lang_of(request)

        def build(payload: Any) -> dict[str, Any]:
            if not isinstance(payload, dict):
                raise SignatureRejected('expected {"delegator": "0x…", "delegatee": "0x…"}')
            delegator = ballots.address_of(payload.get("delegator"), "delegator")
            delegatee = ballots.address_of(payload.get("delegatee"), "delegatee")
            typed = ballots.export_delegation(dao, delegator, delegatee, dao.now() + DELEGATION_SECONDS)
            return {"typedData": typed, "explanation": t(lang, "me.delegate.explain", to=delegatee)}

        return await guarded(request, build)

    def relay_endpoint(expect: str | None) -> Any:
        async def relay(request: Request) -> Response:
            """
            summary: Relay a signed Ballot, ExtendedBallot or Delegation (checked, simulated, then sent).
            requestBody: {description: '{"typedData": …, "signature": "0x…"}'}
            responses:
              200: {description: '{"status": "submitted", "tx": "0x…"}'}
              4XX: {description: refused, with a readable error}
              503: {description: the node is unreachable}
            """
            if relayer is None:
                return _error(404, "this portal is read-only: it relays nothing")
            client = request.client.host if request.client else None

            def submit(payload: Any) -> dict[str, Any]:
                result = relayer.submit(payload, expect, client=client)
                reader.forget()
                return result

            return await guarded(request, submit)

        return relay

    def api_member_rewards(request: Request) -> Response:
        """
        summary: An account's activity rewards per epoch of the plan folders given to the portal (newest first).
        responses:
          200: {description: '{"account", "rewards": [{"epoch", "amount", "state", "stateText", "whenText", …}]}'}
          404: {description: the portal was given no plan folders}
        """
        account = request.path_params["account"]
        if shelf is None:
            return _error(404, "this portal was given no reward plan folders (portal serve --plans DIR)")
        if not Web3.is_address(account):
            return _error(400, f"{account!r} is not an address")
        try:
            rows = member_reward_rows(dao, shelf, account, lang_of(request), settings.tz, reader.symbol,
                                      relayer is not None)  # fmt: skip
        except FurusatoError as exc:  # the node (503), or a plan folder damaged since the start
            return _error(503 if isinstance(exc, ChainError) else 500, str(exc))
        return JSONResponse(rows)

    async def api_claim(request: Request) -> Response:
        """
        summary: Have the relayer send the claim of a member's withheld reward (no signature; tokens go to the member).
        requestBody: {description: '{"account": "0x…", "epoch": 202612}'}
        responses:
          200: {description: '{"status": "submitted", "tx": "0x…", "amount": "…"}'}
          4XX: {description: refused, with the reason in the page's language and the details}
        """
        if relayer is None or shelf is None:
            return _error(404, "this portal relays no reward claims (read-only, or no --plans)")
        lang = lang_of(request)
        client = request.client.host if request.client else None

        def claim(payload: Any) -> dict[str, Any]:
            if not isinstance(payload, dict) or not isinstance(payload.get("epoch"), int):
                raise SignatureRejected('expected {"account": "0x…", "epoch": 202612}')
            account = ballots.address_of(payload.get("account"), "account")
            try:
                result = relay_claim(relayer, shelf.folders(), payload["epoch"], account, client=client)
            except ClaimRefused as exc:  # the reason in the page's language first, then the details
                key = f"rewards.refused.{exc.reason}"
                if key not in MESSAGES[lang]:
                    raise
                raise ClaimRefused(f"{t(lang, key)} ({exc})", exc.reason, exc.status) from exc
            reader.forget()
            return result

        return await guarded(request, claim)

    def health(request: Request) -> Response:
        """
        summary: The relayer's health (chain, contracts, gas spent today), or the chain when read-only.
        responses:
          200: {description: ok}
        """
        if relayer is None:
            return JSONResponse({"status": "ok", "chainId": reader.chain_id, "governor": dao.governor.address})
        try:
            return JSONResponse(relayer.health())
        except ChainError as exc:
            return _error(503, str(exc))

    def openapi(request: Request) -> Response:
        return JSONResponse(schemas.get_schema(routes=request.app.routes))

    routes = [
        Route("/", home),
        Route("/proposals/{pid}", proposal_page),
        Route("/proposals/{pid}/votes.csv", votes_csv),
        Route("/me", me_page),
        Route("/api/config", api_config),
        Route("/api/proposals", api_proposals),
        Route("/api/proposals/{pid}", api_proposal),
        Route("/api/proposals/{pid}/voters/{account}", api_voter),
        Route("/api/proposals/{pid}/ballot", api_ballot, methods=["POST"]),
        Route("/api/proposals/{pid}/vote-tx", api_vote_tx, methods=["POST"]),
        Route("/api/delegation", api_delegation, methods=["POST"]),
        Route("/api/members/{account}", api_member),
        Route("/api/members/{account}/rewards", api_member_rewards),
        Route("/api/rewards/claim", api_claim, methods=["POST"]),
        Route("/api/relayer/status", api_status),
        Route("/api/tx/{tx}", api_tx),
        Route("/api/relay", relay_endpoint(None), methods=["POST"]),
        Route("/relay", relay_endpoint(None), methods=["POST"]),
        Route("/ballot", relay_endpoint("Ballot"), methods=["POST"]),
        Route("/delegation", relay_endpoint("Delegation"), methods=["POST"]),
        Route("/health", health),
        Route("/api/openapi.json", openapi, include_in_schema=False),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    if settings.report_dir is not None:
        routes.append(Mount("/report", StaticFiles(directory=settings.report_dir, html=True), name="report"))
    middleware = [Middleware(_Headers)]
    if settings.cors_origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                                     allow_headers=["content-type"]))  # fmt: skip

    async def http_error(request: Request, exc: Exception) -> Response:
        """Unknown endpoints and methods: JSON for the API and the relayer's endpoints, text for pages."""
        status = int(getattr(exc, "status_code", 500))
        path = request.url.path
        if request.method == "GET" and not path.startswith("/api/") and path not in ("/relay", "/ballot", "/delegation",
                                                                                     "/health"):  # fmt: skip
            return PlainTextResponse(str(getattr(exc, "detail", "")), status_code=status)
        return _error(status, f"no such endpoint: {request.method} {request.url.path}")

    app = Starlette(routes=routes, middleware=middleware, exception_handlers={404: http_error, 405: http_error})
    app.state.reader = reader
    app.state.relayer = relayer
    return app
