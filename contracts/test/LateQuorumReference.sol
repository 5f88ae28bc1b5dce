// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {GovernorSettings} from "@openzeppelin/contracts/governance/extensions/GovernorSettings.sol";
import {GovernorCountingSimple} from "@openzeppelin/contracts/governance/extensions/GovernorCountingSimple.sol";
import {GovernorVotes} from "@openzeppelin/contracts/governance/extensions/GovernorVotes.sol";
import {GovernorVotesQuorumFraction} from "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {GovernorTimelockControl} from "@openzeppelin/contracts/governance/extensions/GovernorTimelockControl.sol";
import {GovernorPreventLateQuorum} from "@openzeppelin/contracts/governance/extensions/GovernorPreventLateQuorum.sol";
import {GovernorProposalGuardian} from "@openzeppelin/contracts/governance/extensions/GovernorProposalGuardian.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";

/**
 * @title LateQuorumReference
 * @notice TEST ONLY: RegionGovernor without its late-quorum gas optimisation (plain OpenZeppelin
 * GovernorPreventLateQuorum), to check in differential tests that both extend deadlines identically.
 * Original notice: composed only of OpenZeppelin 5.7 modules: settings changeable by governance,
 * for / against / abstain counting, votes and quorum read from `RegionToken` at each proposal's snapshot (so they
 * cannot be flash-borrowed), execution through a `TimelockController`, a voting extension when quorum is reached
 * late, and a proposal guardian (the resident council) that can cancel any proposal.
 * @dev Quorum is a fraction of `RegionToken.getPastTotalSupply`, which on that token is the voting supply: tokens
 * held by protocol contracts (treasury, timelock, minters) are excluded from it. The clock is the token's
 * (timestamps), so every duration below is in seconds. GovernorStorage is deliberately not included (see README).
 */
contract LateQuorumReference is
    Governor,
    GovernorSettings,
    GovernorCountingSimple,
    GovernorVotes,
    GovernorVotesQuorumFraction,
    GovernorTimelockControl,
    GovernorPreventLateQuorum,
    GovernorProposalGuardian
{
    /// @notice Parameters fixed at deployment; all but the token and timelock can later be changed by governance.
    struct Params {
        string name;
        uint48 votingDelay;
        uint32 votingPeriod;
        uint256 proposalThreshold;
        uint256 quorumNumerator;
        uint48 lateQuorumExtension;
        address proposalGuardian;
    }

    /**
     * @param token The RegionToken (IVotes, timestamp clock).
     * @param timelock The TimelockController that executes passed proposals and owns the treasury.
     * @param params Name, durations (seconds), threshold (base units), quorum percent, late-quorum extension and the
     * guardian (address(0) for none: proposers may then cancel their own proposals).
     */
    constructor(
        IVotes token,
        TimelockController timelock,
        Params memory params
    )
        Governor(params.name)
        GovernorSettings(params.votingDelay, params.votingPeriod, params.proposalThreshold)
        GovernorVotes(token)
        GovernorVotesQuorumFraction(params.quorumNumerator)
        GovernorTimelockControl(timelock)
        GovernorPreventLateQuorum(params.lateQuorumExtension)
    {
        _setProposalGuardian(params.proposalGuardian);
    }

    // The functions below are overrides required by Solidity.

    /// @inheritdoc Governor
    function state(uint256 proposalId) public view override(Governor, GovernorTimelockControl) returns (ProposalState) {
        return super.state(proposalId);
    }

    /// @inheritdoc Governor
    function proposalNeedsQueuing(
        uint256 proposalId
    ) public view override(Governor, GovernorTimelockControl) returns (bool) {
        return super.proposalNeedsQueuing(proposalId);
    }

    /// @inheritdoc Governor
    function proposalThreshold() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.proposalThreshold();
    }

    /// @inheritdoc Governor
    function proposalDeadline(
        uint256 proposalId
    ) public view override(Governor, GovernorPreventLateQuorum) returns (uint256) {
        return super.proposalDeadline(proposalId);
    }

    function _tallyUpdated(uint256 proposalId) internal override(Governor, GovernorPreventLateQuorum) {
        super._tallyUpdated(proposalId);
    }

    function _validateCancel(
        uint256 proposalId,
        address caller
    ) internal view override(Governor, GovernorProposalGuardian) returns (bool) {
        return super._validateCancel(proposalId, caller);
    }

    function _queueOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint48) {
        return super._queueOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _executeOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) {
        super._executeOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint256) {
        return super._cancel(targets, values, calldatas, descriptionHash);
    }

    function _executor() internal view override(Governor, GovernorTimelockControl) returns (address) {
        return super._executor();
    }
}
