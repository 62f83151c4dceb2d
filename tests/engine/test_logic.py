"""Truth tables of `trialscreen.logic`, written out by hand (never recomputed with the code under test).

Notation: T = MET, F = NOT_MET, U = UNKNOWN, R = REVIEW. Every table below was derived on paper from the rules in
the module docstring: Kleene's strong three-valued logic, where U and R are both "the third value", and when U and
R meet, U wins; if/then/else with a decided test is the branch it selects.
"""

from __future__ import annotations

import itertools

import pytest

from trialscreen import logic
from trialscreen.logic import Outcome

T, F, U, R = Outcome.MET, Outcome.NOT_MET, Outcome.UNKNOWN, Outcome.REVIEW
SYM = {"T": T, "F": F, "U": U, "R": R}
ORDER = "TFUR"


def grid(text: str) -> dict[tuple[Outcome, Outcome], Outcome]:
    """A 4x4 table: rows are the first argument (T F U R), columns the second (T F U R)."""
    rows = [line.split() for line in text.strip().splitlines()]
    assert len(rows) == 4 and all(len(r) == 5 for r in rows), text
    out = {}
    for row in rows:
        a = SYM[row[0].rstrip(":")]
        for b_sym, res in zip(ORDER, row[1:]):
            out[(a, SYM[b_sym])] = SYM[res]
    return out


# -- the enum itself ---------------------------------------------------------------------------------------------


def test_outcome_values_and_definiteness():
    assert [o.value for o in Outcome] == ["met", "not_met", "unknown", "review"]
    assert Outcome("met") is T and Outcome("review") is R
    assert T.definite and F.definite
    assert not U.definite and not R.definite
    # str-valued enum: it serialises as its value
    assert T == "met" and R == "review"


# -- binary AND / OR ---------------------------------------------------------------------------------------------

AND_TABLE = grid(
    """
    T:  T F U R
    F:  F F F F
    U:  U F U U
    R:  R F U R
    """
)

OR_TABLE = grid(
    """
    T:  T T T T
    F:  T F U R
    U:  T U U U
    R:  T R U R
    """
)


@pytest.mark.parametrize(("a", "b"), list(AND_TABLE))
def test_all_of_binary_table(a, b):
    assert logic.all_of([a, b]) is AND_TABLE[(a, b)]


@pytest.mark.parametrize(("a", "b"), list(OR_TABLE))
def test_any_of_binary_table(a, b):
    assert logic.any_of([a, b]) is OR_TABLE[(a, b)]


def test_and_or_named_properties():
    # F dominates AND, T dominates OR, whatever the other operand
    for x in Outcome:
        assert logic.all_of([F, x]) is F and logic.all_of([x, F]) is F
        assert logic.any_of([T, x]) is T and logic.any_of([x, T]) is T
    # UNKNOWN beats REVIEW in both directions and both connectives
    assert logic.all_of([U, R]) is U and logic.all_of([R, U]) is U
    assert logic.any_of([U, R]) is U and logic.any_of([R, U]) is U
    # REVIEW survives when no UNKNOWN is around
    assert logic.all_of([T, R]) is R and logic.any_of([F, R]) is R


def test_empty_and_singleton():
    assert logic.all_of([]) is T  # the empty conjunction is true
    assert logic.any_of([]) is F  # the empty disjunction is false
    for x in Outcome:
        assert logic.all_of([x]) is x
        assert logic.any_of([x]) is x


def test_accepts_generators():
    assert logic.all_of(v for v in [T, T, R]) is R
    assert logic.any_of(v for v in [F, U, F]) is U
    assert logic.at_least(2, (v for v in [T, U, T])) is T


# -- three-argument AND / OR / AT_LEAST, keyed by the multiset of arguments ------------------------------------
# Every ordering of each multiset must give the same result (the connectives are symmetric).

#                 multiset  all_of any_of at_least(1) at_least(2) at_least(3)
TERNARY = """
                  TTT       T      T      T           T           T
                  TTF       F      T      T           T           F
                  TTU       U      T      T           T           U
                  TTR       R      T      T           T           R
                  TFF       F      T      T           F           F
                  TFU       F      T      T           U           F
                  TFR       F      T      T           R           F
                  TUU       U      T      T           U           U
                  TUR       U      T      T           U           U
                  TRR       R      T      T           R           R
                  FFF       F      F      F           F           F
                  FFU       F      U      U           F           F
                  FFR       F      R      R           F           F
                  FUU       F      U      U           U           F
                  FUR       F      U      U           U           F
                  FRR       F      R      R           R           F
                  UUU       U      U      U           U           U
                  UUR       U      U      U           U           U
                  URR       U      U      U           U           U
                  RRR       R      R      R           R           R
"""
TERNARY_ROWS = {
    parts[0]: tuple(SYM[p] for p in parts[1:])
    for parts in (line.split() for line in TERNARY.strip().splitlines())
}


def test_ternary_table_covers_every_multiset():
    multisets = {"".join(sorted(c, key=ORDER.index)) for c in itertools.combinations_with_replacement(ORDER, 3)}
    assert set(TERNARY_ROWS) == multisets and len(multisets) == 20


