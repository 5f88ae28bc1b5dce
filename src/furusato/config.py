"""Deployment configuration: YAML with presets (`local`, `town`), validated into typed values."""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from furusato.abi import address_problem, to_checksum_address
from furusato.constants import MEMBER_KINDS
from furusato.errors import ConfigError
from furusato.textio import load_yaml_mapping
from furusato.units import format_duration, parse_duration, parse_units

PRESETS = ("local", "town")

#: Longest EIP-712 domain name OpenZeppelin 5.7 accepts (``ShortStrings``: 31 UTF-8 bytes; longer reverts with
#: ``StringTooLong`` in the constructor).
EIP712_NAME_MAX_BYTES = 31
#: RegionGovernor's upper bounds on what governance may set (MAX_VOTING_DELAY, MAX_VOTING_PERIOD), checked when the
#: config is read (the constructor takes shorter periods than governance may set, for development chains).
MAX_VOTING_DELAY = 30 * 86400
MAX_VOTING_PERIOD = 90 * 86400
#: RegionTimelock's MIN_DELAY: the shortest delay governance may set (``updateDelay``), so members always have a day
#: to react to a passed proposal. A deployment may be shorter (development chains); a live one is warned (deploy lint).
MIN_TIMELOCK_DELAY = 86400
#: RegionTimelock's MAX_DELAY (its constructor and ``updateDelay`` refuse more): a delay too long to wait out could only
#: be changed by a proposal that waits it out. Checked when the config is read, so the deploy never gets that far.
MAX_TIMELOCK_DELAY = 30 * 86400

#: Every key a config may hold, by section (``genesis`` holds a list of ``{to, amount}``).
KNOWN_KEYS: dict[str, tuple[str, ...]] = {
    "": ("preset", "token", "governor", "timelock", "genesis", "rewards", "registry"),
    "token": ("name", "symbol", "cap", "domain_name"),
    "governor": (
        "name", "voting_delay", "voting_period", "proposal_threshold", "quorum_percent", "late_quorum_extension",
        "guardian", "members_only", "quorum",
    ),
    "timelock": ("min_delay",),
    "genesis": ("to", "amount"),
    "rewards": ("challenge_window", "member_cap", "standing_budget", "coordinators", "members_only"),
    "registry": ("name", "symbol", "registrars", "self_registration_kinds", "restrict_transfers", "genesis_kind"),
}  # fmt: skip


def parse_address(value: Any, field: str, *, allow_none: bool = False) -> str | None:
    """A checksummed address; mixed-case input must carry a valid EIP-55 checksum."""
    if value is None and allow_none:
        return None
    problem = address_problem(value)
    if problem:
        raise ConfigError(f"{field}: {value!r} {problem}")
    return to_checksum_address(str(value))


@dataclass(frozen=True)
class Allocation:
    """Tokens minted at deployment (genesis), before the deployer gives up its roles."""

    to: str
    amount: int


@dataclass(frozen=True)
class RewardsConfig:
    """The ActivityRewards minter: deployed when the config has a ``rewards`` section.

    ``members_only``: only registered members of the deployment's ResidentRegistry are rewarded (a push withholds
    the leaves of non-members; they can claim once registered). Defaults to the registry's ``restrict_transfers``.
    """

    challenge_window: int
    member_cap: int
    standing_budget: int
    coordinators: tuple[str, ...]
    members_only: bool = False


#: Membership kinds, in the order of ``IResidentRegistry.Kind`` (:data:`furusato.constants.MEMBER_KINDS`).
KINDS = MEMBER_KINDS
#: Other names accepted for a kind (Japanese, and common variants).
KIND_ALIASES = {
    "resident": "resident", "住民": "resident",
    "relationship": "relationship", "relationship population": "relationship", "関係人口": "relationship",
    "supporter": "supporter", "サポーター": "supporter", "応援者": "supporter",
}  # fmt: skip


def parse_kind(value: Any, field: str) -> int:
    """The on-chain kind (0 resident, 1 relationship, 2 supporter) of an English or Japanese kind name."""
    name = KIND_ALIASES.get(str(value).strip().lower()) if value is not None else None
    if name is None:
        raise ConfigError(
            f"{field}: {value!r} is not a kind (resident/住民, relationship/関係人口, supporter/サポーター)"
        )
    return KINDS.index(name)


@dataclass(frozen=True)
class RegistryConfig:
    """The ResidentRegistry (membership cards): deployed when the config has a ``registry`` section."""

    name: str
    symbol: str
    registrars: tuple[str, ...]
    self_registration_kinds: int  # bit mask: bit k set = kind k may register itself
    restrict_transfers: bool
    genesis_kind: int = 0  # kind of the cards given to genesis recipients in restricted mode


