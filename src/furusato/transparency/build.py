"""The report, end to end: index the deployment's logs, compute every figure, reconcile with the chain, write the
site, the CSVs and ``report.json``. :func:`write_report` is the one entry point (CLI, demo)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict, Unpack

from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from furusato.errors import ChainError
from furusato.membership.sale_view import read_sale
from furusato.records import DeploymentRecord
from furusato.transparency import METHOD_VERSION, books, members, participation, rewards, sales
from furusato.transparency.events import Decoder, Event
from furusato.transparency.index import Index, IndexStats, Web3Source
from furusato.transparency.reconcile import Check, require
from furusato.transparency.timefmt import end_of_day, iso

ROLES = ("RegionToken", "RegionGovernor", "TimelockController", "Treasury", "ActivityRewards", "ResidentRegistry")
MINTER_ROLE = "0x" + keccak(text="MINTER_ROLE").hex()
DEV_CHAINS = (1337, 31337)
_ERC20_META = [
    {"name": "symbol", "type": "function", "stateMutability": "view", "inputs": [],
     "outputs": [{"name": "", "type": "string"}]},
    {"name": "decimals", "type": "function", "stateMutability": "view", "inputs": [],
     "outputs": [{"name": "", "type": "uint8"}]},
]  # fmt: skip
_BALANCE_OF = [
    {"name": "balanceOf", "type": "function", "stateMutability": "view",
     "inputs": [{"name": "a", "type": "address"}], "outputs": [{"name": "", "type": "uint256"}]},
]  # fmt: skip


@dataclass
class ReportOptions:
    """What the user chose (``furusato report`` flags)."""

    out: Path
    plans: Sequence[Path] = ()
    lang: str = "ja"
    until: str | None = None  # YYYY-MM-DD (JST, inclusive)
    cache: Path | None = None  # SQLite index; default: beside the deployment record
    excel_sjis: bool = False
    explorer_url: str | None = None  # e.g. "https://sepolia.etherscan.io/tx/{tx}"
    confirmations: int | None = None  # default: 0 on development chains, else 12
    charts: bool = True
    log: Callable[[str], None] = field(default=lambda _line: None)


@dataclass
class Indexed:
    """An indexed deployment: the index, the decoded events up to the report's block, and where that block is."""

    index: Index
    stats: list[IndexStats]
    events: list[Event]
    roles: dict[str, str]  # lower-case address -> role
    sales: list[str]  # checksummed sale addresses
    report_block: int
    report_time: int


def default_cache(records_file: Path) -> Path:
    """``deployments/<network>.index.sqlite`` beside ``deployments/<network>.json``."""
    return records_file.with_name(records_file.stem + ".index.sqlite")


def _report_block(w3: Any, last: int, until: str | None) -> int:
    if until is None:
        return last
    limit = end_of_day(until)
    lo, hi = 0, last
    if int(w3.eth.get_block(lo)["timestamp"]) > limit:
        raise ChainError(f"--until {until}: the chain starts after that day")
    while lo < hi:  # last block with timestamp <= limit
        mid = (lo + hi + 1) // 2
        if int(w3.eth.get_block(mid)["timestamp"]) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return lo


Abis = Mapping[str, Sequence[Mapping[str, Any]]]


def _quiet(_line: str) -> None:
    pass


def update_index(
    w3: Any,
    record: DeploymentRecord,
    abis: Abis,
    cache: Path,
    **options: Unpack[IndexOptions],
) -> tuple[Index, list[IndexStats], dict[str, str], list[str], int]:
    """Bring the index up to date, discovering sales from the token's ``MINTER_ROLE`` grants (a sale found later is
    indexed from the deploy block). Returns the index, what each sync did, ``address -> role``, the sales and the
    block indexed up to."""
    confirmations, log = options.get("confirmations"), options.get("log", _quiet)
    chain_id = int(w3.eth.chain_id)
    if chain_id != record.chain_id:
        raise ChainError(f"connected to chain {chain_id}, but the deployment record is for chain {record.chain_id}")
    conf = confirmations if confirmations is not None else (0 if chain_id in DEV_CHAINS else 12)
    token = record.address("RegionToken")
    index = Index(cache)
    anchor = Web3Source(w3).blocks([record.deploy_block])[record.deploy_block][0]
    if index.bind(chain_id, token, anchor):
        log(f"{cache}: the chain changed below the deploy block (a restarted development chain?): index rebuilt")
    roles = {record.address(r).lower(): r for r in ROLES if r in record.contracts}
    index.add_sources(roles, record.deploy_block)
    source = Web3Source(w3)
    stats = [index.sync(source, confirmations=conf, log=log)]
    target = stats[0].to_block
    decoder = Decoder({"RegionToken": abis["RegionToken"]})
    granted = decoder.topic("RegionToken", "RoleGranted")
    rewards_addr = record.contracts.get("ActivityRewards")
    known = {a for a, (_s, _t) in index.sources().items()}
    found: list[str] = []
    for raw, ts in index.logs(up_to=target, topic0=granted):
        if raw.address != token.lower():
            continue
        g = decoder.decode("RegionToken", raw, ts)
        if g is None or g["role"] != MINTER_ROLE:
            continue
        account = g["account"]
        if (rewards_addr and account.lower() == rewards_addr.address.lower()) or account in found:
            continue
        if account.lower() not in known:
            try:
                terms = w3.eth.contract(address=account, abi=abis["TokenSale"]).functions.terms().call()
            except Exception:  # noqa: S112 - a minter that is not a TokenSale
                continue
            if to_checksum_address(terms[0]) != token:
                continue
        found.append(account)
    for sale in found:
        roles[sale.lower()] = "TokenSale"
    new = [s.lower() for s in found if s.lower() not in known]
    if new:
        index.add_sources(new, record.deploy_block)
        stats.append(index.sync(source, confirmations=conf, to_block=target, log=log))
    return index, stats, roles, found, target


