"""The reward policy: a YAML file saying how many tokens each kind of activity earns and within which limits.

Example (all keys except ``decimals``, ``epoch``, ``aliases`` and the per-activity ``max_quantity_per_row``
are required; unknown keys are errors, so a typo cannot silently change a payout)::

    decimals: 18                  # token decimals (default 18)
    epoch_budget: 50000           # whole tokens paid out per epoch at most
    member_cap: 8000              # whole tokens one member can receive per epoch at most
    over_budget: pro_rata         # pro_rata (scale everyone down) or reject (refuse the plan)
    max_quantity_per_row: 24      # largest quantity one log row may carry (default for every activity)
    epoch:                        # optional: the epoch can also be given on the command line as YYYY-MM
      id: 202612
      start: 2026-12-01           # inclusive
      end: 2026-12-31             # inclusive
    activities:
      grass_cutting:              # the activity type as written in the log
        rate: 100                 # whole tokens per unit (hour or point)
        aliases: [草刈り]          # other names accepted in the log
        max_quantity_per_row: 8   # optional override

Money is never a float: YAML numbers such as ``0.5`` are read as exact :class:`~decimal.Decimal` from their
text (integers must be plain decimal: ``010`` is ten, not YAML 1.1's octal eight; ``0x10`` and ``1:30`` are
refused), and every amount (rates, cap, budget) must be a whole number of base units (``amount × 10**decimals``
must be an integer), otherwise the policy is rejected.

Activity names and aliases are matched after Unicode NFKC normalisation, trimming and case folding, so
full-width ``ＧＲＡＳＳ_cutting`` or ``Grass_Cutting `` match ``grass_cutting``.

Epochs: an epoch has an integer id and an inclusive date range. ``YYYY-MM`` (from the command line) means that
calendar month with id ``YYYYMM`` (e.g. ``2026-12`` → ``202612``, 2026-12-01 to 2026-12-31).
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from furusato.errors import ConfigError

__all__ = [
    "Activity",
    "Epoch",
    "OverBudget",
    "Policy",
    "load_policy",
    "normalize_name",
    "parse_epoch",
    "resolve_epoch",
    "to_base_units",
]

_UINT256_MAX = (1 << 256) - 1
_MONTH_RE = re.compile(r"([0-9]{4})-([0-9]{2})")
_PLAIN_INT_RE = re.compile(r"[-+]?[0-9]+")
_TOP_KEYS = {
    "decimals",
    "epoch_budget",
    "member_cap",
    "over_budget",
    "max_quantity_per_row",
    "epoch",
    "activities",
}
_ACTIVITY_KEYS = {"rate", "aliases", "max_quantity_per_row"}


class OverBudget(enum.Enum):
    """What happens when the members' (capped) total exceeds the epoch budget."""

    PRO_RATA = "pro_rata"
    """Scale every member down proportionally (largest-remainder rounding) so the total equals the budget."""
    REJECT = "reject"
    """Refuse to make a plan; the coordinator must fix the log or the policy."""


@dataclass(frozen=True)
class Epoch:
    """A reward period: an integer id (the first leaf field) and an inclusive date range."""

    id: int
    start: dt.date
    end: dt.date

    def __str__(self) -> str:
        """``202612 (2026-12-01 – 2026-12-31)``."""
        return f"{self.id} ({self.start.isoformat()} – {self.end.isoformat()})"


@dataclass(frozen=True)
class Activity:
    """One activity type: its canonical name, rate and per-row limit."""

    name: str
    rate: Decimal
    """Whole tokens per unit, exactly as written in the policy."""
    rate_units: int
    """Token base units per unit (``rate × 10**decimals``, always an integer)."""
    aliases: tuple[str, ...]
    max_quantity_per_row: Decimal


@dataclass(frozen=True)
class Policy:
    """A validated reward policy. All amounts are integers in token base units."""

    source: Path
    sha256: str
    """sha256 of the policy file's bytes (so ``sha256sum`` reproduces it)."""
    decimals: int
    epoch_budget: int
    member_cap: int
    over_budget: OverBudget
    activities: tuple[Activity, ...]
    by_name: Mapping[str, Activity]
    """Every activity under each of its names and aliases, keyed by :func:`normalize_name`."""
    epoch: Epoch | None

    def activity(self, name: str) -> Activity | None:
        """The activity whose name or alias matches ``name`` (after :func:`normalize_name`), if any."""
        return self.by_name.get(normalize_name(name))


