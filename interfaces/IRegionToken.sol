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
 *   not part of the voting supply that quorum is computed from.
 */
interface IRegionToken {
    /// @notice An excluded (protocol) account tried to delegate; its balance carries no votes.
    /// @param account The excluded account.
    error RegionTokenAccountExcluded(address account);

    /// @notice Someone tried to delegate votes to an excluded (protocol) account.
    /// @param delegatee The excluded account.
    error RegionTokenDelegateeExcluded(address delegatee);

    /// @notice The exclusion flag already has the requested value.
    /// @param account The account.
    /// @param excluded The value it already has.
    error RegionTokenExclusionUnchanged(address account, bool excluded);

    /// @notice An account cannot be excluded while others have delegated votes to it.
    /// @param account The account governance tried to exclude.
    /// @param delegatedVotes Votes other accounts still delegate to it.
    error RegionTokenExcludedAccountHasVotes(address account, uint256 delegatedVotes);

    /// @notice A zero address was given where an account is required.
    error RegionTokenZeroAddress();

    /// @notice The lengths of two arrays that must match differ.
    /// @param recipients Length of the recipients array.
    /// @param amounts Length of the amounts array.
    error RegionTokenLengthMismatch(uint256 recipients, uint256 amounts);

    /// @notice An account's voting exclusion changed.
    /// @param account The account.
    /// @param wasExcluded Previous value.
    /// @param isExcluded New value.
    event VotingExclusionChanged(address indexed account, bool wasExcluded, bool isExcluded);

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

    /// @notice Set or clear the voting exclusion of a protocol contract. Only `DEFAULT_ADMIN_ROLE` (the timelock).
    /// @param account The account.
    /// @param excluded True to exclude it from voting and from the voting supply.
    function setVotingExcluded(address account, bool excluded) external;

    /// @notice Whether `account` is excluded from voting.
    function isVotingExcluded(address account) external view returns (bool);

    /// @notice Whether `account` explicitly chose a delegate (or opted out) rather than using the default.
    function hasChosenDelegate(address account) external view returns (bool);

    /// @notice Tokens held by accounts that are not excluded: the supply that can vote, and that quorum is
    /// computed from. Equal to `getVotes` summed over all accounts plus the balances of opted-out accounts.
    function votingSupply() external view returns (uint256);
}
