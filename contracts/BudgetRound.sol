// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {IBudgetRound} from "../interfaces/IBudgetRound.sol";
import {ITreasury} from "../interfaces/ITreasury.sol";
import {IMemberHistory} from "../interfaces/IMemberHistory.sol";
import {IResidentRegistry} from "../interfaces/IResidentRegistry.sol";

/**
 * @title BudgetRound
 * @notice One participatory budget round (参加型予算): plans fixed at deployment, opened by governance with a
 * Treasury budget line whose steward is this round, approval ballots (direct or EIP-712 relayed), and a
 * permissionless, deterministic finalization that pays the winners through the line. The rule is stated in
 * `IBudgetRound` and README.md ("Participatory budgets").
 * @dev Plans are at most `MAX_PLANS` (64) so a ballot is one word (bit i = plan i) and finalizing stays cheap
 * (insertion sort over the tallies in memory). The round holds no funds: it can only call `Treasury.spend` on its
 * line, which caps it at what governance appropriated; `finalize` also checks the treasury's actual outflow.
 */
contract BudgetRound is IBudgetRound, EIP712 {
    /// @notice Most plans a round can hold.
    uint256 public constant MAX_PLANS = 64;

    /// @notice EIP-712 type of a relayed ballot.
    bytes32 public constant BALLOT_TYPEHASH = keccak256("Ballot(uint256 choices,address voter)");

    /// @dev Times and flags in one slot.
    struct State {
        uint48 snapshot;
        uint48 voteStart;
        uint48 voteEnd;
        uint32 ballots;
        bool finalized;
        bool cancelled;
    }

    address private immutable _owner;
    ITreasury private immutable _treasury;
    address private immutable _token;
    uint256 private immutable _budget;
    uint32 private immutable _votingPeriod;
    uint8 private immutable _maxApprovals;
    VoterMode private immutable _mode;
    address private immutable _registry;
    address private immutable _votes;

    Plan[] private _plans;
    uint256[] private _tallies;
    mapping(address voter => bool) private _voted;
    State private _state;
    uint256 private _lineId;

    /**
     * @param cfg The configuration: owner (the timelock), treasury, token, budget, voting period, K, voter mode and
     * the registry (Members) or the votes token (TokenWeight).
     * @param plans_ The plans, 2 to `MAX_PLANS`, each with a recipient and a non-zero amount (an amount above the
     * budget is allowed: such a plan can never win).
     */
    constructor(Config memory cfg, Plan[] memory plans_) EIP712("BudgetRound", "1") {
        if (
            cfg.owner == address(0) ||
            cfg.treasury == address(0) ||
            cfg.budget == 0 ||
            cfg.votingPeriod == 0 ||
            cfg.maxApprovals == 0 ||
            cfg.maxApprovals > plans_.length ||
            (cfg.mode == VoterMode.Members ? cfg.registry : cfg.votes) == address(0)
        ) revert BudgetRoundInvalidConfig();
        uint256 n = plans_.length;
        if (n < 2 || n > MAX_PLANS) revert BudgetRoundInvalidPlan(n);
        _owner = cfg.owner;
        _treasury = ITreasury(cfg.treasury);
        _token = cfg.token;
        _budget = cfg.budget;
        _votingPeriod = cfg.votingPeriod;
        _maxApprovals = cfg.maxApprovals;
        _mode = cfg.mode;
        _registry = cfg.registry;
        _votes = cfg.votes;
        for (uint256 i = 0; i < n; ++i) {
            Plan memory p = plans_[i];
            if (p.recipient == address(0) || p.amount == 0) revert BudgetRoundInvalidPlan(i);
            _plans.push(p);
            _tallies.push(0);
            emit PlanAdded(i, p.recipient, p.amount, p.descriptionHash, p.title);
        }
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IBudgetRound
    function open() external {
        _onlyOwner();
        Phase current = phase();
        if (current != Phase.Created) revert BudgetRoundWrongPhase(current);
        uint256 id = _treasury.budgetLineCount();
        if (id == 0) revert BudgetRoundLineMismatch(0);
        ITreasury.BudgetLine memory line = _treasury.budgetLine(id);
        uint48 start = SafeCast.toUint48(block.timestamp);
        uint48 end = start + _votingPeriod;
        if (
            line.steward != address(this) ||
            line.token != _token ||
            line.expiresAt <= end ||
            _treasury.remaining(id) < _budget
        ) revert BudgetRoundLineMismatch(id);
        _lineId = id;
        State storage s = _state;
        s.snapshot = start - 1;
        s.voteStart = start;
        s.voteEnd = end;
        emit RoundOpened(id, start - 1, start, end);
    }

    /// @inheritdoc IBudgetRound
    function cancel() external {
        _onlyOwner();
        Phase current = phase();
        if (current == Phase.Finalized || current == Phase.Cancelled) revert BudgetRoundWrongPhase(current);
        _state.cancelled = true;
        emit RoundCancelled(current);
    }

    // ---------------------------------------------------------------- voting

    /// @inheritdoc IBudgetRound
    function castBallot(uint256 choices) external {
        _cast(msg.sender, choices);
    }

    /// @inheritdoc IBudgetRound
    function castBallotBySig(address voter, uint256 choices, bytes calldata signature) external {
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(BALLOT_TYPEHASH, choices, voter)));
        if (!SignatureChecker.isValidSignatureNow(voter, digest, signature)) revert BudgetRoundInvalidSignature(voter);
        _cast(voter, choices);
    }

    function _cast(address voter, uint256 choices) private {
        Phase current = phase();
        if (current != Phase.Voting) revert BudgetRoundWrongPhase(current);
        uint256 n = _plans.length;
        uint256 count = _popcount(choices);
        if (choices == 0 || choices >> n != 0 || count > _maxApprovals) revert BudgetRoundInvalidBallot(choices);
        if (_voted[voter]) revert BudgetRoundAlreadyVoted(voter);
        uint256 weight = _weightOf(voter);
        // slither-disable-next-line incorrect-equality -- a weight (membership or votes), not a balance
        if (weight == 0) revert BudgetRoundNotEligible(voter);
        _voted[voter] = true;
        ++_state.ballots;
        for (uint256 i = 0; i < n; ++i) {
            if (choices & (1 << i) != 0) _tallies[i] += weight;
        }
        emit BallotCast(voter, choices, weight);
    }

    function _weightOf(address voter) private view returns (uint256) {
        uint48 snapshot = _state.snapshot;
        if (_mode == VoterMode.Members) {
            bool eligible = IMemberHistory(_registry).wasMemberAt(voter, snapshot) &&
                IResidentRegistry(_registry).isMember(voter);
            return eligible ? 1 : 0;
        }
        return IVotes(_votes).getPastVotes(voter, snapshot);
    }

    // ---------------------------------------------------------------- finalization

    /// @inheritdoc IBudgetRound
    // Effects (finalized) come before the payments; the treasury is the DAO's own, reentrancy-guarded contract, and
    // the balance read around the loop is the outflow guard itself. A recipient that refuses payment blocks the
    // round until governance cancels it (documented in IBudgetRound).
    // slither-disable-next-line reentrancy-balance,reentrancy-events,calls-loop -- see above
    function finalize() external {
        Phase current = phase();
        if (current != Phase.Counting) revert BudgetRoundWrongPhase(current);
        (uint256 winners, uint256 total) = previewWinners();
        uint256 id = _lineId;
        uint256 balanceBefore = _treasuryBalance();
        if (total != 0) {
            uint256 lineRemaining = _treasury.remaining(id);
            if (total > lineRemaining || total > balanceBefore) {
                revert BudgetRoundInsufficientFunds(total, lineRemaining, balanceBefore);
            }
        }
        _state.finalized = true; // effects before the payments
        uint256[] memory tally = _tallies;
        uint256 n = tally.length;
        for (uint256 i = 0; i < n; ++i) {
            if (winners & (1 << i) == 0) continue;
            Plan storage p = _plans[i];
            (address recipient, uint256 amount) = (p.recipient, p.amount);
            _treasury.spend(id, recipient, amount, p.title);
            emit PlanFunded(i, recipient, amount, tally[i]);
        }
        uint256 outflow = balanceBefore - _treasuryBalance();
        if (outflow != total) revert BudgetRoundOutflowMismatch(total, outflow);
        emit RoundFinalized(winners, total, _budget, _budget - total);
    }

    /// @inheritdoc IBudgetRound
    function previewWinners() public view returns (uint256 winners, uint256 total) {
        uint256[] memory tally = _tallies;
        uint256 n = tally.length;
        uint256[] memory order = new uint256[](n);
        // Insertion sort by tally, descending; stable, so ties keep plan order.
        for (uint256 i = 0; i < n; ++i) {
            uint256 j = i;
            while (j > 0 && tally[order[j - 1]] < tally[i]) {
                order[j] = order[j - 1];
                --j;
            }
            order[j] = i;
        }
        uint256 left = _budget;
        for (uint256 k = 0; k < n; ++k) {
            uint256 id = order[k];
            if (tally[id] == 0) break; // the rest have no approvals either
            uint256 amount = _plans[id].amount;
            if (amount > left) continue; // no longer fits: skip, keep going
            winners |= 1 << id;
            left -= amount;
            total += amount;
        }
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IBudgetRound
    function phase() public view returns (Phase) {
        State storage s = _state;
        if (s.cancelled) return Phase.Cancelled;
        if (s.finalized) return Phase.Finalized;
        if (s.voteEnd == 0) return Phase.Created;
        return block.timestamp < s.voteEnd ? Phase.Voting : Phase.Counting;
    }

    /// @inheritdoc IBudgetRound
    function config() external view returns (Config memory) {
        return
            Config({
                owner: _owner,
                treasury: address(_treasury),
                token: _token,
                budget: _budget,
                votingPeriod: _votingPeriod,
                maxApprovals: _maxApprovals,
                mode: _mode,
                registry: _registry,
                votes: _votes
            });
    }

    /// @inheritdoc IBudgetRound
    function planCount() external view returns (uint256) {
        return _plans.length;
    }

    /// @inheritdoc IBudgetRound
    function plan(uint256 planId) external view returns (Plan memory) {
        return _plans[planId];
    }

    /// @inheritdoc IBudgetRound
    function tallies() external view returns (uint256[] memory) {
        return _tallies;
    }

    /// @inheritdoc IBudgetRound
    function hasVoted(address account) external view returns (bool) {
        return _voted[account];
    }

    /// @inheritdoc IBudgetRound
    function lineId() external view returns (uint256) {
        return _lineId;
    }

    /// @inheritdoc IBudgetRound
    function window() external view returns (uint48 snapshot, uint48 voteStart, uint48 voteEnd) {
        State storage s = _state;
        return (s.snapshot, s.voteStart, s.voteEnd);
    }

    /// @inheritdoc IBudgetRound
    function ballotCount() external view returns (uint256) {
        return _state.ballots;
    }

    // ---------------------------------------------------------------- internals

    function _onlyOwner() private view {
        if (msg.sender != _owner) revert BudgetRoundUnauthorized(msg.sender);
    }

    function _treasuryBalance() private view returns (uint256) {
        address t = address(_treasury);
        return _token == address(0) ? t.balance : IERC20(_token).balanceOf(t);
    }

    function _popcount(uint256 x) private pure returns (uint256 c) {
        while (x != 0) {
            x &= x - 1;
            ++c;
        }
    }
}
