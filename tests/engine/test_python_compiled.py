"""The compiled plain-Python evaluator (`compile_ruleset`) against the interpreted reference (`evaluate_node`).

1. Property: random rulesets (several criteria sharing fields, comparisons and sub-trees; every node kind, empty
   junctions included; number, boolean and text thresholds, NaN, infinities, ints and huge ints among them; one
   field compared with thresholds of different kinds) and random facts with adversarial values (None, NaN,
   infinities, huge ints, True for 1, 1 for True, int and str subclasses, containers, review markers of every
   truthiness): every outcome is the very `Outcome` the reference gives.
2. Exhaustively, AND / OR / AT LEAST over up to four leaves (all 4^n leaf outcomes) equal `trialscreen.logic`:
   the compiled form folds AND and OR pairwise, which is only right because all_of and any_of are associative.
3. Field names, thresholds and criterion ids never enter the generated source as text, however hostile.
"""

from __future__ import annotations

import enum
import itertools
import math

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from trialscreen import logic
from trialscreen.engine.python_backend import PythonBackend, compile_node, compile_ruleset, evaluate_node
from trialscreen.engine.tree import And, AtLeast, IfThenElse, Node, Not, Or, ReviewIf, review_field
from trialscreen.engine.tree import Test as Cmp
from trialscreen.logic import Outcome

T, F, U, R = Outcome.MET, Outcome.NOT_MET, Outcome.UNKNOWN, Outcome.REVIEW
OPS = [">=", ">", "<=", "<", "==", "!="]
FIELDS = ["a", "b", "c", "d"]


class Level(enum.IntEnum):
    HIGH = 10


class Text(str):
    pass


# -- 1. random rulesets, adversarial facts ------------------------------------------------------------------------

NUMBER_THRESHOLDS = [0.0, -0.0, 9.5, 10.0, 10, 18, math.nan, math.inf, -math.inf, 10**400]
TEXT_THRESHOLDS = ["", "a", "b", "é"]

LEAVES = st.builds(
    Cmp,
    st.sampled_from(FIELDS),
    st.sampled_from(OPS),
    st.one_of(st.sampled_from(NUMBER_THRESHOLDS), st.booleans(), st.sampled_from(TEXT_THRESHOLDS)),
)


def trees(depth: int) -> st.SearchStrategy[Node]:
    if depth == 0:
        return LEAVES
    sub = trees(depth - 1)
    kids = st.lists(sub, min_size=0, max_size=3).map(tuple)
    return st.one_of(
        LEAVES,
        st.builds(Not, sub),
        st.builds(ReviewIf, sub),
        st.builds(And, kids),
        st.builds(Or, kids),
        kids.flatmap(lambda cs: st.integers(0, len(cs) + 1).map(lambda k: AtLeast(k, cs))),
        st.builds(IfThenElse, sub, sub, sub),
    )


#: values of every type a comparison meets, several of them equal (==) to a value of another type
VALUES = st.sampled_from([
    None, True, False, 0, 1, 10, 18, -0.0, 0.0, 9.5, 10.0, 18.0, math.nan, math.inf, -math.inf, 10**400,
    -(10**400), "", "a", "b", "é", "10", Level.HIGH, Text("a"), [10.0], {"a": 1}, (True,), b"a", 10j,
])
#: review markers of every truthiness, absent included
MARKERS = st.sampled_from([None, True, False, 0, 1, "", "yes", [], [0], math.nan])
ABSENT = object()

FACTS = st.fixed_dictionaries(
    {f: st.tuples(st.one_of(st.just(ABSENT), VALUES), st.one_of(st.just(ABSENT), MARKERS)) for f in FIELDS}
).map(lambda spec: {
    **{f: v for f, (v, _) in spec.items() if v is not ABSENT},
    **{review_field(f): m for f, (_, m) in spec.items() if m is not ABSENT},
})


def subtree_sharing_ruleset(criteria: list[Node]) -> dict[str, Node]:
    """The criteria, plus each criterion's first child as a criterion of its own (shared sub-trees)."""
    out = {f"c{i}": tree for i, tree in enumerate(criteria)}
    for i, tree in enumerate(criteria):
        children = getattr(tree, "children", None) or [getattr(tree, "child", None)]
        if children[0] is not None:
            out[f"c{i}-part"] = children[0]
    return out


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(criteria=[Cmp("a", "==", True), Cmp("a", "==", 1), Cmp("a", ">=", 1.0)],
         facts_list=[{"a": 1}, {"a": True}, {"a": 1.0}, {"a": Level.HIGH}])
@example(criteria=[Cmp("a", ">=", 10.0), Not(Cmp("a", ">=", 10.0)), Cmp("a", "!=", math.nan)],
         facts_list=[{"a": 10**400}, {"a": math.nan, "a__review": "yes"}, {"a": -math.inf}, {"a": 10}])
@given(criteria=st.lists(trees(3), min_size=1, max_size=5), facts_list=st.lists(FACTS, min_size=1, max_size=5))
def test_compiled_ruleset_gives_the_reference_outcome_for_every_criterion(criteria, facts_list):
    ruleset = subtree_sharing_ruleset(criteria)
    evaluate_ruleset = compile_ruleset(ruleset)
    for facts in facts_list:
        got = evaluate_ruleset(facts)
        assert list(got) == list(ruleset)
        for cid, tree in ruleset.items():
            assert got[cid] is evaluate_node(tree, facts), (cid, tree, facts, evaluate_ruleset.source)


