"""The report's words in Japanese (default) and English."""

from __future__ import annotations

from pathlib import Path

LANGS = ("ja", "en")


def _load() -> dict[str, tuple[str, str]]:
    import yaml

    data = yaml.safe_load((Path(__file__).with_name("messages.yaml")).read_text(encoding="utf-8"))
    return {str(key): (str(ja), str(en)) for key, (ja, en) in data.items()}


#: key -> (Japanese, English), from messages.yaml beside this module (a translator edits one file).
_CATALOG: dict[str, tuple[str, str]] = _load()


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
