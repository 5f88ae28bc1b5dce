"""Charts as SVG (matplotlib), with a Japanese font that ships in a Python package (IPAexGothic from
``japanize-matplotlib``, loaded by path). Text is drawn as paths, so no viewer needs the font; sizes suit print and
a phone (readable at 100% width)."""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from furusato.errors import ConfigError
from furusato.transparency.amounts import as_float
from furusato.transparency.i18n import t
from furusato.transparency.members import KINDS
from furusato.transparency.timefmt import day_of

FONT_PACKAGE = "japanize_matplotlib"
FONT_FILE = "fonts/ipaexg.ttf"
COLORS = ("#1b6ca8", "#e07a1f", "#3a9d5d", "#c23b4e", "#7b5ea7", "#8c6d31")


def font_path() -> Path:
    """The bundled Japanese font; ConfigError naming the package if it is not installed."""
    spec = importlib.util.find_spec(FONT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"charts need the {FONT_PACKAGE} package (pip install japanize-matplotlib==1.1.3)")
    path = Path(next(iter(spec.submodule_search_locations))) / FONT_FILE
    if not path.is_file():
        raise ConfigError(f"{path} is missing: reinstall japanize-matplotlib")
    return path


def _setup() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager

    path = font_path()
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    matplotlib.rcParams.update(
        {
            "font.family": name,
            "svg.fonttype": "path",
            "svg.hashsalt": "furusato",  # stable ids: the same data gives the same file
            "font.size": 11,
            "axes.titlesize": 13,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "figure.dpi": 100,
        }
    )
    import matplotlib.pyplot as plt

    return plt


def _plain(text: str) -> str:
    """User text for a matplotlib label: ``$`` would start mathtext."""
    return text.replace("$", r"\$")


def _save(plt: Any, fig: Any, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, format="svg", metadata={"Date": None, "Creator": "furusato"})
    plt.close(fig)


