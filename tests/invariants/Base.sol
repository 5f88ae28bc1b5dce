// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @dev The few Foundry cheatcodes the handlers use (no forge-std: the suite runs offline from npm packages only).
interface Vm {
    function warp(uint256 newTimestamp) external;
    function prank(address sender) external;
    function startPrank(address sender) external;
    function stopPrank() external;
    function deal(address account, uint256 newBalance) external;
}

/// @dev What forge reads from an invariant test contract to choose its targets.
abstract contract InvariantBase {
    Vm internal constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    address[] private _targets;

    function targetContracts() public view returns (address[] memory) {
        return _targets;
    }

    function _target(address handler) internal {
        _targets.push(handler);
    }
}

/// @dev Shared by handlers: cheatcodes, a fixed set of actors (addresses increasing with the index), bounding.
abstract contract HandlerBase {
    Vm internal constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    address[] internal _actors;

    constructor(uint256 n) {
        for (uint256 i = 0; i < n; ++i) {
            _actors.push(address(uint160((uint256(1) << 156) * (i + 1) + 0xA11CE)));
        }
    }

    function actorCount() external view returns (uint256) {
        return _actors.length;
    }

    function actor(uint256 i) public view returns (address) {
        return _actors[i % _actors.length];
    }

    function _bound(uint256 x, uint256 lo, uint256 hi) internal pure returns (uint256) {
        return lo + (x % (hi - lo + 1));
    }
}
