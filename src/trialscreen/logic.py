"""The four outcomes of a criterion and the one place their logic is defined.

A condition evaluates to one of four values. MET and NOT_MET are ordinary truth; UNKNOWN (data missing) and
REVIEW (only the investigator can decide) are the two flavours of Kleene's third value. They combine exactly as
Kleene's strong three-valued logic (as CQL defines it: ``true and null`` is null), with one refinement: when both
flavours meet, UNKNOWN wins, because collecting the missing data comes before asking the investigator.

Both evaluators combine leaf answers with the functions here (`trialscreen.engine.tree.evaluate`); they differ
only in who answers the comparisons (durable-rules or Python), so there is one truth table, not two.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum


class Outcome(str, Enum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"
    REVIEW = "review"

    @property
    def definite(self) -> bool:
        return self in (Outcome.MET, Outcome.NOT_MET)


T, F, U, R = Outcome.MET, Outcome.NOT_MET, Outcome.UNKNOWN, Outcome.REVIEW


def _indeterminate(values: list[Outcome]) -> Outcome:
    """The indeterminate value among `values`: UNKNOWN if any is unknown, else REVIEW."""
    return U if U in values else R


def all_of(values: Iterable[Outcome]) -> Outcome:
    """Kleene AND: false dominates, then the indeterminate values, then true."""
    vals = list(values)
    if F in vals:
        return F
    if all(v is T for v in vals):
        return T
    return _indeterminate(vals)


def any_of(values: Iterable[Outcome]) -> Outcome:
    """Kleene OR: true dominates, then the indeterminate values, then false."""
    vals = list(values)
    if T in vals:
        return T
    if all(v is F for v in vals):
        return F
    return _indeterminate(vals)


def negate(value: Outcome) -> Outcome:
    """Kleene NOT: swaps true and false; indeterminate stays as it is."""
    return {T: F, F: T}.get(value, value)


def at_least(k: int, values: Iterable[Outcome]) -> Outcome:
    """True when at least `k` are true; false when so many are false that `k` cannot be reached."""
    vals = list(values)
    trues = sum(v is T for v in vals)
    falses = sum(v is F for v in vals)
    if trues >= k:
        return T
    if len(vals) - falses < k:
        return F
    return _indeterminate([v for v in vals if not v.definite])


def if_then_else(test: Outcome, then: Outcome, otherwise: Outcome) -> Outcome:
    """The branch the test selects; when the test is indeterminate, ``(test and then) or (not test and
    otherwise)`` plus the consensus term ``(then and otherwise)``.

    A decided test ignores the other branch entirely (its missing data are irrelevant). The consensus term is a
    tautology in two-valued logic; in Kleene logic it lets "bilirubin <= 1.5 x ULN" decide the criterion even
    when Gilbert syndrome is unknown, because the answer is the same either way.
    """
    if test is T:
        return then
    if test is F:
        return otherwise
    return any_of([all_of([test, then]), all_of([negate(test), otherwise]), all_of([then, otherwise])])


def review_if(flag: Outcome) -> Outcome:
    """A flag that, when raised, hands the decision to the investigator: true becomes REVIEW."""
    return R if flag is T else flag
