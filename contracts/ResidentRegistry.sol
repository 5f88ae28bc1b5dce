// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IResidentRegistry, IERC5192, IMembershipEndedListener} from "../interfaces/IResidentRegistry.sol";
import {IMemberHistory} from "../interfaces/IMemberHistory.sol";

/**
 * @title ResidentRegistry
 * @notice The town's member registry (ふるさと住民登録 on chain): one locked, non-transferable membership card
 * (ERC-721 + ERC-5192) per address, of kind resident, relationship population or supporter. No personal data is
 * stored, at most a hash of an off-chain record.
 * @dev Roles: `DEFAULT_ADMIN_ROLE` is the timelock (self-registration, and granting `REGISTRAR_ROLE`);
 * `REGISTRAR_ROLE` is town staff. Cards are minted with `_mint`, never `_safeMint`: registering calls no code of
 * the new member. Per-member data is one slot keyed by address (card id, kind, time, revoked flag); the card id
 * counter and the three counts share one slot, so a registration writes few slots.
 */
contract ResidentRegistry is IResidentRegistry, IMemberHistory, ERC721, AccessControl {
    using Checkpoints for Checkpoints.Trace208;

    /// @notice Role of town staff who register, update and revoke cards; granted by the admin (the timelock).
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    /// @dev Everything about one address in one slot. `revoked` outlives the card.
    struct Membership {
        uint64 tokenId;
        Kind kind;
        uint64 registeredAt;
        bool revoked;
    }

    /// @dev The last card id and the counts by kind, in one slot.
    struct Counters {
        uint64 lastId;
        uint64 residents;
        uint64 relationship;
        uint64 supporters;
    }

    uint8 private constant _ALL_KINDS = 7; // bits for Resident, Relationship, Supporter

    mapping(address account => Membership) private _members;
    mapping(uint256 tokenId => bytes32) private _recordHashes;
    Counters private _counters;
    uint8 private _selfKinds;
    IMembershipEndedListener private _listener;
    /// @dev Membership history (IMemberHistory): the count of live cards, and each account's 1/0, by timestamp.
    Checkpoints.Trace208 private _memberCountHistory;
    mapping(address account => Checkpoints.Trace208) private _membershipHistory;

    /**
     * @param name_ ERC-721 collection name (e.g. "Yamakoshi Resident Card").
     * @param symbol_ ERC-721 symbol.
     * @param admin Receives `DEFAULT_ADMIN_ROLE`: the deployer during setup, then the timelock.
     */
    constructor(string memory name_, string memory symbol_, address admin) ERC721(name_, symbol_) {
        if (admin == address(0)) revert RegistryZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ---------------------------------------------------------------- registration

    /// @inheritdoc IResidentRegistry
    function register(
        address account,
        Kind kind,
        bytes32 recordHash
    ) external onlyRole(REGISTRAR_ROLE) returns (uint256 tokenId) {
        return _register(account, kind, recordHash);
    }

    /// @inheritdoc IResidentRegistry
    function registerBatch(
        address[] calldata accounts,
        Kind[] calldata kinds,
        bytes32[] calldata recordHashes
    ) external onlyRole(REGISTRAR_ROLE) {
        uint256 n = accounts.length;
        if (kinds.length != n || recordHashes.length != n) revert RegistryLengthMismatch();
        for (uint256 i = 0; i < n; ++i) {
            _register(accounts[i], kinds[i], recordHashes[i]);
        }
    }

    /// @inheritdoc IResidentRegistry
    function selfRegister(Kind kind, bytes32 recordHash) external returns (uint256 tokenId) {
        if (_selfKinds & _bit(kind) == 0) revert RegistrySelfRegistrationClosed(kind);
        if (_members[msg.sender].revoked) revert RegistryRevokedAccount(msg.sender);
        return _register(msg.sender, kind, recordHash);
    }

    /// @inheritdoc IResidentRegistry
    function updateCard(address account, Kind kind, bytes32 recordHash) external onlyRole(REGISTRAR_ROLE) {
        Membership storage m = _members[account];
        uint256 tokenId = m.tokenId;
        if (tokenId == 0) revert RegistryNotMember(account);
        Kind oldKind = m.kind;
        bytes32 oldHash = _recordHashes[tokenId];
        if (oldKind != kind) {
            _count(oldKind, false);
            _count(kind, true);
            m.kind = kind;
        }
        if (oldHash != recordHash) _recordHashes[tokenId] = recordHash;
        emit CardUpdated(account, tokenId, oldKind, kind, oldHash, recordHash);
    }

    /// @inheritdoc IResidentRegistry
    function revoke(address account) external onlyRole(REGISTRAR_ROLE) {
        (uint256 tokenId, Kind kind) = _remove(account, true);
        emit MemberRevoked(account, tokenId, kind, msg.sender);
        _notifyEnded(account);
    }

    /// @inheritdoc IResidentRegistry
    function bar(address account) external onlyRole(REGISTRAR_ROLE) {
        if (account == address(0)) revert RegistryZeroAddress();
        Membership storage m = _members[account];
        if (m.tokenId != 0) revert RegistryAlreadyMember(account, m.tokenId); // a member is revoked, not barred
        if (m.revoked) revert RegistryRevokedAccount(account);
        m.revoked = true;
        emit AccountBarred(account, msg.sender);
    }

    /// @inheritdoc IResidentRegistry
    function unbar(address account) external onlyRole(REGISTRAR_ROLE) {
        Membership storage m = _members[account];
        if (!m.revoked) revert RegistryNotBarred(account);
        m.revoked = false;
        emit AccountUnbarred(account, msg.sender);
    }

    /// @inheritdoc IResidentRegistry
    function resign() external {
        (uint256 tokenId, Kind kind) = _remove(msg.sender, false);
        emit MemberLeft(msg.sender, tokenId, kind);
        _notifyEnded(msg.sender);
    }

    /// @inheritdoc IResidentRegistry
    function setSelfRegistrationKinds(uint8 kinds) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (kinds & ~_ALL_KINDS != 0) revert RegistryInvalidKinds(kinds);
        uint8 old = _selfKinds;
        _selfKinds = kinds;
        emit SelfRegistrationChanged(old, kinds);
    }

    /// @inheritdoc IResidentRegistry
    function setMembershipListener(address listener) external onlyRole(DEFAULT_ADMIN_ROLE) {
        address old = address(_listener);
        _listener = IMembershipEndedListener(listener);
        emit MembershipListenerChanged(old, listener);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IResidentRegistry
    function membershipListener() external view returns (address) {
        return address(_listener);
    }

    /// @inheritdoc IResidentRegistry
    function selfRegistrationKinds() external view returns (uint8) {
        return _selfKinds;
    }

    /// @inheritdoc IResidentRegistry
    function isMember(address account) external view returns (bool) {
        return _members[account].tokenId != 0;
    }

    /// @inheritdoc IResidentRegistry
    function cardOf(address account) external view returns (uint256) {
        return _members[account].tokenId;
    }

    /// @inheritdoc IResidentRegistry
    function card(uint256 tokenId) external view returns (Card memory) {
        address holder = _requireOwned(tokenId);
        Membership storage m = _members[holder];
        return Card({holder: holder, kind: m.kind, registeredAt: m.registeredAt, recordHash: _recordHashes[tokenId]});
    }

    /// @inheritdoc IResidentRegistry
    function isRevoked(address account) external view returns (bool) {
        return _members[account].revoked;
    }

    /// @inheritdoc IResidentRegistry
    function countOf(Kind kind) external view returns (uint256) {
        Counters storage c = _counters;
        if (kind == Kind.Resident) return c.residents;
        if (kind == Kind.Relationship) return c.relationship;
        return c.supporters;
    }

    /// @inheritdoc IResidentRegistry
    function memberCount() external view returns (uint256) {
        Counters storage c = _counters;
        return uint256(c.residents) + c.relationship + c.supporters;
    }

    /// @inheritdoc IMemberHistory
    function clock() public view returns (uint48) {
        return SafeCast.toUint48(block.timestamp);
    }

    /// @inheritdoc IMemberHistory
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() external pure returns (string memory) {
        return "mode=timestamp";
    }

    /// @inheritdoc IMemberHistory
    function memberCountAt(uint256 timepoint) external view returns (uint256) {
        return _memberCountHistory.upperLookupRecent(_pastKey(timepoint));
    }

    /// @inheritdoc IMemberHistory
    function wasMemberAt(address account, uint256 timepoint) external view returns (bool) {
        return _membershipHistory[account].upperLookupRecent(_pastKey(timepoint)) != 0;
    }

    /// @inheritdoc IERC5192
    function locked(uint256 tokenId) external view returns (bool) {
        _requireOwned(tokenId);
        return true;
    }

    /// @notice ERC-165: ERC-721 (+ metadata), ERC-5192, AccessControl.
    /// @param interfaceId The interface id.
    function supportsInterface(bytes4 interfaceId) public view override(ERC721, AccessControl) returns (bool) {
        return
            interfaceId == type(IERC5192).interfaceId ||
            interfaceId == type(IMemberHistory).interfaceId ||
            super.supportsInterface(interfaceId);
    }

    // ---------------------------------------------------------------- locked: no transfers, no approvals

    /// @notice Always reverts: cards are locked (ERC-5192) and cannot be approved for transfer.
    /// @param tokenId The card.
    function approve(address, uint256 tokenId) public pure override {
        revert RegistryCardLocked(tokenId);
    }

    /// @notice Always reverts: cards are locked (ERC-5192) and cannot be approved for transfer.
    function setApprovalForAll(address, bool) public pure override {
        revert RegistryCardLocked(0);
    }

    /// @dev Only issuing (from nobody) and burning (to nobody) move a card; every transfer reverts.
    function _update(address to, uint256 tokenId, address auth) internal override returns (address) {
        if (to != address(0) && _ownerOf(tokenId) != address(0)) revert RegistryCardLocked(tokenId);
        return super._update(to, tokenId, auth);
    }

    // ---------------------------------------------------------------- internals

    function _register(address account, Kind kind, bytes32 recordHash) private returns (uint256 tokenId) {
        if (account == address(0)) revert RegistryZeroAddress();
        Membership storage m = _members[account];
        if (m.tokenId != 0) revert RegistryAlreadyMember(account, m.tokenId);
        Counters storage c = _counters;
        tokenId = ++c.lastId;
        _count(kind, true);
        _members[account] = Membership({
            tokenId: uint64(tokenId),
            kind: kind,
            registeredAt: uint64(block.timestamp),
            revoked: false
        });
        if (recordHash != bytes32(0)) _recordHashes[tokenId] = recordHash;
        _mint(account, tokenId);
        _recordHistory(account, true);
        emit Locked(tokenId);
        emit MemberRegistered(account, tokenId, kind, recordHash, msg.sender);
    }

    function _remove(address account, bool revoked) private returns (uint256 tokenId, Kind kind) {
        Membership storage m = _members[account];
        tokenId = m.tokenId;
        if (tokenId == 0) revert RegistryNotMember(account);
        kind = m.kind;
        _count(kind, false);
        _members[account] = Membership({tokenId: 0, kind: Kind.Resident, registeredAt: 0, revoked: revoked});
        delete _recordHashes[tokenId];
        _burn(tokenId);
        _recordHistory(account, false);
    }

    /// @dev Checkpoints the new member count and `account`'s membership at this second (IMemberHistory).
    // slither-disable-next-line unused-return -- Checkpoints.push returns the old and new values, not needed here
    function _recordHistory(address account, bool joined) private {
        uint48 now_ = clock();
        uint256 count = _memberCountHistory.latest();
        _memberCountHistory.push(now_, SafeCast.toUint208(joined ? count + 1 : count - 1));
        _membershipHistory[account].push(now_, joined ? 1 : 0);
    }

    function _pastKey(uint256 timepoint) private view returns (uint48) {
        uint48 now_ = clock();
        if (timepoint >= now_) revert RegistryFutureLookup(timepoint, now_);
        return SafeCast.toUint48(timepoint);
    }

    /// @dev Tells the listener (if any) that `account` is no longer a member; called last (after every effect).
    function _notifyEnded(address account) private {
        IMembershipEndedListener listener = _listener;
        // slither-disable-next-line unused-return -- whether votes were suspended is the token's business
        if (address(listener) != address(0)) listener.suspendVotes(account);
    }

    function _count(Kind kind, bool up) private {
        Counters storage c = _counters;
        if (kind == Kind.Resident) {
            c.residents = up ? c.residents + 1 : c.residents - 1;
        } else if (kind == Kind.Relationship) {
            c.relationship = up ? c.relationship + 1 : c.relationship - 1;
        } else {
            c.supporters = up ? c.supporters + 1 : c.supporters - 1;
        }
    }

    function _bit(Kind kind) private pure returns (uint8) {
        return uint8(1) << uint8(kind);
    }
}
