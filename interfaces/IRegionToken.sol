// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title IRegionToken
 * @notice What a furusato-dao governance token adds to ERC-20 + ERC-2612 (permit) + ERC-5805 (votes):
 * a hard supply cap (minting past it reverts with OpenZeppelin's `ERC20ExceededCap`), role-gated minting,
 * vote-ready-on-receipt delegation and voting exclusions for protocol contracts.
 *
 * Delegation has three states per account:
 * - default: the account never chose; it counts as delegated to itself, so tokens it receives can vote at once;
 * - chosen: the account called `delegate` / `delegateBySig`; delegating to `address(0)` opts out of voting;
 * - excluded: a protocol contract (treasury, timelock, reward minter, sale). Its balance carries no votes and is
 *   not part of the voting supply that quorum is computed from; a delegation to it counts for nobody. Exclusion
 *   is permanent, so no delegation can ever turn into votes of an excluded account.
 *
 * Transfer-restricted mode (a deploy option, for the LLC-type DAO rules' condition that member tokens be
 * technically transfer-restricted): while a registry is set, tokens move — by transfer, transferFrom (also after
 * permit) and mint — only between accounts that are registered members of that registry or excluded (protocol)
 * accounts; the token has no burn. The mode can be switched on only before the first mint, so no holder ever finds
 * tokens they received freely locked afterwards; governance may lift it, once and for good, with an event.
 * While restricted, voting follows membership too: only members delegate, only to members (or to nobody), and the
 * votes of an account that stopped being a member (revoked, or left) can be suspended by anyone with
 * `suspendVotes` — the registry does it on revocation and on leaving — so they no longer count through any
 * delegate. A member registered again delegates again to vote (votes already checkpointed for proposals in
 * voting stay, like any balance change after a snapshot).
 */
interface IRegionToken {
    /// @notice An excluded (protocol) account tried to delegate; its balance carries no votes.
    /// @param account The excluded account.
    error RegionTokenAccountExcluded(address account);

    /// @notice Someone tried to delegate votes to an excluded (protocol) account.
    /// @param delegatee The excluded account.
    error RegionTokenDelegateeExcluded(address delegatee);

    /// @notice The account is already excluded from voting (exclusion is permanent).
    /// @param account The account.
    error RegionTokenAlreadyExcluded(address account);

    /// @notice A zero address was given where an account is required.
    error RegionTokenZeroAddress();

    /// @notice The lengths of two arrays that must match differ.
    /// @param recipients Length of the recipients array.
    /// @param amounts Length of the amounts array.
    error RegionTokenLengthMismatch(uint256 recipients, uint256 amounts);

    /// @notice Transfer-restricted mode: `account` (sender or recipient) is neither a registered member nor an
    /// excluded (protocol) account.
    /// @param account The account.
    error RegionTokenTransferRestricted(address account);

    /// @notice Transfer restriction can be switched on only once, before the first mint.
    error RegionTokenRestrictionUnavailable();

    /// @notice Transfers are not restricted, so there is nothing to lift.
    error RegionTokenNotRestricted();

    /// @notice Transfer-restricted mode: `account` must be a registered member to delegate or to be delegated to.
    /// @param account The delegator or delegatee that is not a member.
    error RegionTokenNotMember(address account);

    /// @notice The member registry that transfer restriction follows changed: switched on (old is address(0)) or
    /// lifted by governance (new is address(0)).
    /// @param oldRegistry The registry before (address(0): unrestricted).
    /// @param newRegistry The registry after (address(0): unrestricted).
    event TransferRestrictionChanged(address indexed oldRegistry, address indexed newRegistry);

    /// @notice An account was excluded from voting (permanently).
    /// @param account The account.
    /// @param balance Its balance, which left the voting supply.
    /// @param delegatedVotesRemoved Votes other accounts had delegated to it, which now count for nobody.
    event VotingExcluded(address indexed account, uint256 balance, uint256 delegatedVotesRemoved);

    /// @notice In transfer-restricted mode, the votes of an account that is no longer a member were suspended:
    /// its balance no longer counts for its former delegate (it is now delegated to nobody).
    /// @param account The former member.
    /// @param oldDelegate The delegate its balance counted for until now.
    /// @param units Its balance, which stopped counting.
    event VotesSuspended(address indexed account, address indexed oldDelegate, uint256 units);

    /// @notice Hard cap on total supply, fixed at deployment.
    function cap() external view returns (uint256);

    /// @notice Mint `amount` new tokens to `to`. Only holders of `MINTER_ROLE`.
    /// @param to Recipient; receives voting power at once unless it opted out or is excluded.
    /// @param amount Amount in base units.
    function mint(address to, uint256 amount) external;

    /// @notice Mint to many recipients in one transaction. Only holders of `MINTER_ROLE`.
    /// @param recipients Recipients.
    /// @param amounts Amounts in base units, one per recipient.
    function mintBatch(address[] calldata recipients, uint256[] calldata amounts) external;

    /// @notice Exclude a protocol contract from voting, permanently. Only `DEFAULT_ADMIN_ROLE` (the timelock).
    /// Its balance leaves the voting supply; votes others delegated to it count for nobody from then on (those
    /// accounts vote again once they delegate elsewhere or to themselves).
    /// @param account The account.
    function excludeFromVoting(address account) external;

    /// @notice Switch on transfer-restricted mode: from now on tokens move only among members of `registry` and
    /// excluded (protocol) accounts. Only `DEFAULT_ADMIN_ROLE`, only before the first mint (a deploy option).
    /// @param registry The member registry (an `IResidentRegistry`).
    function restrictTransfers(address registry) external;

    /// @notice Transfer-restricted mode: stop the votes of `account`, which is no longer a registered member (revoked
    /// or left), from counting through any delegate — it becomes delegated to nobody. Anyone may call it (the
    /// registry does on revocation and on leaving); it changes nothing, and returns false, when transfers are not
    /// restricted, when `account` is a member or an excluded (protocol) account, when it holds no tokens (so no
    /// one can pre-empt a newcomer's vote-readiness) or when it already votes for nobody. Registered again, the
    /// account delegates again to vote.
    /// @param account The former member.
    /// @return suspended Whether votes were suspended now.
    function suspendVotes(address account) external returns (bool suspended);

    /// @notice Lift transfer-restricted mode for good. Only `DEFAULT_ADMIN_ROLE` (the timelock: a passed proposal).
    function liftTransferRestriction() external;

    /// @notice The registry transfers are restricted to, or address(0) when transfers are unrestricted.
    function transferRegistry() external view returns (address);

    /// @notice Whether `account` may send and receive tokens now: always when unrestricted, otherwise when it is
    /// a registered member or excluded from voting.
    /// @param account The account.
    function mayHold(address account) external view returns (bool);

    /// @notice Whether `account` is excluded from voting.
    function isVotingExcluded(address account) external view returns (bool);

    /// @notice Whether `account` explicitly chose a delegate (or opted out) rather than using the default.
    function hasChosenDelegate(address account) external view returns (bool);

    /// @notice Tokens held by accounts that are not excluded: the supply that can vote, and that quorum is
    /// computed from. Equal to `getVotes` summed over all accounts plus the balances of opted-out accounts.
    function votingSupply() external view returns (uint256);
}