def normalize_name(name: str) -> str:
    """Normalise an activity name for matching: NFKC, trimmed, case-folded."""
    return unicodedata.normalize("NFKC", name).strip().casefold()


def to_base_units(tokens: Decimal, decimals: int) -> int:
    """``tokens × 10**decimals`` as an exact int, computed with integers only.

    Raises ValueError if that is not a whole number of base units, or not a uint256.
    """
    if not tokens.is_finite() or tokens < 0 or tokens.adjusted() + decimals > 77:
        raise ValueError(f"{tokens} is not an amount that fits in a uint256")
    _, digits, exponent = tokens.as_tuple()
    coefficient = int("".join(map(str, digits)))
    shift = int(exponent) + decimals
    units: int
    if shift >= 0:
        units = coefficient * 10**shift
    else:
        units, fraction = divmod(coefficient, 10**-shift)
        if fraction:
            raise ValueError(f"{tokens} has more than {decimals} decimal places (token decimals)")
    if units > _UINT256_MAX:
        raise ValueError(f"{tokens} is not an amount that fits in a uint256")
    return units


class _PolicyLoader(yaml.SafeLoader):
    """Safe YAML loader that reads floats as exact Decimals and rejects duplicate keys."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ConfigError(
            f"line {node.start_mark.line + 1}: {text!r} is not a decimal number; write it like 12.5"
        ) from None


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise ConfigError(f"line {line}: key {key!r} repeats line {seen[key]}")
        seen[key] = line
    return loader.construct_mapping(node)


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    # YAML 1.1 would read 010 as octal 8 and 1:30 as 90; in a money file only plain decimal integers are allowed.
    text = str(loader.construct_scalar(node)).replace("_", "")
    if not _PLAIN_INT_RE.fullmatch(text):
        raise ConfigError(f"line {node.start_mark.line + 1}: write {text!r} as a plain decimal number")
    return int(text, 10)


_PolicyLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_PolicyLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_PolicyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _amount(value: Any, where: str, *, positive: bool) -> Decimal:
    """An exact decimal from a YAML int, Decimal or string; never a float or a bool."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise ConfigError(f"{where}: expected a number like 100 or '12.5', got {value!r}")
    try:
        amount = Decimal(value.strip().replace("_", "")) if isinstance(value, str) else Decimal(value)
    except InvalidOperation:
        raise ConfigError(f"{where}: {value!r} is not a decimal number") from None
    if not amount.is_finite():
        raise ConfigError(f"{where}: {value!r} is not a finite number")
    if amount < 0 or (positive and amount == 0):
        raise ConfigError(f"{where}: must be {'greater than 0' if positive else 'at least 0'}, got {value}")
    return amount


def _units(tokens: Decimal, where: str, decimals: int) -> int:
    try:
        return to_base_units(tokens, decimals)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ConfigError(f"{where}: expected a date like 2026-12-01, got a date and time {value}")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConfigError(f"{where}: expected a date like 2026-12-01, got {value!r}")


def _epoch(value: Any, where: str) -> Epoch:
    if not isinstance(value, Mapping) or set(value) != {"id", "start", "end"}:
        raise ConfigError(f"{where}: expected a mapping with exactly id, start and end")
    epoch_id = value["id"]
    if isinstance(epoch_id, bool) or not isinstance(epoch_id, int) or not 0 < epoch_id <= _UINT256_MAX:
        raise ConfigError(f"{where}.id: expected a positive integer like 202612, got {epoch_id!r}")
    start, end = _date(value["start"], f"{where}.start"), _date(value["end"], f"{where}.end")
    if start > end:
        raise ConfigError(f"{where}: start {start} is after end {end}")
    return Epoch(epoch_id, start, end)


def _activity(name: Any, spec: Any, decimals: int, default_max: Decimal) -> Activity:
    where = f"activities.{name}"
    if not isinstance(name, str) or not normalize_name(name):
        raise ConfigError(f"activities: activity names must be non-empty text, got {name!r}")
    if not isinstance(spec, Mapping):
        raise ConfigError(f"{where}: expected a mapping with at least 'rate'")
    unknown = sorted(set(spec) - _ACTIVITY_KEYS, key=str)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(_ACTIVITY_KEYS)}")
    if "rate" not in spec:
        raise ConfigError(f"{where}: 'rate' (whole tokens per unit) is required")
    rate = _amount(spec["rate"], f"{where}.rate", positive=False)
    rate_units = _units(rate, f"{where}.rate", decimals)
    aliases = spec.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and normalize_name(a) for a in aliases):
        raise ConfigError(f"{where}.aliases: expected a list of non-empty names, got {aliases!r}")
    max_quantity = default_max
    if "max_quantity_per_row" in spec:
        max_quantity = _amount(spec["max_quantity_per_row"], f"{where}.max_quantity_per_row", positive=True)
    return Activity(name, rate, rate_units, tuple(aliases), max_quantity)


