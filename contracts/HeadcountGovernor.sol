// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {GovernorCountingSimple} from "@openzeppelin/contracts/governance/extensions/GovernorCountingSimple.sol";
import {GovernorVotesQuorumFraction} from "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {GovernorPreventLateQuorum} from "@openzeppelin/contracts/governance/extensions/GovernorPreventLateQuorum.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {IMemberHistory} from "../interfaces/IMemberHistory.sol";
import {RegionGovernor} from "./RegionGovernor.sol";

/**
 * @title HeadcountGovernor
 * @notice `RegionGovernor` with a headcount quorum (頭数の定足数), the Yamakoshi rule: a proposal needs valid votes
 * (for, against and abstain all count) from MORE than `quorumNumerator()` percent of the members active at its
 * snapshot, counted in distinct voters, and then a majority by token weight (for > against) as in the plain
 * governor. Members-only: the member registry is required and only members vote.
 * @dev `quorum(t)` is a number of voters: `floor(memberCountAt(t) * numerator / 100) + 1`, read from the registry's
 * checkpoints (`IMemberHistory`), so members joining or leaving after the snapshot change nothing. A voter counts
 * towards the headcount if it was a member at the snapshot (it must also be one when voting). The numerator keeps
 * OpenZeppelin's checkpointed `GovernorVotesQuorumFraction` storage, so governance changes it the usual way.
 * Late quorum: OpenZeppelin's `GovernorPreventLateQuorum` runs as is (RegionGovernor's weight-based shortcut does
 * not apply to heads).
 */
contract HeadcountGovernor is RegionGovernor {
    /// @notice The member registry is missing: a headcount quorum needs one.
    error HeadcountGovernorNoRegistry();

    IMemberHistory private immutable _memberHistory;
    mapping(uint256 proposalId => uint256) private _heads;

    /**
     * @param token The RegionToken.
     * @param timelock The TimelockController.
     * @param params As RegionGovernor's; `quorumNumerator` is the headcount percent (10 for the Yamakoshi rule) and
     * `memberRegistry` is required.
     */
    constructor(
        IVotes token,
        TimelockController timelock,
        Params memory params
    ) RegionGovernor(token, timelock, params) {
        if (params.memberRegistry == address(0)) revert HeadcountGovernorNoRegistry();
        _memberHistory = IMemberHistory(params.memberRegistry);
    }

    /// @notice Voters needed at `timepoint`: more than `quorumNumerator(timepoint)` percent of the members then.
    /// @param timepoint A past time (a proposal's snapshot).
    function quorum(uint256 timepoint) public view override(Governor, GovernorVotesQuorumFraction) returns (uint256) {
        return (_memberHistory.memberCountAt(timepoint) * quorumNumerator(timepoint)) / quorumDenominator() + 1;
    }

    /// @notice Distinct members (at the snapshot) who cast a valid vote on `proposalId`.
    /// @param proposalId The proposal.
    function headcount(uint256 proposalId) external view returns (uint256) {
        return _heads[proposalId];
    }

    /// @dev Counts the head before the vote is counted, so the late-quorum check inside the vote already sees it.
    /// A second vote by the same account reverts inside `super._castVote`, undoing the increment.
    function _castVote(
        uint256 proposalId,
        address account,
        uint8 support,
        string memory reason,
        bytes memory params
    ) internal override returns (uint256) {
        if (_memberHistory.wasMemberAt(account, proposalSnapshot(proposalId))) ++_heads[proposalId];
        return super._castVote(proposalId, account, support, reason, params);
    }

    /// @dev Quorum in heads, not weight.
    // slither-disable-next-line dead-code -- called by Governor.state and the late-quorum module
    function _quorumReached(
        uint256 proposalId
    ) internal view override(Governor, GovernorCountingSimple) returns (bool) {
        return _heads[proposalId] >= quorum(proposalSnapshot(proposalId));
    }

    /// @dev OpenZeppelin's module unchanged (RegionGovernor's shortcut compares weights with the quorum).
    // slither-disable-next-line dead-code -- called by Governor._castVote
    function _tallyUpdated(uint256 proposalId) internal override {
        GovernorPreventLateQuorum._tallyUpdated(proposalId);
    }
}