@settings(max_examples=200, deadline=None)
@given(tree=trees(3), facts=FACTS)
def test_compile_node_and_backend_give_the_reference_outcome(tree, facts):
    want = evaluate_node(tree, facts)
    assert compile_node(tree)(facts) is want
    assert PythonBackend({"x": tree}, "any").evaluate(facts) == {"x": want}


def test_thresholds_equal_across_types_are_not_merged():
    # True == 1 == 1.0 in Python, but a boolean threshold is only compared with booleans, a number only with numbers
    evaluate_ruleset = compile_ruleset({"bool": Cmp("a", "==", True), "int": Cmp("a", "==", 1),
                                        "float": Cmp("a", "==", 1.0)})
    assert evaluate_ruleset({"a": True}) == {"bool": T, "int": U, "float": U}
    assert evaluate_ruleset({"a": 1}) == {"bool": U, "int": T, "float": T}
    assert evaluate_ruleset({"a": False, "a__review": True}) == {"bool": F, "int": R, "float": R}


def test_non_finite_and_huge_numbers():
    ruleset = {"ge": Cmp("a", ">=", 18.0), "lt": Cmp("a", "<", 18.0)}
    evaluate_ruleset = compile_ruleset(ruleset)
    assert evaluate_ruleset({"a": math.inf}) == {"ge": U, "lt": U}
    assert evaluate_ruleset({"a": math.nan, "a__review": 1}) == {"ge": R, "lt": R}
    # an int beyond the float range is still a finite number (the reference used to raise OverflowError)
    assert evaluate_ruleset({"a": 10**400}) == {"ge": T, "lt": F}
    assert evaluate_ruleset({"a": -(10**400)}) == {"ge": F, "lt": T}
    for facts in ({"a": math.inf}, {"a": 10**400}):
        assert {cid: evaluate_node(tree, facts) for cid, tree in ruleset.items()} == evaluate_ruleset(facts)


# -- 2. AND / OR / AT LEAST, exhaustively --------------------------------------------------------------------------

#: facts giving a boolean leaf "x == True" each outcome
SETTING = {T: lambda f: {f: True}, F: lambda f: {f: False}, U: lambda f: {}, R: lambda f: {review_field(f): True}}


@pytest.mark.parametrize("n", range(5))
def test_junctions_over_every_leaf_outcome_equal_the_logic_module(n):
    leaves = tuple(Cmp(f"x{i}", "==", True) for i in range(n))
    ruleset: dict[str, Node] = {"and": And(leaves), "or": Or(leaves)}
    ruleset.update({f"at_least_{k}": AtLeast(k, leaves) for k in range(n + 2)})
    evaluate_ruleset = compile_ruleset(ruleset)
    for outcomes in itertools.product([T, F, U, R], repeat=n):
        facts = {k: v for i, o in enumerate(outcomes) for k, v in SETTING[o](f"x{i}").items()}
        want = {"and": logic.all_of(outcomes), "or": logic.any_of(outcomes)}
        want.update({f"at_least_{k}": logic.at_least(k, outcomes) for k in range(n + 2)})
        assert evaluate_ruleset(facts) == want, outcomes


@pytest.mark.parametrize("test, then, otherwise", list(itertools.product([T, F, U, R], repeat=3)))
def test_if_then_else_equals_the_logic_module(test, then, otherwise):
    tree = IfThenElse(Cmp("t", "==", True), Cmp("a", "==", True), Cmp("b", "==", True))
    facts = {**SETTING[test]("t"), **SETTING[then]("a"), **SETTING[otherwise]("b")}
    assert compile_node(tree)(facts) is logic.if_then_else(test, then, otherwise)


def test_a_junction_of_a_thousand_comparisons_compiles():
    # a nested expression per child would exceed the parser's nesting limit (SyntaxError at ~200)
    leaves = tuple(Cmp(f"x{i}", "==", True) for i in range(1000))
    evaluate_ruleset = compile_ruleset({"and": And(leaves), "or": Or(leaves), "at_least": AtLeast(999, leaves)})
    all_true = {f"x{i}": True for i in range(1000)}
    assert evaluate_ruleset(all_true) == {"and": T, "or": T, "at_least": T}
    assert evaluate_ruleset({**all_true, "x500": False}) == {"and": F, "or": T, "at_least": T}
    all_false_but_one_in_review = {**{f"x{i}": False for i in range(999)}, "x999__review": True}
    assert evaluate_ruleset(all_false_but_one_in_review) == {"and": F, "or": R, "at_least": F}
    assert evaluate_ruleset({"x0": False}) == {"and": F, "or": U, "at_least": U}


# -- 3. no ruleset text in the source ------------------------------------------------------------------------------

HOSTILE = ['x"); import os; os.system("false") #', "a\nb", "'''", "{__import__('os')}", "\\", "é\u2028"]


def test_field_names_thresholds_and_ids_are_bound_not_written_into_the_source():
    ruleset = {name: And((Cmp(name, "==", name), Cmp(name + "2", ">=", 1.0))) for name in HOSTILE}
    evaluate_ruleset = compile_ruleset(ruleset)
    for name in HOSTILE:
        assert name not in evaluate_ruleset.source
    facts = {HOSTILE[0]: HOSTILE[0], HOSTILE[0] + "2": 3.0, HOSTILE[1]: "other", HOSTILE[1] + "2": 3.0}
    got = evaluate_ruleset(facts)
    assert got[HOSTILE[0]] is T and got[HOSTILE[1]] is F
    assert all(got[name] is U for name in HOSTILE[2:])


def test_an_unknown_operator_is_refused_when_compiling():
    with pytest.raises(ValueError, match="unknown operator '=~'"):
        compile_ruleset({"c": Or((Cmp("a", "==", True), Cmp("b", "=~", "x")))})