def _parse(document: Any, source: Path, sha256: str) -> Policy:
    if not isinstance(document, Mapping):
        raise ConfigError("expected a YAML mapping at the top level")
    unknown = sorted(set(document) - _TOP_KEYS, key=str)
    if unknown:
        raise ConfigError(f"unknown key(s) {unknown}; allowed: {sorted(_TOP_KEYS)}")
    missing = sorted(
        {"epoch_budget", "member_cap", "over_budget", "max_quantity_per_row", "activities"} - set(document)
    )
    if missing:
        raise ConfigError(f"missing required key(s) {missing}")
    decimals = document.get("decimals", 18)
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 77:
        raise ConfigError(f"decimals: expected an integer from 0 to 77, got {decimals!r}")
    budget = _units(_amount(document["epoch_budget"], "epoch_budget", positive=True), "epoch_budget", decimals)
    cap = _units(_amount(document["member_cap"], "member_cap", positive=True), "member_cap", decimals)
    try:
        over_budget = OverBudget(document["over_budget"])
    except ValueError:
        choices = [o.value for o in OverBudget]
        raise ConfigError(f"over_budget: expected one of {choices}, got {document['over_budget']!r}") from None
    default_max = _amount(document["max_quantity_per_row"], "max_quantity_per_row", positive=True)
    specs = document["activities"]
    if not isinstance(specs, Mapping) or not specs:
        raise ConfigError("activities: expected a mapping of at least one activity type to its rate")
    activities = tuple(_activity(name, spec, decimals, default_max) for name, spec in specs.items())
    by_name: dict[str, Activity] = {}
    for activity in activities:
        for name in (activity.name, *activity.aliases):
            owner = by_name.setdefault(normalize_name(name), activity)
            if owner is not activity:
                raise ConfigError(f"activities: {name!r} names both {owner.name!r} and {activity.name!r}")
    epoch = _epoch(document["epoch"], "epoch") if "epoch" in document else None
    return Policy(source, sha256, decimals, budget, cap, over_budget, activities, by_name, epoch)


def load_policy(path: str | Path) -> Policy:
    """Read and validate a policy file; raises :class:`~furusato.errors.ConfigError` naming file and problem."""
    source = Path(path)
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{source}: cannot read the policy: {exc.strerror}") from None
    try:
        document = yaml.load(data.decode("utf-8-sig"), Loader=_PolicyLoader)  # noqa: S506 - a SafeLoader subclass
        return _parse(document, source, hashlib.sha256(data).hexdigest())
    except UnicodeDecodeError:
        raise ConfigError(f"{source}: the policy must be UTF-8 text") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML: {exc}") from None
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None


def parse_epoch(text: str) -> Epoch:
    """Parse ``YYYY-MM`` into that calendar month's epoch, id ``YYYYMM``."""
    match = _MONTH_RE.fullmatch(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
        raise ConfigError(f"epoch {text!r}: expected a month as YYYY-MM, e.g. 2026-12")
    year, month = int(match.group(1)), int(match.group(2))
    last_day = calendar.monthrange(year, month)[1]
    return Epoch(year * 100 + month, dt.date(year, month, 1), dt.date(year, month, last_day))


def resolve_epoch(policy: Policy, epoch: str | Epoch | None) -> Epoch:
    """The epoch of a run: the one given (``YYYY-MM`` or an :class:`Epoch`), else the policy's.

    If both are given they must be the same epoch (id and dates), so a month's policy cannot pay another month.
    """
    given = parse_epoch(epoch) if isinstance(epoch, str) else epoch
    if given is None:
        if policy.epoch is None:
            raise ConfigError(f"{policy.source}: no epoch: give one as YYYY-MM or define 'epoch' in the policy")
        return policy.epoch
    if policy.epoch is not None and policy.epoch != given:
        raise ConfigError(f"{policy.source}: the policy's epoch {policy.epoch} differs from the epoch given, {given}")
    return given
