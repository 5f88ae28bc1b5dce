"""The report's words in Japanese (default) and English."""

from __future__ import annotations

LANGS = ("ja", "en")

_CATALOG: dict[str, tuple[str, str]] = {
    "title": ("透明性レポート", "Transparency report"),
    "subtitle": ("関係人口の可視化とまちの会計", "The relationship population and the town's books"),
    "as_of": ("基準時点", "As of"),
    "block": ("ブロック", "block"),
    "network": ("ネットワーク", "Network"),
    "method": ("算出方法の版", "Method version"),
    "reconciled": (
        "照合済み: イベントから再計算した値がチェーン上の残高・発行量と一致しています（最小単位まで）。",
        "Reconciled: every figure rebuilt from events equals the chain's balances and supply, to the base unit.",
    ),
    "members": ("関係人口", "Relationship population"),
    "members_total": ("登録者数", "Registered members"),
    "ever_registered": ("累計登録", "Ever registered"),
    "participation": ("参加", "Participation"),
    "rewards": ("活動報酬", "Activity rewards"),
    "treasury": ("財務（会計）", "Treasury books"),
    "sales": ("資金調達（トークン販売）", "Fundraising sales"),
    "reconciliation": ("照合", "Reconciliation"),
    "month": ("月", "Month"),
    "registered": ("登録（職員）", "Registered by staff"),
    "self_registered": ("自己登録", "Self-registered"),
    "revoked": ("取消", "Revoked"),
    "left": ("退会", "Left"),
    "kind_changed": ("種別変更", "Kind changed"),
    "resident": ("住民", "Residents"),
    "relationship": ("関係人口", "Relationship"),
    "supporter": ("サポーター", "Supporters"),
    "total": ("合計", "Total"),
    "growth": ("増減", "Growth"),
    "proposal": ("提案", "Proposal"),
    "voters": ("投票者", "Voters"),
    "turnout_headcount": ("投票率（人数）", "Turnout (headcount)"),
    "turnout_weight": ("投票率（票数）", "Turnout (weight)"),
    "quorum_margin": ("定足数との差", "Quorum margin"),
    "result": ("結果", "Result"),
    "gini": ("ジニ係数", "Gini"),
    "top10_share": ("上位10者の割合", "Top-10 share"),
    "hhi": ("HHI", "HHI"),
    "holders": ("投票権保有者", "Holders of votes"),
    "coalition_quorum": ("可決に必要な最少人数（他が投票しない場合）", "Fewest voters to pass (if no one else votes)"),
    "coalition_majority": (
        "可決に必要な最少人数（残り全員が反対の場合）",
        "Fewest voters to pass (against all others)",
    ),
    "epoch": ("エポック", "Epoch"),
    "published_total": ("公表総額", "Published total"),
    "minted": ("支払済み", "Paid"),
    "recipients": ("受取人数", "Recipients"),
    "paid_push": ("一括支払い", "Paid by push"),
    "paid_claim": ("請求による支払い", "Paid by claim"),
    "withheld_open": ("保留中", "Withheld (open)"),
    "by_activity": ("活動種別の内訳（上限・按分前）", "By activity (before cap/scale)"),
    "asset": ("資産", "Asset"),
    "balance": ("残高", "Balance"),
    "category": ("区分", "Category"),
    "inflow": ("収入", "Inflow"),
    "outflow": ("支出", "Outflow"),
    "budget_lines": ("予算と執行", "Budget lines"),
    "line": ("予算番号", "Line"),
    "approved": ("承認額", "Approved"),
    "spent": ("執行額", "Spent"),
    "remaining": ("残額", "Left"),
    "expires": ("期限", "Expires"),
    "status": ("状態", "Status"),
    "runway": ("ランウェイ（直近3か月の支出ペース）", "Runway (trailing three-month outflow)"),
    "runway_months": ("残り月数", "Months"),
    "monthly_burn": ("月平均支出", "Monthly outflow"),
    "sale": ("販売", "Sale"),
    "raised": ("調達額", "Raised"),
    "sold": ("販売数量", "Sold"),
    "goal": ("目標", "Goal"),
    "buyers": ("購入者", "Buyers"),
    "outcome": ("結果", "Outcome"),
    "check": ("項目", "Check"),
    "from_events": ("イベントから", "From events"),
    "on_chain": ("チェーン上", "On chain"),
    "tx": ("取引", "Tx"),
    "ledger": ("入出金の明細", "Ledger"),
    "date_tx": ("日付・取引", "Date, transaction"),
    "amount": ("金額", "Amount"),
    "memo": ("摘要", "Memo"),
    "downloads": ("データ（CSV・JSON）", "Data (CSV, JSON)"),
    "none": ("なし", "none"),
    "chart_members": ("関係人口の推移", "Members over time"),
    "chart_turnout": ("提案ごとの投票率", "Turnout per proposal"),
    "chart_lorenz": ("報酬の分布（ローレンツ曲線）", "Reward distribution (Lorenz curve)"),
    "chart_balance": ("資産残高の推移", "Treasury balance over time"),
    "chart_flows": ("月別の収入と支出", "Monthly inflow and outflow"),
    "chart_budget": ("予算の執行状況", "Budget lines: approved vs spent"),
    "equality": ("完全平等", "Equality"),
    "share_holders": ("受取人の累積割合", "Share of recipients"),
    "share_amount": ("報酬の累積割合", "Share of rewards"),
    # categories and states
    "cat_sale": ("販売収入", "Sale proceeds"),
    "cat_deposit": ("その他の入金", "Other deposits"),
    "cat_sale_escrow": ("不成立販売の返還トークン", "Failed sale escrow returned"),
    "cat_transfer_in": ("その他の受取", "Other incoming"),
    "cat_payment": ("ガバナンスによる支払い", "Governance payments"),
    "cat_transfer_out": ("その他の送出", "Other outgoing"),
    "cat_budget": ("予算執行", "Budget spending"),
    "executed": ("実行済み", "executed"),
    "defeated": ("否決", "defeated"),
    "canceled": ("取消", "canceled"),
    "succeeded": ("可決", "succeeded"),
    "queued": ("待機中", "queued"),
    "active": ("投票中", "active"),
    "pending": ("開始前", "pending"),
    "expired": ("期限切れ", "expired"),
    "failed": ("不成立", "failed"),
    "open": ("執行中", "open"),
    "cancelled": ("取消", "cancelled"),
}


def t(key: str, lang: str) -> str:
    """The text for ``key`` in ``lang`` (the key itself if the catalog has none)."""
    pair = _CATALOG.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "ja" else pair[1]


def category(cat: str, lang: str) -> str:
    """A ledger category in words (budget categories keep their own name)."""
    if cat.startswith("budget:"):
        return f"{t('cat_budget', lang)}: {cat[7:]}"
    return t(f"cat_{cat}", lang)