class IndexOptions(TypedDict, total=False):
    """How :func:`update_index` syncs: blocks kept back for reorgs (default 0 on development chains, else 12) and
    where progress lines go."""

    confirmations: int | None
    log: Callable[[str], None]


def index_deployment(
    w3: Any,
    record: DeploymentRecord,
    abis: Abis,
    cache: Path,
    *,
    until: str | None = None,
    **options: Unpack[IndexOptions],
) -> Indexed:
    """:func:`update_index`, then decode every event up to the report's block (the last one of ``until``'s day,
    JST, when given)."""
    index, stats, roles, found, target = update_index(w3, record, abis, cache, **options)
    report_block = _report_block(w3, target, until)
    report_time = int(w3.eth.get_block(report_block)["timestamp"])
    events = Decoder(abis).decode_all(roles, index.logs(up_to=report_block))
    return Indexed(index, stats, events, roles, found, report_block, report_time)


def _facts_reader(w3: Any, record: DeploymentRecord, abis: Mapping[str, Any], block: int, events: list[Event]) -> Any:
    token = w3.eth.contract(address=record.address("RegionToken"), abi=abis["RegionToken"])
    governor = w3.eth.contract(address=record.address("RegionGovernor"), abi=abis["RegionGovernor"])

    def facts(pid: int, snapshot: int) -> participation.ProposalFacts:
        state = int(governor.functions.state(pid).call(block_identifier=block))
        when = min(snapshot, int(w3.eth.get_block(block)["timestamp"]) - 1)
        quorum = int(governor.functions.quorum(when).call(block_identifier=block))
        supply = int(token.functions.getPastTotalSupply(when).call(block_identifier=block))
        holders = participation.voting_power([e for e in events if e.timestamp <= when])
        return participation.ProposalFacts(state, quorum, supply, len(holders))

    return facts


