"""The static site: one ``index.html`` (no JavaScript), every user-controlled text escaped, charts as SVG files,
transaction links from an explorer URL template."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from furusato.errors import ConfigError
from furusato.transparency.amounts import human
from furusato.transparency.csvout import Table
from furusato.transparency.i18n import category, t
from furusato.transparency.timefmt import day_of, iso

CSS = """
body{font-family:"Noto Sans CJK JP","Hiragino Sans","Yu Gothic",sans-serif;margin:0 auto;max-width:60rem;
padding:1rem;line-height:1.6;color:#1d1d1d}
h1{font-size:1.6rem;margin-bottom:0}h2{border-bottom:2px solid #1b6ca8;padding-bottom:.2rem;margin-top:2.2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.6rem 0}
th,td{border-bottom:1px solid #ddd;padding:.3rem .4rem;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}th.n{text-align:right;min-width:5em}
.scroll{overflow-x:auto}img{max-width:100%;height:auto}.ok{color:#2a7a3b;font-weight:bold}
.meta{color:#555;font-size:.9rem}code{font-size:.85em}
@media print{h2{break-after:avoid}table,img{break-inside:avoid}a{color:inherit;text-decoration:none}}
"""


def e(value: Any) -> str:
    """Escaped text (None → empty)."""
    return "" if value is None else html.escape(str(value), quote=True)


def _pct(x: float | None) -> str:
    return "" if x is None else f"{x * 100:.1f}%"


def check_template(template: str | None) -> str | None:
    """An explorer URL template must be http(s) and contain ``{tx}``."""
    if template is None:
        return None
    if not template.startswith(("https://", "http://")) or "{tx}" not in template:
        raise ConfigError(f"--explorer-url must start with https:// or http:// and contain {{tx}}: {template!r}")
    return template


class Page:
    """Builds the HTML for one language."""

    def __init__(self, data: Mapping[str, Any], lang: str, explorer_url: str | None) -> None:
        self.data, self.lang, self.explorer = data, lang, check_template(explorer_url)
        self.parts: list[str] = []

    def t(self, key: str) -> str:
        return e(t(key, self.lang))

    def tx(self, tx_hash: str | None) -> str:
        if not tx_hash:
            return ""
        short = e(tx_hash[:10] + "…")
        if self.explorer is None:
            return f'<code title="{e(tx_hash)}">{short}</code>'
        url = self.explorer.replace("{tx}", quote(tx_hash, safe=""))
        return f'<a href="{e(url)}" rel="noopener"><code>{short}</code></a>'

    def amount(self, asset: str, value: Any) -> str:
        info = self.data["assets"].get(asset, {"decimals": 18, "symbol": asset})
        return f"{e(human(value, int(info['decimals'])))} {e(info['symbol'])}"

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()) -> None:
        """Cells are HTML already escaped by the caller."""
        head = "".join(f'<th class="n">{self.t(h)}</th>' if i in numeric else f"<th>{self.t(h)}</th>"
                       for i, h in enumerate(header))  # fmt: skip
        body = "".join(
            "<tr>"
            + "".join(f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(r))
            + "</tr>"
            for r in rows
        )
        self.parts.append(
            f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
        )

    def chart(self, charts: Mapping[str, str], name: str, alt_key: str) -> None:
        if name in charts:
            self.parts.append(f'<figure><img src="charts/{e(charts[name])}" alt="{self.t(alt_key)}" '
                              f'loading="lazy"><figcaption>{self.t(alt_key)}</figcaption></figure>')  # fmt: skip

    def render(self, charts: Mapping[str, str], tables: Mapping[str, Table]) -> str:
        d, p = self.data, self.parts
        token = d["contracts"]["RegionToken"]
        p.append(f"<h1>{self.t('title')}</h1><p>{self.t('subtitle')}</p>")
        p.append(
            f'<p class="meta">{self.t("as_of")}: {e(iso(d["report_time"]))} ({self.t("block")} {e(d["report_block"])})'
            f" · {self.t('network')}: {e(d['network'])} (chain {e(d['chain_id'])}) · {self.t('method')}: "
            f'{e(d["method_version"])}</p><p class="ok">✓ {self.t("reconciled")}</p>'
        )
        # 関係人口
        m = d.get("members")
        if m:
            p.append(f'<h2 id="members">{self.t("members")}</h2>')
            kinds = " · ".join(f"{self.t(k)} {e(v)}" for k, v in m["by_kind"].items())
            p.append(f"<p>{self.t('members_total')}: <strong>{e(m['total'])}</strong> ({kinds}) · "
                     f"{self.t('ever_registered')}: {e(m['ever_registered'])}</p>")  # fmt: skip
            self.chart(charts, "members", "chart_members")
            cols = ["registered", "self_registered", "revoked", "left", "resident", "relationship", "supporter",
                    "total", "growth"]  # fmt: skip
            self.table(["month", *cols], [[e(r["month"]), *[e(r[c]) for c in cols]] for r in m["months"]],
                       numeric=range(1, 10))  # fmt: skip
        # participation
        part = d["participation"]
        p.append(f'<h2 id="participation">{self.t("participation")}</h2>')
        self.chart(charts, "turnout", "chart_turnout")
        rows = []
        for i, r in enumerate(part["proposals"], start=1):
            rows.append([
                f"#{i} {e(r['title'])} {self.tx(r['tx_hash'])}", f"{e(r['voters'])}/{e(r['eligible'])}",
                e(_pct(r["turnout_headcount"])), e(_pct(r["turnout_weight"])), self.amount(token, r["quorum_margin"]),
                self.t(r["result"]),
            ])  # fmt: skip
        self.table(["proposal", "voters", "turnout_headcount", "turnout_weight", "quorum_margin", "result"], rows,
                   numeric=(1, 2, 3, 4))  # fmt: skip
        c = part["concentration"]
        none = self.t("none")
        self.table(["holders", "gini", "top10_share", "hhi", "coalition_quorum", "coalition_majority"], [[
            e(c["holders"]), e(c["gini"]), e(f"{c['top10_share'] * 100:.1f}%"), e(c["hhi"]),
            e(c["smallest_coalition_quorum"]) or none, e(c["smallest_coalition_majority"]) or none,
        ]], numeric=range(6))  # fmt: skip
        # rewards
        p.append(f'<h2 id="rewards">{self.t("rewards")}</h2>')
        self.chart(charts, "lorenz", "chart_lorenz")
        rows = []
        for r in d["rewards"]["epochs"]:
            split = r["by_activity"]
            split_text = "; ".join(f"{e(k)} {e(v)}" for k, v in split.items()) if split else ""
            rows.append([
                f"{e(r['epoch'])} {self.tx(r['tx_hash'])}", self.amount(token, r["total"]), e(r["recipients"]),
                self.amount(token, r["paid_push"]), self.amount(token, r["paid_claim"]),
                self.amount(token, r["withheld_open"]), e(r["gini"]), split_text,
            ])  # fmt: skip
        self.table(["epoch", "published_total", "recipients", "paid_push", "paid_claim", "withheld_open", "gini",
                    "by_activity"], rows, numeric=range(1, 7))  # fmt: skip
        # treasury
        tr = d["treasury"]
        p.append(f'<h2 id="treasury">{self.t("treasury")}</h2>')
        self.table(["asset", "balance", "monthly_burn", "runway_months"], [
            [e(d["assets"][a]["symbol"]), self.amount(a, v["balance"]), self.amount(a, v["monthly_burn"]),
             e(v["runway_months"]) if v["runway_months"] is not None else "—"]
            for a, v in tr["runway"].items()
        ], numeric=(1, 2, 3))  # fmt: skip
        p.append(f"<p class='meta'>{self.t('runway')}</p>")
        self.chart(charts, "balance", "chart_balance")
        self.chart(charts, "flows", "chart_flows")
        self.table(["month", "asset", "category", "inflow", "outflow"], [
            [e(r["month"]), e(d["assets"][r["asset"]]["symbol"]), e(category(r["category"], self.lang)),
             self.amount(r["asset"], r["inflow"]), self.amount(r["asset"], r["outflow"])]
            for r in tr["monthly"]
        ], numeric=(3, 4))  # fmt: skip
        p.append(f"<h3>{self.t('budget_lines')}</h3>")
        self.chart(charts, "budget", "chart_budget")
        self.table(["line", "category", "approved", "spent", "remaining", "expires", "status"], [
            [f"{e(r['line'])} {self.tx(r['tx_hash'])}", e(r["category"]), self.amount(r["asset"], r["approved"]),
             self.amount(r["asset"], r["spent"]), self.amount(r["asset"], r["left"]), e(day_of(r["expires_at"])),
             self.t(r["status"])]
            for r in tr["budget_lines"]
        ], numeric=(2, 3, 4))  # fmt: skip
        p.append(f"<h3>{self.t('ledger')}</h3>")
        self.table(["date_tx", "asset", "category", "amount", "memo"], [
            [f"{e(day_of(x['timestamp']))} {self.tx(x['tx_hash'])}", e(d["assets"][x["asset"]]["symbol"]),
             e(category(x["category"], self.lang)), self.amount(x["asset"], x["delta"]), e(x["memo"])]
            for x in tr["ledger"]
        ], numeric=(3,))  # fmt: skip
        # sales
        p.append(f'<h2 id="sales">{self.t("sales")}</h2>')
        rows = []
        for s in d["sales"]:
            pay = "ETH" if int(s["payment_token"], 16) == 0 else s["payment_token"]
            rows.append([
                f"<code>{e(s['address'][:10])}…</code> {self.tx(s['tx_hash'])}", self.amount(pay, s["raised"]),
                self.amount(token, s["sold"]), self.amount(token, s["goal"]), e(s["buyers"]), self.t(s["outcome"]),
            ])  # fmt: skip
        self.table(["sale", "raised", "sold", "goal", "buyers", "outcome"], rows, numeric=(1, 2, 3, 4))
        # reconciliation and downloads
        p.append(f'<h2 id="reconciliation">{self.t("reconciliation")}</h2>')
        self.table(["check", "from_events", "unrecorded", "on_chain"],
                   [[e(r["name"]), e(r["events"]), e(r["unrecorded"]), e(r["chain"])] for r in d["reconciliation"]],
                   numeric=(1, 2, 3))  # fmt: skip
        links = " · ".join(f'<a href="csv/{e(name)}.csv">{e(name)}.csv</a>' for name in tables)
        p.append(f'<h2>{self.t("downloads")}</h2><p>{links} · <a href="report.json">report.json</a></p>')
        body = "\n".join(p)
        return (f'<!DOCTYPE html>\n<html lang="{e(self.lang)}"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                f"<title>{self.t('title')} — {e(d['network'])}</title><style>{CSS}</style></head>"
                f"<body>\n{body}\n</body></html>\n")  # fmt: skip


def write_site(
    out: Path,
    data: Mapping[str, Any],
    tables: Mapping[str, Table],
    charts: Mapping[str, str],
    *,
    lang: str = "ja",
    explorer_url: str | None = None,
) -> Path:
    """Write ``index.html`` into ``out``; returns its path."""
    if lang not in ("ja", "en"):
        raise ConfigError(f"--lang must be ja or en, not {lang!r}")
    path = out / "index.html"
    path.write_text(Page(data, lang, explorer_url).render(charts, tables), encoding="utf-8")
    return path