@pytest.mark.parametrize("args", ["".join(p) for p in itertools.product(ORDER, repeat=3)])
def test_ternary_all_any_at_least(args):
    values = [SYM[c] for c in args]
    key = "".join(sorted(args, key=ORDER.index))
    exp_all, exp_any, exp_k1, exp_k2, exp_k3 = TERNARY_ROWS[key]
    assert logic.all_of(values) is exp_all
    assert logic.any_of(values) is exp_any
    assert logic.at_least(1, values) is exp_k1
    assert logic.at_least(2, values) is exp_k2
    assert logic.at_least(3, values) is exp_k3


def test_at_least_named_cases():
    assert logic.at_least(2, [T, U, F]) is U  # one more true is still possible, through the unknown
    assert logic.at_least(2, [T, F, F]) is F  # two false out of three: 2 true is out of reach
    assert logic.at_least(2, [T, R, F]) is R
    assert logic.at_least(2, [T, U, R]) is U
    assert logic.at_least(1, [F, F, F]) is F
    assert logic.at_least(3, [T, T, T]) is T


# at_least(k, two arguments), rows first argument, columns second
AT_LEAST_1_OF_2 = OR_TABLE
AT_LEAST_2_OF_2 = AND_TABLE


@pytest.mark.parametrize(("a", "b"), list(AND_TABLE))
def test_at_least_of_two(a, b):
    assert logic.at_least(1, [a, b]) is AT_LEAST_1_OF_2[(a, b)]
    assert logic.at_least(2, [a, b]) is AT_LEAST_2_OF_2[(a, b)]


def test_at_least_edge_counts():
    # k = 0 is trivially true; k > n can never be reached
    for x in Outcome:
        assert logic.at_least(0, [x]) is T
        assert logic.at_least(2, [x]) is F
    assert logic.at_least(0, []) is T
    assert logic.at_least(1, []) is F
    # four arguments: 2 of [T, U, U, F] -> still reachable, unknown; 3 of [T, R, F, F] -> unreachable
    assert logic.at_least(2, [T, U, U, F]) is U
    assert logic.at_least(3, [T, R, F, F]) is F
    assert logic.at_least(3, [T, R, R, F]) is R
    assert logic.at_least(3, [T, T, T, U]) is T


# -- NOT, REVIEW_IF ---------------------------------------------------------------------------------------------

NEGATE = {T: F, F: T, U: U, R: R}
REVIEW_IF = {T: R, F: F, U: U, R: R}


@pytest.mark.parametrize("x", list(Outcome))
def test_negate_table(x):
    assert logic.negate(x) is NEGATE[x]


@pytest.mark.parametrize("x", list(Outcome))
def test_review_if_table(x):
    assert logic.review_if(x) is REVIEW_IF[x]


# -- IF / THEN / ELSE ---------------------------------------------------------------------------------------------
# Four 4x4 tables, one per value of the test; rows = then, columns = else.
# A decided test selects its branch and ignores the other one entirely: the T table repeats the row (then), the F
# table repeats the column (else). An indeterminate test (U, R) gives the Kleene formula with the consensus term,
# derived by hand: (test AND then) OR (NOT test AND else) OR (then AND else).

IF_THEN_ELSE = {
    T: grid(
        """
        T:  T T T T
        F:  F F F F
        U:  U U U U
        R:  R R R R
        """
    ),
    F: grid(
        """
        T:  T F U R
        F:  T F U R
        U:  T F U R
        R:  T F U R
        """
    ),
    U: grid(
        """
        T:  T U U U
        F:  U F U U
        U:  U U U U
        R:  U U U U
        """
    ),
    R: grid(
        """
        T:  T R U R
        F:  R F U R
        U:  U U U U
        R:  R R U R
        """
    ),
}


@pytest.mark.parametrize(("test", "then", "otherwise"), list(itertools.product(Outcome, repeat=3)))
def test_if_then_else_table(test, then, otherwise):
    assert logic.if_then_else(test, then, otherwise) is IF_THEN_ELSE[test][(then, otherwise)]


def test_if_then_else_named_cases():
    assert logic.if_then_else(U, T, T) is T  # consensus: the same answer either way
    assert logic.if_then_else(U, F, F) is F
    assert logic.if_then_else(U, T, F) is U
    assert logic.if_then_else(R, T, T) is T
    assert logic.if_then_else(R, T, F) is R
    assert logic.if_then_else(R, T, U) is U  # the unknown branch might be the one chosen
    assert logic.if_then_else(T, F, T) is F
    assert logic.if_then_else(F, F, T) is T


@pytest.mark.parametrize(("test", "then", "otherwise", "chosen"), [(T, R, U, R), (F, U, R, R)])
def test_if_then_else_ignores_unknown_in_the_branch_not_taken(test, then, otherwise, chosen):
    """Regression: the consensus term (then AND else) used to be applied to a decided test too, so an UNKNOWN in
    the branch NOT taken beat the chosen REVIEW (R or (R and U) = U): (T, R, U) and (F, U, R) gave UNKNOWN."""
    assert logic.if_then_else(test, then, otherwise) is chosen


def test_if_then_else_decided_test_returns_exactly_the_chosen_branch():
    for then, otherwise in itertools.product(Outcome, repeat=2):
        assert logic.if_then_else(T, then, otherwise) is then
        assert logic.if_then_else(F, then, otherwise) is otherwise