def collect(
    w3: Any, record: DeploymentRecord, abis: Mapping[str, Any], ix: Indexed, plans: Sequence[Path] = ()
) -> dict[str, Any]:
    """Every figure of the report, reconciled with the chain at ``ix.report_block`` (ReconcileError otherwise)."""
    block, now, events = ix.report_block, ix.report_time, ix.events
    token_addr, treasury = record.address("RegionToken"), record.address("Treasury")
    token = w3.eth.contract(address=token_addr, abi=abis["RegionToken"])
    governor = w3.eth.contract(address=record.address("RegionGovernor"), abi=abis["RegionGovernor"])

    # 関係人口
    chs = members.changes(events)
    member_summary = members.summarize(chs, now) if "ResidentRegistry" in record.contracts else None

    # participation
    proposal_rows = participation.proposals(events, _facts_reader(w3, record, abis, block, events))
    power = participation.voting_power(events)
    quorum_now = int(governor.functions.quorum(now - 1).call(block_identifier=block))
    conc = participation.concentration(power, quorum_now)

    # rewards
    plan_map = rewards.read_plans(plans)
    epoch_rows = rewards.epochs(events, plan_map)

    # sales
    sale_facts = {s: read_sale(w3.eth.contract(address=s, abi=abis["TokenSale"]), block) for s in ix.sales}
    sale_rows = sales.sales(events, sale_facts)

    # treasury: the events' books, then what no event explains (booked at the report's block), then reconciliation
    entries = books.ledger(events, treasury, token_addr, set(ix.sales))
    booked = books.balances(entries)
    line_rows = books.budget_lines(events, now)
    payment_assets = {
        f.terms.payment_token if f.terms.payment_token != books.ZERO else books.ETH for f in sale_facts.values()
    }
    assets_seen = set(booked) | {books.ETH, token_addr} | payment_assets
    on_chain: dict[str, int] = {}
    unreadable: list[str] = []  # a token anyone deposited whose balanceOf fails now: its books stand as its events say
    for asset in sorted(assets_seen):
        if asset == books.ETH:
            on_chain[asset] = int(w3.eth.get_balance(treasury, block_identifier=block))
            continue
        erc20 = w3.eth.contract(address=asset, abi=_BALANCE_OF)
        try:
            on_chain[asset] = int(erc20.functions.balanceOf(treasury).call(block_identifier=block))
        except Exception:
            if asset == token_addr or asset in payment_assets:
                raise
            unreadable.append(asset)
    gaps = books.unexplained(booked, on_chain, (now, block), exact={token_addr},
                             inflow_only={books.ETH} | payment_assets)  # fmt: skip
    entries += gaps
    balances = books.balances(entries)
    unrecorded = {x.asset: x.delta for x in gaps}
    checks: list[Check] = [
        Check(f"treasury balance {asset}", booked.get(asset, 0), on_chain[asset], unrecorded.get(asset, 0))
        for asset in sorted(on_chain)
    ]
    minted = burned = 0
    for e in events:
        if e.contract == "RegionToken" and e.name == "Transfer":
            if e["from"] == books.ZERO:
                minted += int(e["value"])
            if e["to"] == books.ZERO:
                burned += int(e["value"])
    supply = int(token.functions.totalSupply().call(block_identifier=block))
    checks.append(Check("RegionToken totalSupply", minted - burned, supply))
    if "ActivityRewards" in record.contracts:
        ar = w3.eth.contract(address=record.address("ActivityRewards"), abi=abis["ActivityRewards"])
        total_events = total_chain = 0
        for row in epoch_rows:
            info = ar.functions.epochInfo(int(row["epoch"])).call(block_identifier=block)
            total_events += int(row["minted"])
            total_chain += int(info[2])
            checks.append(Check(f"rewards minted epoch {row['epoch']}", int(row["minted"]), int(info[2])))
        checks.append(Check("rewards minted, all epochs", total_events, total_chain))
    require(checks)

    assets: dict[str, dict[str, Any]] = {books.ETH: {"symbol": "ETH", "decimals": 18}}
    for asset in sorted(a for a in assets_seen if a != books.ETH):
        c = w3.eth.contract(address=asset, abi=_ERC20_META)
        try:
            symbol, decimals = str(c.functions.symbol().call()), int(c.functions.decimals().call())
        except Exception:  # a token without metadata: show its address
            symbol, decimals = asset, 0
        assets[asset] = {"symbol": symbol[:32], "decimals": decimals}

    return {
        "method_version": METHOD_VERSION,
        "network": record.network,
        "chain_id": record.chain_id,
        "report_block": block,
        "report_time": now,
        "report_time_iso": iso(now),
        "assets": assets,
        "contracts": {name: record.address(name) for name in record.contracts} | {"TokenSale": list(ix.sales)},
        "index": {"events": len(events), "deploy_block": record.deploy_block},
        "members": member_summary,
        "member_changes": [c.__dict__ for c in chs],
        "participation": {
            "proposals": proposal_rows,
            "trend": participation.turnout_trend(proposal_rows),
            "concentration": conc,
        },
        "rewards": {"epochs": epoch_rows},
        "treasury": {
            "balances": {a: str(v) for a, v in sorted(balances.items())},
            "monthly": books.monthly(entries, now),
            "budget_lines": line_rows,
            "runway": books.runway(entries, now),
            "ledger": [{**x.__dict__, "delta": str(x.delta)} for x in entries],
            "series": {a: [[t, str(v)] for t, v in pts] for a, pts in books.balance_series(entries).items()},
        },
        "sales": sale_rows,
        "reconciliation": [
            {"name": c.name, "events": str(c.from_events), "chain": str(c.on_chain), "unrecorded": str(c.unrecorded)}
            for c in checks
        ]
        + [
            {"name": f"treasury balance {a}", "events": str(booked.get(a, 0)), "chain": "unreadable", "unrecorded": "0"}
            for a in unreadable
        ],
    }


def abis_of(artifacts: Any) -> dict[str, list[dict[str, Any]]]:
    """The ABIs the report decodes, from ``furusato.artifacts.Artifacts``."""
    return {name: artifacts.get(name).abi for name in (*ROLES, "TokenSale")}


def write_report(
    w3: Any, record: DeploymentRecord, artifacts: Any, options: ReportOptions, *, records_file: Path | None = None
) -> Path:
    """Index, compute, reconcile, and write ``report.json``, the CSVs, the charts and the site into
    ``options.out``; returns the path of ``index.html``. Nothing is written if reconciliation fails."""
    from furusato.transparency import csvout, site

    started = time.perf_counter()
    abis = abis_of(artifacts)
    if options.cache is not None:
        cache = options.cache
    elif records_file is not None:
        cache = default_cache(records_file)
    else:
        cache = options.out / "index.sqlite"
    ix = index_deployment(w3, record, abis, cache, confirmations=options.confirmations, until=options.until,
                          log=options.log)  # fmt: skip
    try:
        data = collect(w3, record, abis, ix, options.plans)
    finally:
        ix.index.close()
    data["until"] = options.until
    data["lang"] = options.lang
    out = options.out
    out.mkdir(parents=True, exist_ok=True)
    tables = csvout.tables(data)
    csvout.write_all(out / "csv", tables, sjis=options.excel_sjis)
    chart_files: dict[str, str] = {}
    if options.charts:
        from furusato.transparency import charts

        chart_files = charts.write_all(out / "charts", data, options.lang)
    data["seconds"] = round(time.perf_counter() - started, 3)
    (out / "report.json").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return site.write_site(out, data, tables, chart_files, lang=options.lang, explorer_url=options.explorer_url)
