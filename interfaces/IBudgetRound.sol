// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title IBudgetRound
 * @notice A participatory budget round (参加型予算): members choose, by approval ballot, which of a fixed list of
 * plans a budget appropriated by governance pays for.
 *
 * The rule (also in README.md, "Participatory budgets"):
 * 1. Governance opens the round by a proposal that (a) appropriates a Treasury budget line whose steward is this
 *    round and (b) calls `open()`, which binds that line (the newest one) and fixes the snapshot (the second before)
 *    and the voting window `[opened, opened + votingPeriod)`. The round can only ever spend through that line, so
 *    never more than governance appropriated; it spends at most `budget()`.
 * 2. Electorate: in `Members` mode one ballot per member, weight 1: the voter held a registry card at the snapshot
 *    and still holds one when voting. In `TokenWeight` mode the weight is the voter's token votes at the snapshot
 *    (must be > 0).
 * 3. Ballot: the set of plans approved, as a bitmask (bit i = plan i), 1 to `maxApprovals()` plans. Each account
 *    casts at most one ballot and cannot change it, directly or by an EIP-712 signature (`Ballot`) anyone may relay.
 * 4. After the window anyone calls `finalize()`. Plans are ordered by approvals (total weight), descending; ties keep
 *    plan order (lower id first). Going down that order with `remaining = budget`: a plan with at least one approval
 *    whose amount is <= `remaining` wins and `remaining -= amount`; a plan that no longer fits is skipped and the
 *    next one is considered. Plans without approvals never win.
 * 5. Winners are paid from the budget line. The treasury's actual outflow of the token must equal the sum paid, or
 *    the whole finalization reverts. If the line or the treasury holds less than the winners' total, `finalize`
 *    reverts (and can be retried once it does); so does a recipient that refuses its payment (governance can then
 *    `cancel()` the round). What is not paid stays in the treasury, unspent.
 * Everything needed to recompute the result is in events: `PlanAdded`, `RoundOpened`, `BallotCast`.
 */
interface IBudgetRound {
    /// @notice Who votes and with what weight.
    enum VoterMode {
        Members, // one member, one ballot (ResidentRegistry at the snapshot)
        TokenWeight // token votes at the snapshot
    }

    /// @notice Lifecycle of a round.
    enum Phase {
        Created, // deployed, waiting for governance to open it
        Voting, // opened, window not over
        Counting, // window over, not finalized yet
        Finalized,
        Cancelled
    }

    /// @notice One plan (事業案).
    struct Plan {
        string title;
        bytes32 descriptionHash;
        address recipient;
        uint256 amount;
    }

    /// @notice Fixed configuration of a round.
    struct Config {
        address owner; // the timelock: only it opens or cancels the round
        address treasury;
        address token; // address(0) = ETH
        uint256 budget;
        uint32 votingPeriod; // seconds
        uint8 maxApprovals; // K
        VoterMode mode;
        address registry; // IMemberHistory (Members mode)
        address votes; // IVotes token (TokenWeight mode)
    }

    /// @notice Fewer than 2 or more than `MAX_PLANS` plans, or a plan without recipient or amount.
    /// @param index The offending plan index (or the plan count when the count is wrong).
    error BudgetRoundInvalidPlan(uint256 index);

    /// @notice A zero address, zero budget, zero period or K outside [1, plans] in the configuration.
    error BudgetRoundInvalidConfig();

    /// @notice Only the owner (the timelock) may do this.
    /// @param caller The caller.
    error BudgetRoundUnauthorized(address caller);

    /// @notice The round is not in the phase this needs.
    /// @param current The current phase.
    error BudgetRoundWrongPhase(Phase current);

    /// @notice The newest budget line does not fit: wrong steward, token, or less left than the budget.
    /// @param lineId The line looked at.
    error BudgetRoundLineMismatch(uint256 lineId);

    /// @notice The ballot approves no plan, more than K plans, or a plan that does not exist.
    /// @param choices The ballot's bitmask.
    error BudgetRoundInvalidBallot(uint256 choices);

    /// @notice The account already cast its ballot.
    /// @param voter The account.
    error BudgetRoundAlreadyVoted(address voter);

    /// @notice The account may not vote: no card at the snapshot or now (Members), or no votes at the snapshot.
    /// @param voter The account.
    error BudgetRoundNotEligible(address voter);

    /// @notice The signature is not the voter's over this round's Ballot.
    /// @param voter The claimed voter.
    error BudgetRoundInvalidSignature(address voter);

