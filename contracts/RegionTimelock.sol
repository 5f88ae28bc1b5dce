// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IRegionTimelock} from "../interfaces/IRegionTimelock.sol";

/**
 * @title RegionTimelock
 * @notice OpenZeppelin's TimelockController, unchanged but for one bound: the minimum delay is at most 30 days, at
 * deployment and whenever governance changes it (`updateDelay`, which only the timelock itself may call, through a
 * proposal that waits the current delay). The roles, scheduling, cancelling and execution are OpenZeppelin's.
 */
contract RegionTimelock is IRegionTimelock, TimelockController {
    /// @inheritdoc IRegionTimelock
    uint256 public constant MAX_DELAY = 30 days;

    /**
     * @notice Deploy the timelock (OpenZeppelin's constructor) with `minDelay` at most `MAX_DELAY`.
     * @param minDelay Initial minimum delay of an operation, in seconds.
     * @param proposers Accounts granted the proposer and canceller roles.
     * @param executors Accounts granted the executor role.
     * @param admin Optional admin for the initial role wiring (renounced after set-up); zero for none.
     */
    constructor(
        uint256 minDelay,
        address[] memory proposers,
        address[] memory executors,
        address admin
    ) TimelockController(minDelay, proposers, executors, admin) {
        if (minDelay > MAX_DELAY) revert RegionTimelockDelayOutOfBounds(minDelay, MAX_DELAY);
    }

    /**
     * @notice Change the minimum delay of later operations; reverts `RegionTimelockDelayOutOfBounds` above
     * `MAX_DELAY`. Only the timelock itself may call it (a passed proposal).
     * @param newDelay The new minimum delay, in seconds.
     */
    function updateDelay(uint256 newDelay) public virtual override {
        if (newDelay > MAX_DELAY) revert RegionTimelockDelayOutOfBounds(newDelay, MAX_DELAY);
        super.updateDelay(newDelay);
    }
}
