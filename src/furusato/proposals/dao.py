"""The deployed DAO as web3 contract objects, found through ``deployments/<network>.json``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from furusato.abi import error_selectors
from furusato.artifacts import Artifacts
from furusato.errors import ChainError
from furusato.governance import Governance
from furusato.records import RECORD_ARTIFACTS, DeploymentRecord
from furusato.reverts import ErrorDecoder

if TYPE_CHECKING:
    from web3 import Web3
    from web3.contract import Contract

AbiOf = Callable[[str], list[dict[str, Any]]]

#: Names a spec may use for the DAO's own contracts, and the artifact each one is.
CONTRACT_ALIASES = {
    "token": "RegionToken",
    "governor": "RegionGovernor",
    "timelock": "TimelockController",
    "treasury": "Treasury",
    "rewards": "ActivityRewards",
    "registry": "ResidentRegistry",
}


@dataclass(frozen=True)
class Dao:
    """The governance core of one deployment, ready for calls."""

    w3: Web3
    token: Contract
    governor: Contract
    timelock: Contract
    treasury: Contract
    rewards: Contract | None
    registry: Contract | None
    decoder: ErrorDecoder
    deploy_block: int
    abi_of: AbiOf
    #: Values that cannot change for these contracts (e.g. EIP-712 domains), read once.
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def governance(self) -> Governance:
        return Governance(self.w3, self.governor, self.decoder)

    def contract(self, artifact: str) -> Contract | None:
        """The DAO's contract built from ``artifact`` (``RegionToken`` …), or None."""
        return {
            "RegionToken": self.token,
            "RegionGovernor": self.governor,
            "TimelockController": self.timelock,
            "Treasury": self.treasury,
            "ActivityRewards": self.rewards,
            "ResidentRegistry": self.registry,
        }.get(artifact)

    def now(self) -> int:
        """The governor's clock: the latest block's timestamp."""
        return int(self.w3.eth.get_block("latest")["timestamp"])


def load_dao(w3: Web3, record: DeploymentRecord, artifacts: Artifacts, *, check_code: bool = True) -> Dao:
    """The contracts of ``record`` on ``w3``; refuses a record for another chain or a chain without the code."""
    chain_id = w3.eth.chain_id
    if chain_id != record.chain_id:
        raise ChainError(
            f"network '{record.network}' is chain {chain_id}, but its deployment record is for chain {record.chain_id}"
        )
    abis: dict[str, list[dict[str, Any]]] = {}

    def abi_of(name: str) -> list[dict[str, Any]]:
        if name not in abis:
            abis[name] = artifacts.abi(RECORD_ARTIFACTS.get(name, name))
        return abis[name]

    def at(name: str) -> Contract:
        address = record.address(name)
        if check_code and not w3.eth.get_code(address):
            raise ChainError(f"no {name} contract at {address} on '{record.network}' (was the chain reset?)")
        return w3.eth.contract(address=address, abi=abi_of(name))

    rewards = at("ActivityRewards") if "ActivityRewards" in record.contracts else None
    registry = at("ResidentRegistry") if "ResidentRegistry" in record.contracts else None
    names = ["RegionToken", "RegionGovernor", "TimelockController", "Treasury"]
    names += [n for n in ("ActivityRewards", "ResidentRegistry") if n in record.contracts]
    decoder = ErrorDecoder(error_selectors([abi_of(n) for n in names]))
    return Dao(
        w3=w3,
        token=at("RegionToken"),
        governor=at("RegionGovernor"),
        timelock=at("TimelockController"),
        treasury=at("Treasury"),
        rewards=rewards,
        registry=registry,
        decoder=decoder,
        deploy_block=min(c.block for c in record.contracts.values()) if record.contracts else 0,
        abi_of=abi_of,
    )


def rebind(dao: Dao, w3: Web3) -> Dao:
    """The same contracts reached through another connection ``w3``."""

    def again(contract: Contract) -> Contract:
        return w3.eth.contract(address=contract.address, abi=contract.abi)

    return replace(
        dao,
        w3=w3,
        token=again(dao.token),
        governor=again(dao.governor),
        timelock=again(dao.timelock),
        treasury=again(dao.treasury),
        rewards=again(dao.rewards) if dao.rewards is not None else None,
        registry=again(dao.registry) if dao.registry is not None else None,
    )


def own_connection(dao: Dao) -> Dao:
    """``dao`` over a connection of its own for a service (the relayer, the portal) that remembers the chain id:
    web3.py's validation asks the node for it before and after every call and transaction otherwise, most of a
    service's round trips. It also leaves out the middleware that reads the latest block before every
    ``eth_sendTransaction`` (the relayer sets fees itself) and the one that looks for ENS names (addresses only).
    Non-HTTP providers are kept as they are."""
    import os

    import requests
    from web3 import HTTPProvider, Web3
    from web3.middleware import ExtraDataToPOAMiddleware
    from web3.types import RPCEndpoint

    provider = dao.w3.provider
    if not isinstance(provider, HTTPProvider) or provider.endpoint_uri is None:
        return dao
    # requests reads the environment's proxy settings on every request (most of a local call's client time):
    # read once here instead.
    session = requests.Session()  # shared by the service's threads: a pool as large as its thread pool
    for scheme in ("http://", "https://"):
        session.mount(scheme, requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=64))
    session.trust_env = False
    session.proxies.update(requests.utils.get_environ_proxies(str(provider.endpoint_uri)))
    session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    own = HTTPProvider(
        provider.endpoint_uri,
        session=session,
        cache_allowed_requests=True,
        cacheable_requests={RPCEndpoint("eth_chainId")},
    )
    w3 = Web3(own)
    w3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)  # POA chains' long extraData in get_block
    w3.middleware_onion.remove("gas_price_strategy")
    w3.middleware_onion.remove("ens_name_to_address")
    return rebind(dao, w3)