    /// @notice The budget line or the treasury holds less than the winners' total.
    /// @param needed The winners' total.
    /// @param lineRemaining What the line still allows.
    /// @param treasuryBalance What the treasury holds of the token.
    error BudgetRoundInsufficientFunds(uint256 needed, uint256 lineRemaining, uint256 treasuryBalance);

    /// @notice The treasury's balance fell by a different amount than the round paid.
    /// @param paid The sum paid.
    /// @param outflow The treasury's actual outflow.
    error BudgetRoundOutflowMismatch(uint256 paid, uint256 outflow);

    /// @notice A plan was put to the round (emitted once per plan at deployment).
    /// @param planId The plan's index.
    /// @param recipient Who is paid if it wins.
    /// @param amount What it costs.
    /// @param descriptionHash Hash of the full off-chain description.
    /// @param title Short title.
    event PlanAdded(
        uint256 indexed planId,
        address indexed recipient,
        uint256 amount,
        bytes32 descriptionHash,
        string title
    );

    /// @notice Governance opened the round.
    /// @param lineId The budget line bound.
    /// @param snapshot Electorate and weights are read at this time.
    /// @param voteStart First second of voting.
    /// @param voteEnd First second after voting.
    event RoundOpened(uint256 indexed lineId, uint48 snapshot, uint48 voteStart, uint48 voteEnd);

    /// @notice A ballot was counted.
    /// @param voter The voter (the signer, for a relayed ballot).
    /// @param choices Bitmask of approved plans.
    /// @param weight The weight added to each approved plan.
    event BallotCast(address indexed voter, uint256 choices, uint256 weight);

    /// @notice A winning plan was paid.
    /// @param planId The plan.
    /// @param recipient Its recipient.
    /// @param amount What was paid.
    /// @param approvals Its tally.
    event PlanFunded(uint256 indexed planId, address indexed recipient, uint256 amount, uint256 approvals);

    /// @notice The round was finalized.
    /// @param winners Bitmask of the plans the rule picked.
    /// @param paid Sum actually paid.
    /// @param leftoverBefore The budget before (`budget()`).
    /// @param leftoverAfter The budget left unspent.
    event RoundFinalized(uint256 winners, uint256 paid, uint256 leftoverBefore, uint256 leftoverAfter);

    /// @notice Governance cancelled the round before it was finalized.
    /// @param oldPhase The phase it was in.
    event RoundCancelled(Phase oldPhase);

    /// @notice Bind the newest budget line (its steward must be this round) and start voting. Only the owner.
    function open() external;

    /// @notice Cancel the round (before finalization). Only the owner.
    function cancel() external;

    /// @notice Cast the caller's ballot.
    /// @param choices Bitmask of approved plans (bit i = plan i).
    function castBallot(uint256 choices) external;

    /// @notice Cast `voter`'s ballot from an EIP-712 signature over `Ballot(uint256 choices,address voter)` in this
    /// round's domain (name "BudgetRound", version "1", this contract): anyone may relay it. ERC-1271 wallets work.
    /// @param voter The signer.
    /// @param choices Bitmask of approved plans.
    /// @param signature The signature.
    function castBallotBySig(address voter, uint256 choices, bytes calldata signature) external;

    /// @notice After the window: pick the winners by the rule and pay them. Anyone.
    function finalize() external;

    /// @notice The winners the rule picks from the current tallies (what `finalize` would pay).
    /// @return winners Bitmask of winning plans.
    /// @return total Their total amount.
    function previewWinners() external view returns (uint256 winners, uint256 total);

    /// @notice The current phase.
    function phase() external view returns (Phase);

    /// @notice The configuration.
    function config() external view returns (Config memory);

    /// @notice How many plans.
    function planCount() external view returns (uint256);

    /// @notice One plan.
    /// @param planId Its index.
    function plan(uint256 planId) external view returns (Plan memory);

    /// @notice All tallies (approvals per plan).
    function tallies() external view returns (uint256[] memory);

    /// @notice Whether `account` has cast its ballot.
    /// @param account The account.
    function hasVoted(address account) external view returns (bool);

    /// @notice The bound budget line (0 before `open`).
    function lineId() external view returns (uint256);

    /// @notice Snapshot, vote start and vote end (0 before `open`).
    function window() external view returns (uint48 snapshot, uint48 voteStart, uint48 voteEnd);

    /// @notice Number of ballots cast.
    function ballotCount() external view returns (uint256);
}
