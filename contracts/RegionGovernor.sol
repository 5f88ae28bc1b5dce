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
import {TransientSlot} from "@openzeppelin/contracts/utils/TransientSlot.sol";
import {IResidentRegistry} from "../interfaces/IResidentRegistry.sol";

/**
 * @title RegionGovernor
 * @notice The town DAO's governor, composed only of OpenZeppelin 5.7 modules: settings changeable by governance,
 * for / against / abstain counting, votes and quorum read from `RegionToken` at each proposal's snapshot (so they
 * cannot be flash-borrowed), execution through a `TimelockController`, a voting extension when quorum is reached
 * late, and a proposal guardian (the resident council) that can cancel any proposal. Optionally (a deploy option,
 * for an LLC-type DAO whose members are its voters) only registered members of the town's `ResidentRegistry` may
 * propose and vote: a revoked member keeps its tokens but can no longer act as a member.
 * @dev Quorum is a fraction of `RegionToken.getPastTotalSupply`, which on that token is the voting supply: tokens
 * held by protocol contracts (treasury, timelock, minters) are excluded from it. The clock is the token's
 * (timestamps), so every duration below is in seconds. GovernorStorage is deliberately not included (see README).
 *
 * Gas: OpenZeppelin's GovernorPreventLateQuorum reads the quorum on every vote until it is reached and then writes
 * a storage slot, which made the vote that reaches quorum cost 1.49x OpenZeppelin's plain governor. `_tallyUpdated`
 * below keeps its behaviour exactly but only does that work for votes cast inside the last
 * `lateQuorumVoteExtension()` seconds, the only votes that can extend a deadline (see the function's notes; a
 * differential test against the unmodified module checks that deadlines always agree).
 */
contract RegionGovernor is
    Governor,
    GovernorSettings,
    GovernorCountingSimple,
    GovernorVotes,
    GovernorVotesQuorumFraction,
    GovernorTimelockControl,
    GovernorPreventLateQuorum,
    GovernorProposalGuardian
{
    using TransientSlot for *;

    /// @dev Transient slot holding how much the vote being cast added towards quorum (for + abstain weight).
    /// keccak256(abi.encode(uint256(keccak256("furusato.RegionGovernor.quorumContribution")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _QUORUM_CONTRIBUTION_SLOT =
        0xfd1159f024531a16fe13cdd12dde345c534ff2fb122d54445bbd44e1b11c3700;

    /// @notice Parameters fixed at deployment; all but the token and timelock can later be changed by governance.
    struct Params {
        string name;
        uint48 votingDelay;
        uint32 votingPeriod;
        uint256 proposalThreshold;
        uint256 quorumNumerator;
        uint48 lateQuorumExtension;
        address proposalGuardian;
        address memberRegistry;
    }

    /// @notice Members-only governance: `account` holds no card of the member registry, so it cannot propose or vote.
    /// @param account The proposer or voter.
    error RegionGovernorNotMember(address account);

    /// @dev The member registry of members-only governance, or address(0): anyone with votes may take part.
    /// Immutable, so a governor without one pays nothing for the option.
    IResidentRegistry private immutable _memberRegistry;

    /**
     * @param token The RegionToken (IVotes, timestamp clock).
     * @param timelock The TimelockController that executes passed proposals and owns the treasury.
     * @param params Name, durations (seconds), threshold (base units), quorum percent, late-quorum extension and the
     * guardian (address(0) for none: proposers may then cancel their own proposals), and the member registry of
     * members-only governance (address(0): anyone with votes may propose and vote). Fixed for this governor's life.
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
        _memberRegistry = IResidentRegistry(params.memberRegistry);
    }

    /// @notice The registry whose members alone may propose and vote, or address(0) when anyone with votes may.
    function memberRegistry() external view returns (address) {
        return address(_memberRegistry);
    }

    /// @dev Members-only governance: the proposer must hold a card (checked before OpenZeppelin's own checks).
    function _propose(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        string memory description,
        address proposer
    ) internal override returns (uint256) {
        _requireMember(proposer);
        return super._propose(targets, values, calldatas, description, proposer);
    }

    function _requireMember(address account) private view {
        IResidentRegistry registry = _memberRegistry;
        if (address(registry) != address(0) && !registry.isMember(account)) revert RegionGovernorNotMember(account);
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

    /**
     * @dev Every vote passes here (castVote, with reason, with params, by signature) before it is counted:
     * members-only governance refuses a voter (the signer, for a vote by signature) without a card. Then records,
     * for `_tallyUpdated`, how much this vote added to the for + abstain total that quorum counts. (The member
     * check sits here rather than in an extra `_castVote` override, which would cost every vote ~240 gas.)
     */
    // slither-disable-next-line dead-code -- called by Governor._castVote
    function _countVote(
        uint256 proposalId,
        address account,
        uint8 support,
        uint256 totalWeight,
        bytes memory params
    ) internal override(Governor, GovernorCountingSimple) returns (uint256) {
        _requireMember(account);
        uint256 counted = super._countVote(proposalId, account, support, totalWeight, params);
        _QUORUM_CONTRIBUTION_SLOT.asUint256().tstore(support == uint8(VoteType.Against) ? 0 : counted);
        return counted;
    }

    /**
     * @dev Same outcome as GovernorPreventLateQuorum's `_tallyUpdated`, which extends the deadline to
     * `now + lateQuorumVoteExtension()` when quorum is first reached and that is later than the deadline:
     * - a vote cast when `now + extension <= deadline` can never extend it, so nothing is read or written;
     * - a vote inside that window extends it only if quorum was not reached before this vote (computed from the
     *   tally minus this vote's contribution) — exactly the votes for which OpenZeppelin's module, which remembers
     *   the first time quorum was reached, extends it. For those the module itself runs.
     */
    // slither-disable-next-line dead-code -- called by Governor._castVote
    function _tallyUpdated(uint256 proposalId) internal virtual override(Governor, GovernorPreventLateQuorum) {
        uint256 windowEnd = clock() + lateQuorumVoteExtension();
        // The original deadline is read first: it is already warm, and an extended deadline is never earlier.
        if (windowEnd <= Governor.proposalDeadline(proposalId)) return;
        if (windowEnd <= proposalDeadline(proposalId)) return;
        (, uint256 forVotes, uint256 abstainVotes) = proposalVotes(proposalId);
        uint256 before = forVotes + abstainVotes - _QUORUM_CONTRIBUTION_SLOT.asUint256().tload();
        if (quorum(proposalSnapshot(proposalId)) <= before) return; // reached earlier: the module would not extend
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
