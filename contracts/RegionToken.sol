// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Capped} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Capped.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {Votes} from "@openzeppelin/contracts/governance/utils/Votes.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {IRegionToken} from "../interfaces/IRegionToken.sol";
import {IResidentRegistry} from "../interfaces/IResidentRegistry.sol";

/**
 * @title RegionToken
 * @notice Governance token of a town's DAO: ERC-20 + permit + ERC-5805 votes on a timestamp clock, hard-capped,
 * minted only by accounts governance made minters. Members are vote-ready on receipt: an account that never chose
 * a delegate counts as delegated to itself. Protocol contracts can be excluded so their balances never vote and
 * never count towards quorum.
 * @dev Delegation state is kept in one packed slot per account (delegate + mode), read once per transfer side,
 * so a transfer between two default members costs the same as OpenZeppelin's ERC20Votes between two delegated
 * members. Vote checkpoints, the total-supply checkpoint and signatures are OpenZeppelin's `Votes`.
 * Transfer-restricted mode costs an unrestricted transfer or mint one storage read (the registry slot); restricted,
 * each non-excluded side is one `isMember` call to the registry.
 */
contract RegionToken is ERC20, ERC20Capped, ERC20Permit, ERC20Votes, AccessControl, IRegionToken {
    /// @notice Role allowed to mint (the activity-reward minter, a sale); granted and revoked by the timelock.
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    uint8 private constant _MODE_DEFAULT = 0;
    uint8 private constant _MODE_CHOSEN = 1;
    uint8 private constant _MODE_EXCLUDED = 2;

    struct VotingChoice {
        address delegatee;
        uint8 mode;
    }

    mapping(address account => VotingChoice) private _choices;

    /// @dev Transfer-restricted mode: the member registry, or address(0) when transfers are unrestricted.
    IResidentRegistry private _transferRegistry;

    /**
     * @param name_ Token name (`name()`, what wallets list): any length, e.g. a long Japanese name.
     * @param symbol_ Token symbol.
     * @param cap_ Hard cap on total supply, in base units.
     * @param admin Account that receives `DEFAULT_ADMIN_ROLE` (the deployer during setup, then the timelock).
     * @param domainName_ EIP-712 domain name for permit and delegation signatures (what wallets show when signing),
     * at most 31 UTF-8 bytes (OpenZeppelin's `ShortStrings`; longer reverts with `StringTooLong`). Empty: `name_`.
     */
    constructor(
        string memory name_,
        string memory symbol_,
        uint256 cap_,
        address admin,
        string memory domainName_
    ) ERC20(name_, symbol_) ERC20Capped(cap_) ERC20Permit(bytes(domainName_).length == 0 ? name_ : domainName_) {
        if (admin == address(0)) revert RegionTokenZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ---------------------------------------------------------------- clock (ERC-6372)

    /// @notice The token's clock: block timestamps, so voting periods are set in seconds on every chain.
    function clock() public view override returns (uint48) {
        return Time.timestamp();
    }

    /// @notice ERC-6372 clock description.
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    // ---------------------------------------------------------------- minting

    /// @inheritdoc IRegionToken
    function cap() public view override(ERC20Capped, IRegionToken) returns (uint256) {
        return ERC20Capped.cap();
    }

    /// @inheritdoc IRegionToken
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }

    /// @inheritdoc IRegionToken
    function mintBatch(address[] calldata recipients, uint256[] calldata amounts) external onlyRole(MINTER_ROLE) {
        uint256 n = recipients.length;
        if (n != amounts.length) revert RegionTokenLengthMismatch(n, amounts.length);
        for (uint256 i = 0; i < n; ++i) {
            _mint(recipients[i], amounts[i]);
        }
    }

    // ---------------------------------------------------------------- delegation

    /**
     * @notice The account whose votes `account`'s balance counts towards: itself if it never chose, its chosen
     * delegate (address(0) when it opted out or when that delegate has since been excluded), or address(0) when
     * it is excluded itself.
     * @param account The account.
     * @return The delegate, or address(0) for nobody.
     */
    function delegates(address account) public view override returns (address) {
        VotingChoice memory choice = _choices[account];
        if (choice.mode == _MODE_DEFAULT) return account;
        address delegatee = choice.delegatee; // address(0) when opted out or excluded
        // Only a delegation to another account can point at an excluded one: one more read, for those only.
        if (delegatee != address(0) && delegatee != account && _choices[delegatee].mode == _MODE_EXCLUDED) {
            return address(0);
        }
        return delegatee;
    }

    /// @inheritdoc IRegionToken
    function hasChosenDelegate(address account) external view returns (bool) {
        return _choices[account].mode == _MODE_CHOSEN;
    }

    /// @inheritdoc IRegionToken
    function isVotingExcluded(address account) public view returns (bool) {
        return _choices[account].mode == _MODE_EXCLUDED;
    }

    /// @inheritdoc IRegionToken
    function votingSupply() external view returns (uint256) {
        return _getTotalSupply();
    }

    /// @inheritdoc IRegionToken
    function excludeFromVoting(address account) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (account == address(0)) revert RegionTokenZeroAddress();
        if (isVotingExcluded(account)) revert RegionTokenAlreadyExcluded(account);
        uint256 units = balanceOf(account);
        address oldDelegate = delegates(account);
        // Its own balance stops counting wherever it was delegated ...
        _moveDelegateVotes(oldDelegate, address(0), units);
        // ... and what others delegated to it counts for nobody (`delegates` resolves them to address(0) now).
        uint256 delegated = getVotes(account);
        _moveDelegateVotes(account, address(0), delegated);
        _choices[account] = VotingChoice(address(0), _MODE_EXCLUDED);
        // Its balance leaves the voting supply (both sides now resolve to no delegate: no vote moves).
        Votes._transferVotingUnits(account, address(0), units);
        emit DelegateChanged(account, oldDelegate, address(0));
        emit VotingExcluded(account, units, delegated);
    }

    /**
     * @dev Records an explicit choice. Delegating to address(0) opts out; delegating to oneself is allowed.
     * Excluded accounts cannot delegate, and nobody can delegate to an excluded account.
     */
    function _delegate(address account, address delegatee) internal override {
        if (_choices[account].mode == _MODE_EXCLUDED) revert RegionTokenAccountExcluded(account);
        if (delegatee != address(0) && _choices[delegatee].mode == _MODE_EXCLUDED) {
            revert RegionTokenDelegateeExcluded(delegatee);
        }
        IResidentRegistry registry = _transferRegistry;
        if (address(registry) != address(0)) {
            // Restricted: voting follows membership. Opting out (delegatee 0) is always allowed.
            if (delegatee != address(0)) {
                if (!registry.isMember(account)) revert RegionTokenNotMember(account);
                if (delegatee != account && !registry.isMember(delegatee)) revert RegionTokenNotMember(delegatee);
            }
        }
        address oldDelegate = delegates(account);
        _choices[account] = VotingChoice(delegatee, _MODE_CHOSEN);
        emit DelegateChanged(account, oldDelegate, delegatee);
        _moveDelegateVotes(oldDelegate, delegatee, _getVotingUnits(account));
    }

    /**
     * @dev Excluded accounts are outside the voting supply: a transfer from one is accounted like a mint of voting
     * units, a transfer to one like a burn.
     */
    // slither-disable-next-line dead-code -- called by ERC20Votes._update and Votes
    function _transferVotingUnits(address from, address to, uint256 amount) internal override {
        if (from != address(0) && _choices[from].mode == _MODE_EXCLUDED) from = address(0);
        if (to != address(0) && _choices[to].mode == _MODE_EXCLUDED) to = address(0);
        if (from == address(0) && to == address(0)) return;
        super._transferVotingUnits(from, to, amount);
    }

    // ---------------------------------------------------------------- transfer-restricted mode

    /// @inheritdoc IRegionToken
    function restrictTransfers(address registry) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (registry == address(0)) revert RegionTokenZeroAddress();
        if (totalSupply() != 0 || address(_transferRegistry) != address(0)) revert RegionTokenRestrictionUnavailable();
        // slither-disable-next-line unused-return -- a probe: only that the call succeeds matters
        IResidentRegistry(registry).isMember(address(this)); // reverts unless it answers like a registry
        _transferRegistry = IResidentRegistry(registry);
        emit TransferRestrictionChanged(address(0), registry);
    }

    /// @inheritdoc IRegionToken
    function suspendVotes(address account) external returns (bool suspended) {
        IResidentRegistry registry = _transferRegistry;
        if (address(registry) == address(0)) return false;
        VotingChoice memory choice = _choices[account];
        if (choice.mode == _MODE_EXCLUDED || registry.isMember(account)) return false;
        if (choice.mode == _MODE_CHOSEN && choice.delegatee == address(0)) return false; // votes for nobody already
        // Nothing counts for anyone. Keeping the choice also means nobody can pre-empt a newcomer's
        // vote-readiness by "suspending" it before its registration.
        uint256 units = balanceOf(account);
        if (units == 0) return false;
        address oldDelegate = delegates(account);
        _choices[account] = VotingChoice(address(0), _MODE_CHOSEN);
        emit DelegateChanged(account, oldDelegate, address(0));
        emit VotesSuspended(account, oldDelegate, units);
        _moveDelegateVotes(oldDelegate, address(0), units);
        return true;
    }

    /// @inheritdoc IRegionToken
    function liftTransferRestriction() external onlyRole(DEFAULT_ADMIN_ROLE) {
        address old = address(_transferRegistry);
        if (old == address(0)) revert RegionTokenNotRestricted();
        _transferRegistry = IResidentRegistry(address(0));
        emit TransferRestrictionChanged(old, address(0));
    }

    /// @inheritdoc IRegionToken
    function transferRegistry() external view returns (address) {
        return address(_transferRegistry);
    }

    /// @inheritdoc IRegionToken
    function mayHold(address account) external view returns (bool) {
        IResidentRegistry registry = _transferRegistry;
        return address(registry) == address(0) || _mayHold(registry, account);
    }

    function _mayHold(IResidentRegistry registry, address account) private view returns (bool) {
        // slither-disable-next-line calls-loop -- governance's own registry; a failing call must revert the batch
        return _choices[account].mode == _MODE_EXCLUDED || registry.isMember(account);
    }

    // ---------------------------------------------------------------- required overrides

    /// @dev Every balance change (transfer, transferFrom, mint) passes here; the token has no burn.
    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Capped, ERC20Votes) {
        IResidentRegistry registry = _transferRegistry; // the one read an unrestricted transfer pays for
        if (address(registry) != address(0)) {
            if (from != address(0) && !_mayHold(registry, from)) revert RegionTokenTransferRestricted(from);
            if (to != address(0) && !_mayHold(registry, to)) revert RegionTokenTransferRestricted(to);
        }
        super._update(from, to, value); // ERC20Capped reverts with ERC20ExceededCap past the cap
    }

    /// @inheritdoc ERC20Permit
    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }
}
