// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IRegionTimelock} from "../interfaces/IRegionTimelock.sol";

/**
 * @title RegionTimelock
 * @notice OpenZeppelin's TimelockController, unchanged but for bounds on the minimum delay: at most 30 days at
 * deployment, and between 1 day and 30 days whenever governance changes it (`updateDelay`, which only the timelock
 * itself may call, through a proposal that waits the current delay). The roles, scheduling, cancelling and execution
 * are OpenZeppelin's.
 * @dev The constructor accepts a delay shorter than `MIN_DELAY` (down to 0) for development chains, as
 * RegionGovernor's constructor accepts voting periods shorter than its setters do.
 */
contract RegionTimelock is IRegionTimelock, TimelockController {
    /// @inheritdoc IRegionTimelock
    uint256 public constant MIN_DELAY = 1 days;

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
        if (minDelay > MAX_DELAY) revert RegionTimelockDelayOutOfBounds(minDelay, 0, MAX_DELAY);
    }

    /**
     * @notice Change the minimum delay of later operations; reverts `RegionTimelockDelayOutOfBounds` outside
     * [`MIN_DELAY`, `MAX_DELAY`]. Only the timelock itself may call it (a passed proposal).
     * @param newDelay The new minimum delay, in seconds.
     */
    function updateDelay(uint256 newDelay) public virtual override {
        // OpenZeppelin's first, so that any other caller is told it may not call this at all; a bound broken below
        // reverts the whole call, the change and its event with it.
        super.updateDelay(newDelay);
        if (newDelay < MIN_DELAY || newDelay > MAX_DELAY) {
            revert RegionTimelockDelayOutOfBounds(newDelay, MIN_DELAY, MAX_DELAY);
        }
    }
}
