"""Participatory budget rounds (参加型予算): the rule recomputed off-chain, plans files, round status from events.

Modules: ``rule`` (pure: tallies from ballots, winners from tallies), ``plans`` (PLANS.yaml loading/validation),
``round`` (a deployed round's status and result recomputed from its events), ``ballot`` (the EIP-712 ballot).
"""

from furusato.budget.rule import Ballot, RoundResult, mask_of, plans_of, tally_ballots, winners

__all__ = ["Ballot", "RoundResult", "mask_of", "plans_of", "tally_ballots", "winners"]
