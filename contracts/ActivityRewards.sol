// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IActivityRewards} from "../interfaces/IActivityRewards.sol";
import {IRegionToken} from "../interfaces/IRegionToken.sol";
import {IResidentRegistry} from "../interfaces/IResidentRegistry.sol";

/**
 * @title ActivityRewards
 * @notice Mints each epoch's activity rewards against a Merkle root published by a coordinator, within a budget
 * set by governance, after a challenge window in which the resident council or governance can void the root.
 * Holds `MINTER_ROLE` on the token (granted by governance) and should be excluded from voting.
 * @dev Roles: `DEFAULT_ADMIN_ROLE` is the timelock (budgets, cap, window, and granting the other roles);
 * `COORDINATOR_ROLE` publishes and pushes; `GUARDIAN_ROLE` (the resident council) may void during the window.
 *
 * Push (`distribute`) verifies a batch with one OpenZeppelin multiproof and mints it with one `mintBatch` call.
 * The multiproof fixes the leaf order (tree index descending, as `getMultiProof` returns them), which is
 * unrelated to leaf indices, so the batch is accepted in that order and its index set is checked instead: every
 * index must lie in `[cursor, cursor + n)` and none may repeat (a bitmap in memory), so by counting the set is
 * exactly the range. The multiproof proves that the leaves are distinct leaves of the tree.
 *
 * Members-only rewards cost a push with no registry set one storage read per batch (the registry slot, shared
 * with the challenge window); with a registry set, each leaf to be paid is one `isMember` call (a static call: the
 * registry cannot re-enter), and a withheld leaf is one bit in the epoch's withheld bitmap.
 */