def write_all(folder: Path, data: Mapping[str, Any], lang: str) -> dict[str, str]:
    """Write every chart that has data; returns ``{chart name: file name}``."""
    plt = _setup()
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, str] = {}
    decimals = {a: int(v["decimals"]) for a, v in data.get("assets", {}).items()}

    members = data.get("members")
    if members and members["months"]:
        months = [m["month"] for m in members["months"]]
        fig, ax = plt.subplots(figsize=(7.5, 3.8))
        ax.stackplot(range(len(months)), *[[m[k] for m in members["months"]] for k in KINDS],
                     labels=[t(k, lang) for k in KINDS], colors=COLORS[:3], alpha=0.85)  # fmt: skip
        ax.set_xticks(range(len(months)), months, rotation=45, ha="right")
        ax.set_title(t("chart_members", lang))
        ax.set_xlim(-0.05, max(len(months) - 1, 1) + 0.05)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        _save(plt, fig, folder / "members.svg")
        out["members"] = "members.svg"

    proposals = [p for p in data["participation"]["proposals"] if p["turnout_weight"] is not None]
    if proposals:
        fig, ax = plt.subplots(figsize=(7.5, 3.8))
        xs = range(len(proposals))
        ax.bar([x - 0.2 for x in xs], [p["turnout_weight"] * 100 for p in proposals], 0.4,
               label=t("turnout_weight", lang), color=COLORS[0])  # fmt: skip
        ax.bar([x + 0.2 for x in xs], [(p["turnout_headcount"] or 0) * 100 for p in proposals], 0.4,
               label=t("turnout_headcount", lang), color=COLORS[1])  # fmt: skip
        ax.set_xticks(list(xs), [f"#{i + 1}" for i in xs])
        ax.set_xlim(-0.8, len(proposals) - 0.2)
        ax.set_ylim(0, 125)
        ax.set_yticks([0, 25, 50, 75, 100])
        ax.set_ylabel("%")
        ax.set_title(t("chart_turnout", lang))
        ax.legend(loc="upper left", ncol=2, frameon=False)
        _save(plt, fig, folder / "turnout.svg")
        out["turnout"] = "turnout.svg"

    epochs = [e for e in data["rewards"]["epochs"] if e["recipients"]]
    if epochs:
        fig, ax = plt.subplots(figsize=(5.5, 5.0))
        ax.plot([0, 1], [0, 1], color="#999999", linestyle="--", label=t("equality", lang))
        for i, e in enumerate(epochs):
            xs_, ys_ = zip(*e["lorenz"], strict=True)
            ax.plot(xs_, ys_, color=COLORS[i % len(COLORS)], label=f"{t('epoch', lang)} {e['epoch']}")
        ax.set_xlabel(t("share_holders", lang))
        ax.set_ylabel(t("share_amount", lang))
        ax.set_title(t("chart_lorenz", lang))
        ax.legend(frameon=False)
        _save(plt, fig, folder / "lorenz.svg")
        out["lorenz"] = "lorenz.svg"

    series = data["treasury"]["series"]
    if series:
        fig, axes = plt.subplots(len(series), 1, figsize=(7.5, 2.8 * len(series)), squeeze=False)
        for ax, (asset, points) in zip(axes[:, 0], sorted(series.items()), strict=True):
            ts = [p[0] for p in points]
            vs = [as_float(p[1], decimals.get(asset, 18)) for p in points]
            ax.step(range(len(ts)), vs, where="post", color=COLORS[0])
            ax.set_xticks(range(len(ts)), [day_of(x) for x in ts], rotation=45, ha="right", fontsize=8)
            ax.set_title(f"{t('chart_balance', lang)}: {_plain(data['assets'][asset]['symbol'])}")
        _save(plt, fig, folder / "balance.svg")
        out["balance"] = "balance.svg"

    monthly = data["treasury"]["monthly"]
    if monthly:
        assets = sorted({r["asset"] for r in monthly})
        fig, axes = plt.subplots(len(assets), 1, figsize=(7.5, 3.0 * len(assets)), squeeze=False)
        for ax, asset in zip(axes[:, 0], assets, strict=True):
            months = sorted({r["month"] for r in monthly})
            dec = decimals.get(asset, 18)
            inflow = [sum(as_float(r["inflow"], dec) for r in monthly if r["asset"] == asset and r["month"] == m)
                      for m in months]  # fmt: skip
            outflow = [sum(as_float(r["outflow"], dec) for r in monthly if r["asset"] == asset and r["month"] == m)
                       for m in months]  # fmt: skip
            xs = range(len(months))
            ax.bar([x - 0.2 for x in xs], inflow, 0.4, label=t("inflow", lang), color=COLORS[2])
            ax.bar([x + 0.2 for x in xs], outflow, 0.4, label=t("outflow", lang), color=COLORS[3])
            ax.set_xticks(list(xs), months)
            ax.set_xlim(-0.8, len(months) - 0.2)
            ax.set_title(f"{t('chart_flows', lang)}: {_plain(data['assets'][asset]['symbol'])}")
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        _save(plt, fig, folder / "flows.svg")
        out["flows"] = "flows.svg"

    lines = data["treasury"]["budget_lines"]
    if lines:
        fig, ax = plt.subplots(figsize=(7.5, 1.2 + 0.6 * len(lines)))
        labels = [_plain(f"#{r['line']} {r['category']}") for r in lines]
        approved = [as_float(r["approved"], decimals.get(r["asset"], 18)) for r in lines]
        spent = [as_float(r["spent"], decimals.get(r["asset"], 18)) for r in lines]
        ys = range(len(lines))
        ax.barh(list(ys), approved, color="#cccccc", label=t("approved", lang))
        ax.barh(list(ys), spent, color=COLORS[0], height=0.5, label=t("spent", lang))
        ax.set_yticks(list(ys), labels)
        ax.invert_yaxis()
        ax.set_title(t("chart_budget", lang))
        ax.legend(frameon=False)
        _save(plt, fig, folder / "budget.svg")
        out["budget"] = "budget.svg"
    return out
