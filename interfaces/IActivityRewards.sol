// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title IActivityRewards
 * @notice Monthly activity rewards (活動報酬) minted as governance tokens against a Merkle root.
 *
 * Each epoch (the tools use `YYYYMM`, e.g. 202612) a coordinator publishes the root of the epoch's reward tree,
 * its total and its leaf count; the total must fit the epoch's budget set by governance. A challenge window
 * follows in which the resident council (guardian) or governance can void the root; a coordinator may then
 * publish a corrected one. Once the window has closed, rewards are paid by push (`distribute`, coordinator
 * only, leaves in index order) or by pull (`claim`, anyone, tokens always go to the leaf's account). No leaf is
 * ever paid twice, whichever way, and no epoch ever mints more than its published total.
 *
 * Epochs are bound to time: an epoch id is a calendar month `YYYYMM` (2000-01 .. 9999-12) that may be published only
 * once it has started (00:00 JST on its first day, `epochStart`), and only in order (never before the latest epoch
 * published; the latest may be published again only after being voided, which pays nothing). So a coordinator
 * can mint at most one epoch budget per calendar month.
 *
 * One payment per account per epoch (the member cap is per member per epoch): the tree lists each account once,
 * in strictly increasing address order (leaf `i` holds the `i`-th smallest address). A push checks it across each
 * batch and across batches (through the epoch's last pushed account); a claim is refused for an account that
 * already claimed in the epoch, and for a leaf at or past the push cursor whose account is not above the last
 * pushed one; a push skips a leaf whose account already claimed. A tree that repeats an account can therefore
 * stall the push at the repeat, but never pay the account twice.
 *
 * Leaves are OpenZeppelin `StandardMerkleTree` leaves with the encoding
 * `["uint256", "uint256", "address", "uint256"]` = (epoch, index, account, amount):
 * `keccak256(bytes.concat(keccak256(abi.encode(epoch, index, account, amount))))`. `index` is the leaf's position
 * in the tree file's `values` array, `0 .. leafCount - 1` (members by address ascending).
 *
 * Paid tracking: a per-epoch push cursor (every index below it is settled: paid by push, skipped by push because it
 * had been claimed, or withheld) plus a per-epoch claim bitmap and a per-epoch bitmap of withheld leaves.
 *
 * Members-only rewards (a deploy option; governance can switch it on or off): while a member registry is set
 * (`memberRegistry()`), only its registered members are paid. A pushed leaf whose account is not a member at push
 * time is withheld — not paid, not counted as minted, and it does not revert the batch (which would block the push
 * cursor for everyone after it). A withheld leaf stays claimable with `claim` once its account is a member again.
 * A claim for a non-member reverts.
 */
interface IActivityRewards {
    /// @notice One reward leaf (the epoch is given separately).
    struct Leaf {
        uint256 index;
        address account;
        uint256 amount;
    }

    /// @notice What is known about one epoch.
    struct EpochInfo {
        bytes32 root;
        uint256 total;
        uint256 minted;
        uint256 leafCount;
        uint64 payableAt;
        uint256 cursor;
        bool voided;
    }

    /// @notice The epoch id is not a calendar month `YYYYMM` between 200001 and 999912.
    /// @param epoch The epoch id given.
    error RewardsInvalidEpoch(uint256 epoch);

    /// @notice The epoch's calendar month has not started yet.
    /// @param epoch The epoch.
    /// @param startsAt When it starts (00:00 JST on its first day).
    error RewardsEpochNotStarted(uint256 epoch, uint256 startsAt);

    /// @notice Epochs are published in order: this one is before the latest epoch published.
    /// @param epoch The epoch.
    /// @param latest The latest epoch published.
    error RewardsEpochOutOfOrder(uint256 epoch, uint256 latest);

    /// @notice A pushed leaf's account is not above the previous leaf's (each account once, in increasing order).
    /// @param epoch The epoch.
    /// @param index The leaf index.
    /// @param account The leaf's account.
    /// @param previous The account of the leaf before it.
    error RewardsAccountsNotIncreasing(uint256 epoch, uint256 index, address account, address previous);

    /// @notice The account was already paid in this epoch (it claimed, or its leaf is past pushed accounts).
    /// @param epoch The epoch.
    /// @param account The account.
    error RewardsAccountAlreadyPaid(uint256 epoch, address account);

    /// @notice A zero address was given for the token, the admin or a reward account.
    error RewardsZeroAddress();

    /// @notice A published total exceeds the epoch's budget.
    /// @param epoch The epoch.
    /// @param total The total to publish.
    /// @param budget The epoch's budget (`budgetOf(epoch)`).
    error RewardsEpochBudgetExceeded(uint256 epoch, uint256 total, uint256 budget);

    /// @notice The epoch already has a live (published, not voided) root.
    /// @param epoch The epoch.
    /// @param root Its live root.
    error RewardsEpochAlreadyPublished(uint256 epoch, bytes32 root);

    /// @notice The epoch has no live root: never published, or voided and not published again.
    /// @param epoch The epoch.
    error RewardsEpochNotPublished(uint256 epoch);

    /// @notice A zero root or a tree without leaves was published.
    /// @param epoch The epoch.
    error RewardsEmptyTree(uint256 epoch);

    /// @notice Nothing is payable before the challenge window closes.
    /// @param epoch The epoch.
    /// @param payableAt When it closes.
    error RewardsChallengeWindowOpen(uint256 epoch, uint64 payableAt);

    /// @notice A root can be voided only while its challenge window is open.
    /// @param epoch The epoch.
    /// @param payableAt When the window closed.
    error RewardsChallengeWindowClosed(uint256 epoch, uint64 payableAt);

    /// @notice Only a guardian or the admin (governance) may void a root.
    /// @param caller The caller.
    error RewardsUnauthorizedVoider(address caller);

    /// @notice The Merkle proof (or multiproof) does not prove the leaves under the epoch's root.
    /// @param epoch The epoch.
    error RewardsInvalidProof(uint256 epoch);

    /// @notice The leaf was already paid (by push or claim), or lies below the push cursor.
    /// @param epoch The epoch.
    /// @param index The leaf index.
    error RewardsAlreadyPaid(uint256 epoch, uint256 index);

    /// @notice A pushed leaf is outside the batch's range `[cursor, cursor + count)`.
    /// @param epoch The epoch.
    /// @param index The leaf index.
    /// @param cursor The push cursor (first index the batch must cover).
    /// @param count The batch size.
    error RewardsOutOfOrder(uint256 epoch, uint256 index, uint256 cursor, uint256 count);

    /// @notice A batch lists one leaf index twice.
    /// @param epoch The epoch.
    /// @param index The leaf index.
    error RewardsDuplicateIndex(uint256 epoch, uint256 index);

    /// @notice A leaf index is not below the published leaf count.
    /// @param epoch The epoch.
    /// @param index The leaf index.
    /// @param leafCount The published leaf count.
    error RewardsIndexOutOfRange(uint256 epoch, uint256 index, uint256 leafCount);

    /// @notice `distribute` was called without leaves.
    /// @param epoch The epoch.
    error RewardsEmptyBatch(uint256 epoch);

    /// @notice A leaf pays more than the per-member cap.
    /// @param epoch The epoch.
    /// @param account The leaf's account.
    /// @param amount The leaf's amount.
    /// @param cap The per-member cap (`memberCap()`).
    error RewardsMemberCapExceeded(uint256 epoch, address account, uint256 amount, uint256 cap);

    /// @notice Members-only rewards: the leaf's account is not a registered member of `memberRegistry()`.
    /// @param account The leaf's account.
    error RewardsNotMember(address account);

    /// @notice A setting outside its bounds (see the setter).
    /// @param value The value given.
    /// @param min The smallest allowed.
    /// @param max The largest allowed.
    error RewardsParameterOutOfBounds(uint256 value, uint256 min, uint256 max);

    /// @notice The address given as member registry does not answer `isMember` like a registry.
    /// @param registry The address given.
    error RewardsInvalidRegistry(address registry);

    /// @notice Paying would mint more than the epoch's published total.
    /// @param epoch The epoch.
    /// @param minted Already minted for the epoch.
    /// @param amount The amount to pay now.
    /// @param total The published total.
    error RewardsMintExceedsTotal(uint256 epoch, uint256 minted, uint256 amount, uint256 total);

    /// @notice A coordinator published an epoch's root (again, after a void).
    /// @param epoch The epoch.
    /// @param root The Merkle root.
    /// @param total The sum of the tree's amounts: the most the epoch can mint.
    /// @param leafCount The number of leaves.
    /// @param payableAt When the challenge window closes and payments may start.
    event EpochPublished(uint256 indexed epoch, bytes32 root, uint256 total, uint256 leafCount, uint64 payableAt);

    /// @notice A guardian or governance voided an epoch's root during its challenge window.
    /// @param epoch The epoch.
    /// @param root The voided root.
    /// @param by Who voided it.
    event EpochVoided(uint256 indexed epoch, bytes32 root, address indexed by);

    /// @notice One reward leaf was paid (minted to its account), by push or by claim.
    /// @param epoch The epoch.
    /// @param index The leaf index.
    /// @param account The recipient.
    /// @param amount The amount minted.
    event RewardPaid(uint256 indexed epoch, uint256 indexed index, address indexed account, uint256 amount);

    /// @notice Members-only rewards: a pushed leaf was not paid because its account was not a registered member at
    /// push time. It is not counted as minted and stays claimable (`claim`) once the account is a member again.
    /// @param epoch The epoch.
    /// @param index The leaf index.
    /// @param account The leaf's account.
    /// @param amount The leaf's amount (not minted).
    event RewardWithheld(uint256 indexed epoch, uint256 indexed index, address indexed account, uint256 amount);

    /// @notice A coordinator pushed one batch. Leaves of the range that had been claimed were skipped and leaves
    /// of non-members were withheld (`cursorAfter - cursorBefore - paid` of them in all): they emit no
    /// `RewardPaid` here (a withheld leaf emits `RewardWithheld`).
    /// @param epoch The epoch.
    /// @param cursorBefore The push cursor before (first index of the batch).
    /// @param cursorAfter The push cursor after (one past the last index of the batch).
    /// @param paid How many leaves were paid.
    /// @param amount How much was minted (withheld leaves excluded).
    /// @param mintedAfter The epoch's minted total afterwards.
    event RewardsDistributed(
        uint256 indexed epoch,
        uint256 cursorBefore,
        uint256 cursorAfter,
        uint256 paid,
        uint256 amount,
        uint256 mintedAfter
    );

    /// @notice Governance changed the standing budget (the budget of every epoch without its own).
    /// @param oldBudget Previous value.
    /// @param newBudget New value.
    event StandingBudgetChanged(uint256 oldBudget, uint256 newBudget);

    /// @notice Governance set or cleared an epoch's own budget.
    /// @param epoch The epoch.
    /// @param wasSet Whether it had its own budget before.
    /// @param oldBudget Its own budget before (0 when unset).
    /// @param isSet Whether it has its own budget now (false: the standing budget applies).
    /// @param newBudget Its own budget now (0 when unset).
    event EpochBudgetChanged(uint256 indexed epoch, bool wasSet, uint256 oldBudget, bool isSet, uint256 newBudget);

    /// @notice Governance changed the per-member cap.
    /// @param oldCap Previous value.
    /// @param newCap New value.
    event MemberCapChanged(uint256 oldCap, uint256 newCap);

    /// @notice Governance changed the challenge window (applies to roots published afterwards).
    /// @param oldWindow Previous value, in seconds.
    /// @param newWindow New value, in seconds.
    event ChallengeWindowChanged(uint64 oldWindow, uint64 newWindow);

    /// @notice Governance changed the member registry of members-only rewards.
    /// @param oldRegistry Previous registry (address(0): anyone could be rewarded).
    /// @param newRegistry New registry (address(0): anyone may be rewarded).
    event MemberRegistryChanged(address indexed oldRegistry, address indexed newRegistry);

    /// @notice Publish an epoch's reward root. Only coordinators. The epoch must be a calendar month that has
    /// started (`epochStart`), not before `latestEpoch()`; the total must fit `budgetOf(epoch)` and the epoch must
    /// have no live root; payments may start `challengeWindow()` seconds from now.
    /// @param epoch The epoch id (`YYYYMM`, 200001 .. 999912).
    /// @param root The Merkle root of the epoch's tree.
    /// @param total The sum of the tree's amounts: the most the epoch can ever mint.
    /// @param leafCount The number of leaves (indices run from 0 to `leafCount - 1`).
    function publish(uint256 epoch, bytes32 root, uint256 total, uint256 leafCount) external;

    /// @notice Void an epoch's live root while its challenge window is open. Only guardians or the admin.
    /// A coordinator may then publish a corrected root.
    /// @param epoch The epoch.
    function voidEpoch(uint256 epoch) external;

    /// @notice Push one batch of rewards. Only coordinators, once the challenge window has closed.
    /// @dev The batch covers exactly the indices `[cursor, cursor + leaves.length)`, given in the order of the
    /// multiproof (OpenZeppelin `getMultiProof`: tree index descending), not in index order: each leaf's index
    /// must lie in the range and appear once, so the set is the whole range. Leaves claimed meanwhile are skipped
    /// (not paid, no revert); while a member registry is set, leaves of accounts that are not registered members
    /// are withheld (`RewardWithheld`; not paid, no revert, claimable later), and so are leaves over the member cap
    /// (lowered since publish; claimable if it is raised again). Accounts must strictly increase with the index,
    /// within the batch and from the last account pushed before (`RewardsAccountsNotIncreasing`). The others are minted in one
    /// `mintBatch` call and the cursor moves past the range. The registry is read once per batch and asked
    /// `isMember` once per leaf to be paid.
    /// @param epoch The epoch.
    /// @param leaves The leaves, in multiproof order.
    /// @param proof The multiproof's sibling hashes.
    /// @param proofFlags The multiproof's flags.
    /// @return paid How many leaves were paid (the others had been claimed, or were withheld).
    /// @return amount How much was minted (withheld leaves excluded).
    function distribute(
        uint256 epoch,
        Leaf[] calldata leaves,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) external returns (uint256 paid, uint256 amount);

    /// @notice Claim one leaf, once the challenge window has closed. Anyone may submit; the tokens always go to
    /// `account`. Reverts with `RewardsAlreadyPaid` for a leaf claimed before or below the push cursor, unless it
    /// was withheld by the push and not claimed since. While a member registry is set, reverts with
    /// `RewardsNotMember` unless `account` is a registered member.
    /// @param epoch The epoch.
    /// @param index The leaf index.
    /// @param account The leaf's account (the recipient).
    /// @param amount The leaf's amount.
    /// @param proof The leaf's Merkle proof.
    function claim(uint256 epoch, uint256 index, address account, uint256 amount, bytes32[] calldata proof) external;

    /// @notice Set the standing budget: the most an epoch without its own budget may publish. Only the admin.
    /// @param budget The budget, in token base units.
    function setStandingBudget(uint256 budget) external;

    /// @notice Give an epoch its own budget, overriding the standing one (0 is a budget: nothing may be
    /// published). Only the admin.
    /// @param epoch The epoch.
    /// @param budget The budget, in token base units.
    function setEpochBudget(uint256 epoch, uint256 budget) external;

    /// @notice Remove an epoch's own budget, so the standing budget applies again. Only the admin.
    /// @param epoch The epoch.
    function clearEpochBudget(uint256 epoch) external;

    /// @notice Set the per-member cap: the most one member may be paid per epoch (one leaf per account), checked
    /// at payment: a pushed leaf over it is withheld, a claim over it reverts. Only the admin.
    /// @param cap The cap, in token base units; not zero (a zero cap would withhold every reward).
    function setMemberCap(uint256 cap) external;

    /// @notice Set the challenge window for roots published from now on. Only the admin.
    /// @param window The window, in seconds: from `MIN_CHALLENGE_WINDOW` (1 hour) to `MAX_CHALLENGE_WINDOW` (30 days).
    function setChallengeWindow(uint64 window) external;

    /// @notice Switch members-only rewards on (a registry) or off (address(0)). Only the admin. While on, pushes
    /// withhold the leaves of accounts that are not members of `registry`, and claims for them revert. A registry
    /// is checked by calling its `isMember` once.
    /// @param registry The member registry (an `IResidentRegistry`), or address(0) to reward anyone.
    function setMemberRegistry(address registry) external;

    /// @notice The token rewards are minted in.
    function token() external view returns (address);

    /// @notice An epoch's root, totals, leaf count, payable time, push cursor and void flag (zeros if never
    /// published).
    /// @param epoch The epoch.
    function epochInfo(uint256 epoch) external view returns (EpochInfo memory);

    /// @notice Whether a leaf has been paid, by push or by claim (every index below the push cursor has been,
    /// except withheld leaves not claimed since).
    /// @param epoch The epoch.
    /// @param index The leaf index.
    function isPaid(uint256 epoch, uint256 index) external view returns (bool);

    /// @notice Whether a leaf was withheld by a push (its account was not a member then) and not claimed since.
    /// @param epoch The epoch.
    /// @param index The leaf index.
    function isWithheld(uint256 epoch, uint256 index) external view returns (bool);

    /// @notice Whether `account` claimed its reward of `epoch` (each account is paid at most once per epoch).
    /// @param epoch The epoch.
    /// @param account The account.
    function hasClaimed(uint256 epoch, address account) external view returns (bool);

    /// @notice The latest epoch ever published (0 before the first): no earlier epoch can be published.
    function latestEpoch() external view returns (uint256);

    /// @notice When an epoch's calendar month starts (00:00 JST on its first day), as a unix timestamp; reverts
    /// with `RewardsInvalidEpoch` unless `epoch` is `YYYYMM` between 200001 and 999912.
    /// @param epoch The epoch id.
    function epochStart(uint256 epoch) external pure returns (uint256);

    /// @notice The budget that applies to an epoch: its own if set, else the standing budget.
    /// @param epoch The epoch.
    function budgetOf(uint256 epoch) external view returns (uint256);

    /// @notice An epoch's own budget, if it has one.
    /// @param epoch The epoch.
    /// @return isSet Whether governance set one (false: the standing budget applies).
    /// @return budget The budget (0 when unset).
    function epochBudget(uint256 epoch) external view returns (bool isSet, uint256 budget);

    /// @notice The budget of every epoch without its own.
    function standingBudget() external view returns (uint256);

    /// @notice The most one leaf may pay.
    function memberCap() external view returns (uint256);

    /// @notice Seconds between publishing a root and payments starting.
    function challengeWindow() external view returns (uint64);

    /// @notice The registry whose members alone are rewarded, or address(0) when anyone may be rewarded.
    function memberRegistry() external view returns (address);
}
