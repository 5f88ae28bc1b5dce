// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title IRegionTimelock
 * @notice The town DAO's timelock: OpenZeppelin's TimelockController with its minimum delay bounded. Every passed
 * proposal waits the delay before it runs, so members who disagree can see it coming and act: governance may not
 * shorten that window below `MIN_DELAY`. A delay too long to wait out could never be shortened again (the change
 * itself would wait it out) and would lock the treasury and every role for good, so neither the deployer nor
 * governance may set more than `MAX_DELAY`.
 */
interface IRegionTimelock {
    /// @notice A minimum delay outside [`min`, `max`] was given, at deployment or to `updateDelay`.
    /// @param delay The delay given, in seconds.
    /// @param min The shortest delay allowed there (0 at deployment, `MIN_DELAY` for `updateDelay`), in seconds.
    /// @param max The longest delay allowed (`MAX_DELAY`), in seconds.
    error RegionTimelockDelayOutOfBounds(uint256 delay, uint256 min, uint256 max);

    /// @notice The shortest minimum delay governance may set with `updateDelay`: 1 day, so that members always have a
    /// day between a proposal's queueing and its execution.
    function MIN_DELAY() external view returns (uint256);

    /// @notice The longest minimum delay the timelock accepts: 30 days (Compound's Timelock bound).
    function MAX_DELAY() external view returns (uint256);
}