@dataclass(frozen=True)
class DeployConfig:
    """Everything `deploy` needs to know, validated."""

    preset: str
    token_name: str
    token_symbol: str
    token_cap: int
    governor_name: str  # also the governor's EIP-712 domain name: at most 31 UTF-8 bytes
    voting_delay: int
    voting_period: int
    proposal_threshold: int
    quorum_percent: int
    late_quorum_extension: int
    timelock_delay: int
    guardian: str | None
    genesis: tuple[Allocation, ...]
    rewards: RewardsConfig | None = None
    registry: RegistryConfig | None = None
    governor_members_only: bool = False  # only registry members may propose and vote
    #: The token's EIP-712 domain name (what wallets show when signing a permit or a delegation), at most 31 UTF-8
    #: bytes; "" means the token name itself (the default when it fits).
    token_domain_name: str = ""

    @property
    def token_domain(self) -> str:
        """The token's EIP-712 domain name as deployed."""
        return self.token_domain_name or self.token_name

    # "token": quorum is quorum_percent of the voting supply (RegionGovernor); "headcount": more than quorum_percent
    # of the members active at the snapshot must cast a valid vote (HeadcountGovernor, the Yamakoshi rule)
    quorum_kind: str = "token"

    def digest(self) -> str:
        """A stable hash of the configuration, stored in the deployment record."""
        fields = asdict(self)
        if not fields["token_domain_name"]:  # the default: digests of configs written before the field are unchanged
            del fields["token_domain_name"]
        if fields["quorum_kind"] == "token":  # likewise for the quorum's kind (headcount came later)
            del fields["quorum_kind"]
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def load_preset(name: str) -> dict[str, Any]:
    """The raw YAML mapping of a built-in preset."""
    if name not in PRESETS:
        raise ConfigError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}")
    text = resources.files("furusato").joinpath("presets", f"{name}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def load_config(path: Path | None = None, preset: str | None = None) -> DeployConfig:
    """Load a config file or a bare preset, and validate it.

    A config file must state the preset it extends (``preset: town`` or ``preset: local``): a key it leaves out is
    taken from that preset, so an unstated base would silently fill roles with another preset's accounts. ``preset``
    (the ``--preset`` option) may only repeat the file's own."""
    raw: dict[str, Any] = {}
    if path is not None:
        raw = load_yaml_mapping(path, "the deployment config")
        stated = raw.get("preset")
        if stated is None:
            raise ConfigError(
                f"{path}: the config does not say which preset it extends; add a first line `preset: town` (realistic "
                "timing, no sample accounts) or `preset: local` (short delays and Anvil's public sample accounts, "
                "for a local chain only). Every key the file leaves out is taken from that preset."
            )
        if preset is not None and str(stated) != preset:
            raise ConfigError(f"{path} extends preset {stated!r} but --preset {preset} was given: drop one of them")
    name = preset or raw.get("preset") or "local"
    merged = _merge(load_preset(str(name)), {k: v for k, v in raw.items() if k != "preset"})
    return validate(merged, preset=str(name), source=str(path or f"preset {name}"))


def _section(data: dict[str, Any], key: str, source: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: section '{key}' is missing or not a mapping")
    return value


def _require(section: dict[str, Any], key: str, where: str) -> Any:
    if key not in section or section[key] is None:
        raise ConfigError(f"{where}.{key} is required")
    return section[key]


def _refuse_unknown(section: dict[str, Any], where: str, source: str) -> None:
    """Refuse the first unknown key of ``section`` (a typo would otherwise be ignored), naming the nearest known."""
    known = KNOWN_KEYS[where]
    for key in section:
        if key in known:
            continue
        path = f"{where}.{key}" if where else str(key)
        near = difflib.get_close_matches(str(key), known, n=1, cutoff=0.5)
        hint = f"; did you mean '{where + '.' if where else ''}{near[0]}'?" if near else ""
        raise ConfigError(
            f"{source}: unknown key '{path}'{hint} (known keys{' of ' + where if where else ''}: {', '.join(known)})"
        )


def _refuse_unknown_keys(data: dict[str, Any], source: str) -> None:
    _refuse_unknown(data, "", source)
    for section in ("token", "governor", "timelock", "rewards", "registry"):
        if isinstance(data.get(section), dict):
            _refuse_unknown(data[section], section, source)
    if isinstance(data.get("genesis"), list):
        for item in data["genesis"]:
            if isinstance(item, dict):
                _refuse_unknown(item, "genesis", source)


def check_domain_name(name: str, field: str, hint: str) -> None:
    """Refuse an EIP-712 domain name longer than OpenZeppelin accepts, in bytes and characters."""
    size = len(name.encode("utf-8"))
    if size > EIP712_NAME_MAX_BYTES:
        raise ConfigError(
            f"{field} {name!r} is {size} UTF-8 bytes ({len(name)} characters); an EIP-712 domain name (what wallets "
            f"show when signing) may be at most {EIP712_NAME_MAX_BYTES} bytes — about 10 Japanese characters or "
            f"{EIP712_NAME_MAX_BYTES} ASCII letters. {hint}"
        )


def validate(data: dict[str, Any], *, preset: str, source: str) -> DeployConfig:
    """Turn a merged mapping into a :class:`DeployConfig`, naming the first problem found."""
    _refuse_unknown_keys(data, source)
    data = {k: v for k, v in data.items() if k != "preset"}
    token = _section(data, "token", source)
    gov = _section(data, "governor", source)
    tl = _section(data, "timelock", source)
    cap = parse_units(_require(token, "cap", "token"), "token.cap")
    quorum_kind, quorum = _quorum(gov)
    voting_delay = _bounded_duration(gov, "voting_delay", "governor", 1, MAX_VOTING_DELAY,
                                     "votes are read at the snapshot, one voting delay after proposing; governance "
                                     "may set it at most this long later")  # fmt: skip
    voting_period = _bounded_duration(gov, "voting_period", "governor", 1, MAX_VOTING_PERIOD,
                                      "governance may set it at most this long later")  # fmt: skip
    genesis_raw = data.get("genesis") or []
    if not isinstance(genesis_raw, list):
        raise ConfigError(f"{source}: 'genesis' must be a list of {{to, amount}}")
    genesis = []
    for i, item in enumerate(genesis_raw):
        if not isinstance(item, dict):
            raise ConfigError(f"genesis[{i}] must be a mapping with 'to' and 'amount'")
        to = parse_address(_require(item, "to", f"genesis[{i}]"), f"genesis[{i}].to")
        amount = parse_units(_require(item, "amount", f"genesis[{i}]"), f"genesis[{i}].amount")
        if amount == 0:
            raise ConfigError(f"genesis[{i}].amount must be positive")
        assert to is not None
        genesis.append(Allocation(to=to, amount=amount))
    total = sum(a.amount for a in genesis)
    if total > cap:
        raise ConfigError(f"genesis mints {total} base units, more than token.cap ({cap})")
    registry = _registry(data.get("registry"), source)
    rewards = _rewards(data.get("rewards"), source, registry)
    members_only = gov.get("members_only")
    if members_only is None:  # default: members-only governance exactly when transfers are restricted to members
        members_only = bool(registry and registry.restrict_transfers)
    if not isinstance(members_only, bool):
        raise ConfigError(f"governor.members_only must be true or false, got {members_only!r}")
    if members_only and registry is None:
        raise ConfigError(
            "governor.members_only is true but the config has no 'registry' section: members-only governance "
            "needs the ResidentRegistry whose members may propose and vote"
        )
    token_name = str(_require(token, "name", "token"))
    domain_name = token.get("domain_name")
    if domain_name is None:
        check_domain_name(
            token_name,
            "token.name (also the token's EIP-712 domain name unless token.domain_name is set)",
            "Keep the long name and set token.domain_name to a short one (e.g. an ASCII name or the symbol).",
        )
    else:
        domain_name = str(domain_name).strip()
        if not domain_name:
            raise ConfigError("token.domain_name is empty: give a short name, or leave the key out to use token.name")
        check_domain_name(domain_name, "token.domain_name", "Choose a shorter one (e.g. an ASCII name or the symbol).")
    governor_name = str(_require(gov, "name", "governor"))
    check_domain_name(
        governor_name,
        "governor.name (the governor's EIP-712 domain name, shown when a vote is signed)",
        "Choose a shorter governor name.",
    )
    if quorum_kind == "headcount" and not members_only:
        raise ConfigError(
            "governor.quorum.kind is headcount but governance is not members-only: a headcount quorum counts "
            "members, so set governor.members_only: true and give the config a 'registry' section"
        )
    return DeployConfig(
        rewards=rewards,
        registry=registry,
        governor_members_only=members_only,
        quorum_kind=quorum_kind,
        preset=preset,
        token_name=token_name,
        token_domain_name="" if domain_name is None or domain_name == token_name else domain_name,
        token_symbol=str(_require(token, "symbol", "token")),
        token_cap=cap,
        governor_name=governor_name,
        voting_delay=voting_delay,
        voting_period=voting_period,
        proposal_threshold=parse_units(gov.get("proposal_threshold", 0), "governor.proposal_threshold"),
        quorum_percent=quorum,
        late_quorum_extension=parse_duration(gov.get("late_quorum_extension", 0), "governor.late_quorum_extension"),
        timelock_delay=_bounded_duration(
            tl,
            "min_delay",
            "timelock",
            0,
            MAX_TIMELOCK_DELAY,
            "a longer delay can only be shortened through the timelock itself",
        ),
        guardian=parse_address(gov.get("guardian"), "governor.guardian", allow_none=True),
        genesis=tuple(genesis),
    )


def _bounded_duration(section: dict[str, Any], key: str, name: str, low: int, high: int, why: str) -> int:
    """``section[key]`` as seconds, refused unless ``low ≤ value ≤ high`` (the message says the bounds and why)."""
    value = parse_duration(_require(section, key, name), f"{name}.{key}")
    if not low <= value <= high:
        raise ConfigError(
            f"{name}.{key} is {format_duration(value)}; it must be between {format_duration(low)} and "
            f"{format_duration(high)} ({why})"
        )
    return value


QUORUM_KINDS = ("token", "headcount")


def _quorum(gov: dict[str, Any]) -> tuple[str, int]:
    """``governor.quorum: {kind: token|headcount, percent: N}``, or the older ``governor.quorum_percent: N`` (token).

    A preset's ``quorum_percent`` is dropped when a file gives ``quorum`` (the merge keeps both keys).
    """
    raw = gov.get("quorum")
    if raw is None:
        kind, percent = "token", _require(gov, "quorum_percent", "governor")
        where = "governor.quorum_percent"
    else:
        if not isinstance(raw, dict) or set(raw) - {"kind", "percent"}:
            raise ConfigError(f"governor.quorum must be a mapping {{kind: token|headcount, percent: N}}, got {raw!r}")
        kind, percent = raw.get("kind", "token"), raw.get("percent")
        where = "governor.quorum.percent"
        if kind not in QUORUM_KINDS:
            raise ConfigError(f"governor.quorum.kind must be one of {', '.join(QUORUM_KINDS)}, got {kind!r}")
    if not isinstance(percent, int) or isinstance(percent, bool) or not 1 <= percent <= 100:
        raise ConfigError(f"{where} must be an integer from 1 to 100, got {percent!r}")
    return str(kind), percent


def _addresses(section: dict[str, Any], key: str, where: str) -> list[str]:
    """The list of addresses ``section[key]`` (none when absent)."""
    values = section.get(key) or []
    if not isinstance(values, list):
        raise ConfigError(f"{where}.{key} must be a list of addresses")
    addresses = []
    for i, value in enumerate(values):
        address = parse_address(value, f"{where}.{key}[{i}]")
        assert address is not None
        addresses.append(address)
    return addresses


def _rewards(raw: Any, source: str, registry: RegistryConfig | None) -> RewardsConfig | None:
    if raw is None or raw is False:
        return None
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: 'rewards' must be a mapping (or null for no reward minter)")
    addresses = _addresses(raw, "coordinators", "rewards")
    window = parse_duration(_require(raw, "challenge_window", "rewards"), "rewards.challenge_window")
    if window > 2**64 - 1:
        raise ConfigError("rewards.challenge_window is too long")
    members_only = raw.get("members_only")
    if members_only is None:  # default: members only exactly when tokens may only be held by members
        members_only = registry is not None and registry.restrict_transfers
    elif not isinstance(members_only, bool):
        raise ConfigError(f"rewards.members_only must be true or false, got {members_only!r}")
    elif members_only and registry is None:
        raise ConfigError(
            f"{source}: rewards.members_only is true but the config has no 'registry' section: members-only rewards "
            "need the ResidentRegistry whose members alone are rewarded (add a registry section, or set "
            "rewards.members_only: false)"
        )
    return RewardsConfig(
        challenge_window=window,
        member_cap=parse_units(_require(raw, "member_cap", "rewards"), "rewards.member_cap"),
        standing_budget=parse_units(raw.get("standing_budget", 0), "rewards.standing_budget"),
        coordinators=tuple(addresses),
        members_only=members_only,
    )


def _registry(raw: Any, source: str) -> RegistryConfig | None:
    if raw is None or raw is False:
        return None
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: 'registry' must be a mapping (or null for no resident registry)")
    _refuse_unknown(raw, "registry", source)
    addresses = _addresses(raw, "registrars", "registry")
    kinds = raw.get("self_registration_kinds") or []
    if not isinstance(kinds, list):
        raise ConfigError("registry.self_registration_kinds must be a list of kinds (e.g. [relationship, supporter])")
    mask = 0
    for i, k in enumerate(kinds):
        mask |= 1 << parse_kind(k, f"registry.self_registration_kinds[{i}]")
    restrict = raw.get("restrict_transfers", False)
    if not isinstance(restrict, bool):
        raise ConfigError(f"registry.restrict_transfers must be true or false, got {restrict!r}")
    return RegistryConfig(
        name=str(_require(raw, "name", "registry")),
        symbol=str(_require(raw, "symbol", "registry")),
        registrars=tuple(addresses),
        self_registration_kinds=mask,
        restrict_transfers=restrict,
        genesis_kind=parse_kind(raw.get("genesis_kind", "resident"), "registry.genesis_kind"),
    )
