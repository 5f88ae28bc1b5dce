// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title IERC5192
 * @notice Minimal soulbound NFTs (ERC-5192): a locked token cannot be transferred. ERC-165 id `0xb45a3c0e`.
 */
interface IERC5192 {
    /// @notice A token became locked (emitted when a card is issued: cards are locked from the start).
    /// @param tokenId The token.
    event Locked(uint256 tokenId);

    /// @notice A token became unlocked (never emitted here: cards stay locked).
    /// @param tokenId The token.
    event Unlocked(uint256 tokenId);

    /// @notice Whether `tokenId` is locked; reverts for a token that does not exist.
    /// @param tokenId The token.
    function locked(uint256 tokenId) external view returns (bool);
}

/**
 * @title IMembershipEndedListener
 * @notice A contract the registry tells when an address stops being a member (revoked, or left): the DAO's token in
 * transfer-restricted mode, which then suspends that address's votes (`IRegionToken.suspendVotes`).
 */
interface IMembershipEndedListener {
    /// @notice Called by the registry after `account`'s card was burned; must not revert for a non-member.
    /// @param account The former member.
    /// @return suspended Whether the listener changed anything.
    function suspendVotes(address account) external returns (bool suspended);
}

/**
 * @title IResidentRegistry
 * @notice The town's member registry (ふるさと住民登録): one non-transferable membership card (an ERC-721 token,
 * locked in the sense of ERC-5192) per address. A card has a kind — resident (住民), relationship population
 * (関係人口) or supporter — and at most a hash of an off-chain record; no personal data is stored on chain.
 *
 * Town staff holding `REGISTRAR_ROLE` register people after their own check, change a card's kind or record hash,
 * and revoke cards. Governance (`DEFAULT_ADMIN_ROLE`, the timelock) can open self-registration for chosen kinds and
 * close it again. Governance can name a listener (the token, in transfer-restricted mode) that is told whenever a
 * membership ends, so a former member's votes stop counting at once. A member can leave at any time. A revoked
 * address cannot register itself again; only a registrar can register it again. Counts by kind always equal the
 * cards that exist.
 */
interface IResidentRegistry is IERC5192 {
    /// @notice Kind of membership.
    enum Kind {
        Resident, // 住民: lives in the town
        Relationship, // 関係人口: relationship population (works, studies, visits, has roots there)
        Supporter // supporter from anywhere
    }

    /// @notice What the registry keeps about a card.
    struct Card {
        address holder;
        Kind kind;
        uint64 registeredAt;
        bytes32 recordHash;
    }

    /// @notice The address already holds a card (at most one per address).
    /// @param account The address.
    /// @param tokenId Its card.
    error RegistryAlreadyMember(address account, uint256 tokenId);

    /// @notice The address holds no card.
    /// @param account The address.
    error RegistryNotMember(address account);

    /// @notice A zero address was given where an account is required.
    error RegistryZeroAddress();

    /// @notice Cards are locked (ERC-5192): they cannot be transferred or approved for transfer.
    /// @param tokenId The card (0 for approvals for all).
    error RegistryCardLocked(uint256 tokenId);

    /// @notice Self-registration is closed for this kind.
    /// @param kind The kind asked for.
    error RegistrySelfRegistrationClosed(Kind kind);

    /// @notice The address was revoked by a registrar; only a registrar can register it again.
    /// @param account The address.
    error RegistryRevokedAccount(address account);

    /// @notice The address is not barred (neither revoked nor barred), so there is nothing to lift.
    /// @param account The address.
    error RegistryNotBarred(address account);

    /// @notice A kinds bit mask has bits set that name no kind.
    /// @param kinds The mask given.
    error RegistryInvalidKinds(uint8 kinds);

    /// @notice The lengths of arrays that must match differ.
    error RegistryLengthMismatch();

    /// @notice A registrar barred an address without a card from registering itself (e.g. one that resigned to
    /// escape a revocation); it was not barred before.
    /// @param account The address.
    /// @param by The registrar.
    event AccountBarred(address indexed account, address indexed by);

    /// @notice A registrar lifted a bar or a revocation: the address may register itself again; it was barred before.
    /// @param account The address.
    /// @param by The registrar.
    event AccountUnbarred(address indexed account, address indexed by);

    /// @notice A card was issued.
    /// @param account The new member.
    /// @param tokenId The card.
    /// @param kind Its kind.
    /// @param recordHash Hash of the off-chain record (or zero).
    /// @param by The registrar, or the member itself for self-registration.
    event MemberRegistered(
        address indexed account,
        uint256 indexed tokenId,
        Kind kind,
        bytes32 recordHash,
        address indexed by
    );

    /// @notice A registrar changed a card's kind or record hash.
    /// @param account The member.
    /// @param tokenId The card.
    /// @param oldKind Kind before.
    /// @param newKind Kind after.
    /// @param oldRecordHash Record hash before.
    /// @param newRecordHash Record hash after.
    event CardUpdated(
        address indexed account,
        uint256 indexed tokenId,
        Kind oldKind,
        Kind newKind,
        bytes32 oldRecordHash,
        bytes32 newRecordHash
    );