contract ActivityRewards is IActivityRewards, AccessControl {
    using BitMaps for BitMaps.BitMap;

    /// @notice Role that publishes roots and pushes rewards; granted and revoked by the admin (the timelock).
    bytes32 public constant COORDINATOR_ROLE = keccak256("COORDINATOR_ROLE");

    /// @notice Role that may void a root during its challenge window (the resident council); managed by the admin.
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    /// @dev Per-epoch state in four slots: root | total, minted | leafCount, cursor, payableAt, voided, claims |
    /// lastPushed (the account of the last pushed leaf: accounts strictly increase along the pushed prefix).
    struct EpochState {
        bytes32 root;
        uint128 total;
        uint128 minted;
        uint64 leafCount;
        uint64 cursor;
        uint64 payableAt;
        bool voided;
        uint48 claims;
        address lastPushed;
    }

    /// @dev An epoch's own budget; `isSet` tells "set to 0" from "unset".
    struct BudgetOverride {
        bool isSet;
        uint248 amount;
    }

    /// @dev What one pushed batch pays (memory only); `registry` is the member registry, read once per batch.
    struct Batch {
        bytes32[] hashes;
        address[] recipients;
        uint256[] amounts;
        uint256 paid;
        uint256 amount;
        IResidentRegistry registry;
        bool anyClaims;
        uint256 cap;
        address[] byOffset;
    }

    /// @notice Shortest challenge window governance may set (seconds).
    uint64 public constant MIN_CHALLENGE_WINDOW = 1 hours;
    /// @notice Longest challenge window governance may set (seconds).
    uint64 public constant MAX_CHALLENGE_WINDOW = 30 days;

    IRegionToken private immutable _token;

    mapping(uint256 epoch => EpochState) private _epochs;
    mapping(uint256 epoch => BitMaps.BitMap) private _claimed;
    /// @dev Accounts that claimed in an epoch: one payment per account per epoch, whatever the tree holds.
    mapping(uint256 epoch => mapping(address account => bool)) private _claimedAccounts;
    mapping(uint256 epoch => BitMaps.BitMap) private _withheld;
    mapping(uint256 epoch => BudgetOverride) private _epochBudgets;
    uint256 private _standingBudget;
    uint256 private _memberCap;
    uint64 private _challengeWindow;
    /// @dev Members-only rewards: the member registry, or address(0) when anyone may be rewarded (packed with the
    /// challenge window in one slot).
    IResidentRegistry private _memberRegistry;
    /// @dev The latest epoch ever published: epochs are published in order (one budget per calendar month).
    uint256 private _latestEpoch;

    /**
     * @param token_ The token rewards are minted in (this contract needs its `MINTER_ROLE`).
     * @param admin Receives `DEFAULT_ADMIN_ROLE`: the DAO's timelock.
     * @param guardian Receives `GUARDIAN_ROLE` (the resident council); address(0) for none.
     * @param challengeWindow_ Seconds between publishing a root and payments starting.
     * @param memberCap_ The most one leaf may pay.
     * @param standingBudget_ The budget of every epoch without its own.
     */
    constructor(
        IRegionToken token_,
        address admin,
        address guardian,
        uint64 challengeWindow_,
        uint256 memberCap_,
        uint256 standingBudget_
    ) {
        if (address(token_) == address(0) || admin == address(0)) revert RewardsZeroAddress();
        _token = token_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        if (guardian != address(0)) _grantRole(GUARDIAN_ROLE, guardian);
        _setChallengeWindow(challengeWindow_);
        _setMemberCap(memberCap_);
        _setStandingBudget(standingBudget_);
    }

    // ---------------------------------------------------------------- publishing

    /// @inheritdoc IActivityRewards
    function publish(
        uint256 epoch,
        bytes32 root,
        uint256 total,
        uint256 leafCount
    ) external onlyRole(COORDINATOR_ROLE) {
        uint256 startsAt = epochStart(epoch);
        if (block.timestamp < startsAt) revert RewardsEpochNotStarted(epoch, startsAt);
        uint256 latest = _latestEpoch;
        if (epoch < latest) revert RewardsEpochOutOfOrder(epoch, latest);
        EpochState storage state = _epochs[epoch];
        if (state.root != bytes32(0) && !state.voided) revert RewardsEpochAlreadyPublished(epoch, state.root);
        if (root == bytes32(0) || leafCount == 0) revert RewardsEmptyTree(epoch);
        uint256 budget = budgetOf(epoch);
        if (total > budget) revert RewardsEpochBudgetExceeded(epoch, total, budget);
        uint64 payableAt = SafeCast.toUint64(block.timestamp + _challengeWindow);
        // Nothing of a voided root was ever paid (payments start when voiding ends), so minted and cursor are 0
        // and the claim bitmap is empty: the epoch starts afresh.
        state.root = root;
        state.total = SafeCast.toUint128(total);
        state.leafCount = SafeCast.toUint64(leafCount);
        state.payableAt = payableAt;
        state.voided = false;
        if (epoch != latest) _latestEpoch = epoch;
        emit EpochPublished(epoch, root, total, leafCount, payableAt);
    }

    /// @inheritdoc IActivityRewards
    function voidEpoch(uint256 epoch) external {
        if (!hasRole(GUARDIAN_ROLE, msg.sender) && !hasRole(DEFAULT_ADMIN_ROLE, msg.sender)) {
            revert RewardsUnauthorizedVoider(msg.sender);
        }
        EpochState storage state = _liveEpoch(epoch);
        uint64 payableAt = state.payableAt;
        if (block.timestamp >= payableAt) revert RewardsChallengeWindowClosed(epoch, payableAt);
        state.voided = true;
        emit EpochVoided(epoch, state.root, msg.sender);
    }

    // ---------------------------------------------------------------- paying

    /// @inheritdoc IActivityRewards
    function distribute(
        uint256 epoch,
        Leaf[] calldata leaves,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) external onlyRole(COORDINATOR_ROLE) returns (uint256 paid, uint256 amount) {
        EpochState storage state = _payableEpoch(epoch);
        uint256 cursor = state.cursor;
        Batch memory batch = _readBatch(epoch, state, cursor, leaves);
        if (!MerkleProof.multiProofVerifyCalldata(proof, proofFlags, state.root, batch.hashes)) {
            revert RewardsInvalidProof(epoch);
        }
        paid = batch.paid;
        amount = batch.amount;
        uint256 mintedAfter = _addMinted(state, epoch, amount);
        uint256 end = cursor + leaves.length;
        state.cursor = uint64(end); // end <= leafCount, a uint64
        emit RewardsDistributed(epoch, cursor, end, paid, amount, mintedAfter);
        if (paid != 0) _token.mintBatch(batch.recipients, batch.amounts);
    }

    /// @inheritdoc IActivityRewards
    function claim(uint256 epoch, uint256 index, address account, uint256 amount, bytes32[] calldata proof) external {
        EpochState storage state = _payableEpoch(epoch);
        if (index >= state.leafCount) revert RewardsIndexOutOfRange(epoch, index, state.leafCount);
        BitMaps.BitMap storage claimed = _claimed[epoch];
        // Below the push cursor only a leaf the push withheld (and nobody claimed since) is still payable.
        if ((index < state.cursor && !_withheld[epoch].get(index)) || claimed.get(index)) {
            revert RewardsAlreadyPaid(epoch, index);
        }
        if (account == address(0)) revert RewardsZeroAddress();
        uint256 cap = _memberCap;
        if (amount > cap) revert RewardsMemberCapExceeded(epoch, account, amount, cap);
        if (!MerkleProof.verifyCalldata(proof, state.root, _leafHash(epoch, index, account, amount))) {
            revert RewardsInvalidProof(epoch);
        }
        // One payment per account per epoch: an account claims once, and a leaf at or past the cursor must come
        // after every pushed account (accounts strictly increase along the pushed prefix), so a tree listing an
        // account twice can never pay it twice.
        mapping(address => bool) storage claimedAccounts = _claimedAccounts[epoch];
        if (claimedAccounts[account] || (index >= state.cursor && account <= state.lastPushed)) {
            revert RewardsAccountAlreadyPaid(epoch, account);
        }
        IResidentRegistry registry = _memberRegistry;
        if (address(registry) != address(0) && !registry.isMember(account)) revert RewardsNotMember(account);
        claimed.set(index);
        claimedAccounts[account] = true;
        ++state.claims;
        _addMinted(state, epoch, amount);
        emit RewardPaid(epoch, index, account, amount);
        _token.mint(account, amount);
    }

    // ---------------------------------------------------------------- governance settings

    /// @inheritdoc IActivityRewards
    function setStandingBudget(uint256 budget) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setStandingBudget(budget);
    }

    /// @inheritdoc IActivityRewards
    function setEpochBudget(uint256 epoch, uint256 budget) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setEpochBudget(epoch, BudgetOverride(true, SafeCast.toUint248(budget)));
    }

    /// @inheritdoc IActivityRewards
    function clearEpochBudget(uint256 epoch) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setEpochBudget(epoch, BudgetOverride(false, 0));
    }

    /// @inheritdoc IActivityRewards
    function setMemberCap(uint256 cap) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (cap == 0) revert RewardsParameterOutOfBounds(cap, 1, type(uint256).max);
        _setMemberCap(cap);
    }

    /// @inheritdoc IActivityRewards
    function setChallengeWindow(uint64 window) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (window < MIN_CHALLENGE_WINDOW || window > MAX_CHALLENGE_WINDOW) {
            revert RewardsParameterOutOfBounds(window, MIN_CHALLENGE_WINDOW, MAX_CHALLENGE_WINDOW);
        }
        _setChallengeWindow(window);
    }

    /// @inheritdoc IActivityRewards
    function setMemberRegistry(address registry) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (registry != address(0)) _requireRegistry(registry);
        emit MemberRegistryChanged(address(_memberRegistry), registry);
        _memberRegistry = IResidentRegistry(registry);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IActivityRewards
    function token() external view returns (address) {
        return address(_token);
    }

    /// @inheritdoc IActivityRewards
    function epochInfo(uint256 epoch) external view returns (EpochInfo memory) {
        EpochState storage state = _epochs[epoch];
        return
            EpochInfo({
                root: state.root,
                total: state.total,
                minted: state.minted,
                leafCount: state.leafCount,
                payableAt: state.payableAt,
                cursor: state.cursor,
                voided: state.voided
            });
    }

    /// @inheritdoc IActivityRewards
    function hasClaimed(uint256 epoch, address account) external view returns (bool) {
        return _claimedAccounts[epoch][account];
    }

    /// @inheritdoc IActivityRewards
    function latestEpoch() external view returns (uint256) {
        return _latestEpoch;
    }

    /// @inheritdoc IActivityRewards
    // slither-disable-next-line divide-before-multiply -- days-from-civil: the integer divisions are the calendar
    function epochStart(uint256 epoch) public pure returns (uint256) {
        uint256 year = epoch / 100;
        uint256 month = epoch % 100;
        if (year < 2000 || year > 9999 || month == 0 || month > 12) revert RewardsInvalidEpoch(epoch);
        // Days from 1970-01-01 to the 1st of the month (H. Hinnant's days_from_civil, years starting in March).
        uint256 y = month <= 2 ? year - 1 : year;
        uint256 era = y / 400;
        uint256 yoe = y - era * 400;
        uint256 doy = (153 * ((month + 9) % 12) + 2) / 5;
        uint256 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return (era * 146097 + doe - 719468) * 1 days - 9 hours; // 00:00 JST (UTC+9)
    }

    /// @inheritdoc IActivityRewards
    function isPaid(uint256 epoch, uint256 index) external view returns (bool) {
        return _claimed[epoch].get(index) || (index < _epochs[epoch].cursor && !_withheld[epoch].get(index));
    }

    /// @inheritdoc IActivityRewards
    function isWithheld(uint256 epoch, uint256 index) external view returns (bool) {
        return _withheld[epoch].get(index) && !_claimed[epoch].get(index);
    }

    /// @inheritdoc IActivityRewards
    function budgetOf(uint256 epoch) public view returns (uint256) {
        BudgetOverride memory own = _epochBudgets[epoch];
        return own.isSet ? own.amount : _standingBudget;
    }

    /// @inheritdoc IActivityRewards
    function epochBudget(uint256 epoch) external view returns (bool isSet, uint256 budget) {
        BudgetOverride memory own = _epochBudgets[epoch];
        return (own.isSet, own.amount);
    }

    /// @inheritdoc IActivityRewards
    function standingBudget() external view returns (uint256) {
        return _standingBudget;
    }

    /// @inheritdoc IActivityRewards
    function memberCap() external view returns (uint256) {
        return _memberCap;
    }

    /// @inheritdoc IActivityRewards
    function challengeWindow() external view returns (uint64) {
        return _challengeWindow;
    }

    /// @inheritdoc IActivityRewards
    function memberRegistry() external view returns (address) {
        return address(_memberRegistry);
    }

    /// @notice ERC-165: AccessControl's interfaces plus `IActivityRewards`.
    /// @param interfaceId The interface id.
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == type(IActivityRewards).interfaceId || super.supportsInterface(interfaceId);
    }

    // ---------------------------------------------------------------- internals

    /// @dev The epoch's state if it has a live (published, not voided) root.
    function _liveEpoch(uint256 epoch) private view returns (EpochState storage state) {
        state = _epochs[epoch];
        if (state.root == bytes32(0) || state.voided) revert RewardsEpochNotPublished(epoch);
    }

    /// @dev The epoch's state if it has a live root whose challenge window has closed.
    function _payableEpoch(uint256 epoch) private view returns (EpochState storage state) {
        state = _liveEpoch(epoch);
        uint64 payableAt = state.payableAt;
        if (block.timestamp < payableAt) revert RewardsChallengeWindowOpen(epoch, payableAt);
    }

    /// @dev Adds `amount` to the epoch's minted total, never beyond the published total; returns the new value.
    function _addMinted(EpochState storage state, uint256 epoch, uint256 amount) private returns (uint256 mintedAfter) {
        uint256 minted = state.minted;
        uint256 total = state.total;
        mintedAfter = minted + amount;
        if (mintedAfter > total) revert RewardsMintExceedsTotal(epoch, minted, amount, total);
        state.minted = uint128(mintedAfter); // <= total, a uint128
    }

    /**
     * @dev Checks one pushed batch and collects what it pays: every index in `[cursor, cursor + n)` exactly once
     * (in any order), each leaf hashed for the multiproof, leaves claimed meanwhile skipped, the others checked
     * against the cap and either withheld (members-only rewards, account not a member) or emitted as `RewardPaid`.
     * The member registry is read here, once for the batch. The proof is checked by the caller (the whole
     * transaction reverts if it fails, events and withheld bits included).
     */
    function _readBatch(
        uint256 epoch,
        EpochState storage state,
        uint256 cursor,
        Leaf[] calldata leaves
    ) private returns (Batch memory batch) {
        uint256 n = leaves.length;
        if (n == 0) revert RewardsEmptyBatch(epoch);
        uint256 leafCount = state.leafCount;
        if (cursor + n > leafCount) revert RewardsIndexOutOfRange(epoch, cursor + n - 1, leafCount);
        batch.hashes = new bytes32[](n);
        batch.recipients = new address[](n);
        batch.amounts = new uint256[](n);
        // The batch's accounts by offset from the cursor: a zero entry is an index not seen yet.
        batch.byOffset = new address[](n);
        mapping(address => bool) storage claimedAccounts = _claimedAccounts[epoch];
        batch.anyClaims = state.claims != 0; // without claims (the usual case) no per-account read at all
        batch.cap = _memberCap;
        batch.registry = _memberRegistry;
        for (uint256 i = 0; i < n; ++i) {
            _readLeaf(batch, claimedAccounts, epoch, cursor, leaves[i], i);
        }
        _checkIncreasing(state, epoch, cursor, batch.byOffset);
        address[] memory recipients = batch.recipients;
        uint256[] memory amounts = batch.amounts;
        uint256 paid = batch.paid;
        // Only the first `paid` entries are filled: shorten both arrays in place.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(recipients, paid)
            mstore(amounts, paid)
        }
    }

    /// @dev One pushed leaf: range and repeat checks, its hash, and its payment unless its account claimed already.
    function _readLeaf(
        Batch memory batch,
        mapping(address => bool) storage claimedAccounts,
        uint256 epoch,
        uint256 cursor,
        Leaf calldata leaf,
        uint256 i
    ) private {
        uint256 index = leaf.index;
        address account = leaf.account;
        if (account == address(0)) revert RewardsZeroAddress();
        _markInBatch(batch.byOffset, epoch, index, account, cursor);
        batch.hashes[i] = _leafHash(epoch, index, account, leaf.amount);
        // A leaf whose account already claimed in this epoch is skipped (claimed meanwhile).
        if (!batch.anyClaims || !claimedAccounts[account]) _addPayment(batch, epoch, leaf, batch.cap);
    }

    /// @dev One leaf per account: accounts strictly increase with the index, across batches through `lastPushed`.
    function _checkIncreasing(
        EpochState storage state,
        uint256 epoch,
        uint256 cursor,
        address[] memory byOffset
    ) private {
        address previous = state.lastPushed;
        uint256 n = byOffset.length;
        for (uint256 i = 0; i < n; ++i) {
            address account = byOffset[i];
            if (account <= previous) revert RewardsAccountsNotIncreasing(epoch, cursor + i, account, previous);
            previous = account;
        }
        state.lastPushed = previous;
    }

    /**
     * @dev Adds one pushed leaf to the batch's payments after checking its account and the cap; with a member
     * registry set, withholds it instead when its account is not a member (marked in the epoch's withheld bitmap,
     * left out of the batch's payments and amount).
     */
    function _addPayment(Batch memory batch, uint256 epoch, Leaf calldata leaf, uint256 cap) private {
        address account = leaf.account;
        uint256 value = leaf.amount;
        IResidentRegistry registry = batch.registry;
        // Over the cap (lowered since publish): withheld, not reverted, so the cursor moves on for everyone else.
        // slither-disable-next-line calls-loop -- governance's own registry (a static call); if it fails, so does the batch
        if (value > cap || (address(registry) != address(0) && !registry.isMember(account))) {
            _withheld[epoch].set(leaf.index);
            emit RewardWithheld(epoch, leaf.index, account, value);
            return;
        }
        uint256 paid = batch.paid;
        batch.recipients[paid] = account;
        batch.amounts[paid] = value;
        batch.paid = paid + 1;
        batch.amount += value;
        emit RewardPaid(epoch, leaf.index, account, value);
    }

    /// @dev Records `account` (not zero) at `index` in `byOffset`; reverts unless `index` lies in
    /// `[cursor, cursor + n)` and is new.
    function _markInBatch(
        address[] memory byOffset,
        uint256 epoch,
        uint256 index,
        address account,
        uint256 cursor
    ) private pure {
        uint256 n = byOffset.length;
        uint256 offset;
        unchecked {
            offset = index - cursor; // wraps for index < cursor, so the range check catches it
        }
        if (offset >= n) revert RewardsOutOfOrder(epoch, index, cursor, n);
        if (byOffset[offset] != address(0)) revert RewardsDuplicateIndex(epoch, index);
        byOffset[offset] = account;
    }

    /**
     * @dev The StandardMerkleTree leaf `keccak256(bytes.concat(keccak256(abi.encode(epoch, index, account, amount))))`,
     * computed in scratch memory past the free memory pointer (nothing allocated: one leaf per pushed reward).
     */
    function _leafHash(
        uint256 epoch,
        uint256 index,
        address account,
        uint256 amount
    ) private pure returns (bytes32 leaf) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, epoch)
            mstore(add(ptr, 0x20), index)
            mstore(add(ptr, 0x40), and(account, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(ptr, 0x60), amount)
            mstore(0x00, keccak256(ptr, 0x80))
            leaf := keccak256(0x00, 0x20)
        }
    }

    function _setStandingBudget(uint256 budget) private {
        emit StandingBudgetChanged(_standingBudget, budget);
        _standingBudget = budget;
    }

    function _setEpochBudget(uint256 epoch, BudgetOverride memory budget) private {
        BudgetOverride memory old = _epochBudgets[epoch];
        _epochBudgets[epoch] = budget;
        emit EpochBudgetChanged(epoch, old.isSet, old.amount, budget.isSet, budget.amount);
    }

    function _setMemberCap(uint256 cap) private {
        emit MemberCapChanged(_memberCap, cap);
        _memberCap = cap;
    }

    /// @dev Reverts unless `registry` answers `isMember` (asked once, about this contract) with a boolean.
    function _requireRegistry(address registry) private view {
        // solhint-disable-next-line avoid-low-level-calls
        // slither-disable-next-line low-level-calls -- a probe: a plain call would revert without a named error
        (bool ok, bytes memory answer) = registry.staticcall(
            abi.encodeCall(IResidentRegistry.isMember, (address(this)))
        );
        if (!ok || answer.length != 32 || uint256(bytes32(answer)) > 1) revert RewardsInvalidRegistry(registry);
    }

    function _setChallengeWindow(uint64 window) private {
        emit ChallengeWindowChanged(_challengeWindow, window);
        _challengeWindow = window;
    }
}
