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
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {TransientSlot} from "@openzeppelin/contracts/utils/TransientSlot.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
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
 * Cancelling (see README, "Cancel rule"): the proposer may cancel only while the proposal is Pending, whether or not
 * a guardian is set; the guardian may cancel at any stage before execution, except a proposal whose every action
 * replaces the guardian (`setProposalGuardian` on this governor) or revokes a role from the current guardian
 * (`revokeRole(role, guardian)` on any contract): governance can always replace the guardian and take its roles back.
 *
 * Parameter bounds (so that governance cannot brick itself): see the `MAX_*` / `MIN_*` constants; the setters
 * revert with `RegionGovernorParameterOutOfBounds` outside them.
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

    /// @notice Longest voting delay governance may set (seconds).
    uint256 public constant MAX_VOTING_DELAY = 30 days;
    /// @notice Shortest voting period governance may set (seconds).
    uint256 public constant MIN_VOTING_PERIOD = 1 hours;
    /// @notice Longest voting period governance may set (seconds).
    uint256 public constant MAX_VOTING_PERIOD = 90 days;
    /// @notice Smallest quorum governance may set (percent of the voting supply).
    uint256 public constant MIN_QUORUM_NUMERATOR = 1;
    /// @notice Largest quorum governance may set (percent of the voting supply).
    uint256 public constant MAX_QUORUM_NUMERATOR = 50;
    /// @notice Largest proposal threshold governance may set, in percent of the voting supply at the time it is set.
    uint256 public constant MAX_THRESHOLD_PERCENT = 10;

    /// @notice Governance tried to set a parameter outside its bounds (the value would brick or weaken the DAO).
    /// @param parameter The parameter's setter name (e.g. "setVotingPeriod").
    /// @param value The value given.
    /// @param min The smallest value allowed now.
    /// @param max The largest value allowed now.
    error RegionGovernorParameterOutOfBounds(string parameter, uint256 value, uint256 min, uint256 max);

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

    /**
     * @notice Cancel a proposal. The proposer may cancel only while it is Pending (with or without a guardian);
     * the guardian may cancel at any stage before execution, except a proposal that only replaces the guardian or
     * revokes roles of the current guardian (see `guardianMayCancel`).
     * @dev Replaces GovernorProposalGuardian's rule, under which a proposer could cancel at any stage when no
     * guardian is set, and the guardian could cancel its own replacement.
     */
    function cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) public override returns (uint256) {
        uint256 proposalId = getProposalId(targets, values, calldatas, descriptionHash);
        address caller = _msgSender();
        if (!_validateCancel(proposalId, caller)) {
            address guardian = proposalGuardian();
            if (caller != guardian || guardian == address(0) || !guardianMayCancel(targets, calldatas)) {
                revert GovernorUnableToCancel(proposalId, caller);
            }
        }
        return _cancel(targets, values, calldatas, descriptionHash);
    }

    /**
     * @notice Whether the guardian may cancel a proposal with these actions: false when every action either calls
     * `setProposalGuardian` on this governor or `revokeRole(role, guardian)` (any role, any contract) on the
     * current guardian, true otherwise (a proposal that also does anything else stays cancellable, so the
     * guardian's veto cannot be escaped by bundling).
     * @param targets The proposal's targets.
     * @param calldatas The proposal's calldatas.
     */
    function guardianMayCancel(address[] memory targets, bytes[] memory calldatas) public view returns (bool) {
        address guardian = proposalGuardian();
        uint256 n = targets.length;
        for (uint256 i = 0; i < n; ++i) {
            if (!_takesFromGuardian(targets[i], calldatas[i], guardian)) return true;
        }
        return n == 0;
    }

    function _takesFromGuardian(address target, bytes memory data, address guardian) private view returns (bool) {
        if (data.length < 4) return false;
        bytes4 selector = bytes4(data);
        if (selector == this.setProposalGuardian.selector) return target == address(this) && data.length == 36;
        if (selector != IAccessControl.revokeRole.selector || data.length != 68) return false;
        address account;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            account := mload(add(data, 68)) // second argument: 32 (length) + 4 (selector) + 32 (role)
        }
        return account == guardian;
    }

    /// @inheritdoc GovernorSettings
    /// @dev Bounded: at most `MAX_VOTING_DELAY`.
    function setVotingDelay(uint48 newVotingDelay) public override onlyGovernance {
        _checkBounds("setVotingDelay", newVotingDelay, 0, MAX_VOTING_DELAY);
        _setVotingDelay(newVotingDelay);
    }

    /// @inheritdoc GovernorSettings
    /// @dev Bounded: within [`MIN_VOTING_PERIOD`, `MAX_VOTING_PERIOD`] and longer than the late-quorum extension.
    function setVotingPeriod(uint32 newVotingPeriod) public override onlyGovernance {
        uint256 min = Math.max(MIN_VOTING_PERIOD, uint256(lateQuorumVoteExtension()) + 1);
        _checkBounds("setVotingPeriod", newVotingPeriod, min, MAX_VOTING_PERIOD);
        _setVotingPeriod(newVotingPeriod);
    }

    /// @inheritdoc GovernorSettings
    /// @dev Bounded: at most `MAX_THRESHOLD_PERCENT` % of the voting supply one second ago.
    function setProposalThreshold(uint256 newProposalThreshold) public override onlyGovernance {
        uint256 supply = token().getPastTotalSupply(clock() - 1);
        _checkBounds("setProposalThreshold", newProposalThreshold, 0, (supply * MAX_THRESHOLD_PERCENT) / 100);
        _setProposalThreshold(newProposalThreshold);
    }

    /// @inheritdoc GovernorVotesQuorumFraction
    /// @dev Bounded: within [`MIN_QUORUM_NUMERATOR`, `MAX_QUORUM_NUMERATOR`] percent.
    function updateQuorumNumerator(uint256 newQuorumNumerator) public override onlyGovernance {
        _checkBounds("updateQuorumNumerator", newQuorumNumerator, MIN_QUORUM_NUMERATOR, MAX_QUORUM_NUMERATOR);
        _updateQuorumNumerator(newQuorumNumerator);
    }

    /// @inheritdoc GovernorPreventLateQuorum
    /// @dev Bounded: shorter than the voting period.
    function setLateQuorumVoteExtension(uint48 newVoteExtension) public override onlyGovernance {
        _checkBounds("setLateQuorumVoteExtension", newVoteExtension, 0, votingPeriod() - 1);
        _setLateQuorumVoteExtension(newVoteExtension);
    }

    function _checkBounds(string memory parameter, uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max) revert RegionGovernorParameterOutOfBounds(parameter, value, min, max);
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

    /// @dev Only OpenZeppelin's base rule: the proposer, while Pending. The guardian's rule is in `cancel`.
    function _validateCancel(
        uint256 proposalId,
        address caller
    ) internal view override(Governor, GovernorProposalGuardian) returns (bool) {
        return Governor._validateCancel(proposalId, caller);
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