    /// @notice A registrar revoked a card (burned it).
    /// @param account The former member.
    /// @param tokenId The card.
    /// @param kind Its kind.
    /// @param by The registrar.
    event MemberRevoked(address indexed account, uint256 indexed tokenId, Kind kind, address indexed by);

    /// @notice A member left (burned its own card).
    /// @param account The former member.
    /// @param tokenId The card.
    /// @param kind Its kind.
    event MemberLeft(address indexed account, uint256 indexed tokenId, Kind kind);

    /// @notice Governance changed which kinds may register themselves (bit `k` set: kind `k` may).
    /// @param oldKinds The mask before.
    /// @param newKinds The mask after (0: self-registration closed).
    event SelfRegistrationChanged(uint8 oldKinds, uint8 newKinds);

    /// @notice Governance changed the contract told when a membership ends.
    /// @param oldListener The listener before (address(0): none).
    /// @param newListener The listener after (address(0): none).
    event MembershipListenerChanged(address indexed oldListener, address indexed newListener);

    /// @notice Issue a card to `account` after the registrar's own check. Only `REGISTRAR_ROLE`. Clears a revocation.
    /// @param account The new member.
    /// @param kind Its kind.
    /// @param recordHash Hash of the off-chain record (or zero); never personal data itself.
    /// @return tokenId The new card.
    function register(address account, Kind kind, bytes32 recordHash) external returns (uint256 tokenId);

    /// @notice `register` for many accounts in one transaction, all or nothing. Only `REGISTRAR_ROLE`.
    /// @param accounts The new members.
    /// @param kinds Their kinds.
    /// @param recordHashes Hashes of their off-chain records.
    function registerBatch(
        address[] calldata accounts,
        Kind[] calldata kinds,
        bytes32[] calldata recordHashes
    ) external;

    /// @notice Register oneself while governance has opened self-registration for `kind`.
    /// @param kind The kind chosen.
    /// @param recordHash Hash of an off-chain record (or zero).
    /// @return tokenId The new card.
    function selfRegister(Kind kind, bytes32 recordHash) external returns (uint256 tokenId);

    /// @notice Change a member's kind and record hash. Only `REGISTRAR_ROLE`.
    /// @param account The member.
    /// @param kind The new kind.
    /// @param recordHash The new record hash.
    function updateCard(address account, Kind kind, bytes32 recordHash) external;

    /// @notice Revoke a member's card. Only `REGISTRAR_ROLE`. The address cannot register itself again.
    /// @param account The member.
    function revoke(address account) external;

    /// @notice Leave the registry (`leave` is a reserved word in future Solidity): burn the caller's own card. The
    /// caller may register again later.
    function resign() external;

    /// @notice Bar an address that holds no card from `selfRegister` (as if revoked). Only registrars. Use `revoke`
    /// for a member. A registrar can still register a barred address; `unbar` lifts the bar.
    /// @param account The address (not zero, holding no card, not already barred or revoked).
    function bar(address account) external;

    /// @notice Lift a bar or a revocation, so the address may register itself again. Only registrars.
    /// @param account A barred or revoked address.
    function unbar(address account) external;

    /// @notice Set which kinds may register themselves (bit `k` for kind `k`; 0 closes self-registration).
    /// Only `DEFAULT_ADMIN_ROLE` (the timelock).
    /// @param kinds The new mask.
    function setSelfRegistrationKinds(uint8 kinds) external;

    /// @notice Set the contract told (after the card is burned) whenever a membership ends by revocation or leaving:
    /// the token in transfer-restricted mode, so a former member's votes stop counting. address(0) for none.
    /// Only `DEFAULT_ADMIN_ROLE` (the timelock).
    /// @param listener The listener, or address(0).
    function setMembershipListener(address listener) external;

    /// @notice The contract told when a membership ends (address(0): none).
    function membershipListener() external view returns (address);

    /// @notice Which kinds may register themselves (bit `k` for kind `k`; 0: closed).
    function selfRegistrationKinds() external view returns (uint8);

    /// @notice Whether `account` holds a card.
    /// @param account The address.
    function isMember(address account) external view returns (bool);

    /// @notice The card `account` holds, or 0 for none.
    /// @param account The address.
    function cardOf(address account) external view returns (uint256);

    /// @notice A card's data (reverts for a card that does not exist).
    /// @param tokenId The card.
    function card(uint256 tokenId) external view returns (Card memory);

    /// @notice Whether a registrar revoked `account` (cleared when a registrar registers it again).
    /// @param account The address.
    function isRevoked(address account) external view returns (bool);

    /// @notice How many cards of `kind` exist.
    /// @param kind The kind.
    function countOf(Kind kind) external view returns (uint256);

    /// @notice How many cards exist.
    function memberCount() external view returns (uint256);
}
